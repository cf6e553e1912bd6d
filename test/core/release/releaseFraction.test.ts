import { describe, expect, it } from "vitest";
import { colocalisation } from "../../../src/core/release/colocalisation.js";
import { dualContrastMaps } from "../../../src/core/release/dualContrast.js";
import { roiHyperthermiaQuality, temperatureIndices } from "../../../src/core/release/hyperthermiaQuality.js";
import { checkMassBalance, massBalanceSeries } from "../../../src/core/release/massBalance.js";
import { compareRelease, summariseRelease } from "../../../src/core/release/releaseComparison.js";
import {
  coReleasedDrugMm,
  releasedFraction,
  releasedFractionCurve,
  releasedFractionMap,
  releasedGdMm,
} from "../../../src/core/release/releasedFraction.js";

describe("released fraction from R1", () => {
  it("f = (R1 − R1,pre)/(R1,full − R1,pre): 0, ½, 1 at pre, midway, full", () => {
    expect(releasedFraction(0.8, 0.8, 1.6)).toBe(0);
    expect(releasedFraction(1.2, 0.8, 1.6)).toBeCloseTo(0.5, 15);
    expect(releasedFraction(1.6, 0.8, 1.6)).toBe(1);
    expect(Number.isNaN(releasedFraction(1.2, 0.8, 0.8))).toBe(true);
    const c = releasedFractionCurve([1 / 1.25, 1 / 1.0, 1 / 0.625], 0.8, 1.6);
    expect(Array.from(c.fraction).map((x) => Number(x.toFixed(12)))).toEqual([0, 0.25, 1]);
    const m = releasedFractionMap([1, 2], [0.5, 1], [1.5, 1.0]);
    expect(m[0]).toBeCloseTo(0.5, 15);
    expect(Number.isNaN(m[1])).toBe(true);
  });
  it("released Gd and co-released drug: ΔR1 = 0.4 /s, r1 4 /(mM·s) → 0.1 mM Gd, drug : Gd 0.05 → 5 µM", () => {
    const gd = releasedGdMm(0.4, 4);
    expect(gd).toBeCloseTo(0.1, 15);
    expect(coReleasedDrugMm(gd, 0.05)).toBeCloseTo(0.005, 15);
    expect(releasedGdMm(0.4, 4.5, 0.5)).toBeCloseTo(0.1, 15);
    expect(() => releasedGdMm(0.4, 1, 2)).toThrow();
  });
  it("mass balance: released + encapsulated = total at every time point", () => {
    const f = [0, 0.1, 0.37, 0.8, 1];
    for (const p of massBalanceSeries(f, 250)) {
      expect(p.released + p.encapsulated).toBeCloseTo(250, 12);
      expect(p.status).toBe("closed");
    }
    expect(massBalanceSeries([1.2], 10)[0].status).toBe("open");
    expect(checkMassBalance(60, 38, 100).status).toBe("closed");
    const open = checkMassBalance(60, 30, 100);
    expect(open.status).toBe("open");
    expect(open.relativeResidual).toBeCloseTo(-0.1, 15);
  });
  it("TSL vs non-TSL: t50 by linear interpolation, AUC by trapezoid", () => {
    const t = [0, 60, 120, 180];
    const tsl = [0, 0.4, 0.8, 0.9];
    const non = [0, 0.05, 0.1, 0.12];
    const s = summariseRelease(t, tsl);
    expect(s.t50_s).toBeCloseTo(75, 12);
    expect(s.auc_fraction_s).toBeCloseTo(60 * (0.2 + 0.6 + 0.85), 12);
    const c = compareRelease(t, tsl, non);
    expect(c.reference.t50_s).toBeNull();
    expect(c.difference.t50_s).toBeNull();
    expect(c.difference.final_fraction).toBeCloseTo(0.78, 12);
  });
});

describe("hyperthermia quality and dual contrast", () => {
  it("T10/T50/T90 are the 90th/50th/10th percentiles (numpy linear interpolation)", () => {
    // numpy.percentile([40, 41, …, 49], [90, 50, 10]) = [48.1, 44.5, 40.9]
    const v = Array.from({ length: 10 }, (_, i) => 40 + i);
    const q = temperatureIndices(v);
    expect(q.T10_C).toBeCloseTo(48.1, 12);
    expect(q.T50_C).toBeCloseTo(44.5, 12);
    expect(q.T90_C).toBeCloseTo(40.9, 12);
  });
  it("ROI summary: constant 42 °C for 10 min in half the ROI, 38 °C in the rest", () => {
    const time = [0, 300, 600];
    const temps = [42, 42, 42, 42, 42, 42, 38, 38, 38, 38, 38, 38];
    const r = roiHyperthermiaQuality(temps, time, { cem43ThresholdMin: 2 });
    expect(r.meanTime_40_43C_s).toBeCloseTo(300, 10);
    expect(r.timeAveraged.T50_C).toBeCloseTo(40, 12);
    // CEM43 at 42 °C for 10 min = 2.5 min ≥ 2 in half the voxels
    expect(r.fractionAboveDose).toBe(0.5);
    expect(r.perFrame).toHaveLength(3);
  });
  it("ΔR1/ΔR2* ratio maps, NaN where no carrier contrast", () => {
    const m = dualContrastMaps([1.5, 1.2], 1, [40, 20.5], 20);
    expect(m.deltaR1PerS[0]).toBeCloseTo(0.5, 15);
    expect(m.ratio[0]).toBeCloseTo(0.025, 15);
    expect(Number.isNaN(m.ratio[1])).toBe(true);
  });
  it("Pearson and thresholded Manders M1/M2 on a hand-computed example", () => {
    const a = [0, 2, 4, 6, 0];
    const b = [1, 0, 3, 5, 2];
    const c = colocalisation(a, b);
    // M1 = (4 + 6)/(2 + 4 + 6); M2 = (3 + 5)/(1 + 3 + 5 + 2)
    expect(c.M1).toBeCloseTo(10 / 12, 15);
    expect(c.M2).toBeCloseTo(8 / 11, 15);
    // Pearson by hand: means 2.4 and 2.2
    const da = a.map((x) => x - 2.4);
    const db = b.map((x) => x - 2.2);
    const r =
      da.reduce((s, x, i) => s + x * db[i], 0) /
      Math.sqrt(da.reduce((s, x) => s + x * x, 0) * db.reduce((s, x) => s + x * x, 0));
    expect(c.pearson).toBeCloseTo(r, 14);
    const t = colocalisation(a, b, { thresholdA: 3, thresholdB: 2.5 });
    expect(t.M1).toBeCloseTo(1, 15);
    expect(t.M2).toBeCloseTo(1, 15);
  });
});
