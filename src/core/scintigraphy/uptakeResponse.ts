/**
 * Cohort stratification by imaged uptake, the ⁶⁴Cu-MM-302 question (Lee H, Shields AF,
 * Siegel BA, et al. Clin Cancer Res 2017;23:4190–4202): do patients whose lesions take up more
 * of the labelled nanomedicine respond better? On units (patients, or lesions) with an uptake
 * and a binary response (1 responder, 0 not; RECIST CR/PR = 1 by core/stratify/fromOutcomes):
 *  - median split (stratifyUptake.ts: high = uptake > cohort median), response rate per stratum;
 *  - 2×2 table [[high responders, high non-responders], [low responders, low non-responders]]
 *    → Fisher's exact test (core/stats/fisherExact.ts) and the sample odds ratio;
 *  - uptake of responders vs non-responders: Mann–Whitney U (exact without ties and n < 50,
 *    else normal with corrections; core/stats/mannWhitneyExact.ts, R wilcox.test's rule) and the
 *    ROC AUC with DeLong CI (direction "<": higher uptake → responder);
 *  - patient uptake from several lesions: mean, median or maximum of the lesion values
 *    (aggregateByUnit). Lesion-level tests treat lesions of one patient as independent, which
 *    they are not; they are reported as descriptive.
 */
import { InputError } from "../errors.js";
import { type FisherExactResult, fisherExact } from "../stats/fisherExact.js";
import { type MannWhitneyTest, mannWhitneyTest } from "../stats/mannWhitneyExact.js";
import { splitByOutcome } from "../stats/roc.js";
import { stratifyUptakeByMedian, type UptakeStratification } from "./stratifyUptake.js";

export type Aggregate = "mean" | "median" | "max";
export const AGGREGATES: readonly Aggregate[] = ["mean", "median", "max"];

export interface UptakeUnit {
  id: string;
  uptake: number;
  /** 1 responder, 0 non-responder */
  response: number;
}

export interface MedianSplitResponse extends Omit<UptakeStratification, "strata"> {
  /** [[high R, high NR], [low R, low NR]] */
  table: [[number, number], [number, number]];
  fisher: FisherExactResult;
  mannWhitneyExact: MannWhitneyTest | null;
  units: (UptakeUnit & { stratum: "high" | "low" })[];
}

export function medianSplitResponse(units: UptakeUnit[]): MedianSplitResponse {
  const s = stratifyUptakeByMedian(
    units.map((u) => u.uptake),
    units.map((u) => u.response),
  );
  const table: [[number, number], [number, number]] = [
    [s.high.responders, s.high.n - s.high.responders],
    [s.low.responders, s.low.n - s.low.responders],
  ];
  const { cases, controls } = splitByOutcome(
    units.map((u) => u.uptake),
    units.map((u) => u.response),
  );
  const { strata, ...rest } = s;
  return {
    ...rest,
    table,
    fisher: fisherExact(table),
    mannWhitneyExact: cases.length > 0 && controls.length > 0 ? mannWhitneyTest(cases, controls) : null,
    units: units.map((u, i) => ({ ...u, stratum: strata[i] })),
  };
}

function agg(v: number[], how: Aggregate): number {
  if (how === "max") return Math.max(...v);
  if (how === "mean") return v.reduce((a, b) => a + b, 0) / v.length;
  const s = [...v].sort((a, b) => a - b);
  const k = s.length;
  return k % 2 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

/**
 * One value per unit (patient) from several rows (lesions): the aggregate of their uptakes;
 * every row of a unit must carry the same response.
 */
export function aggregateByUnit(
  rows: { unit: string; uptake: number; response: number }[],
  how: Aggregate,
): (UptakeUnit & { n_rows: number })[] {
  const by = new Map<string, { v: number[]; r: number }>();
  rows.forEach((x, i) => {
    if (!Number.isFinite(x.uptake))
      throw new InputError({ field: `uptake, row ${i + 1}`, value: x.uptake, expected: "a finite uptake" });
    const e = by.get(x.unit);
    if (!e) by.set(x.unit, { v: [x.uptake], r: x.response });
    else {
      if (e.r !== x.response)
        throw new InputError({
          field: `response, row ${i + 1}`,
          value: { unit: x.unit, response: x.response, earlier: e.r },
          expected: "one response per patient (best overall response) on every row of that patient",
        });
      e.v.push(x.uptake);
    }
  });
  return [...by.entries()].map(([id, e]) => ({
    id,
    uptake: agg(e.v, how),
    response: e.r,
    n_rows: e.v.length,
  }));
}
