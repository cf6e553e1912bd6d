/**
 * Report section "PBPK prediction": per agent and group (analysis pbpk) the size- and
 * surface-dependent nanoparticle PBPK model's %ID/g per organ at necropsy, a priori (literature
 * parameters, not fitted) and fitted to the group's own blood and organ data, against the
 * measured group means: log–log scatter with the identity line (a priori and fitted), a table
 * with both ratios, the fitted parameters with standard errors (or the reason they are not
 * identifiable), goodness of fit (geometric mean fold error) and the fitted blood half-life next to
 * the NCA one.
 */
import { FIT_PARAMS } from "../../core/transport/pbpk/fit.js";
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
  interface Pt {
    agent: string;
    group: string;
    roi: string;
    pred: number | null;
    fit: number | null;
    meas: number | null;
    sd: number | null;
  }
  const pts: Pt[] = [];
  for (const a of agents) {
    const at = rows.filter((x) => x.analysis === a && x.time_s === tEnd);
    for (const m of at.filter((x) => x.parameter === "pctIDperG.measured_mean")) {
      const g = (p: string) =>
        at.find((x) => x.roi === m.roi && (x.group ?? null) === (m.group ?? null) && x.parameter === p)
          ?.value ?? null;
      pts.push({
        agent: a.replace(/^pbpk\//, ""),
        group: m.group ?? "",
        roi: m.roi ?? "",
        pred: g("pctIDperG.predicted"),
        fit: g("pctIDperG.fitted"),
        meas: m.value,
        sd: g("pctIDperG.measured_sd"),
      });
    }
  }
  const pos = (v: number | null): v is number => v !== null && v > 0;
  const ok = pts.filter((p) => pos(p.meas) && (pos(p.pred) || pos(p.fit)));
  const lx: number[] = [];
  const ly: number[] = [];
  for (const p of ok) {
    if (pos(p.pred)) {
      lx.push(Math.log10(p.meas as number));
      ly.push(Math.log10(p.pred));
    }
  }
  const fx = ok.filter((p) => pos(p.fit)).map((p) => Math.log10(p.meas as number));
  const fy = ok.filter((p) => pos(p.fit)).map((p) => Math.log10(p.fit as number));
  const range = (xs: number[], ys: number[]) => {
    const lo = Math.min(...xs, ...ys);
    const hi = Math.max(...xs, ...ys);
    return [lo, hi];
  };
  const scatter = (x: number[], y: number[], yLabel: string, title: string, caption: string) => {
    if (x.length === 0) return "";
    const line = range(x, y);
    return ctx.figure(
      scatterFitSvg(
        { x, y, fit: { x: line, fit: line, lower: line, upper: line } },
        { xLabel: "measured log10 %ID/g", yLabel, title, label: "line: identity" },
      ),
      caption,
    );
  };
  const figPrior = scatter(
    lx,
    ly,
    "PBPK a-priori log10 %ID/g",
    "PBPK a-priori prediction vs measured biodistribution",
    `Predicted (size-dependent nanoparticle PBPK, a priori, not fitted) vs measured group-mean %ID/g per organ at ${fmt(tEnd / 3600)} h, all agents and groups, log–log with the identity line; organs the model predicts as zero are listed in the table only.`,
  );
  const figFit = scatter(
    fx,
    fy,
    "PBPK fitted log10 %ID/g",
    "PBPK fitted to the study vs measured biodistribution",
    `Fitted (PBPK with MPS, tumour-permeability and opsonisation parameters estimated from each group's own blood and organ %ID/g) vs measured group-mean %ID/g per organ at ${fmt(tEnd / 3600)} h, log–log with the identity line.`,
  );
  const table = ctx.table(
    [
      "agent",
      "group",
      "organ",
      "measured mean (%ID/g)",
      "SD",
      "a priori (%ID/g)",
      "fitted (%ID/g)",
      "a priori/measured",
      "fitted/measured",
    ],
    pts.map((p) => [
      p.agent,
      p.group,
      p.roi,
      p.meas,
      p.sd,
      p.pred,
      p.fit,
      p.pred !== null && p.meas ? p.pred / p.meas : null,
      p.fit !== null && p.meas ? p.fit / p.meas : null,
    ]),
  );
  const groupsOf = (a: string) =>
    [
      ...new Set(
        rows.filter((x) => x.analysis === a && x.parameter === "fit.status").map((x) => x.group ?? ""),
      ),
    ].sort();
  const val = (a: string, g: string | null, p: string) =>
    rows.find((x) => x.analysis === a && (g === null || (x.group ?? "") === g) && x.parameter === p);
  const v = (a: string, g: string | null, p: string) => val(a, g, p)?.value ?? null;
  const fitRows: (string | number | null)[][] = [];
  const paramRows: (string | number | null)[][] = [];
  for (const a of agents)
    for (const g of groupsOf(a)) {
      const st = val(a, g, "fit.status");
      fitRows.push([
        a.replace(/^pbpk\//, ""),
        g,
        v(a, g, "blood_half_life_h.nca"),
        v(a, g, "blood_half_life_h.fitted"),
        v(a, g, "blood_half_life_h.apriori"),
        v(a, g, "gmfe.fitted"),
        v(a, g, "gmfe.apriori"),
        v(a, g, "fit.n"),
        st?.message ?? (st?.status === "ok" ? "ok" : null),
      ]);
      for (const p of FIT_PARAMS) {
        const r = val(a, g, `fit.${p}`);
        paramRows.push([
          a.replace(/^pbpk\//, ""),
          g,
          p,
          r?.value ?? null,
          v(a, g, `fit.${p}.se`),
          r?.value === null || r?.value === undefined ? (r?.message ?? "not identifiable") : "ok",
        ]);
      }
    }
  const fitTable = fitRows.length
    ? ctx.table(
        [
          "agent",
          "group",
          "blood t½ NCA (h)",
          "blood t½ fitted (h)",
          "blood t½ a priori (h)",
          "GMFE fitted",
          "GMFE a priori",
          "points",
          "fit status",
        ],
        fitRows,
      )
    : "";
  const paramTable = paramRows.length
    ? ctx.table(["agent", "group", "parameter", "estimate", "SE", "status"], paramRows)
    : "";
  const summary = ctx.table(
    [
      "agent",
      "a-priori blood half-life (h)",
      "tumour peak (%ID/g)",
      "tumour peak time (h)",
      "Σ amounts (%ID)",
    ],
    agents.map((a) => [
      a.replace(/^pbpk\//, ""),
      v(a, null, "blood_half_life_h"),
      v(a, null, "tumour_peak_pctID_per_g"),
      v(a, null, "tumour_peak_time_h"),
      v(a, null, "amount_pctID.total"),
    ]),
  );
  return `<h2>PBPK prediction</h2><p>Methods: whole-body permeability-limited nanoparticle PBPK (pore-theory extravasation, size- and surface-dependent MPS uptake — PEG/stealth coatings reduce it, renal sieving, EPR retention, targeting), mouse physiology from Brown et al. 1997, each agent at its hydrodynamic size and surface. A priori: literature values and documented assumptions, not fitted to this study, so disagreement is information about the model. Fitted: per group, the liver, spleen and bone-marrow MPS uptake scales, the tumour permeability scale and the opsonised fraction estimated from the group's mean blood %ID/g over time and organ %ID/g (log-space least squares weighted by the group SD, Levenberg–Marquardt over the ODE model); organ predictions include the organ's residual blood. Parameters the data do not identify are reported as such (no estimate). GMFE = geometric mean fold error over all points.</p>${figPrior}${figFit}${table}${fitTable}${paramTable}${summary}`;
};
