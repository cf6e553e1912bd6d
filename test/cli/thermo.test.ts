import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "thermo-cli-"));
const wrap = (x: number) => Math.atan2(Math.sin(x), Math.cos(x));
const closedRamp = (dtMin: number, t0: number, t1: number, r: number) =>
  (dtMin * (r ** (43 - t0) - r ** (43 - t1))) / ((t1 - t0) * Math.log(r));

describe("eprscope thermo cem43", () => {
  it("constant and ramped curves → { curve, CEM43_min, Tmax_C, time_40_43C_s }", () => {
    const f = join(dir, "temps.csv");
    writeFileSync(f, "time_s,hold43,ramp\n0,43,41\n600,43,45\n");
    const out = runCliJson<{ curve: string; CEM43_min: number; Tmax_C: number; time_40_43C_s: number }[]>([
      "thermo",
      "cem43",
      f,
    ]);
    expect(out.map((r) => r.curve)).toEqual(["hold43", "ramp"]);
    expect(out[0].CEM43_min).toBeCloseTo(10, 10);
    expect(out[0].time_40_43C_s).toBeCloseTo(600, 10);
    const ref = closedRamp(5, 41, 43, 0.25) + closedRamp(5, 43, 45, 0.5);
    expect(Math.abs(out[1].CEM43_min - ref) / ref).toBeLessThan(1e-12);
    expect(out[1].Tmax_C).toBe(45);
    expect(out[1].time_40_43C_s).toBeCloseTo(300, 10);
    expect(Object.keys(out[0])).toEqual(["curve", "CEM43_min", "Tmax_C", "time_40_43C_s"]);
  });
  it("non-increasing times exit 2", () => {
    const f = join(dir, "bad.csv");
    writeFileSync(f, "time_s,a\n0,37\n0,38\n");
    expect(runCli(["thermo", "cem43", f, "--json"]).code).toBe(2);
  });
});

describe("eprscope thermo prf", () => {
  // 8×8×2 voxels, 30 frames of 5 s; a heated 2×2 spot; an unheated reference border; global drift
  const [nx, ny, nz, nf, nb] = [8, 8, 2, 30, 4];
  const nv = nx * ny * nz;
  const radPerC = 2 * Math.PI * 42.577478e6 * -0.01e-6 * 3 * 0.012;
  const dTtrue = (t: number) => (t < nb ? 0 : Math.min(12, 1.5 * (t - nb + 1)));
  const heated = (i: number, j: number) => i >= 3 && i <= 4 && j >= 3 && j <= 4;
  const data = new Float32Array(nv * nf);
  const dmask = new Float32Array(nv);
  for (let v = 0; v < nv; v++) {
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    if (i === 0 || j === 0 || i === nx - 1 || j === ny - 1) dmask[v] = 1;
    const phi0 = -3 + 0.7 * i - 0.4 * j; // offsets that make the heated phase wrap
    for (let t = 0; t < nf; t++)
      data[t * nv + v] = wrap(phi0 + (heated(i, j) ? radPerC * dTtrue(t) : 0) + 0.04 * t);
  }
  const geom = { spacingMm: [1, 1, 2] as [number, number, number], affine: identityAffine([1, 1, 2]) };
  const phasePath = join(dir, "phase.nii.gz");
  const maskPath = join(dir, "border.nii.gz");
  writeNifti(phasePath, { ...geom, dims: [nx, ny, nz, nf], data, frameS: 5 });
  writeNifti(maskPath, { ...geom, dims: [nx, ny, nz], data: dmask });

  it("writes dT_C (4D) and CEM43_min maps; ΔT recovered through wrapping and drift", () => {
    const outDir = join(dir, "prf_out");
    const s = runCliJson<{
      frames: number;
      frame_s: number;
      files: string[];
      drift: { reference_voxels: number };
    }>([
      "thermo",
      "prf",
      phasePath,
      "--te-ms",
      "12",
      "--field-t",
      "3",
      "--baseline-frames",
      String(nb),
      "--drift-mask",
      maskPath,
      "--threads",
      "1",
      "--out",
      outDir,
    ]);
    expect(s.frames).toBe(nf);
    expect(s.frame_s).toBe(5);
    expect(s.drift.reference_voxels).toBe(2 * (2 * nx + 2 * ny - 4));
    expect(s.files).toContain("dT_C.nii.gz");
    const dT = readNifti(join(outDir, "dT_C.nii.gz"));
    expect(dT.dims).toEqual([nx, ny, nz, nf]);
    const v = 3 + 3 * nx + nx * ny; // heated voxel in slice 1
    const u = 1 + 6 * nx; // unheated
    for (let t = 0; t < nf; t++) {
      expect(Math.abs(dT.data[t * nv + v] - dTtrue(t))).toBeLessThan(1e-4); // float32 phase input (≈ 3e-6 °C rounding)
      expect(Math.abs(dT.data[t * nv + u])).toBeLessThan(1e-4);
    }
    const cem = readNifti(join(outDir, "CEM43_min.nii.gz"));
    expect(cem.dims.slice(0, 3)).toEqual([nx, ny, nz]);
    // reference dose of the true curve (37 °C + ΔT), piecewise linear, by fine Simpson quadrature
    let ref = 0;
    for (let t = 1; t < nf; t++) {
      const a = 37 + dTtrue(t - 1);
      const b = 37 + dTtrue(t);
      const n = 200;
      const g = (x: number) => (x >= 43 ? 0.5 : 0.25) ** (43 - x);
      let acc = g(a) + g(b);
      for (let k = 1; k < n; k++) acc += (k % 2 ? 4 : 2) * g(a + ((b - a) * k) / n);
      ref += (acc * (5 / n)) / 3 / 60;
    }
    expect(Math.abs(cem.data[v] - ref) / ref).toBeLessThan(1e-4);
  });
  it("refuses --out equal to the input, and a baseline as long as the series (exit 2)", () => {
    expect(
      runCli([
        "thermo",
        "prf",
        phasePath,
        "--te-ms",
        "12",
        "--field-t",
        "3",
        "--baseline-frames",
        "4",
        "--out",
        phasePath,
      ]).code,
    ).toBe(2);
    expect(
      runCli([
        "thermo",
        "prf",
        phasePath,
        "--te-ms",
        "12",
        "--field-t",
        "3",
        "--baseline-frames",
        "30",
        "--out",
        join(dir, "x"),
      ]).code,
    ).toBe(2);
  });
});
