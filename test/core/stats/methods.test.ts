/**
 * Statistical methods beyond the R conformance set, each against an independent reference:
 * SciPy 1.17.1 (values printed at full precision by the commands quoted), published R output
 * (R's `sleep` and Anscombe examples), Shrout & Fleiss (1979) Table 4, analytic results.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { blandAltman } from "../../../src/core/stats/blandAltman.js";
import { correlation, ranks } from "../../../src/core/stats/correlation.js";
import { coxph } from "../../../src/core/stats/cox.js";
import { kFold, leaveOneOut } from "../../../src/core/stats/crossValidation.js";
import { fQuantile } from "../../../src/core/stats/distributions.js";
import { mannWhitney, welchTTest } from "../../../src/core/stats/groupTests.js";
import { icc } from "../../../src/core/stats/icc.js";
import { eventIndicator, kaplanMeier, numbersAtRisk } from "../../../src/core/stats/kaplanMeier.js";
import { logisticRegression, profileCi } from "../../../src/core/stats/logistic.js";
import { logrank } from "../../../src/core/stats/logrank.js";
import { benjaminiHochberg, holm } from "../../../src/core/stats/multipleTesting.js";
import { linearRegression, predictMean } from "../../../src/core/stats/regression.js";
import { bootstrapAucCi, clopperPearson, roc, sensSpecWithCi } from "../../../src/core/stats/roc.js";
import { numericColumn, parseCsv, stringColumn } from "../../../src/io/csv.js";
import { REF } from "../../helpers/cli.js";
import { relDiff } from "../../helpers/tolerance.js";

const aSAH = parseCsv(readFileSync(`${REF}/stats/aSAH.csv`, "utf8"), "aSAH.csv");
const SLEEP1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const ANS_X = [10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5];
const ANS_Y = [8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68];

describe("ROC extras", () => {
  it("Clopper–Pearson = scipy beta.ppf(0.025, 7, 14), beta.ppf(0.975, 8, 13)", () => {
    const [lo, hi] = clopperPearson(7, 20);
    expect(relDiff(lo, 0.15390920478454118)).toBeLessThan(1e-12);
    expect(relDiff(hi, 0.5921885345328282)).toBeLessThan(1e-12);
  });
  it("direction '>' mirrors '<' (AUC → 1 − AUC, same variance) — property", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 30 }),
        (a, b) => {
          const lt = roc(a, b, { direction: "<" });
          const gt = roc(a, b, { direction: ">" });
          return Math.abs(lt.auc + gt.auc - 1) < 1e-12 && Math.abs(lt.variance - gt.variance) < 1e-12;
        },
      ),
    );
  });
  it("AUC equals the area under the empirical ROC points (trapezoids)", () => {
    const y = numericColumn(aSAH, "outcome");
    const m = numericColumn(aSAH, "ndka");
    const cases = m.filter((_, i) => y[i] === 1);
    const controls = m.filter((_, i) => y[i] === 0);
    const r = roc(cases, controls);
    const pts = r.points
      .map((p) => [1 - p.specificity, p.sensitivity])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let area = 0;
    for (let i = 1; i < pts.length; i++)
      area += ((pts[i][0] - pts[i - 1][0]) * (pts[i][1] + pts[i - 1][1])) / 2;
    expect(area).toBeCloseTo(r.auc, 12);
    const ss = sensSpecWithCi(cases, controls, r.youden.threshold, r.direction);
    expect(ss.sensitivityCi[0]).toBeLessThan(ss.sensitivity);
    expect(ss.sensitivityCi[1]).toBeGreaterThan(ss.sensitivity);
  });
  it("seeded bootstrap CI is reproducible and brackets the DeLong CI roughly", () => {
    const y = numericColumn(aSAH, "outcome");
    const m = numericColumn(aSAH, "s100b");
    const cases = m.filter((_, i) => y[i] === 1);
    const controls = m.filter((_, i) => y[i] === 0);
    const a = bootstrapAucCi(cases, controls, "<", { replicates: 500, seed: 7 });
    const b = bootstrapAucCi(cases, controls, "<", { replicates: 500, seed: 7 });
    expect(a).toEqual(b);
    const r = roc(cases, controls);
    expect(Math.abs(a[0] - r.ciLower)).toBeLessThan(0.03);
    expect(Math.abs(a[1] - r.ciUpper)).toBeLessThan(0.03);
  });
});

describe("survival extras", () => {
  it("KM on a hand-computed example (S, Greenwood, median midpoint rule)", () => {
    // times 1..6; events at 1, 2, 4, 6; censored at 3, 5
    const km = kaplanMeier([1, 2, 3, 4, 5, 6], [1, 1, 0, 1, 0, 1]);
    const s = km.steps.map((x) => x.surv);
    expect(s[0]).toBeCloseTo(5 / 6, 14);
    expect(s[1]).toBeCloseTo(4 / 6, 14);
    expect(s[3]).toBeCloseTo((4 / 6) * (2 / 3), 14);
    expect(km.steps[3].stdErrLog ** 2).toBeCloseTo(1 / 30 + 1 / 20 + 1 / 6, 14);
    expect(km.median).toBe(4);
    // S = 0.5 exactly from t = 2 to the next event at 3 → median (2 + 3)/2
    expect(kaplanMeier([1, 2, 3, 4], [1, 1, 1, 1]).median).toBe(2.5);
    expect(numbersAtRisk([1, 2, 3, 4, 5, 6], [0, 3, 6.5])).toEqual([6, 4, 0]);
  });
  it("stratified log-rank (lung: ph.ecog, strata sex) = independent numpy survdiff-style computation", () => {
    const lung = parseCsv(readFileSync(`${REF}/stats/lung.csv`, "utf8"), "lung.csv");
    const r = logrank(
      numericColumn(lung, "time"),
      numericColumn(lung, "event"),
      stringColumn(lung, "ph.ecog"),
      stringColumn(lung, "sex"),
    );
    expect(relDiff(r.chisq, 20.771063222599004)).toBeLessThan(1e-10);
    expect(r.df).toBe(3);
  });
  it("event coding 1/2 ≡ 0/1; mixed coding rejected", () => {
    expect(Array.from(eventIndicator([1, 2, 2, 1]))).toEqual([0, 1, 1, 0]);
    expect(() => eventIndicator([0, 1, 2])).toThrow(/either 0\/1 or 1\/2/);
  });
  it("stratified log-rank with one stratum equals the unstratified test", () => {
    const t = [5, 8, 12, 3, 9, 15, 7, 4, 11, 2];
    const e = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0];
    const g = ["a", "a", "a", "a", "a", "b", "b", "b", "b", "b"];
    const u = logrank(t, e, g);
    const s = logrank(t, e, g, Array(10).fill("s"));
    expect(s.chisq).toBeCloseTo(u.chisq, 12);
  });
  it("Cox score test with one binary covariate and no ties equals the log-rank χ²", () => {
    const t = [5, 8, 12, 3, 9, 15, 7, 4, 11, 2];
    const e = [1, 1, 0, 1, 1, 0, 1, 1, 1, 0];
    const g = [0, 0, 0, 0, 0, 1, 1, 1, 1, 1];
    const c = coxph(t, e, [g]);
    const l = logrank(
      t,
      e,
      g.map((x) => String(x)),
    );
    expect(relDiff(c.scoreTest.chisq, l.chisq)).toBeLessThan(1e-10);
    expect(c.fit.converged).toBe(true);
  });
});

describe("regression and correlation", () => {
  it("Anscombe I: lm(y1 ~ x1) = scipy.stats.linregress", () => {
    const r = linearRegression(ANS_Y, [ANS_X]);
    expect(relDiff(r.terms[1].coef, 0.5000909090909091)).toBeLessThan(1e-12);
    expect(relDiff(r.terms[0].coef, 3.0000909090909103)).toBeLessThan(1e-12);
    expect(relDiff(r.terms[1].se, 0.11790550059563408)).toBeLessThan(1e-10);
    expect(relDiff(r.terms[0].se, 1.1247467908086437)).toBeLessThan(1e-10);
    expect(relDiff(r.rSquared, 0.666542459508775)).toBeLessThan(1e-12);
    expect(relDiff(r.terms[1].p, 0.0021696288730787905)).toBeLessThan(1e-9);
    const band = predictMean(r, [9]);
    expect(band.fit).toBeCloseTo(3.0000909090909103 + 9 * 0.5000909090909091, 10);
    // at x̄ the band half-width is t·σ/√n
    expect(band.upper - band.fit).toBeCloseTo((2.2621571627409915 * r.sigma) / Math.sqrt(11), 9);
  });
  it("Spearman = scipy.stats.spearmanr (Anscombe I, no ties)", () => {
    const r = correlation(ANS_X, ANS_Y, "spearman");
    expect(relDiff(r.r, 0.8181818181818182)).toBeLessThan(1e-12);
    expect(relDiff(r.p, 0.0020831448404786917)).toBeLessThan(1e-9);
    expect(Array.from(ranks([3, 1, 3, 2]))).toEqual([3.5, 1, 3.5, 2]);
    // with ties: aSAH s100b vs ndka = scipy.stats.spearmanr
    const t = correlation(numericColumn(aSAH, "s100b"), numericColumn(aSAH, "ndka"), "spearman");
    expect(relDiff(t.r, -0.0599504922266549)).toBeLessThan(1e-12);
    expect(relDiff(t.p, 0.5281945440479173)).toBeLessThan(1e-9);
  });
  it("logistic profile CI = independent scipy profile (BFGS + brentq), aSAH s100b and age", () => {
    const y = numericColumn(aSAH, "outcome");
    const X = [numericColumn(aSAH, "s100b"), numericColumn(aSAH, "age")];
    const s = profileCi(y, X, 1);
    const a = profileCi(y, X, 2);
    expect(relDiff(s[0], 2.486089238476517)).toBeLessThan(1e-5);
    expect(relDiff(s[1], 7.195157396197753)).toBeLessThan(1e-5);
    expect(relDiff(a[0], -0.010536355984310308)).toBeLessThan(1e-5);
    expect(relDiff(a[1], 0.055130542735452835)).toBeLessThan(1e-5);
  });
  it("Firth with one binary predictor = Haldane-corrected log odds (analytic), finite under separation", () => {
    // 2×2 table: x=0: 3 events / 7 non; x=1: 6 events / 2 non
    const x = [...Array(10).fill(0), ...Array(8).fill(1)];
    const y = [...Array(3).fill(1), ...Array(7).fill(0), ...Array(6).fill(1), ...Array(2).fill(0)];
    const f = logisticRegression(y, [x], { firth: true });
    expect(f.fit.converged).toBe(true);
    expect(f.terms[0].coef).toBeCloseTo(Math.log(3.5 / 7.5), 8);
    expect(f.terms[1].coef).toBeCloseTo(Math.log((6.5 / 2.5) * (7.5 / 3.5)), 8);
    const sep = logisticRegression([0, 0, 0, 0, 1, 1, 1, 1], [[1, 2, 3, 4, 5, 6, 7, 8]], { firth: true });
    expect(sep.fit.converged).toBe(true);
    expect(Number.isFinite(sep.terms[1].coef) && sep.terms[1].coef > 0).toBe(true);
  });
});

describe("group tests, agreement, multiplicity", () => {
  it("Welch t on R's sleep data = scipy ttest_ind(equal_var=False)", () => {
    const r = welchTTest(SLEEP1, SLEEP2);
    expect(relDiff(r.t, -1.8608134674868526)).toBeLessThan(1e-12);
    expect(relDiff(r.df, 17.776473516178488)).toBeLessThan(1e-12);
    expect(relDiff(r.p, 0.0793941401873583)).toBeLessThan(1e-10);
    expect(relDiff(r.ciLower, -3.3654832307117104)).toBeLessThan(1e-10);
    expect(relDiff(r.ciUpper, 0.20548323071171137)).toBeLessThan(1e-9);
  });
  it("Mann–Whitney on sleep (ties, continuity) = scipy mannwhitneyu asymptotic / R W = 25.5", () => {
    const r = mannWhitney(SLEEP1, SLEEP2);
    expect(r.w).toBe(25.5);
    expect(relDiff(r.p, 0.06932757543362658)).toBeLessThan(1e-10);
  });
  it("ICC on Shrout & Fleiss (1979) Table 2 data = their Table 4 (2 decimals)", () => {
    const sf = [
      [9, 2, 5, 8],
      [6, 1, 3, 2],
      [8, 4, 6, 8],
      [7, 1, 2, 6],
      [10, 5, 6, 9],
      [6, 2, 4, 7],
    ];
    const r = Object.fromEntries(icc(sf).map((e) => [e.type, e]));
    const pub = { ICC1: 0.17, ICC2: 0.29, ICC3: 0.71, ICC1k: 0.44, ICC2k: 0.62, ICC3k: 0.91 };
    for (const [k, v] of Object.entries(pub)) expect(Math.abs(r[k].icc - v)).toBeLessThan(0.005 + 1e-12);
    for (const e of Object.values(r)) expect(e.ciLower < e.icc && e.icc < e.ciUpper).toBe(true);
    expect(relDiff(fQuantile(0.975, 5, 18), 3.381967805875243)).toBeLessThan(1e-12);
  });
  it("Bland–Altman: bias and limits from their definitions", () => {
    const a = [10, 12, 14, 16, 18];
    const b = [9, 12, 15, 15, 17];
    const r = blandAltman(a, b);
    // d = 1, 0, −1, 1, 1: mean 0.4, SD √(0.8)
    expect(r.bias).toBeCloseTo(0.4, 14);
    expect(r.sd).toBeCloseTo(Math.sqrt(0.8), 14);
    expect(r.upperLoa - r.bias).toBeCloseTo(1.959963984540054 * Math.sqrt(0.8), 12);
  });
  it("p.adjust BH and Holm (hand-computed)", () => {
    const p = [0.01, 0.04, 0.03, 0.02, 0.05];
    expect(Array.from(benjaminiHochberg(p)).map((v) => +v.toFixed(12))).toEqual([
      0.05, 0.05, 0.05, 0.05, 0.05,
    ]);
    expect(Array.from(holm(p)).map((v) => +v.toFixed(12))).toEqual([0.05, 0.09, 0.09, 0.08, 0.09]);
    expect(Array.from(holm([0.5, 0.6]))).toEqual([1, 1]);
  });
  it("k-fold: every index tested exactly once, seeded; stratified folds keep balance; LOO", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 60 }),
        fc.integer({ min: 2, max: 4 }),
        fc.integer(),
        (n, k, seed) => {
          const f = kFold(n, k, { seed });
          const all = f.flatMap((x) => x.test).sort((a, b) => a - b);
          return (
            all.length === n &&
            all.every((v, i) => v === i) &&
            JSON.stringify(f) === JSON.stringify(kFold(n, k, { seed }))
          );
        },
      ),
    );
    const labels = [...Array(20).fill(1), ...Array(40).fill(0)];
    for (const f of kFold(60, 5, { seed: 3, stratify: labels }))
      expect(f.test.filter((i) => labels[i] === 1).length).toBe(4);
    expect(leaveOneOut(4)[2]).toEqual({ test: [2], train: [0, 1, 3] });
  });
});
