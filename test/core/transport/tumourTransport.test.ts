/**
 * Vascular density readings of core/transport/tumourTransport.ts: a "relative" map keeps the
 * given mean S/V (a constant factor changes nothing); a "bloodVolumeFraction" map sets S/V =
 * 2·vb/r_c per cell (cylinders of radius r_c: surface 2πrL over volume πr²L, times vb), so a
 * uniform vb of 5 % at r_c = 5 µm is the Baxter–Jain 200 1/cm, and a better-vascularised tumour
 * (twice vb) takes up more.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { gridMesh } from "../../../src/core/transport/fvMesh.js";
import { solveTransport } from "../../../src/core/transport/particleTransport.js";
import {
  simulateTumourTransport,
  tumourTransportProblem,
} from "../../../src/core/transport/tumourTransport.js";

const N = 8;
const mesh = gridMesh(new Uint8Array(N * N * N).fill(1), [N, N, N], [0.2, 0.2, 0.2]);
const n = mesh.nCells;
const times = [1, 6];
const base = { mesh, sizeNm: 20, reportTimesH: times };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("tumour transport: vascular density maps", () => {
  it("uniform vb 5 % at r_c 5 µm is S/V 200 1/cm: the no-map solution (rel. ≤ 1e-12)", () => {
    const ref = simulateTumourTransport({ ...base, svPerCm: 200 });
    const vb = simulateTumourTransport({
      ...base,
      vascularMap: new Float64Array(n).fill(0.05),
      vascularMapKind: "bloodVolumeFraction",
      capillaryRadiusUm: 5,
    });
    expect(rel(vb.parameters.sv_mean_per_cm, 200)).toBeLessThan(1e-12);
    times.forEach((_, i) =>
      expect(rel(vb.transport.reports[i].meanConc, ref.transport.reports[i].meanConc)).toBeLessThan(1e-12),
    );
  });

  it("S/V = 2·vb/r_c per cell; a relative map scaled by a constant changes nothing", () => {
    const vb = Float64Array.from({ length: n }, (_, i) => 0.01 + (0.08 * i) / n);
    const mean = vb.reduce((a, b) => a + b, 0) / n;
    const p = tumourTransportProblem({
      ...base,
      vascularMap: vb,
      vascularMapKind: "bloodVolumeFraction",
      capillaryRadiusUm: 8,
    });
    expect(rel(p.parameters.sv_mean_per_cm, (2 * mean) / 8e-4)).toBeLessThan(1e-12);
    const a = simulateTumourTransport({ ...base, vascularMap: vb });
    const b = simulateTumourTransport({ ...base, vascularMap: vb.map((x) => 7 * x) });
    expect(rel(a.parameters.sv_mean_per_cm, 200)).toBeLessThan(1e-12);
    times.forEach((_, i) =>
      expect(rel(b.transport.reports[i].meanConc, a.transport.reports[i].meanConc)).toBeLessThan(1e-12),
    );
  });

  it("twice the blood volume: more exchange surface, more uptake (1.15–2×); a relative map cannot tell", () => {
    const lo = new Float64Array(n).fill(0.03);
    const hi = new Float64Array(n).fill(0.06);
    const kind = "bloodVolumeFraction" as const;
    const cLo = simulateTumourTransport({ ...base, vascularMap: lo, vascularMapKind: kind });
    const cHi = simulateTumourTransport({ ...base, vascularMap: hi, vascularMapKind: kind });
    // uptake a = Jv/V·(1 − σ)·… + P·S/V·…: both ∝ S/V at a fixed IFP; the IFP rises with Lp·S/V,
    // so doubling vb raises the early uptake by more than 15 % and at most 2×
    const ratio = cHi.transport.reports[0].meanConc / cLo.transport.reports[0].meanConc;
    expect(ratio).toBeGreaterThan(1.15);
    expect(ratio).toBeLessThan(2);
    const rLo = simulateTumourTransport({ ...base, vascularMap: lo });
    const rHi = simulateTumourTransport({ ...base, vascularMap: hi });
    expect(rel(rHi.transport.reports[0].meanConc, rLo.transport.reports[0].meanConc)).toBeLessThan(1e-12);
  });

  it("rkl2 from t = 0 (start-up ramp): within 1.5 % of fine explicit steps at 1 and 4 h; without the ramp 22 % low at 1 h", () => {
    // a 12³-voxel sphere of 0.25 mm voxels, 20 nm: the filling transient is shorter than 1 h
    const n12 = 12;
    const ball = new Uint8Array(n12 ** 3);
    for (let k = 0, v = 0; k < n12; k++)
      for (let j = 0; j < n12; j++)
        for (let i = 0; i < n12; i++, v++) ball[v] = Math.hypot(i - 5.5, j - 5.5, k - 5.5) <= 5.5 ? 1 : 0;
    const m = gridMesh(ball, [n12, n12, n12], [0.25, 0.25, 0.25]);
    const { problem } = tumourTransportProblem({ mesh: m, sizeNm: 20, reportTimesH: [1, 4] });
    const ref = solveTransport({ ...problem, maxDtS: 30 }).reports.map((r) => r.meanConc);
    const ramp = solveTransport({ ...problem, scheme: "rkl2", superStepS: 3600 }).reports.map(
      (r) => r.meanConc,
    );
    const flat = solveTransport({
      ...problem,
      scheme: "rkl2",
      superStepS: 3600,
      startupRamp: false,
    }).reports.map((r) => r.meanConc);
    ramp.forEach((c, i) => expect(rel(c, ref[i]), `${[1, 4][i]} h`).toBeLessThan(0.015));
    expect(rel(flat[0], ref[0])).toBeGreaterThan(0.1);
  });

  it("refuses a blood volume fraction outside [0, 1], a kind without a map, r_c ≤ 0", () => {
    const kind = "bloodVolumeFraction" as const;
    expect(() =>
      tumourTransportProblem({ ...base, vascularMap: new Float64Array(n).fill(1.2), vascularMapKind: kind }),
    ).toThrow(InputError);
    expect(() => tumourTransportProblem({ ...base, vascularMapKind: kind })).toThrow(InputError);
    expect(() =>
      tumourTransportProblem({
        ...base,
        vascularMap: new Float64Array(n).fill(0.05),
        vascularMapKind: kind,
        capillaryRadiusUm: 0,
      }),
    ).toThrow(InputError);
  });
});
