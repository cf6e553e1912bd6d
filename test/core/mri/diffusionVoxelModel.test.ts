/**
 * Voxel model "dwi" (adc and ivim). References: analytic curves (OSIPI b-values and tissue
 * parameters); the status/NaN contract of src/core/voxel/model.ts; the engine registry.
 */
import { describe, expect, it } from "vitest";
import { ivimSignal } from "../../../src/core/mri/diffusion.js";
import { dwiVoxelModel } from "../../../src/core/mri/dwiVoxelModel.js";
import { allocChunkResult, VOXEL_INVALID, VOXEL_OK } from "../../../src/core/voxel/model.js";
import { runVoxelMap } from "../../../src/engine/voxelwise/index.js";

const b = [0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 250, 350, 400, 550, 700, 850, 1000];

describe("dwi voxel model", () => {
  it("ivim fitChunk: f, D, D*, S0 per voxel (1e-6 relative)", () => {
    const tissues = [
      [0.11, 0.0015, 0.1],
      [0.15, 0.0013, 0.01],
      [0.2, 0.0013, 0.03],
    ];
    const curves = new Float64Array((tissues.length + 1) * b.length);
    tissues.forEach(([f, d, ds], k) => curves.set(ivimSignal(b, 1000, f, d, ds), k * b.length));
    curves.fill(-1, tissues.length * b.length); // no positive signal: invalid
    const o = { bValues: b, model: "ivim" as const };
    expect(dwiVoxelModel.parameters(o).map((p) => p.key)).toEqual([
      "f",
      "D_mm2_per_s",
      "Dstar_mm2_per_s",
      "S0",
    ]);
    const out = allocChunkResult(tissues.length + 1, 4);
    dwiVoxelModel.fitChunk(curves, b.length, o, out);
    tissues.forEach(([f, d, ds], k) => {
      expect(out.status[k]).toBe(VOXEL_OK);
      expect(Math.abs(out.params[4 * k] / f - 1)).toBeLessThan(1e-6);
      expect(Math.abs(out.params[4 * k + 1] / d - 1)).toBeLessThan(1e-6);
      expect(Math.abs(out.params[4 * k + 2] / ds - 1)).toBeLessThan(1e-6);
      expect(Math.abs(out.params[4 * k + 3] / 1000 - 1)).toBeLessThan(1e-6);
    });
    expect(out.status[tissues.length]).toBe(VOXEL_INVALID);
    expect(Number.isNaN(out.params[4 * tissues.length])).toBe(true);
  });
  it("adc through the engine", async () => {
    const bb = [0, 200, 500, 800];
    const nv = 5;
    const data = new Float64Array(nv * bb.length);
    for (let i = 0; i < bb.length; i++)
      for (let v = 0; v < nv; v++) data[i * nv + v] = 900 * Math.exp(-bb[i] * 0.0005 * (v + 1));
    const res = await runVoxelMap({
      model: "dwi",
      options: { bValues: bb, model: "adc", method: "nonlinear" },
      data,
      nVoxels: nv,
      nSamples: bb.length,
      threads: 1,
    });
    for (let v = 0; v < nv; v++) expect(res.params.ADC_mm2_per_s[v]).toBeCloseTo(0.0005 * (v + 1), 12);
  });
  it("options are validated", () => {
    expect(() => dwiVoxelModel.validate?.({ bValues: b, model: "adc", method: "full" }, b.length)).toThrow(
      /method/,
    );
    expect(() => dwiVoxelModel.validate?.({ bValues: [0, 100], model: "ivim" }, 2)).toThrow();
  });
});
