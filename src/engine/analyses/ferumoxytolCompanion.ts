/**
 * Companion-diagnostic stratum (SCIENCE.md §4, §8): the ferumoxytol pre-scan [Fe] of each tumour
 * (analysis "ferumoxytol", Fe_mM) predicting the nanoparticle's accumulation (the tumour's
 * ex vivo %ID/g at the last biodistribution time) — core/stratify/companionDiagnostic.ts:
 * linear regression accumulation ~ [Fe] with 5-fold cross-validated R² (seed 1) and out-of-fold
 * predicted accumulation per lesion; when responses are known, the ROC of predicted accumulation
 * for objective response (DeLong CI), the Youden cut-off on predicted accumulation and the same
 * cut-off on the [Fe] scale, sensitivity/specificity (Clopper–Pearson) and log-rank by stratum.
 * Rows: model and performance at roi "all tumours"; predicted_accumulation_pctIDperG and
 * predicted_high (1 high / 0 low stratum) per (subject, tumour).
 */
import { companionDiagnostic } from "../../core/stratify/companionDiagnostic.js";
import { binaryResponse } from "../../core/stratify/fromOutcomes.js";
import type { LesionRecord } from "../../core/stratify/lesionTable.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { planBiodistribution } from "./biodistribution.js";
import { row } from "./common.js";
import { FERUMOXYTOL, planFerumoxytol } from "./ferumoxytol.js";

export const FERUMOXYTOL_COMPANION = "ferumoxytol-companion";
const ALL = "all tumours";

export function planFerumoxytolCompanion(ls: LoadedStudy): Task[] {
  const fe = planFerumoxytol(ls);
  const bio = planBiodistribution(ls);
  if (fe.length === 0 || bio.length === 0) return [];
  return [
    {
      id: FERUMOXYTOL_COMPANION,
      kind: FERUMOXYTOL_COMPANION,
      revision: 1,
      subject: null,
      inputFiles: [],
      inputs: { outcomes: ls.study.outcomes, marker: "Fe_mM", folds: 5, seed: 1 },
      dependsOn: [...fe, ...bio].map((t) => t.id),
      run: ({ store }) => {
        const tumours = new Set(ls.study.rois.filter((r) => r.kind === "tumour").map((r) => r.id));
        const byKey = new Map<string, LesionRecord>();
        const get = (subject: string, roi: string) => {
          const id = `${subject}|${roi}`;
          let r = byKey.get(id);
          if (!r) {
            r = { id, markers: {} };
            byKey.set(id, r);
          }
          return r;
        };
        for (const t of fe)
          for (const r of store.listResults({ analysis: t.id }))
            if (r.parameter === "Fe_mM" && r.status === "ok" && r.value !== null && r.subject && r.roi)
              get(r.subject, r.roi).markers.Fe_mM = r.value;
        for (const t of bio) {
          const rows = store
            .listResults({ analysis: t.id })
            .filter((r) => r.parameter === "pctIDperG" && r.roi && tumours.has(r.roi));
          const last = Math.max(...rows.map((r) => r.time_s ?? 0));
          for (const r of rows)
            if ((r.time_s ?? 0) === last && r.status === "ok" && r.value !== null && r.subject && r.roi)
              get(r.subject, r.roi).accumulation = r.value;
        }
        for (const o of ls.study.outcomes) {
          const r = byKey.get(`${o.subject}|${o.tumour ?? ""}`);
          if (!r) continue;
          if (o.response) r.response = binaryResponse(o.response);
          if (o.survival) {
            r.time = o.survival.timeD;
            r.event = o.survival.event ? 1 : 0;
          }
        }
        const records = [...byKey.values()];
        const complete = records.filter(
          (r) => Number.isFinite(r.markers.Fe_mM) && Number.isFinite(r.accumulation ?? Number.NaN),
        );
        const rows: ResultRow[] = [];
        const S = FERUMOXYTOL_COMPANION;
        const add = (p: string, v: number | null, unit = "1", extra: Parameters<typeof row>[6] = {}) =>
          rows.push(row(S, null, ALL, p, v, unit, extra));
        if (complete.length < 4) {
          add("n", complete.length, "1", { message: "fewer than 4 tumours with [Fe] and accumulation" });
          return { rows };
        }
        const cd = companionDiagnostic(records, { preScanMarker: "Fe_mM", folds: 5, seed: 1 });
        const m = cd.accumulation;
        const [b0, b1] = m.model.terms;
        add("n", m.n);
        add("dropped", m.dropped);
        add("intercept_pctIDperG", b0.coef, "%ID/g");
        add("slope_pctIDperG_per_mM", b1.coef, "%ID/g/mM");
        add("slope_pctIDperG_per_mM.ci_lower", b1.ciLower, "%ID/g/mM");
        add("slope_pctIDperG_per_mM.ci_upper", b1.ciUpper, "%ID/g/mM");
        add("slope.p", b1.p);
        add("r_squared", m.model.rSquared);
        add("cv_r_squared", m.cvRSquared);
        add("cv_rmse_pctIDperG", m.cvRmse, "%ID/g");
        if (cd.responseRoc) {
          add("response_auc", cd.responseRoc.auc);
          add("response_auc.ci_lower", cd.responseRoc.ciLower);
          add("response_auc.ci_upper", cd.responseRoc.ciUpper);
          add("response_auc.n_responders", cd.responseRoc.nCases);
          add("response_auc.n_nonresponders", cd.responseRoc.nControls);
        }
        add("accumulation_cutoff_pctIDperG", cd.accumulationCutoff, "%ID/g");
        add("Fe_cutoff_mM", cd.markerCutoff, "mM");
        if (cd.performance) {
          const p = cd.performance;
          add("sensitivity", p.sensitivity);
          add("sensitivity.ci_lower", p.sensitivityCi[0]);
          add("sensitivity.ci_upper", p.sensitivityCi[1]);
          add("specificity", p.specificity);
          add("specificity.ci_lower", p.specificityCi[0]);
          add("specificity.ci_upper", p.specificityCi[1]);
        }
        if (cd.survival?.logrank) {
          add("logrank_by_stratum.chisq", cd.survival.logrank.chisq);
          add("logrank_by_stratum.p", cd.survival.logrank.p);
        }
        for (const st of cd.strata) {
          const [subject, roi] = st.id.split("|");
          rows.push(
            row(S, subject, roi, "predicted_accumulation_pctIDperG", st.predictedAccumulation, "%ID/g"),
            row(S, subject, roi, "predicted_high", st.stratum === "high" ? 1 : 0, "1", {
              message:
                cd.accumulationCutoff === null ? "no response data: no cut-off" : `${st.stratum} stratum`,
            }),
          );
        }
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "model",
              value: `accumulation ~ Fe_mM (${FERUMOXYTOL}), 5-fold CV (seed 1), Youden cut-off on out-of-fold predictions`,
            },
          ],
        };
      },
    },
  ];
}
