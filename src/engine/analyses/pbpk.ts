/**
 * Whole-body nanoparticle PBPK prediction per agent (kind "pbpk", one task per agent with a
 * hydrodynamicSizeNm that some subject received): the size-dependent, permeability-limited
 * PBPK model of core/transport/pbpk (MPS uptake, renal sieving, EPR extravasation/retention,
 * targeting when the agent has a targetingLigand) for the subjects' species (the most common one),
 * simulated to the last biodistribution time. Rows, next to each other per study ROI
 * (organ ROIs heart, lung, liver, spleen, kidney, muscle, blood and every tumour ROI — the model's
 * single tumour) and biodistribution time point (time_s): pctIDperG.predicted (linear
 * interpolation between the model's report times), pctIDperG.measured_mean / _sd / _n (ex vivo
 * %ID/g of the subjects given the agent, from their biodistribution results) and
 * predicted_over_measured; the predicted amount (%ID) of every compartment at the last time
 * (roi = compartment, including urine and faeces; they sum to 100 %ID) and the model summary
 * (blood half-life, tumour AUC/peak, mass-balance error). The model's parameters are
 * literature physiology plus documented assumptions, not fitted to this study
 * (core/transport/README.md).
 */

import { simulatePbpk } from "../../core/transport/pbpk/model.js";
import type { Species } from "../../core/transport/pbpk/species.js";
import { SPECIES } from "../../core/transport/pbpk/species.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { BIODISTRIBUTION, planBiodistribution } from "./biodistribution.js";
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

export function planPbpk(ls: LoadedStudy): Task[] {
  const s = ls.study;
  const bio = new Set(planBiodistribution(ls).map((t) => t.id));
  const tumours = s.rois.filter((r) => r.kind === "tumour").map((r) => r.id);
  const tasks: Task[] = [];
  for (const agent of s.agents) {
    if (!agent.hydrodynamicSizeNm) continue;
    const subjects = [
      ...new Set(s.administrations.filter((a) => a.agent === agent.id).map((a) => a.subject)),
    ];
    const bioIds = subjects.map((x) => `${BIODISTRIBUTION}/${x}`).filter((id) => bio.has(id));
    if (subjects.length === 0) continue;
    const counts = new Map<string, number>();
    for (const id of subjects) {
      const sp = s.subjects.find((x) => x.id === id)?.species;
      if (sp) counts.set(sp, (counts.get(sp) ?? 0) + 1);
    }
    const species = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (!species || !(SPECIES as readonly string[]).includes(species)) continue;
    const targeted = Boolean(agent.targetingLigand);
    const groups = [...new Set(s.subjects.filter((x) => subjects.includes(x.id)).map((x) => x.group))];
    tasks.push({
      id: `${PBPK}/${agent.id}`,
      kind: PBPK,
      revision: 1,
      subject: null,
      inputFiles: [],
      inputs: { agent, species, targeted, subjects },
      dependsOn: bioIds,
      run: ({ store }) => {
        // measured %ID/g by (roi, time)
        const measured = new Map<string, { roi: string; t: number; v: number[] }>();
        for (const id of bioIds)
          for (const r of store.listResults({ analysis: id })) {
            if (r.parameter !== "pctIDperG" || r.value === null || r.status !== "ok" || !r.roi) continue;
            if (!(r.roi in ORGAN_OF) && !tumours.includes(r.roi)) continue;
            const t = Math.round(r.time_s ?? 0);
            const key = `${r.roi}|${t}`;
            const m = measured.get(key) ?? { roi: r.roi, t, v: [] };
            m.v.push(r.value);
            measured.set(key, m);
          }
        const lastH = Math.max(24, ...[...measured.values()].map((m) => m.t / 3600));
        const sim = simulatePbpk({
          sizeNm: agent.hydrodynamicSizeNm as number,
          species: species as Species,
          hours: lastH,
          targeted,
        });
        const rows: ResultRow[] = [];
        const P = PBPK;
        const group = groups.join("+");
        const sorted = [...measured.values()].sort((a, b) => a.roi.localeCompare(b.roi) || a.t - b.t);
        for (const m of sorted) {
          const organ = ORGAN_OF[m.roi] ?? "tumour";
          const pred = interp(sim.time_h, sim.conc_pctID_per_g[organ], m.t / 3600);
          const n = m.v.length;
          const mean = m.v.reduce((a, b) => a + b, 0) / n;
          const sd = n > 1 ? Math.sqrt(m.v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
          const x = { time_s: m.t, group };
          rows.push(
            row(P, null, m.roi, "pctIDperG.predicted", pred, "%ID/g", x),
            row(P, null, m.roi, "pctIDperG.measured_mean", mean, "%ID/g", x),
            row(P, null, m.roi, "pctIDperG.measured_sd", sd, "%ID/g", x),
            row(P, null, m.roi, "pctIDperG.measured_n", n, "1", x),
            row(P, null, m.roi, "predicted_over_measured", mean > 0 ? pred / mean : null, "1", x),
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
              value: `PBPK ${species}, ${agent.hydrodynamicSizeNm} nm, ${targeted ? "targeted" : "untargeted"}, ${lastH} h (not fitted)`,
            },
          ],
        };
      },
    });
  }
  return tasks;
}
