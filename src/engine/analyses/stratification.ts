/**
 * Stratification across lesions (SCIENCE.md §8): do pre-treatment imaging biomarkers (DCE
 * Ktrans and vp, and every biomarker registered in biomarkers.ts) predict nanoparticle accumulation (ex vivo tumour %ID/g at necropsy), and does accumulation
 * predict response (objective response = CR/PR) and time to endpoint? Pearson and Spearman
 * correlations with CIs, ROC (DeLong CI, Youden cut-off), Kaplan–Meier by accumulation stratum
 * (median split) with log-rank test. Uses core/stats and core/stratify.
 */
import { correlation } from "../../core/stats/correlation.js";
import { kaplanMeier } from "../../core/stats/kaplanMeier.js";
import { logrank } from "../../core/stats/logrank.js";
import { roc, splitByOutcome } from "../../core/stats/roc.js";
import { binaryResponse } from "../../core/stratify/fromOutcomes.js";
import type { ResultReader, ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { LESION_BIOMARKERS } from "./biomarkers.js";
import { row } from "./common.js";

export const STRATIFICATION = "stratification";

interface Lesion {
  subject: string;
  tumour: string;
  accumulation?: number;
  /** biomarker name (LESION_BIOMARKERS) → value */
  markers: Map<string, number>;
  response?: number;
  time?: number;
  event?: number;
}

function lesions(ls: LoadedStudy, store: ResultReader, deps: Task[]): Lesion[] {
  const byKey = new Map<string, Lesion>();
  const get = (subject: string, tumour: string) => {
    const k = `${subject}|${tumour}`;
    let l = byKey.get(k);
    if (!l) {
      l = { subject, tumour, markers: new Map() };
      byKey.set(k, l);
    }
    return l;
  };
  const tumours = new Set(ls.study.rois.filter((r) => r.kind === "tumour").map((r) => r.id));
  for (const task of deps) {
    const d = task.id;
    const rows = store.listResults({ analysis: d });
    const markers = LESION_BIOMARKERS.filter((b) => b.kind === task.kind);
    const lastT = Math.max(...rows.filter((r) => r.parameter === "pctIDperG").map((r) => r.time_s ?? 0));
    for (const r of rows) {
      if (!r.subject || !r.roi || r.value === null || r.status !== "ok") continue;
      if (
        d.startsWith("biodistribution/") &&
        tumours.has(r.roi) &&
        r.parameter === "pctIDperG" &&
        r.time_s === lastT
      )
        get(r.subject, r.roi).accumulation = r.value;
      for (const b of markers)
        if (r.parameter === b.parameter) get(r.subject, r.roi).markers.set(b.name, r.value);
    }
  }
  for (const o of ls.study.outcomes) {
    const l = byKey.get(`${o.subject}|${o.tumour ?? ""}`);
    if (!l) continue;
    if (o.response) l.response = binaryResponse(o.response);
    if (o.survival) {
      l.time = o.survival.timeD;
      l.event = o.survival.event ? 1 : 0;
    }
  }
  return [...byKey.values()];
}

export function planStratification(ls: LoadedStudy, deps: Task[]): Task[] {
  const markerKinds = new Set(LESION_BIOMARKERS.map((b) => b.kind));
  const markerTasks = deps.filter((t) => markerKinds.has(t.kind));
  const bio = deps.filter((t) => t.kind === "biodistribution");
  if (bio.length === 0) return [];
  const depTasks = [...bio, ...markerTasks];
  const depIds = depTasks.map((t) => t.id);
  return [
    {
      id: STRATIFICATION,
      kind: STRATIFICATION,
      revision: 2,
      subject: null,
      inputFiles: [],
      inputs: { outcomes: ls.study.outcomes, biomarkers: LESION_BIOMARKERS },
      dependsOn: depIds,
      run: ({ store }) => {
        const L = lesions(ls, store, depTasks);
        const rows: ResultRow[] = [];
        const S = STRATIFICATION;
        const add = (roi: string, parameter: string, value: number | null, unit = "1") =>
          rows.push(row(S, null, roi, parameter, value, unit));
        for (const marker of new Set(LESION_BIOMARKERS.map((b) => b.name))) {
          const pairs = L.filter((l) => l.markers.has(marker) && l.accumulation !== undefined);
          if (pairs.length < 4) continue;
          for (const method of ["pearson", "spearman"] as const) {
            const c = correlation(
              pairs.map((l) => l.markers.get(marker) as number),
              pairs.map((l) => l.accumulation as number),
              method,
            );
            const name = `${marker}_vs_accumulation.${method}`;
            add("all tumours", `${name}.r`, c.r);
            add("all tumours", `${name}.ci_lower`, c.ciLower);
            add("all tumours", `${name}.ci_upper`, c.ciUpper);
            add("all tumours", `${name}.p`, c.p);
            add("all tumours", `${name}.n`, c.n);
          }
        }
        const resp = L.filter((l) => l.response !== undefined && l.accumulation !== undefined);
        const nCases = resp.filter((l) => l.response === 1).length;
        const nControls = resp.filter((l) => l.response === 0).length;
        if (resp.length > 0 && (nCases < 2 || nControls < 2)) {
          // not estimable: say so in the rows instead of failing the whole stratification
          rows.push(
            row(S, null, "treated tumour", "accumulation_predicts_response.auc", null, "1", {
              status: "flagged",
              message: `ROC needs at least 2 responders and 2 non-responders; got ${nCases} and ${nControls}`,
            }),
          );
        }
        if (nCases >= 2 && nControls >= 2) {
          const { cases, controls } = splitByOutcome(
            resp.map((l) => l.accumulation as number),
            resp.map((l) => l.response as number),
          );
          const r = roc(cases, controls);
          add("treated tumour", "accumulation_predicts_response.auc", r.auc);
          add("treated tumour", "accumulation_predicts_response.ci_lower", r.ciLower);
          add("treated tumour", "accumulation_predicts_response.ci_upper", r.ciUpper);
          add(
            "treated tumour",
            "accumulation_predicts_response.youden_threshold",
            r.youden.threshold,
            "%ID/g",
          );
        }
        const surv = L.filter((l) => l.time !== undefined && l.accumulation !== undefined);
        if (surv.length >= 4) {
          const acc = surv.map((l) => l.accumulation as number).sort((a, b) => a - b);
          const median = acc[Math.floor((acc.length - 1) / 2)] / 2 + acc[Math.ceil((acc.length - 1) / 2)] / 2;
          const group = surv.map((l) => ((l.accumulation as number) > median ? "high" : "low"));
          add("treated tumour", "accumulation_cutoff_median", median, "%ID/g");
          for (const g of ["high", "low"]) {
            const idx = group.flatMap((gi, i) => (gi === g ? [i] : []));
            if (idx.length === 0) continue;
            const km = kaplanMeier(
              idx.map((i) => surv[i].time as number),
              idx.map((i) => surv[i].event as number),
            );
            rows.push(
              row(
                S,
                null,
                `stratum ${g}`,
                "median_time_to_endpoint",
                km.median,
                "d",
                km.median === null
                  ? { message: "median not reached (fewer than half reached the endpoint)" }
                  : {},
              ),
            );
            add(`stratum ${g}`, "n", idx.length);
          }
          if (new Set(group).size === 2) {
            const lr = logrank(
              surv.map((l) => l.time as number),
              surv.map((l) => l.event as number),
              group,
            );
            add("treated tumour", "logrank_by_accumulation.chisq", lr.chisq);
            add("treated tumour", "logrank_by_accumulation.p", lr.p);
          }
        }
        return { rows };
      },
    },
  ];
}
