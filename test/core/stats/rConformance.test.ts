/**
 * Conformance with R (pROC, survival, stats): every number in test/reference/stats/
 * r_reference.json, relative tolerance 1e-6 (README there). Reports passed N of M and the
 * worst deviation.
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { correlation } from "../../../src/core/stats/correlation.js";
import { coxph } from "../../../src/core/stats/cox.js";
import { eventIndicator, kaplanMeier } from "../../../src/core/stats/kaplanMeier.js";
import { logisticRegression } from "../../../src/core/stats/logistic.js";
import { logrank } from "../../../src/core/stats/logrank.js";
import { delongPaired, roc, splitByOutcome } from "../../../src/core/stats/roc.js";
import { numericColumn, parseCsv, stringColumn } from "../../../src/io/csv.js";
import { REF } from "../../helpers/cli.js";
import { relDiff } from "../../helpers/tolerance.js";

const DIR = `${REF}/stats`;
const ref = JSON.parse(readFileSync(`${DIR}/r_reference.json`, "utf8"));
const table = (f: string) => parseCsv(readFileSync(`${DIR}/${f}`, "utf8"), f);
const aSAH = table("aSAH.csv");
const lung = table("lung.csv");
const ovarian = table("ovarian.csv");
const col = (t: ReturnType<typeof table>, c: string) => numericColumn(t, c);

const RTOL = 1e-6;
let total = 0;
let passed = 0;
let worst = { key: "", dev: 0 };

/** compare every numeric leaf of `expected` with the same path in `measured` */
function compare(key: string, measured: unknown, expected: unknown): void {
  if (typeof expected === "number") {
    total++;
    const m = typeof measured === "number" ? measured : Number.NaN;
    const dev = Number.isFinite(m) ? relDiff(m, expected) : Number.POSITIVE_INFINITY;
    if (dev > worst.dev) worst = { key, dev };
    if (dev <= RTOL) passed++;
    expect(dev, `${key}: measured ${m}, R ${expected}`).toBeLessThanOrEqual(RTOL);
    return;
  }
  if (expected && typeof expected === "object") {
    for (const [k, v] of Object.entries(expected as Record<string, unknown>)) {
      const mm =
        measured && typeof measured === "object" ? (measured as Record<string, unknown>)[k] : undefined;
      compare(`${key}.${k}`, mm, v);
    }
  }
}

describe("R conformance (relative 1e-6)", () => {
  it("roc_s100b: AUC, DeLong CI, Youden", () => {
    const { cases, controls } = splitByOutcome(col(aSAH, "s100b"), col(aSAH, "outcome"));
    const r = roc(cases, controls);
    compare(
      "roc_s100b",
      { auc: r.auc, ci_lower: r.ciLower, ci_upper: r.ciUpper, youden: r.youden },
      ref.roc_s100b,
    );
  });

  it("roc_compare_s100b_ndka: paired DeLong", () => {
    const y = col(aSAH, "outcome");
    const a = splitByOutcome(col(aSAH, "s100b"), y);
    const b = splitByOutcome(col(aSAH, "ndka"), y);
    const t = delongPaired(roc(a.cases, a.controls), roc(b.cases, b.controls));
    compare("roc_compare_s100b_ndka", t, ref.roc_compare_s100b_ndka);
  });

  it("km_lung_sex: medians and CIs (status coded 1/2 and event 0/1 agree)", () => {
    const time = col(lung, "time");
    const sex = stringColumn(lung, "sex");
    const ev = eventIndicator(col(lung, "status"));
    expect(Array.from(ev)).toEqual(Array.from(eventIndicator(col(lung, "event"))));
    const out = ref.km_lung_sex.map((g: { group: string }) => {
      const idx = sex.flatMap((s, i) => (s === g.group ? [i] : []));
      const km = kaplanMeier(
        idx.map((i) => time[i]),
        idx.map((i) => ev[i]),
      );
      return { median: km.median, median_ci_lower: km.medianLower, median_ci_upper: km.medianUpper };
    });
    compare("km_lung_sex", out, ref.km_lung_sex);
  });

  it("logrank_lung_sex", () => {
    const r = logrank(col(lung, "time"), col(lung, "event"), stringColumn(lung, "sex"));
    compare("logrank_lung_sex", r, ref.logrank_lung_sex);
  });

  const coxRows = (r: ReturnType<typeof coxph>) =>
    r.terms.map((t) => ({
      name: t.name,
      coef: t.coef,
      se: t.se,
      hr: t.hr,
      hr_ci_lower: t.hrCiLower,
      hr_ci_upper: t.hrCiUpper,
      p: t.p,
    }));

  it("cox_lung: age + sex + ph.ecog (Efron)", () => {
    const names = ["age", "sex", "ph.ecog"];
    const r = coxph(
      col(lung, "time"),
      col(lung, "event"),
      names.map((c) => col(lung, c)),
      { names },
    );
    expect(r.fit.converged).toBe(true);
    compare("cox_lung", coxRows(r), ref.cox_lung);
  });

  it("cox_ovarian: age + rx (Efron)", () => {
    const names = ["age", "rx"];
    const r = coxph(
      col(ovarian, "futime"),
      col(ovarian, "fustat"),
      names.map((c) => col(ovarian, c)),
      { names },
    );
    compare("cox_ovarian", coxRows(r), ref.cox_ovarian);
  });

  it("logistic_aSAH: outcome ~ s100b + age", () => {
    const r = logisticRegression(col(aSAH, "outcome"), [col(aSAH, "s100b"), col(aSAH, "age")], {
      names: ["s100b", "age"],
    });
    expect(r.terms.map((t) => t.name)).toEqual(ref.logistic_aSAH.map((t: { name: string }) => t.name));
    compare("logistic_aSAH", r.terms, ref.logistic_aSAH);
  });

  it("pearson_s100b_ndka", () => {
    const r = correlation(col(aSAH, "s100b"), col(aSAH, "ndka"));
    compare(
      "pearson_s100b_ndka",
      { r: r.r, ci_lower: r.ciLower, ci_upper: r.ciUpper, p: r.p },
      ref.pearson_s100b_ndka,
    );
  });

  afterAll(() => {
    console.log(
      `R conformance: passed ${passed} of ${total}; worst relative deviation ${worst.dev.toExponential(2)} (${worst.key})`,
    );
  });
});
