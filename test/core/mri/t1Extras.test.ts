import { describe, expect, it } from "vitest";
import { fitInversionRecovery, irSignal } from "../../../src/core/mri/inversionRecovery.js";
import { spgrSignal, vfaNonlinear } from "../../../src/core/mri/spgr.js";
import { parkerAif } from "../../../src/core/perfusion/aif.js";
import { createScratch, predict } from "../../../src/core/perfusion/models.js";
import { referenceRegionFit } from "../../../src/core/perfusion/referenceRegion.js";

describe("T1 extras", () => {
  it("inversion recovery recovers T1, M0 and efficiency from noise-free magnitude data to 1e-6", () => {
    const ti = [0.05, 0.1, 0.2, 0.4, 0.8, 1.2, 2, 3, 5];
    const s = ti.map((x) => irSignal(800, 1.3, x, 0.95));
    const f = fitInversionRecovery(s, ti);
    expect(f.converged).toBe(true);
    expect(Math.abs(f.t1S - 1.3) / 1.3).toBeLessThan(1e-6);
    expect(Math.abs(f.efficiency - 0.95)).toBeLessThan(1e-6);
  });
  it("B1-corrected VFA recovers T1 when the true flip angles are 85 % of nominal", () => {
    const fa = [2, 5, 10, 15];
    const s = fa.map((a) => spgrSignal(1000, 1 / 1.2, 0.005, 0.85 * a));
    expect(Math.abs(vfaNonlinear(s, fa, 0.005, 0.85).t1S - 1.2)).toBeLessThan(1e-6);
    expect(Math.abs(vfaNonlinear(s, fa, 0.005).t1S - 1.2)).toBeGreaterThan(0.1); // uncorrected is biased
  });
});

describe("reference-region model", () => {
  it("recovers tumour Ktrans and ve from Tofts curves of tumour and muscle (no AIF)", () => {
    const t = Array.from({ length: 300 }, (_, i) => i * 2);
    const tMin = t.map((x) => x / 60);
    const cp = parkerAif(t, 20);
    const s = createScratch(t.length);
    const muscle = Float64Array.from(predict("tofts", [0.1, 0.1], tMin, cp, new Float64Array(t.length), s));
    const tumour = Float64Array.from(predict("tofts", [0.25, 0.4], tMin, cp, new Float64Array(t.length), s));
    const f = referenceRegionFit(t, tumour, muscle, { ktransPerMin: 0.1, ve: 0.1 });
    expect(Math.abs(f.Ktrans_per_min - 0.25) / 0.25).toBeLessThan(0.02);
    expect(Math.abs(f.ve - 0.4) / 0.4).toBeLessThan(0.02);
    expect(Math.abs(f.kepReference_per_min - 1) / 1).toBeLessThan(0.02);
  });
});
