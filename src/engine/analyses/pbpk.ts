/**
 * Whole-body nanoparticle PBPK per agent (kind "pbpk", one task per agent with a
 * hydrodynamicSizeNm that some subject received): the size-dependent, permeability-limited
 * PBPK model of core/transport/pbpk (MPS uptake scaled by the agent's surface coating — study.json
 * agent.surface "PEG"/stealth → peg, otherwise bare, bare when not stated — renal sieving, EPR
 * extravasation/retention, targeting when the agent has a targetingLigand) for the subjects'
 * species (the most common one), simulated to the last biodistribution time.
 *  - A-priori prediction (literature physiology and documented assumptions, not fitted): rows
 *    pctIDperG.predicted per study ROI (organ ROIs heart, lung, liver, spleen, kidney, muscle,
 *    blood, every tumour ROI → the model's single tumour) and time point; organ values are what
 *    an unperfused tissue sample contains (extravascular + residual blood, species.ts); the
 *    predicted amount (%ID) of every compartment at the last time (roi = compartment, including
 *    urine and faeces; they sum to 100 %ID) and the model summary (blood half-life, tumour
 *    AUC/peak, mass-balance error).
 *  - Fitted model per group of subjects given the agent (core/transport/pbpk/fit.ts): the MPS
 *    scales of liver, spleen and bone marrow and the tumour-permeability scale, fitted to the
 *    group's mean blood %ID/g over time and organ %ID/g (from the subjects' biodistribution
 *    results: log-space least squares weighted by the group SD when every point has one).
 *    Rows (group = the group id): pctIDperG.measured_mean / _sd / _n, pctIDperG.predicted
 *    (a priori), pctIDperG.fitted, fitted_over_measured, predicted_over_measured; fit.<param>
 *    with fit.<param>.se (null with status "missing" and the reason when not identifiable);
 *    fit.status; gmfe.fitted / gmfe.apriori (geometric mean fold error); blood_half_life_h.fitted
 *    next to blood_half_life_h.nca (mean λz half-life of the group's blood-pk results);
 *    amount_pctID.fitted per compartment at the last time.
 */

import {
  FIT_PARAMS,
  fitPbpk,
  type PbpkObservation,
  pbpkOrganOf,
  simulateScaled,
} from "../../core/transport/pbpk/fit.js";
import { simulatePbpk } from "../../core/transport/pbpk/model.js";
import { surfaceOf } from "../../core/transport/pbpk/nanoparticle.js";
import type { Species } from "../../core/transport/pbpk/species.js";
import { SPECIES } from "../../core/transport/pbpk/species.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { BIODISTRIBUTION, planBiodistribution } from "./biodistribution.js";
import { BLOOD_PK, planBloodPk } from "./bloodPk.js";
import { row } from "./common.js";

export const PBPK = "pbpk";

/** study ROI id → PBPK compartment */
const ORGAN_OF: Record<string, string> = {
  blood: "blood",
  heart: "heart",
  lung: "lung",
  liver: "liver",
  spleen: "spleen",
  kidney: "kidney",
  muscle: "muscle",
};

function interp(t: number[], y: number[], at: number): number {
  if (at <= t[0]) return y[0];
  if (at >= t[t.length - 1]) return y[y.length - 1];
  let i = 1;
  while (t[i] < at) i++;
  return y[i - 1] + ((y[i] - y[i - 1]) * (at - t[i - 1])) / (t[i] - t[i - 1]);
}

