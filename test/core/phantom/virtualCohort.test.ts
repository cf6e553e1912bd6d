import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectedRocAuc, virtualCohort } from "../../../src/core/phantom/virtualCohort.js";
import { Rng } from "../../../src/core/random.js";
import { logisticRegression } from "../../../src/core/stats/logistic.js";

/** the definition, O(n²), written out */
function bruteExpectedAuc(x: number[], pi: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = 0; j < x.length; j++) {
      if (i === j) continue;
      const w = pi[i] * (1 - pi[j]);
      den += w;
      num += w * (x[i] > x[j] ? 1 : x[i] === x[j] ? 0.5 : 0);
    }
  return num / den;
}

/** Mann–Whitney AUC of x for outcomes y (cases y = 1), ties ½ */
function empiricalAuc(x: number[], y: number[]): number {
  let s = 0;
  let n1 = 0;
  let n0 = 0;
  for (let i = 0; i < x.length; i++) {
    if (y[i] === 1) n1++;
    else n0++;
    if (y[i] !== 1) continue;
    for (let j = 0; j < x.length; j++) if (y[j] === 0) s += x[i] > x[j] ? 1 : x[i] === x[j] ? 0.5 : 0;
  }
  return s / (n1 * n0);
}

describe("virtual cohort (known true effect for stratification methods)", () => {
  it("expected ROC AUC: the O(n log n) sum equals the pairwise definition, ties included", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })), {
          minLength: 2,
          maxLength: 40,
        }),
        (rows) => {
          const x = rows.map((r) => r[0]);
          const pi = rows.map((r) => r[1]);
          expect(expectedRocAuc(x, pi)).toBeCloseTo(bruteExpectedAuc(x, pi), 12);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("with certain outcomes (π ∈ {0, 1}) it is the Mann–Whitney AUC; averaged over Bernoulli draws it is E[AUC] (±0.005)", () => {
    const rng = new Rng(7);
    const x = Array.from({ length: 60 }, () => rng.normal());
    const y = x.map(() => (rng.uniform() < 0.4 ? 1 : 0));
    expect(expectedRocAuc(x, y)).toBeCloseTo(empiricalAuc(x, y), 12);
    const pi = x.map((v) => 1 / (1 + Math.exp(-1.5 * v)));
    let sum = 0;
    const draws = 3000;
    for (let d = 0; d < draws; d++) {
      const yy = pi.map((p) => (rng.uniform() < p ? 1 : 0));
      sum += empiricalAuc(x, yy);
    }
    expect(Math.abs(sum / draws - expectedRocAuc(x, pi))).toBeLessThan(0.005);
  });

  const cohort = virtualCohort({ n: 400, seed: 11, hours: 48, imagingTimeH: 24 });

  it("accumulation rises with the tumour's effective PS (PBPK monotone): rank order identical", () => {
    const t = [...cohort.tumours].sort((a, b) => a.ps_multiplier - b.ps_multiplier);
    for (let i = 1; i < t.length; i++) {
      expect(t[i].auc_pctID_h_per_g).toBeGreaterThan(t[i - 1].auc_pctID_h_per_g);
      expect(t[i].uptake_pctID_per_g).toBeGreaterThan(t[i - 1].uptake_pctID_per_g);
    }
  });

  it("logistic regression of response on ln AUC recovers the generating slope and intercept (within 3 SE)", () => {
    const y = cohort.tumours.map((t) => t.response);
    const x = cohort.tumours.map((t) => Math.log(t.auc_pctID_h_per_g));
    const fit = logisticRegression(y, [x]);
    const [b0, b1] = fit.terms.map((c) => c.coef);
    const [s0, s1] = fit.terms.map((c) => c.se);
    expect(Math.abs(b1 - cohort.truth.logistic_slope_per_ln_auc)).toBeLessThan(3 * s1);
    expect(Math.abs(b0 - cohort.truth.logistic_intercept)).toBeLessThan(3 * s0);
    // the true accumulation separates responders better than any noisy biomarker, in expectation
    const e = cohort.truth.expected_roc_auc;
    expect(e.auc_pctID_h_per_g).toBeGreaterThan(e.imaged_uptake_pctID_per_g);
    expect(e.imaged_uptake_pctID_per_g).toBeGreaterThan(e.CEUS_AUC);
    expect(e.collagen_measured).toBeLessThan(0.5);
  });

  it("is deterministic for a seed and refuses nonsense options", () => {
    const a = virtualCohort({ n: 5, seed: 3, hours: 24, imagingTimeH: 24 });
    const b = virtualCohort({ n: 5, seed: 3, hours: 24, imagingTimeH: 24 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(() => virtualCohort({ n: 1, seed: 1 })).toThrow(/--n/);
    expect(() => virtualCohort({ n: 5, seed: 1, imagingTimeH: 100, hours: 72 })).toThrow(/imaging-time/);
    expect(() => virtualCohort({ n: 5, seed: 1, hill: 0 })).toThrow(/--hill/);
  });
});
