import { describe, expect, it } from "vitest";
import { fmtOrganAmounts } from "../../../src/core/optical/fmtQuantification.js";
import { friRoiRadiantEfficiency } from "../../../src/core/optical/friRoi.js";
import { applyCalibration, fitLinearCalibration } from "../../../src/core/optical/linearCalibration.js";
import { fitMpiCalibration, mpiRoiIron } from "../../../src/core/optical/mpiCalibration.js";
import { compareTimeCourses, curveMetrics } from "../../../src/core/optical/timeCourseComparison.js";

describe("calibrations", () => {
  it("exact line y = 2 + 3x: slope, intercept, inverse prediction", () => {
    const x = [0, 1, 2, 5, 10];
    const c = fitLinearCalibration(
      x,
      x.map((v) => 2 + 3 * v),
    );
    expect(c.slope).toBeCloseTo(3, 12);
    expect(c.intercept).toBeCloseTo(2, 12);
    expect(applyCalibration(c, 17).amount).toBeCloseTo(5, 12);
  });
  it("LOD = 3.3σ/m and LOQ = 10σ/m with σ the residual SD (ICH Q2), checked by hand formulas", () => {
    const x = [0, 1, 2, 3, 4, 5];
    const y = [0.1, 2.0, 4.2, 5.9, 8.1, 9.9];
    const c = fitLinearCalibration(x, y);
    // closed-form simple regression
    const n = x.length;
    const mx = x.reduce((a, b) => a + b) / n;
    const my = y.reduce((a, b) => a + b) / n;
    const sxy = x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0);
    const sxx = x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
    const m = sxy / sxx;
    const b = my - m * mx;
    const sigma = Math.sqrt(x.reduce((s, xi, i) => s + (y[i] - b - m * xi) ** 2, 0) / (n - 2));
    expect(c.slope).toBeCloseTo(m, 12);
    expect(c.intercept).toBeCloseTo(b, 12);
    expect(c.lod).toBeCloseTo((3.3 * sigma) / m, 12);
    expect(c.loq).toBeCloseTo((10 * sigma) / m, 12);
    const blank = fitLinearCalibration(x, y, { blankSignals: [0.1, 0.3, 0.2, 0.2] });
    expect(blank.sigmaSource).toBe("blank");
    expect(blank.lod).toBeCloseTo((3.3 * Math.sqrt(0.02 / 3)) / m, 12);
  });
  it("MPI: signal linear in iron mass; ROI iron and concentration", () => {
    const fe = [0, 5, 10, 20, 40];
    const cal = fitMpiCalibration(
      fe,
      fe.map((v) => 12 * v),
      { throughOrigin: true },
    );
    expect(cal.slope).toBeCloseTo(12, 12);
    const r = mpiRoiIron(cal, 180, 0.5);
    expect(r.iron_ug).toBeCloseTo(15, 12);
    expect(r.iron_ug_per_mL).toBeCloseTo(30, 12);
  });
});

describe("FMT organ amounts and FRI radiant efficiency", () => {
  it("10 nM in 1 mL = 10 pmol = 10 %ID of 100 pmol", () => {
    const conc = new Float64Array(2000);
    const labels = new Float64Array(2000);
    for (let v = 0; v < 1000; v++) {
      conc[v] = 10;
      labels[v] = 1;
    }
    for (let v = 1000; v < 1500; v++) {
      conc[v] = 4;
      labels[v] = 2;
    }
    const r = fmtOrganAmounts(conc, labels, 1, { injectedPmol: 100, names: { 1: "liver", 2: "tumour" } });
    expect(r[0].name).toBe("liver");
    expect(r[0].amount_pmol).toBeCloseTo(10, 12);
    expect(r[0].percentID).toBeCloseTo(10, 12);
    expect(r[0].volume_mL).toBeCloseTo(1, 12);
    expect(r[1].amount_pmol).toBeCloseTo(2, 12);
    expect(r[1].percentID_per_mL).toBeCloseTo(4, 12);
  });
  it("FRI: total = Σ value·pixel area, background-corrected", () => {
    const img = [5, 5, 5, 1, 1, 0];
    const rois = [1, 1, 1, 9, 9, 0];
    const [r] = friRoiRadiantEfficiency(img, rois, 0.01, { backgroundRoi: 9 });
    expect(r.total_radiant_efficiency).toBeCloseTo(0.15, 15);
    expect(r.corrected_total_radiant_efficiency).toBeCloseTo(0.12, 15);
    expect(r.mean_radiant_efficiency).toBe(5);
  });
});

describe("two carriers in the same animals: AUC, peak, TTP with CIs", () => {
  it("per-curve metrics by trapezoid", () => {
    const m = curveMetrics([0, 1, 2, 4], [0, 4, 2, 0]);
    expect(m.auc).toBeCloseTo(2 + 3 + 2, 15);
    expect(m.peak).toBe(4);
    expect(m.ttp_s).toBe(1);
  });
  it("paired differences: t CI = d̄ ± t(0.975, 4)·s/√5 with the tabulated t = 2.776445", () => {
    const t = [0, 1, 2, 3, 4];
    // targeted (a) peaks at t = 1, passive (b) at t = 3 with higher AUC
    const scales = [1, 1.2, 0.9, 1.1, 1.05];
    const animals = scales.map((s, i) => ({
      id: `m${i}`,
      timeS: t,
      a: [0, 5 * s, 3 * s, 1 * s, 0.5 * s],
      b: [0, 2, 4 + i * 0.1, 6, 3],
    }));
    const c = compareTimeCourses(animals, { seed: 5 });
    expect(c.status).toBe("ok");
    const d = animals.map((an) => {
      const auc = (y: number[]) => y.slice(1).reduce((s, v, k) => s + (v + y[k]) / 2, 0);
      return auc(an.a) - auc(an.b);
    });
    const mean = d.reduce((x, y) => x + y) / 5;
    const sd = Math.sqrt(d.reduce((s, x) => s + (x - mean) ** 2, 0) / 4);
    const half = (2.7764451051977987 * sd) / Math.sqrt(5);
    expect(c.difference.auc.mean).toBeCloseTo(mean, 12);
    expect(c.difference.auc.tCi?.[0]).toBeCloseTo(mean - half, 6);
    expect(c.difference.auc.tCi?.[1]).toBeCloseTo(mean + half, 6);
    expect(c.difference.ttp_s.mean).toBe(-2);
    const [lo, hi] = c.difference.auc.bootstrapCi as [number, number];
    expect(lo).toBeLessThanOrEqual(mean);
    expect(hi).toBeGreaterThanOrEqual(mean);
    expect(lo).toBeGreaterThanOrEqual(Math.min(...d));
    expect(hi).toBeLessThanOrEqual(Math.max(...d));
    const single = compareTimeCourses(animals.slice(0, 1));
    expect(single.status).toBe("single-animal");
    expect(single.difference.auc.tCi).toBeNull();
  });
});
