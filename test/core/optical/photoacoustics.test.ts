import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  HB_EXTINCTION_PER_CM_M,
  HB_WAVELENGTH_NM,
  HBO2_EXTINCTION_PER_CM_M,
} from "../../../src/core/optical/hbExtinction.js";
import { photoacousticMatrix, unmixOxygenation } from "../../../src/core/optical/photoacoustics.js";
import { unmixVoxelModel } from "../../../src/core/optical/unmixVoxel.js";
import { allocChunkResult } from "../../../src/core/voxel/model.js";
import { REF } from "../../helpers/cli.js";

describe("photoacoustic / MSOT unmixing with Prahl's Hb/HbO2 table", () => {
  it("the built-in table equals test/reference/optical/hb_extinction_prahl.csv (Prahl, OMLC)", () => {
    const lines = readFileSync(`${REF}/optical/hb_extinction_prahl.csv`, "utf8").trim().split("\n").slice(1);
    expect(lines).toHaveLength(HB_WAVELENGTH_NM.length);
    lines.forEach((l, i) => {
      const [w, o2, hb] = l.split(",").map(Number);
      expect(HB_WAVELENGTH_NM[i]).toBe(w);
      expect(HBO2_EXTINCTION_PER_CM_M[i]).toBe(o2);
      expect(HB_EXTINCTION_PER_CM_M[i]).toBe(hb);
    });
    // isosbestic point near 800 nm: Hb and HbO2 within 8 % there
    const i800 = HB_WAVELENGTH_NM.indexOf(800);
    expect(
      Math.abs(HB_EXTINCTION_PER_CM_M[i800] - HBO2_EXTINCTION_PER_CM_M[i800]) /
        HBO2_EXTINCTION_PER_CM_M[i800],
    ).toBeLessThan(0.08);
  });
  it("recovers sO2 = 0.7 and a nanoparticle absorber from a noise-free 6-wavelength spectrum", () => {
    const wl = [700, 730, 760, 800, 850, 900];
    const np = { name: "ICG-NP", wavelengthNm: [700, 900], values: [2000, 500] };
    const mat = photoacousticMatrix(wl, [np]);
    const hb = 0.3e-3;
    const o2 = 0.7e-3;
    const npc = 0.2e-3;
    const signal = wl.map((w) => {
      const j = HB_WAVELENGTH_NM.indexOf(w);
      const npEps = 2000 + ((500 - 2000) * (w - 700)) / 200;
      return hb * HB_EXTINCTION_PER_CM_M[j] + o2 * HBO2_EXTINCTION_PER_CM_M[j] + npc * npEps;
    });
    const r = unmixOxygenation(mat, signal);
    expect(Math.abs(r.sO2 - 0.7)).toBeLessThan(1e-9);
    expect(Math.abs(r.totalHb - 1e-3) / 1e-3).toBeLessThan(1e-9);
    expect(Math.abs(r.extra["ICG-NP"] - npc) / npc).toBeLessThan(1e-8);
    expect(() => photoacousticMatrix([650, 700])).toThrow(/700–900/);
  });
  it("voxel model reports sO2 when Hb and HbO2 are components", () => {
    const wl = [700, 750, 800, 850];
    const mat = photoacousticMatrix(wl);
    const opts = { names: mat.names, wavelengthNm: mat.wavelengthNm, a: Array.from(mat.a) };
    const keys = unmixVoxelModel.parameters(opts).map((p) => p.key);
    expect(keys).toEqual(["Hb", "HbO2", "sO2"]);
    const s = wl.map((w) => {
      const j = HB_WAVELENGTH_NM.indexOf(w);
      return 0.45 * HB_EXTINCTION_PER_CM_M[j] + 0.55 * HBO2_EXTINCTION_PER_CM_M[j];
    });
    const out = allocChunkResult(1, 3);
    unmixVoxelModel.fitChunk(Float64Array.from(s), 4, opts, out);
    expect(out.params[2]).toBeCloseTo(0.55, 10);
  });
});
