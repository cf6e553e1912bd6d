import { describe, expect, it } from "vitest";
import { parkerAif } from "../../../src/core/perfusion/aif.js";
import { selectAif } from "../../../src/core/perfusion/aifSelection.js";
import { createScratch, predict } from "../../../src/core/perfusion/models.js";
import { Rng } from "../../../src/core/random.js";

describe("automatic AIF selection", () => {
  it("finds the arterial voxels among tissue voxels and recovers the AIF within 5 %", () => {
    const t = Array.from({ length: 60 }, (_, i) => i * 2);
    const ca = parkerAif(t, 10);
    const rng = new Rng(9);
    const nv = 400;
    const arterial = new Set([17, 58, 99, 140, 181, 222, 263, 304, 345, 386]);
    const conc = new Float64Array(nv * t.length);
    const s = createScratch(t.length);
    const c = new Float64Array(t.length);
    for (let v = 0; v < nv; v++) {
      if (arterial.has(v)) {
        const scale = 0.95 + 0.1 * rng.uniform();
        for (let f = 0; f < t.length; f++) conc[f * nv + v] = ca[f] * scale + 0.01 * rng.normal();
      } else {
        predict(
          "etofts",
          [rng.between(0.05, 0.6), rng.between(0.1, 0.5), rng.between(0.01, 0.15)],
          t.map((x) => x / 60),
          ca,
          c,
          s,
        );
        for (let f = 0; f < t.length; f++) conc[f * nv + v] = c[f] + 0.01 * rng.normal();
      }
    }
    const sel = selectAif(conc, nv, t, { count: 8 });
    expect(sel.voxels.every((v) => arterial.has(v))).toBe(true);
    const peak = Math.max(...ca);
    const selPeak = Math.max(...sel.aif);
    expect(Math.abs(selPeak - peak) / peak).toBeLessThan(0.05);
  });
});
