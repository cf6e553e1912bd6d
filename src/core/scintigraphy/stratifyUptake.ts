/**
 * Lesion uptake vs response, the ⁶⁴Cu-MM-302 analysis (Lee H, Shields AF, Siegel BA, et al.
 * Clin Cancer Res 2017;23:4190–4202: lesion deposition above/below the cohort median vs best
 * response): split lesions (or patients) at the median uptake (high: uptake > median), response
 * rate per stratum, and the ROC of uptake for response (core/stats/roc, direction "<": higher
 * uptake → responder) with the Mann–Whitney test. Response is 1 (responder) / 0.
 */
import { InputError } from "../errors.js";
import { mannWhitney } from "../stats/groupTests.js";
import { roc, splitByOutcome } from "../stats/roc.js";
import { assignStrata } from "../stratify/strata.js";

export interface UptakeStratification {
  n: number;
  median: number;
  high: { n: number; responders: number; response_rate: number };
  low: { n: number; responders: number; response_rate: number };
  auc: number | null;
  auc_ci: [number, number] | null;
  mann_whitney_p: number | null;
  strata: ("high" | "low")[];
  status: string;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const k = s.length;
  return k % 2 ? s[(k - 1) / 2] : (s[k / 2 - 1] + s[k / 2]) / 2;
}

export function stratifyUptakeByMedian(uptake: number[], response: number[]): UptakeStratification {
  if (uptake.length !== response.length || uptake.length < 2)
    throw new InputError({
      field: "lesions",
      value: uptake.length,
      expected: "≥ 2 lesions with uptake and response",
    });
  uptake.forEach((u, i) => {
    if (!Number.isFinite(u))
      throw new InputError({ field: `uptake[${i}]`, value: u, expected: "a finite uptake" });
    if (response[i] !== 0 && response[i] !== 1)
      throw new InputError({ field: `response[${i}]`, value: response[i], expected: "1 (responder) or 0" });
  });
  const m = median(uptake);
  const strata = assignStrata(uptake, m, "<");
  const group = (s: "high" | "low") => {
    const idx = strata.flatMap((x, i) => (x === s ? [i] : []));
    const r = idx.reduce((a, i) => a + response[i], 0);
    return { n: idx.length, responders: r, response_rate: idx.length ? r / idx.length : Number.NaN };
  };
  const { cases, controls } = splitByOutcome(uptake, response);
  let auc: number | null = null;
  let ci: [number, number] | null = null;
  let p: number | null = null;
  let status = "ok";
  if (cases.length >= 2 && controls.length >= 2) {
    const rr = roc(cases, controls, { direction: "<" });
    auc = rr.auc;
    ci = [rr.ciLower, rr.ciUpper];
    p = mannWhitney(cases, controls).p;
  } else status = "fewer than 2 responders or non-responders: no ROC";
  return {
    n: uptake.length,
    median: m,
    high: group("high"),
    low: group("low"),
    auc,
    auc_ci: ci,
    mann_whitney_p: p,
    strata,
    status,
  };
}
