import { describe, expect, it } from "vitest";
import { cem43 } from "../../../src/core/release/cem43.js";
import { driftAt, estimatePhaseDrift } from "../../../src/core/release/prfDrift.js";
import {
  PROTON_GAMMA_HZ_PER_T,
  prfDeltaT,
  prfRadPerC,
  wrapPhase,
} from "../../../src/core/release/prfThermometry.js";
import { prfVoxelModel } from "../../../src/core/release/prfVoxel.js";
import { allocChunkResult } from "../../../src/core/voxel/model.js";

const wrap = (x: number) => Math.atan2(Math.sin(x), Math.cos(x));

describe("PRF thermometry", () => {
  it("scale 2π·γ·α·B0·TE: 3 T, TE 10 ms → −0.080 rad/°C (γ = 42.577478 MHz/T, α = −0.01 ppm/°C)", () => {
    expect(PROTON_GAMMA_HZ_PER_T).toBe(42.577478e6);
    const ref = 2 * Math.PI * 42.577478e6 * -0.01e-6 * 3 * 0.01;
    expect(prfRadPerC(3, 0.01)).toBeCloseTo(ref, 15);
    expect(ref).toBeCloseTo(-0.080257, 6);
  });
  it("wrapPhase agrees with atan2(sin, cos)", () => {
    expect(wrapPhase(-Math.PI)).toBe(Math.PI); // (−π, π]
    for (const x of [-10, -3, 0, 1, Math.PI - 1e-9, 3.5, 7, 20])
      expect(wrapPhase(x)).toBeCloseTo(wrap(x), 12);
  });
  it("recovers a known ΔT from wrapped phase with a linear-in-time drift removed by the reference region", () => {
    const nf = 40;
    const nb = 5;
    const radPerC = prfRadPerC(1.5, 0.016);
    const trueDT = Array.from({ length: nf }, (_, t) =>
      t < nb ? 0 : t < 25 ? (t - nb) * 1.0 : 20 - (t - 25) * 0.5,
    );
    const drift = (t: number) => -0.03 * t; // rad, linear drift over time (reaches −1.2 rad)
    // reference voxels: unheated, offsets spread over (−π, π]
    const nRef = 30;
    const refPhase = new Float64Array(nRef * nf);
    const refIjk = new Float64Array(nRef * 3);
    for (let v = 0; v < nRef; v++) {
      const phi0 = -Math.PI + (2 * Math.PI * (v + 0.5)) / nRef;
      for (let t = 0; t < nf; t++) refPhase[v * nf + t] = wrap(phi0 + drift(t));
      refIjk.set([v, 0, 0], 3 * v);
    }
    // baseline frames drift too: the reference is the circular mean over frames 0..nb−1
    const model = estimatePhaseDrift(refPhase, refIjk, nf, nb, 0);
    const heated = Array.from({ length: nf }, (_, t) => wrap(-2.9 + radPerC * trueDT[t] + drift(t)));
    // the heated phase wraps (−2.9 − 1.7 rad < −π) — the true difference is recovered
    expect(Math.min(...heated)).toBeGreaterThan(-Math.PI);
    expect(heated.some((x) => x > 0)).toBe(true);
    const dT = prfDeltaT(
      heated,
      nb,
      radPerC,
      new Float64Array(nf),
      driftAt(model, 0, 0, 0, new Float64Array(nf)),
    );
    for (let t = 0; t < nf; t++) expect(Math.abs(dT[t] - trueDT[t])).toBeLessThan(1e-9);
    // without drift correction the error is the drift itself
    const raw = prfDeltaT(heated, nb, radPerC, new Float64Array(nf));
    expect(Math.abs(raw[nf - 1] - trueDT[nf - 1])).toBeGreaterThan(10);
  });
  it("a spatially linear drift (order 1) is removed at heated voxels outside the reference set", () => {
    const nf = 20;
    const nb = 4;
    const radPerC = prfRadPerC(3, 0.01);
    const drift = (t: number, i: number, j: number) => 0.01 * t + 0.004 * t * i - 0.003 * t * j;
    const ref: number[][] = [];
    for (let i = 0; i < 16; i++)
      for (let j = 0; j < 16; j++) if (i < 3 || i > 12 || j < 3 || j > 12) ref.push([i, j]);
    const refPhase = new Float64Array(ref.length * nf);
    const refIjk = new Float64Array(ref.length * 3);
    ref.forEach(([i, j], v) => {
      for (let t = 0; t < nf; t++) refPhase[v * nf + t] = wrap(0.3 * i - 0.2 * j + drift(t, i, j));
      refIjk.set([i, j, 0], 3 * v);
    });
    const model = estimatePhaseDrift(refPhase, refIjk, nf, nb, 1);
    const trueDT = Array.from({ length: nf }, (_, t) => (t < nb ? 0 : 2 * (t - nb + 1)));
    const curves = new Float64Array(3 * nf);
    const pos = [
      [8, 8],
      [5, 10],
      [11, 6],
    ];
    pos.forEach(([i, j], v) => {
      for (let t = 0; t < nf; t++)
        curves[v * nf + t] = wrap(1 + 0.3 * i + radPerC * trueDT[t] + drift(t, i, j));
    });
    const timeS = Array.from({ length: nf }, (_, t) => 10 * t);
    const opts = { teS: 0.01, fieldT: 3, baselineFrames: nb, timeS, bodyTempC: 37, drift: model };
    prfVoxelModel.validate?.(opts, nf);
    const np = prfVoxelModel.parameters(opts).length;
    expect(np).toBe(nf + 3);
    const out = allocChunkResult(3, np);
    prfVoxelModel.fitChunk(curves, nf, opts, out, {
      i: Float64Array.from(pos.map((p) => p[0])),
      j: Float64Array.from(pos.map((p) => p[1])),
      k: new Float64Array(3),
    });
    const absT = trueDT.map((d) => 37 + d);
    for (let v = 0; v < 3; v++) {
      expect(out.status[v]).toBe(0);
      for (let t = 0; t < nf; t++) expect(Math.abs(out.params[v * np + t] - trueDT[t])).toBeLessThan(1e-8);
      const dose = cem43(timeS, absT);
      expect(Math.abs(out.params[v * np + nf] - dose) / dose).toBeLessThan(1e-8);
      expect(out.params[v * np + nf + 1]).toBeCloseTo(37 + trueDT[nf - 1], 7);
    }
  });
  it("voxels with a non-finite phase get status 2 and NaN", () => {
    const nf = 6;
    const opts = { teS: 0.01, fieldT: 3, baselineFrames: 2, timeS: [0, 1, 2, 3, 4, 5] };
    const out = allocChunkResult(1, nf + 3);
    prfVoxelModel.fitChunk(Float64Array.from([0, 0, Number.NaN, 0, 0, 0]), nf, opts, out);
    expect(out.status[0]).toBe(2);
    expect(Number.isNaN(out.params[nf])).toBe(true);
    expect(() => prfVoxelModel.validate?.({ ...opts, baselineFrames: 6 }, nf)).toThrow(/baseline/);
  });
});
