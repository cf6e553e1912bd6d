/**
 * The stratification workflow in one call (SCIENCE.md §8): biomarkers → target → model with
 * cross-validated performance → cut-off → strata → Kaplan–Meier + log-rank by stratum.
 *
 * Targets and conventions:
 *  - "accumulation" (continuous): linear model, CV R²; score = out-of-fold predicted
 *    accumulation; default cut-off = median score (no response to optimise against).
 *  - "response" (binary): logistic model, CV AUC (DeLong CI); score = out-of-fold
 *    probability; default cut-off = Youden on those probabilities (pROC midpoint rule).
 *  - "survival": Cox model (Efron), score = out-of-fold linear predictor, CV performance =
 *    Harrell's concordance C of the out-of-fold scores (Harrell et al., 1996, Stat Med 15:361;
 *    pairs comparable when the shorter time is an event; score ties count ½; a higher score
 *    means higher risk, i.e. expected shorter survival); cut-off = median score (the ROC of
 *    the score vs response, when known, is reported with direction auto but not used).
 *  - `cutoffOn: { marker, value? }` stratifies on a single marker instead: the given value, or
 *    Youden of that marker vs response (direction auto), or its median without response.
 * "high" = score above the cut-off (for response/accumulation: predicted responder / high
 * accumulator; for survival: high risk).
 */
import { InputError } from "../errors.js";
import { type CoxResult, coxph } from "../stats/cox.js";
import { crossValidatedPredictions, kFold, leaveOneOut } from "../stats/crossValidation.js";
import { quantile7, type RocResult, roc, splitByOutcome } from "../stats/roc.js";
import { column, completeCases, type Field, type LesionRecord } from "./lesionTable.js";
import {
  type AccumulationModel,
  accumulationModel,
  type CvOptions,
  type ResponseModel,
  responseModel,
} from "./predictiveModel.js";
import { assignStrata, type Stratum, type SurvivalByStratum, survivalByStratum } from "./strata.js";

export type StratifyTarget = "accumulation" | "response" | "survival";

export interface StratifyOptions extends CvOptions {
  markers: string[];
  target: StratifyTarget;
  cutoffOn?: "model" | { marker: string; value?: number };
  /** fixed cut-off on the model score */
  cutoff?: number;
}

export interface StratifyResult {
  target: StratifyTarget;
  accumulation?: AccumulationModel;
  response?: ResponseModel;
  survivalModel?: { cox: CoxResult; cvConcordance: number };
  /** ROC of the stratifying score vs response, when response is known */
  scoreRoc: RocResult | null;
  cutoff: { on: string; value: number; rule: "given" | "youden" | "median" };
  strata: { id: string; score: number; stratum: Stratum }[];
  survival: SurvivalByStratum | null;
}

function median(v: ArrayLike<number>): number {
  return quantile7(Float64Array.from(v).sort(), 0.5);
}

/** Harrell's C: P(score_i > score_j | T_i < T_j, δ_i = 1); ties in score count ½. */
export function concordance(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  risk: ArrayLike<number>,
): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < time.length; i++) {
    if (!event[i]) continue;
    for (let j = 0; j < time.length; j++) {
      if (time[j] > time[i]) {
        den++;
        if (risk[i] > risk[j]) num++;
        else if (risk[i] === risk[j]) num += 0.5;
      }
    }
  }
  return den > 0 ? num / den : Number.NaN;
}

export function stratify(records: LesionRecord[], opts: StratifyOptions): StratifyResult {
  if (opts.markers.length === 0)
    throw new InputError({ field: "markers", expected: "at least one biomarker" });
  const markerFields: Field[] = opts.markers.map((marker) => ({ marker }));
  let ids: string[];
  let score: Float64Array;
  const res: Partial<StratifyResult> = { target: opts.target };
  if (opts.target === "accumulation") {
    const m = accumulationModel(records, opts.markers, opts);
    res.accumulation = m;
    ids = m.ids;
    score = m.cvPredicted;
  } else if (opts.target === "response") {
    const m = responseModel(records, opts.markers, opts);
    res.response = m;
    ids = m.ids;
    score = m.cvProbability;
  } else {
    const { rows } = completeCases(records, ["time", "event", ...markerFields]);
    const t = column(rows, "time");
    const e = column(rows, "event");
    const X = opts.markers.map((marker) => column(rows, { marker }));
    const cox = coxph(t, e, X, { names: opts.markers });
    const folds =
      opts.folds === "loo"
        ? leaveOneOut(rows.length)
        : kFold(rows.length, Math.min(opts.folds ?? 5, rows.length), { seed: opts.seed ?? 1 });
    score = crossValidatedPredictions(rows.length, folds, (train) => {
      const f = coxph(
        Float64Array.from(train, (i) => t[i]),
        Float64Array.from(train, (i) => e[i]),
        X.map((c) => Float64Array.from(train, (i) => c[i])),
      );
      return (i) => f.terms.reduce((s, term, j) => s + term.coef * X[j][i], 0);
    });
    res.survivalModel = { cox, cvConcordance: concordance(t, e, score) };
    ids = rows.map((r) => r.id);
  }
  const byId = new Map(records.map((r) => [r.id, r]));
  let on = "model score";
  if (opts.cutoffOn && opts.cutoffOn !== "model") {
    const mk = opts.cutoffOn.marker;
    on = mk;
    score = Float64Array.from(ids, (id) => (byId.get(id) as LesionRecord).markers[mk] ?? Number.NaN);
    const bad = score.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0)
      throw new InputError({ field: `lesion ${ids[bad]}, marker ${mk}`, expected: "a finite value" });
  }
  // ROC of the score vs response, when response is known for these lesions
  const resp = Float64Array.from(ids, (id) => {
    const r = (byId.get(id) as LesionRecord).response;
    return typeof r === "number" ? r : Number.NaN;
  });
  let scoreRoc: RocResult | null = null;
  if (resp.every((v) => v === 0 || v === 1)) {
    const s = splitByOutcome(score, resp);
    if (s.cases.length >= 2 && s.controls.length >= 2) {
      const direction = on === "model score" && opts.target !== "survival" ? "<" : "auto";
      scoreRoc = roc(s.cases, s.controls, { direction });
    }
  }
  let cutoff: StratifyResult["cutoff"];
  const given = opts.cutoffOn && opts.cutoffOn !== "model" ? opts.cutoffOn.value : opts.cutoff;
  if (given !== undefined) cutoff = { on, value: given, rule: "given" };
  else if (scoreRoc && !(opts.target === "survival" && on === "model score")) {
    cutoff = { on, value: scoreRoc.youden.threshold, rule: "youden" };
  } else cutoff = { on, value: median(score), rule: "median" };
  const dir = cutoff.rule === "youden" && scoreRoc ? scoreRoc.direction : "<";
  const labels = assignStrata(score, cutoff.value, dir);
  const strata = ids.map((id, i) => ({ id, score: score[i], stratum: labels[i] }));
  const surv = strata.filter((s) => {
    const r = byId.get(s.id) as LesionRecord;
    return Number.isFinite(r.time) && (r.event === 0 || r.event === 1);
  });
  const survival =
    surv.length > 0
      ? survivalByStratum(
          surv.map((s) => (byId.get(s.id) as LesionRecord).time as number),
          surv.map((s) => (byId.get(s.id) as LesionRecord).event as number),
          surv.map((s) => s.stratum),
        )
      : null;
  return { ...res, target: opts.target, scoreRoc, cutoff, strata, survival } as StratifyResult;
}
