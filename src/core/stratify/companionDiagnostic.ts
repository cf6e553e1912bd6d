/**
 * Companion-diagnostic workflow (SCIENCE.md §8; e.g. ferumoxytol MRI [Fe] predicting the
 * accumulation of a liposomal drug, Ramanathan et al. 2017 Clin Cancer Res 23:3638; or a
 * drug-free labelled pre-scan, Lee et al. 2017 Clin Cancer Res 23:4190):
 *   1. accumulation ~ pre-scan marker (linear regression) with cross-validated R² and
 *      out-of-fold predicted accumulation;
 *   2. predicted accumulation vs response: ROC (AUC, DeLong CI) and the Youden cut-off on
 *      predicted accumulation (or a caller's cut-off), translated back to the pre-scan marker
 *      scale through the final model (marker* = (cut − b₀)/b₁) for use in the clinic;
 *   3. strata predicted responder / non-responder with sensitivity and specificity
 *      (Clopper–Pearson CIs); 4. Kaplan–Meier + log-rank by stratum when survival is given.
 * Lesions lacking a value are dropped per step and counted (na.omit).
 */
import { InputError } from "../errors.js";
import { type RocResult, roc, type SensSpecCi, sensSpecWithCi, splitByOutcome } from "../stats/roc.js";
import { column, completeCases, type LesionRecord } from "./lesionTable.js";
import { type AccumulationModel, accumulationModel, type CvOptions } from "./predictiveModel.js";
import { assignStrata, type Stratum, type SurvivalByStratum, survivalByStratum } from "./strata.js";

export interface CompanionDiagnosticOptions extends CvOptions {
  preScanMarker: string;
  /** fixed cut-off on predicted accumulation; default Youden on the CV predictions */
  accumulationCutoff?: number;
}

export interface CompanionDiagnosticResult {
  accumulation: AccumulationModel;
  /** ROC of out-of-fold predicted accumulation vs response (null without response data) */
  responseRoc: RocResult | null;
  accumulationCutoff: number | null;
  /** the same cut-off on the pre-scan marker scale (null if the slope is 0) */
  markerCutoff: number | null;
  performance: SensSpecCi | null;
  strata: { id: string; predictedAccumulation: number; stratum: Stratum }[];
  survival: SurvivalByStratum | null;
}

/** Predicted accumulation of the therapeutic from the pre-scan marker (final model). */
export function predictAccumulation(model: AccumulationModel, marker: number): number {
  return model.model.terms[0].coef + model.model.terms[1].coef * marker;
}

export function companionDiagnostic(
  records: LesionRecord[],
  opts: CompanionDiagnosticOptions,
): CompanionDiagnosticResult {
  const acc = accumulationModel(records, [opts.preScanMarker], opts);
  const predicted = new Map(acc.ids.map((id, i) => [id, acc.cvPredicted[i]]));
  const withResponse = records.filter(
    (r) => predicted.has(r.id) && typeof r.response === "number" && Number.isFinite(r.response),
  );
  let responseRoc: RocResult | null = null;
  let cutoff: number | null = opts.accumulationCutoff ?? null;
  let performance: SensSpecCi | null = null;
  if (withResponse.length > 0) {
    const y = column(withResponse, "response");
    const p = Float64Array.from(withResponse, (r) => predicted.get(r.id) as number);
    const s = splitByOutcome(p, y);
    if (s.cases.length >= 2 && s.controls.length >= 2) {
      responseRoc = roc(s.cases, s.controls, { direction: "<" });
      if (cutoff === null) cutoff = responseRoc.youden.threshold;
      performance = sensSpecWithCi(s.cases, s.controls, cutoff, "<");
    }
  }
  const slope = acc.model.terms[1].coef;
  const markerCutoff = cutoff !== null && slope !== 0 ? (cutoff - acc.model.terms[0].coef) / slope : null;
  const ids = acc.ids;
  const strataLabels =
    cutoff !== null ? assignStrata(acc.cvPredicted, cutoff, "<") : ids.map((): Stratum => "low");
  const strata = ids.map((id, i) => ({
    id,
    predictedAccumulation: acc.cvPredicted[i],
    stratum: strataLabels[i],
  }));
  let survival: SurvivalByStratum | null = null;
  if (cutoff !== null) {
    const byId = new Map(records.map((r) => [r.id, r]));
    const surv = completeCases(
      strata.map((s) => byId.get(s.id) as LesionRecord),
      ["time", "event"],
    ).rows;
    if (surv.length > 0) {
      const label = new Map(strata.map((s) => [s.id, s.stratum]));
      survival = survivalByStratum(
        column(surv, "time"),
        column(surv, "event"),
        surv.map((r) => label.get(r.id) as string),
      );
    }
  }
  if (records.length === 0) throw new InputError({ field: "records", expected: "at least one lesion" });
  return {
    accumulation: acc,
    responseRoc,
    accumulationCutoff: cutoff,
    markerCutoff,
    performance,
    strata,
    survival,
  };
}
