/**
 * Clinical cohort stratification (kind "clinical-cohort", one task over the per-patient
 * clinical/<subject> tasks): the ⁶⁴Cu-MM-302 analysis (Lee et al., Clin Cancer Res
 * 2017;23:4190) — lesion uptake above/below the cohort median vs best response
 * (core/scintigraphy/uptakeResponse.ts: median split, Fisher's exact test on the 2×2 table,
 * exact Mann–Whitney of responders vs non-responders, ROC AUC with DeLong CI).
 *  - uptake: the PET lesion parameter study.analyses["clinical-cohort"].uptake (default
 *    SUVpeak), per patient the `aggregate` (mean | median | max, default mean) of its lesions;
 *  - response: the patient's outcome without a tumour id (best overall response, RECIST), binary
 *    by `rule` (objective: CR/PR; disease-control: CR/PR/SD), default objective;
 *  - rows (subject null): roi "patients" (the primary analysis) and "lesions" (every lesion
 *    with its patient's response; descriptive, lesions of a patient are not independent):
 *    n, median_uptake, high.n, high.responders, high.response_rate, low.*, fisher.p,
 *    fisher.p_greater, fisher.odds_ratio, mannwhitney.U, mannwhitney.p, auc, auc.ci_lower,
 *    auc.ci_upper; per patient (subject set, roi "patient"): uptake, responder, stratum_high.
 * Too few patients (< 2 with uptake and response) give flagged rows with the reason.
 */
import { InputError } from "../../core/errors.js";
import {
  AGGREGATES,
  type Aggregate,
  aggregateByUnit,
  type MedianSplitResponse,
  medianSplitResponse,
  type UptakeUnit,
} from "../../core/scintigraphy/uptakeResponse.js";
import { binaryResponse, type ResponseRule } from "../../core/stratify/fromOutcomes.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Study } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row } from "./common.js";

export const CLINICAL_COHORT = "clinical-cohort";
const UPTAKES = ["SUVpeak", "SUVmax", "SUVmean", "pctID_pet", "lesion_to_blood"] as const;

function option<T extends string>(study: Study, key: string, choices: readonly T[], fallback: T): T {
  const v = study.analyses?.[CLINICAL_COHORT]?.[key];
  if (v === undefined) return fallback;
  if (!(choices as readonly string[]).includes(String(v)))
    throw new InputError({
      file: "study.json",
      field: `analyses.${CLINICAL_COHORT}.${key}`,
      value: v,
      expected: choices.join(", "),
    });
  return v as T;
}

/** the cohort analysis options of study.analyses["clinical-cohort"], with their defaults */
export function clinicalCohortOptions(study: Study): {
  uptake: (typeof UPTAKES)[number];
  aggregate: Aggregate;
  rule: ResponseRule;
} {
  return {
    uptake: option(study, "uptake", UPTAKES, "SUVpeak"),
    aggregate: option(study, "aggregate", AGGREGATES, "mean"),
    rule: option(study, "rule", ["objective", "disease-control"] as const, "objective"),
  };
}

function splitRows(
  S: string,
  roi: string,
  m: MedianSplitResponse,
  unit: string,
  message: string | null,
): ResultRow[] {
  const x = { message };
  const r = (p: string, v: number | null, u = "1") => row(S, null, roi, p, v, u, x);
  return [
    r("n", m.n),
    r("median_uptake", m.median, unit),
    r("high.n", m.high.n),
    r("high.responders", m.high.responders),
    r("high.response_rate", m.high.response_rate),
    r("low.n", m.low.n),
    r("low.responders", m.low.responders),
    r("low.response_rate", m.low.response_rate),
    r("fisher.p", m.fisher.p),
    r("fisher.p_greater", m.fisher.pGreater),
    r("fisher.odds_ratio", m.fisher.oddsRatio),
    r("mannwhitney.U", m.mannWhitneyExact?.u ?? null),
    r("mannwhitney.p", m.mannWhitneyExact?.p ?? null),
    r("auc", m.auc),
    r("auc.ci_lower", m.auc_ci?.[0] ?? null),
    r("auc.ci_upper", m.auc_ci?.[1] ?? null),
  ];
}

export function clinicalCohortTask(ls: LoadedStudy, patientTasks: Task[]): Task {
  const { uptake, aggregate, rule } = clinicalCohortOptions(ls.study);
  const patients = new Set(patientTasks.map((t) => t.subject as string));
  const outcomes = ls.study.outcomes.filter((o) => patients.has(o.subject) && !o.tumour && o.response);
  return {
    id: CLINICAL_COHORT,
    kind: CLINICAL_COHORT,
    revision: 1,
    subject: null,
    inputFiles: [],
    inputs: { uptake, aggregate, rule, outcomes },
    dependsOn: patientTasks.map((t) => t.id),
    run: ({ store }) => {
      const S = CLINICAL_COHORT;
      const response = new Map(outcomes.map((o) => [o.subject, binaryResponse(o.response, rule)]));
      const lesions: { unit: string; id: string; uptake: number; response: number }[] = [];
      let unit = "g/mL";
      for (const t of patientTasks)
        for (const r of store.listResults({ analysis: t.id })) {
          if (r.parameter !== uptake || r.status !== "ok" || r.value === null || !r.subject) continue;
          const y = response.get(r.subject);
          if (y === undefined) continue;
          unit = r.unit;
          lesions.push({ unit: r.subject, id: `${r.subject}/${r.roi}`, uptake: r.value, response: y });
        }
      const rows: ResultRow[] = [];
      const units = aggregateByUnit(lesions, aggregate);
      const label = `${aggregate} lesion ${uptake} per patient`;
      if (units.length < 2) {
        rows.push(
          row(S, null, "patients", "n", units.length, "1", {
            status: "flagged",
            message: `the median split needs ≥ 2 patients with a PET ${uptake} and a best response; got ${units.length}`,
          }),
        );
        return { rows };
      }
      const pat = medianSplitResponse(
        units.map(({ id, uptake: u, response: y }): UptakeUnit => ({ id, uptake: u, response: y })),
      );
      rows.push(
        ...splitRows(
          S,
          "patients",
          pat,
          unit,
          `${label}; ${rule} response${pat.status === "ok" ? "" : `; ${pat.status}`}`,
        ),
      );
      for (const p of pat.units) {
        rows.push(row(S, p.id, "patient", "uptake", p.uptake, unit, { message: label }));
        rows.push(row(S, p.id, "patient", "responder", p.response, "1"));
        rows.push(row(S, p.id, "patient", "stratum_high", p.stratum === "high" ? 1 : 0, "1"));
      }
      const les = medianSplitResponse(
        lesions.map((l) => ({ id: l.id, uptake: l.uptake, response: l.response })),
      );
      rows.push(
        ...splitRows(
          S,
          "lesions",
          les,
          unit,
          `every lesion's ${uptake} with its patient's response (lesions of a patient are not independent: descriptive)`,
        ),
      );
      return { rows };
    },
  };
}
