/**
 * Predictive models of accumulation (linear regression) and response (logistic regression)
 * from imaging biomarkers, with honest cross-validated performance:
 *  - out-of-fold predictions from k-fold CV (seeded; stratified by class for response) or LOO;
 *  - accumulation: cross-validated R² = 1 − PRESS/TSS (PRESS = Σ(y − ŷ_oof)²), plus RMSE;
 *  - response: AUC of the out-of-fold probabilities with DeLong CI (src/core/stats/roc.ts)
 *    and the Youden cut-off on those probabilities (pROC midpoint convention).
 * The final model is refitted on all complete lesions; in-sample R² / AUC are reported beside
 * the CV values so optimism is visible.
 */
import { InputError } from "../errors.js";
import { crossValidatedPredictions, type Fold, kFold, leaveOneOut } from "../stats/crossValidation.js";
import { type LogisticResult, logisticRegression } from "../stats/logistic.js";
import { type LinearRegression, linearRegression } from "../stats/regression.js";
import { type RocResult, roc, splitByOutcome } from "../stats/roc.js";
import { column, completeCases, type LesionRecord } from "./lesionTable.js";

export interface CvOptions {
  /** number of folds, or "loo" (default 5) */
  folds?: number | "loo";
  seed?: number;
}

function foldsFor(n: number, opts: CvOptions, stratify?: ArrayLike<number>): Fold[] {
  if (opts.folds === "loo") return leaveOneOut(n);
  return kFold(n, Math.min(opts.folds ?? 5, n), { seed: opts.seed ?? 1, stratify });
}

function subset(cols: Float64Array[], idx: number[]): Float64Array[] {
  return cols.map((c) => Float64Array.from(idx, (i) => c[i]));
}

export interface AccumulationModel {
  markers: string[];
  model: LinearRegression;
  n: number;
  dropped: number;
  cvRSquared: number;
  cvRmse: number;
  /** out-of-fold predicted accumulation per complete lesion (same order as `ids`) */
  cvPredicted: Float64Array;
  ids: string[];
}

export function accumulationModel(
  records: LesionRecord[],
  markers: string[],
  opts: CvOptions = {},
): AccumulationModel {
  if (markers.length === 0) throw new InputError({ field: "markers", expected: "at least one biomarker" });
  const { rows, dropped } = completeCases(records, [
    "accumulation",
    ...markers.map((marker) => ({ marker })),
  ]);
  const y = column(rows, "accumulation");
  const X = markers.map((marker) => column(rows, { marker }));
  const model = linearRegression(y, X, { names: markers });
  const folds = foldsFor(rows.length, opts);
  const cv = crossValidatedPredictions(rows.length, folds, (train) => {
    const m = linearRegression(
      Float64Array.from(train, (i) => y[i]),
      subset(X, train),
    );
    return (i) => m.terms.reduce((s, t, j) => s + t.coef * (j === 0 ? 1 : X[j - 1][i]), 0);
  });
  let my = 0;
  for (const v of y) my += v;
  my /= y.length;
  let press = 0;
  let tss = 0;
  for (let i = 0; i < y.length; i++) {
    press += (y[i] - cv[i]) ** 2;
    tss += (y[i] - my) ** 2;
  }
  return {
    markers,
    model,
    n: rows.length,
    dropped,
    cvRSquared: 1 - press / tss,
    cvRmse: Math.sqrt(press / y.length),
    cvPredicted: cv,
    ids: rows.map((r) => r.id),
  };
}

export interface ResponseModel {
  markers: string[];
  model: LogisticResult;
  n: number;
  dropped: number;
  /** ROC of the out-of-fold probabilities (AUC, DeLong CI, Youden cut-off on probability) */
  cvRoc: RocResult;
  /** in-sample ROC of the fitted probabilities */
  apparentRoc: RocResult;
  cvProbability: Float64Array;
  ids: string[];
}

export function responseModel(
  records: LesionRecord[],
  markers: string[],
  opts: CvOptions & { firth?: boolean } = {},
): ResponseModel {
  if (markers.length === 0) throw new InputError({ field: "markers", expected: "at least one biomarker" });
  const { rows, dropped } = completeCases(records, ["response", ...markers.map((marker) => ({ marker }))]);
  const y = column(rows, "response");
  const X = markers.map((marker) => column(rows, { marker }));
  const model = logisticRegression(y, X, { names: markers, firth: opts.firth });
  const folds = foldsFor(rows.length, opts, y);
  const cv = crossValidatedPredictions(rows.length, folds, (train) => {
    const m = logisticRegression(
      Float64Array.from(train, (i) => y[i]),
      subset(X, train),
      { firth: opts.firth },
    );
    return (i) => {
      const eta = m.terms.reduce((s, t, j) => s + t.coef * (j === 0 ? 1 : X[j - 1][i]), 0);
      return 1 / (1 + Math.exp(-eta));
    };
  });
  const s = splitByOutcome(cv, y);
  const a = splitByOutcome(model.fitted, y);
  return {
    markers,
    model,
    n: rows.length,
    dropped,
    cvRoc: roc(s.cases, s.controls, { direction: "<" }),
    apparentRoc: roc(a.cases, a.controls, { direction: "<" }),
    cvProbability: cv,
    ids: rows.map((r) => r.id),
  };
}
