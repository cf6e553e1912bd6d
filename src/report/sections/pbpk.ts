/**
 * Report section "PBPK prediction": the size-dependent nanoparticle PBPK model's %ID/g per organ
 * at necropsy against the measured group means (log–log scatter with the identity line, and a
 * table with the ratio), per agent (analysis pbpk). The model is not fitted to the study.
 */
import { fmt } from "../figures/scale.js";
import { scatterFitSvg } from "../figures/scatterFit.js";
import type { ReportSection } from "./index.js";

export const pbpkSection: ReportSection = (_r, ctx) => {
  const rows = ctx.rowsOf("pbpk");
  if (rows.length === 0) return "";
  const agents = [...new Set(rows.map((x) => x.analysis))].sort();
  const tEnd = Math.max(
    ...rows.filter((x) => x.parameter === "pctIDperG.measured_mean").map((x) => x.time_s ?? 0),
  );
  const pts: { agent: string; roi: string; pred: number | null; meas: number | null; sd: number | null }[] =
    [];
  for (const a of agents) {
    const at = rows.filter((x) => x.analysis === a && x.time_s === tEnd);
    for (const m of at.filter((x) => x.parameter === "pctIDperG.measured_mean")) {
      const g = (p: string) => at.find((x) => x.roi === m.roi && x.parameter === p)?.value ?? null;
      pts.push({
        agent: a.replace(/^pbpk\//, ""),
        roi: m.roi ?? "",
        pred: g("pctIDperG.predicted"),
        meas: m.value,
        sd: g("pctIDperG.measured_sd"),
      });
    }
  }
  const ok = pts.filter((p) => p.pred !== null && p.meas !== null && p.pred > 0 && p.meas > 0);
  const lx = ok.map((p) => Math.log10(p.meas as number));
  const ly = ok.map((p) => Math.log10(p.pred as number));
  const lo = Math.min(...lx, ...ly);
  const hi = Math.max(...lx, ...ly);
  const line = [lo, hi];
  const fig = ok.length
    ? ctx.figure(
        scatterFitSvg(
          { x: lx, y: ly, fit: { x: line, fit: line, lower: line, upper: line } },
          {
            xLabel: "measured log10 %ID/g",
            yLabel: "PBPK predicted log10 %ID/g",
            title: "PBPK prediction vs measured biodistribution",
            label: "line: identity",
          },
        ),
        `Predicted (size-dependent nanoparticle PBPK, not fitted) vs measured group-mean %ID/g per organ at ${fmt(tEnd / 3600)} h, all agents, log–log with the identity line; organs the model predicts as zero are listed in the table only.`,
      )
    : "";
  const sum = (a: string, p: string) =>
    rows.find((x) => x.analysis === a && x.parameter === p)?.value ?? null;
  const table = ctx.table(
    ["agent", "organ", "measured mean (%ID/g)", "SD", "predicted (%ID/g)", "predicted/measured"],
    pts.map((p) => [
      p.agent,
      p.roi,
      p.meas,
      p.sd,
      p.pred,
      p.pred !== null && p.meas ? p.pred / p.meas : null,
    ]),
  );
  const summary = ctx.table(
    ["agent", "blood half-life (h)", "tumour peak (%ID/g)", "tumour peak time (h)", "Σ amounts (%ID)"],
    agents.map((a) => [
      a.replace(/^pbpk\//, ""),
      sum(a, "blood_half_life_h"),
      sum(a, "tumour_peak_pctID_per_g"),
      sum(a, "tumour_peak_time_h"),
      sum(a, "amount_pctID.total"),
    ]),
  );
  return `<h2>PBPK prediction</h2><p>Methods: whole-body permeability-limited nanoparticle PBPK (pore-theory extravasation, size-dependent MPS uptake, renal sieving, EPR retention, targeting), mouse physiology from Brown et al. 1997, each agent at its hydrodynamic size; the parameters are literature values and documented assumptions, not fitted to this study, so disagreement is information about the model.</p>${fig}${table}${summary}`;
};
