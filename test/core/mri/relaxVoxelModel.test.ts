/**
 * Voxel model "relax" (fitChunk contract and the engine registry). Reference: analytic
 * mono-exponential and offset curves; the status/NaN contract of src/core/voxel/model.ts.
 */
import { describe, expect, it } from "vitest";
import { relaxVoxelModel } from "../../../src/core/mri/relaxVoxelModel.js";
import { allocChunkResult, VOXEL_INVALID, VOXEL_OK } from "../../../src/core/voxel/model.js";
import { runVoxelMap } from "../../../src/engine/voxelwise/index.js";

const te = [8, 16, 24, 32, 40, 48, 56, 64];

describe("relax voxel model", () => {
  it("fitChunk writes T2_ms, R2_per_s, S0 per voxel and flags invalid curves", () => {
    const t2 = [12, 30, 55, 90];
    const curves = new Float64Array((t2.length + 1) * te.length);
    t2.forEach((v, k) => te.forEach((t, i) => (curves[k * te.length + i] = 700 * Math.exp(-t / v))));
    curves[t2.length * te.length + 2] = Number.NaN;
    const out = allocChunkResult(t2.length + 1, 3);
    const o = { teMs: te };
    expect(relaxVoxelModel.parameters(o).map((p) => p.key)).toEqual(["T2_ms", "R2_per_s", "S0"]);
    relaxVoxelModel.fitChunk(curves, te.length, o, out);
    t2.forEach((v, k) => {
      expect(out.status[k]).toBe(VOXEL_OK);
      expect(Math.abs(out.params[3 * k] / v - 1)).toBeLessThan(1e-7);
      expect(out.params[3 * k + 1]).toBeCloseTo(1000 / v, 5);
      expect(out.params[3 * k + 2]).toBeCloseTo(700, 4);
    });
    expect(out.status[t2.length]).toBe(VOXEL_INVALID);
    expect(Number.isNaN(out.params[3 * t2.length])).toBe(true);
  });
  it("offset model has a 4th parameter; options are validated", () => {
    expect(relaxVoxelModel.parameters({ teMs: te, model: "offset" }).map((p) => p.key)).toContain("offset");
    expect(() => relaxVoxelModel.validate?.({ teMs: [10, 20] }, 3)).toThrow();
    expect(() => relaxVoxelModel.validate?.({ teMs: te, model: "bogus" as "mono" }, te.length)).toThrow();
  });
  it('runs through the engine (registry name "relax")', async () => {
    const nv = 6;
    const data = new Float64Array(nv * te.length);
    for (let i = 0; i < te.length; i++)
      for (let v = 0; v < nv; v++) data[i * nv + v] = 100 * Math.exp(-te[i] / (20 + v)) + 5;
    const res = await runVoxelMap({
      model: "relax",
      options: { teMs: te, model: "offset" },
      data,
      nVoxels: nv,
      nSamples: te.length,
      threads: 1,
    });
    for (let v = 0; v < nv; v++) {
      expect(res.status[v]).toBe(0);
      expect(Math.abs(res.params.T2_ms[v] / (20 + v) - 1)).toBeLessThan(1e-6);
      expect(res.params.offset[v]).toBeCloseTo(5, 5);
    }
  });
});