interface Measured {
  roi: string;
  t: number;
  v: number[];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sdOf = (v: number[]) => {
  if (v.length < 2) return null;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};

export function planPbpk(ls: LoadedStudy): Task[] {
  const s = ls.study;
  const bio = new Set(planBiodistribution(ls).map((t) => t.id));
  const bpk = new Set(planBloodPk(ls).map((t) => t.id));
  const tumours = s.rois.filter((r) => r.kind === "tumour").map((r) => r.id);
  const tasks: Task[] = [];
  for (const agent of s.agents) {
    if (!agent.hydrodynamicSizeNm) continue;
    const subjects = [
      ...new Set(s.administrations.filter((a) => a.agent === agent.id).map((a) => a.subject)),
    ];
    const bioIds = subjects.map((x) => `${BIODISTRIBUTION}/${x}`).filter((id) => bio.has(id));
    const pkIds = subjects.map((x) => `${BLOOD_PK}/${x}`).filter((id) => bpk.has(id));
    if (subjects.length === 0) continue;
    const counts = new Map<string, number>();
    for (const id of subjects) {
      const sp = s.subjects.find((x) => x.id === id)?.species;
      if (sp) counts.set(sp, (counts.get(sp) ?? 0) + 1);
    }
    const species = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!species || !(SPECIES as readonly string[]).includes(species)) continue;
    const targeted = Boolean(agent.targetingLigand);
    const surfaceStated = surfaceOf(agent.surface);
    const surface = surfaceStated ?? "bare";
    const groupOf = new Map(s.subjects.filter((x) => subjects.includes(x.id)).map((x) => [x.id, x.group]));
    const groups = [...new Set(groupOf.values())].sort();
    tasks.push({
      id: `${PBPK}/${agent.id}`,
      kind: PBPK,
      revision: 3,
      subject: null,
      inputFiles: [],
      inputs: { agent, species, targeted, surface, subjects, groups },
      dependsOn: [...bioIds, ...pkIds],
      run: ({ store }) => {
        // measured %ID/g by group, (roi, time)
        const measured = new Map<string, Map<string, Measured>>();
        for (const id of bioIds)
          for (const r of store.listResults({ analysis: id })) {
            if (r.parameter !== "pctIDperG" || r.value === null || r.status !== "ok" || !r.roi) continue;
            if (!(r.roi in ORGAN_OF) && !tumours.includes(r.roi)) continue;
            const g = groupOf.get(r.subject ?? "") ?? "";
            const t = Math.round(r.time_s ?? 0);
            const key = `${r.roi}|${t}`;
            const byKey = measured.get(g) ?? new Map<string, Measured>();
            const m = byKey.get(key) ?? { roi: r.roi, t, v: [] };
            m.v.push(r.value);
            byKey.set(key, m);
            measured.set(g, byKey);
          }
        const all = [...measured.values()].flatMap((m) => [...m.values()]);
        const lastH = Math.max(24, ...all.map((m) => m.t / 3600));
        const model = {
          sizeNm: agent.hydrodynamicSizeNm as number,
          species: species as Species,
          surface,
          targeted,
        };
        const sim = simulatePbpk({ ...model, hours: lastH });
        const rows: ResultRow[] = [];
        const P = PBPK;
        const organOf = (roi: string) => ORGAN_OF[roi] ?? "tumour";
        // NCA half-life per subject (blood-pk, LAMZHL)
        const ncaHalf = new Map<string, number>();
        for (const id of pkIds)
          for (const r of store.listResults({ analysis: id }))
            if (r.parameter === "LAMZHL" && r.value !== null && r.status === "ok" && r.subject)
              ncaHalf.set(r.subject, r.value);
        let firstFit: ReturnType<typeof fitPbpk> | null = null;
        for (const group of groups) {
          const byKey = measured.get(group);
          if (!byKey || byKey.size === 0) continue;
          const sorted = [...byKey.values()].sort((a, b) => a.roi.localeCompare(b.roi) || a.t - b.t);
          const obs: PbpkObservation[] = sorted
            .filter((m) => mean(m.v) > 0 && m.t > 0)
            .map((m) => ({
              organ: pbpkOrganOf(organOf(m.roi)) ?? "tumour",
              time_h: m.t / 3600,
              pctID_per_g: mean(m.v),
              sd: sdOf(m.v),
            }));
          const fit = obs.length > 0 ? fitPbpk({ ...model, observations: obs }) : null;
          firstFit ??= fit;
          let k = 0;
          for (const m of sorted) {
            const x = { time_s: m.t, group };
            const n = m.v.length;
            const mm = mean(m.v);
            const pred = interp(sim.time_h, sim.sample_pctID_per_g[organOf(m.roi)], m.t / 3600);
            const used = mm > 0 && m.t > 0;
            const fitted = fit && used ? fit.predicted[k++].predicted : null;
            rows.push(
              row(P, null, m.roi, "pctIDperG.predicted", pred, "%ID/g", x),
              row(P, null, m.roi, "pctIDperG.fitted", fitted, "%ID/g", {
                ...x,
                message: fitted === null ? "not fitted (measured mean ≤ 0 or time 0)" : null,
              }),
              row(P, null, m.roi, "pctIDperG.measured_mean", mm, "%ID/g", x),
              row(P, null, m.roi, "pctIDperG.measured_sd", sdOf(m.v), "%ID/g", x),
              row(P, null, m.roi, "pctIDperG.measured_n", n, "1", x),
              row(P, null, m.roi, "predicted_over_measured", mm > 0 ? pred / mm : null, "1", x),
              row(
                P,
                null,
                m.roi,
                "fitted_over_measured",
                fitted !== null && mm > 0 ? fitted / mm : null,
                "1",
                x,
              ),
            );
          }
          if (!fit) continue;
          const gx = { group };
          for (const p of FIT_PARAMS) {
            const ok = fit.params[p] !== null;
            const why = ok ? null : fit.param_status[p];
            rows.push(
              row(P, null, "model", `fit.${p}`, fit.params[p], "1", { ...gx, message: why }),
              row(P, null, "model", `fit.${p}.se`, fit.stderr[p], "1", { ...gx, message: why }),
            );
          }
          const halves = [...groupOf.entries()]
            .filter(([sub, g]) => g === group && ncaHalf.has(sub))
            .map(([sub]) => ncaHalf.get(sub) as number);
          rows.push(
            row(P, null, "model", "fit.status", fit.status === "ok" ? 1 : 0, "1", {
              ...gx,
              status: fit.status === "ok" ? "ok" : "flagged",
              message: `${fit.status}; ${fit.n} points, ${fit.weighting}, optimiser ${fit.optimizer.status} (${fit.optimizer.converged_starts}/${fit.optimizer.starts} starts converged)`,
            }),
            row(P, null, "model", "fit.rss", fit.rss, "1", gx),
            row(P, null, "model", "fit.n", fit.n, "1", gx),
            row(P, null, "all organs", "gmfe.fitted", fit.gmfe, "1", gx),
            row(P, null, "all organs", "gmfe.apriori", fit.gmfe_apriori, "1", gx),
            row(P, null, "blood", "blood_half_life_h.fitted", fit.blood_half_life_h, "h", {
              ...gx,
              message: fit.blood_half_life_h === null ? fit.blood_half_life_status : null,
            }),
            row(P, null, "blood", "blood_half_life_h.apriori", fit.blood_half_life_apriori_h, "h", gx),
            row(P, null, "blood", "blood_half_life_h.nca", halves.length ? mean(halves) : null, "h", {
              ...gx,
              message: halves.length
                ? `mean λz half-life of ${halves.length} subjects (blood-pk)`
                : "no blood-pk NCA for this group",
            }),
          );
          const fsim = simulateScaled(model, fit.scales_used, lastH);
          const fl = fsim.time_h.length - 1;
          let ftot = 0;
          for (const [c, v] of Object.entries(fsim.amount_pctID)) {
            ftot += v[fl];
            rows.push(
              row(P, null, c, "amount_pctID.fitted", v[fl], "%ID", { ...gx, time_s: fsim.time_h[fl] * 3600 }),
            );
          }
          rows.push(
            row(P, null, "all compartments", "amount_pctID.fitted_total", ftot, "%ID", {
              ...gx,
              time_s: fsim.time_h[fl] * 3600,
            }),
          );
        }
        const last = sim.time_h.length - 1;
        let total = 0;
        for (const [k, v] of Object.entries(sim.amount_pctID)) {
          total += v[last];
          rows.push(
            row(P, null, k, "amount_pctID.predicted", v[last], "%ID", { time_s: sim.time_h[last] * 3600 }),
          );
        }
        const sm = sim.summary;
        rows.push(
          row(P, null, "all compartments", "amount_pctID.total", total, "%ID", {
            time_s: sim.time_h[last] * 3600,
          }),
          row(P, null, "blood", "blood_half_life_h", sm.blood_half_life_h, "h", {
            message: sm.blood_half_life_h === null ? sm.blood_half_life_status : null,
          }),
          row(P, null, "tumour", "tumour_auc_pctID_h_per_g", sm.tumour_auc_pctID_h_per_g, "%ID·h/g"),
          row(P, null, "tumour", "tumour_peak_pctID_per_g", sm.tumour_peak_pctID_per_g, "%ID/g"),
          row(P, null, "tumour", "tumour_peak_time_h", sm.tumour_peak_time_h, "h"),
          row(
            P,
            null,
            "all compartments",
            "max_mass_balance_error_pctID",
            sm.max_mass_balance_error_pctID,
            "%ID",
          ),
          row(P, null, "kidney", "renal_sieving_coefficient", sm.renal_sieving_coefficient, "1"),
        );
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "model",
              value: `PBPK ${species}, ${agent.hydrodynamicSizeNm} nm, surface ${surface}${surfaceStated ? ` (agent surface "${agent.surface}")` : " (agent surface not stated: bare assumed)"}, ${targeted ? "targeted" : "untargeted"}, ${lastH} h; a priori and fitted per group (${groups.join(", ")})`,
            },
            ...(firstFit
              ? [
                  {
                    kind: "param" as const,
                    name: "fit",
                    value: `log-space WLS, parameters ${FIT_PARAMS.join(", ")}`,
                  },
                ]
              : []),
          ],
        };
      },
    });
  }
  return tasks;
}
