/**
 * Nanotheranostic case (SCIENCE.md §8): the imaged uptake of the labelled drug itself
 * (e.g. ⁶⁴Cu-MM-302, Lee et al. 2017) against tumour response, and the priming effect on
 * uptake between groups (e.g. cyclophosphamide-primed vs control).
 *  - uptake vs response: ROC (empirical AUC, DeLong CI, Youden cut-off, pROC conventions with
 *    direction "<": higher uptake → responder) and univariable logistic regression (OR per unit);
 *  - priming: group comparison of uptake, Welch t-test (mean difference with CI) and
 *    Mann–Whitney (normal approximation with tie and continuity corrections), plus the ratio
 *    of group means.
 */
import { InputError } from "../errors.js";
import { type MannWhitneyResult, mannWhitney, type WelchResult, welchTTest } from "../stats/groupTests.js";
import { type LogisticResult, logisticRegression } from "../stats/logistic.js";
import { type RocResult, roc, splitByOutcome } from "../stats/roc.js";
import { column, completeCases, type LesionRecord } from "./lesionTable.js";

export interface UptakeResponse {
  n: number;
  dropped: number;
  roc: RocResult;
  logistic: LogisticResult;
}

export function uptakeVsResponse(records: LesionRecord[], uptakeMarker: string): UptakeResponse {
  const { rows, dropped } = completeCases(records, ["response", { marker: uptakeMarker }]);
  const y = column(rows, "response");
  const u = column(rows, { marker: uptakeMarker });
  const s = splitByOutcome(u, y);
  return {
    n: rows.length,
    dropped,
    roc: roc(s.cases, s.controls, { direction: "<" }),
    logistic: logisticRegression(y, [u], { names: [uptakeMarker] }),
  };
}

export interface PrimingEffect {
  groups: [string, string];
  n: [number, number];
  means: [number, number];
  /** mean(treated) / mean(reference) */
  ratioOfMeans: number;
  welch: WelchResult;
  mannWhitney: MannWhitneyResult;
}

/** Uptake in `treated` vs `reference` group (Welch difference = treated − reference). */
export function primingEffect(
  records: LesionRecord[],
  uptakeMarker: string,
  treated: string,
  reference: string,
): PrimingEffect {
  const { rows } = completeCases(records, [{ marker: uptakeMarker }]);
  const pick = (g: string) =>
    column(
      rows.filter((r) => r.group === g),
      { marker: uptakeMarker },
    );
  const a = pick(treated);
  const b = pick(reference);
  if (a.length < 2 || b.length < 2) {
    throw new InputError({
      field: "group",
      value: { [treated]: a.length, [reference]: b.length },
      expected: "at least 2 lesions with uptake in each group",
    });
  }
  const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
  return {
    groups: [treated, reference],
    n: [a.length, b.length],
    means: [mean(a), mean(b)],
    ratioOfMeans: mean(a) / mean(b),
    welch: welchTTest(a, b),
    mannWhitney: mannWhitney(a, b),
  };
}
