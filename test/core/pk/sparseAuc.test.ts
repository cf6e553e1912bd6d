import { describe, expect, it } from "vitest";
import { sparseAuc } from "../../../src/core/pk/sparseAuc.js";

describe("sparse-sampling AUC (Bailer 1988)", () => {
  // times 0, 1, 3 h; weights w = (0.5, 1.5, 1.0)
  // means 0, 10, 4; variances 0, 4 (values 8, 12 → s² = 8), 2 (values 3, 5 → s² = 2)
  const pts = [
    { time: 0, values: [0, 0] },
    { time: 1, values: [8, 12] },
    { time: 3, values: [3, 5] },
  ];
  const r = sparseAuc(pts, { ci: "satterthwaite" });
  it("AUC = Σ w_i·mean_i", () => expect(r.auc).toBeCloseTo(0.5 * 0 + 1.5 * 10 + 1.0 * 4, 12));
  it("Var = Σ w_i²·s_i²/n_i", () => {
    const v = (1.5 ** 2 * 8) / 2 + (1.0 ** 2 * 2) / 2; // 9 + 1 = 10
    expect(r.se).toBeCloseTo(Math.sqrt(v), 12);
  });
  it("Satterthwaite df and t-based CI", () => {
    // a = (9, 1): df = 10² / (81/1 + 1/1) = 100/82
    expect(r.df).toBeCloseTo(100 / 82, 12);
    expect(r.ciUpper - r.auc).toBeCloseTo(r.auc - r.ciLower, 10);
    // t quantile with 1.2195 df at 0.975 is about 9.7 (wide: only two animals per time)
    expect((r.ciUpper - r.auc) / r.se).toBeGreaterThan(8);
  });
  it("normal CI uses z = 1.959964", () => {
    const z = sparseAuc(pts);
    expect((z.ciUpper - z.auc) / z.se).toBeCloseTo(1.959963984540054, 10);
  });
  it("rejects duplicate times and empty time points", () => {
    expect(() =>
      sparseAuc([
        { time: 1, values: [1] },
        { time: 1, values: [2] },
      ]),
    ).toThrow(/distinct sampling times/);
    expect(() =>
      sparseAuc([
        { time: 1, values: [] },
        { time: 2, values: [2] },
      ]),
    ).toThrow(/at least one measured value/);
  });
});
