/**
 * Report section "Ferumoxytol MRI": methods sentence, the scatter of tumour [Fe] (24 h post)
 * against nanoparticle accumulation (ex vivo %ID/g at the last biodistribution time) with the
 * least-squares line and its 95 % confidence band (core/stats/regression.ts predictMean), the
 * companion-diagnostic table (analysis "ferumoxytol-companion") and [Fe] by group and tumour.
 * Also exports the helpers the other biomarker sections share (per-lesion values, accumulation,
 * scatter with fit, bars by group).
 */
import { correlation } from "../../core/stats/correlation.js";
import { groupBarsSvg } from "../figures/groupBars.js";
import { fmt } from "../figures/scale.js";
import { regressionBand, scatterFitSvg } from "../figures/scatterFit.js";
import type { ReportInput } from "../htmlReport.js";
import type { ReportSection, SectionContext } from "./index.js";

type Rows = ReportInput["rows"];

/** (subject|roi) → value of one parameter, rows with status ok only */
export function lesionValues(rows: Rows, parameter: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of rows)
    if (
      x.parameter === parameter &&
      x.status === "ok" &&
      x.value !== null &&
      x.subject &&
      x.roi &&
      x.time_s == null
    )
      m.set(`${x.subject}|${x.roi}`, x.value);
  return m;
}

/** (subject|tumour) → tumour %ID/g at the last biodistribution time */
export function accumulation(r: ReportInput): Map<string, number> {
  const tumours = new Set(r.study.study.rois.filter((x) => x.kind === "tumour").map((x) => x.id));
  const rows = r.rows.filter(
    (x) =>
      x.analysis.startsWith("biodistribution/") && x.parameter === "pctIDperG" && x.roi && tumours.has(x.roi),
  );
  const last = Math.max(...rows.map((x) => x.time_s ?? 0));
  const m = new Map<string, number>();
  for (const x of rows)
    if ((x.time_s ?? 0) === last && x.value !== null && x.status === "ok")
      m.set(`${x.subject}|${x.roi}`, x.value);
  return m;
}

/** scatter of a biomarker vs accumulation with the regression line and 95 % CI band, or "" */
export function scatterVsAccumulation(
  r: ReportInput,
  ctx: SectionContext,
  values: Map<string, number>,
  xLabel: string,
  caption: string,
  scale = 1,
): string {
  const acc = accumulation(r);
  const pairs = [...values].flatMap(([k, v]) =>
    acc.has(k) ? [[v * scale, acc.get(k) as number] as const] : [],
  );
  if (pairs.length < 4) return "";
  const xs = pairs.map((p) => p[0]);
  const ys = pairs.map((p) => p[1]);
  const c = correlation(xs, ys);
  return ctx.figure(
    scatterFitSvg(
      {
        x: xs,
        y: ys,
        fit: regressionBand(xs, ys),
      },
      {
        xLabel,
        yLabel: "tumour %ID/g at necropsy",
        label: `r = ${fmt(c.r)} (${fmt(c.ciLower)}–${fmt(c.ciUpper)}), n = ${pairs.length}`,
      },
    ),
    caption,
  );
}

/** per group and tumour: mean, SD and n of a per-lesion value */
export function byGroup(
  r: ReportInput,
  values: Map<string, number>,
): {
  groups: string[];
  tumours: string[];
  stat: (g: string, t: string) => { mean: number | null; sd: number | null; n: number };
} {
  const groupOf = new Map(r.study.study.subjects.map((s) => [s.id, s.group]));
  const cells = new Map<string, number[]>();
  for (const [k, v] of values) {
    const [subject, roi] = k.split("|");
    const key = `${groupOf.get(subject)}|${roi}`;
    cells.set(key, [...(cells.get(key) ?? []), v]);
  }
  const groups = [...new Set([...cells.keys()].map((k) => k.split("|")[0]))];
  const tumours = [...new Set([...cells.keys()].map((k) => k.split("|")[1]))].sort();
  return {
    groups,
    tumours,
    stat: (g, t) => {
      const v = cells.get(`${g}|${t}`) ?? [];
      const n = v.length;
      const mean = n ? v.reduce((a, b) => a + b, 0) / n : null;
      const sd =
        n > 1 && mean !== null ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
      return { mean, sd, n };
    },
  };
}

/** bars (mean ± SD) of a per-lesion value by tumour and group */
export function barsByGroup(
  r: ReportInput,
  ctx: SectionContext,
  values: Map<string, number>,
  yLabel: string,
  caption: string,
  scale = 1,
): string {
  const b = byGroup(r, values);
  if (b.groups.length === 0) return "";
  return ctx.figure(
    groupBarsSvg(
      {
        categories: b.tumours,
        groups: b.groups.map((g) => ({
          name: g,
          mean: b.tumours.map((t) => {
            const m = b.stat(g, t).mean;
            return m === null ? null : m * scale;
          }),
          sd: b.tumours.map((t) => {
            const s = b.stat(g, t).sd;
            return s === null ? null : s * scale;
          }),
        })),
      },
      { yLabel },
    ),
    caption,
  );
}

/** table rows group, tumour, mean ± SD (n) for several parameters */
export function groupTable(
  r: ReportInput,
  ctx: SectionContext,
  rows: Rows,
  params: { parameter: string; label: string; scale?: number }[],
): string {
  const maps = params.map((p) => ({ ...p, values: lesionValues(rows, p.parameter) }));
  const b = byGroup(r, maps[0].values);
  const body = b.groups.flatMap((g) =>
    b.tumours.map((t) => [
      g,
      t,
      b.stat(g, t).n,
      ...maps.map((p) => {
        const s = byGroup(r, p.values).stat(g, t);
        const k = p.scale ?? 1;
        return s.mean === null ? null : `${fmt(s.mean * k)} ± ${s.sd === null ? "–" : fmt(s.sd * k)}`;
      }),
    ]),
  );
  return ctx.table(["group", "tumour", "n", ...params.map((p) => p.label)], body);
}

/** the stratification's Pearson/Spearman r of a registered biomarker, as a sentence */
export function correlationSentence(r: ReportInput, name: string, label: string): string {
  const get = (p: string) =>
    r.rows.find((x) => x.analysis === "stratification" && x.parameter === `${name}_vs_accumulation.${p}`)
      ?.value;
  const pr = get("pearson.r");
  if (pr === undefined || pr === null) return "";
  return `<p>${label} vs accumulation (stratification, all tumours): Pearson r = ${fmt(pr)} (95 % CI ${fmt(get("pearson.ci_lower") ?? Number.NaN)}–${fmt(get("pearson.ci_upper") ?? Number.NaN)}, p = ${fmt(get("pearson.p") ?? Number.NaN, 2)}), Spearman ρ = ${fmt(get("spearman.r") ?? Number.NaN)}, n = ${get("pearson.n") ?? "–"}.</p>`;
}

const COMPANION_LABELS: [string, string][] = [
  ["n", "tumours"],
  ["slope_pctIDperG_per_mM", "slope (%ID/g per mM Fe)"],
  ["intercept_pctIDperG", "intercept (%ID/g)"],
  ["r_squared", "R² (in-sample)"],
  ["cv_r_squared", "R² (5-fold cross-validated)"],
  ["cv_rmse_pctIDperG", "CV RMSE (%ID/g)"],
  ["response_auc", "AUC, predicted accumulation → response"],
  ["accumulation_cutoff_pctIDperG", "cut-off on predicted accumulation (%ID/g)"],
  ["Fe_cutoff_mM", "the same cut-off on [Fe] (mM)"],
  ["sensitivity", "sensitivity"],
  ["specificity", "specificity"],
  ["logrank_by_stratum.p", "log-rank p (predicted strata)"],
];

export const ferumoxytolSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("ferumoxytol");
  const fe = lesionValues(rows, "Fe_mM");
  if (fe.size === 0) return "";
  const rel = rows.find((x) => x.parameter === "r2star_per_s_per_mM");
  const methods = `<p>Multi-echo gradient-echo magnitude series before and 24 h after ferumoxytol were fitted voxelwise with a mono-exponential decay (R2*); [Fe] = ΔR2* / r2* per voxel with r2* = ${fmt(rel?.value ?? Number.NaN)} s⁻¹mM⁻¹ (${rel?.message ?? "relaxivity table"}), averaged over the tumour mask (voxels where both fits converged).${rows.some((x) => x.parameter === "VSI_um") ? " Steady-state (10 min) gradient- and spin-echo ΔR2* and ΔR2 gave the blood volume fraction in the static-dephasing regime and the vessel size index 0.425·(ADC/(γΔχB0))^½·(ΔR2*/ΔR2)^{3/2} (Troprès et al. 2001) with the tumour's DWI ADC." : ""}</p>`;
  const scatter = scatterVsAccumulation(
    r,
    ctx,
    fe,
    "tumour [Fe] 24 h after ferumoxytol (mM)",
    "Ferumoxytol [Fe] (companion pre-scan) vs nanoparticle accumulation, all tumours, with least-squares line and 95 % CI band.",
  );
  const cd = ctx.rowsOf("ferumoxytol-companion").filter((x) => x.roi === "all tumours");
  const cdTable = cd.length
    ? `<h3>Companion diagnostic: [Fe] → predicted accumulation</h3>${ctx.table(
        ["quantity", "value"],
        COMPANION_LABELS.flatMap(([p, label]) => {
          const x = cd.find((y) => y.parameter === p);
          if (!x) return [];
          const lo = cd.find((y) => y.parameter === `${p}.ci_lower`)?.value;
          const hi = cd.find((y) => y.parameter === `${p}.ci_upper`)?.value;
          const v =
            x.value === null
              ? null
              : lo != null && hi != null
                ? `${fmt(x.value)} (${fmt(lo)}–${fmt(hi)})`
                : x.value;
          return [[label, v]];
        }),
      )}`
    : "";
  return `<h2>Ferumoxytol MRI and accumulation</h2>${methods}${scatter}${correlationSentence(r, "Fe", "[Fe]")}${cdTable}${groupTable(
    r,
    ctx,
    rows,
    [
      { parameter: "Fe_mM", label: "[Fe] (mM)" },
      { parameter: "dR2star_per_s", label: "ΔR2* (1/s)" },
      { parameter: "R2star_pre_per_s", label: "R2* pre (1/s)" },
      { parameter: "rBV_percent", label: "rBV (%)" },
      { parameter: "VSI_um", label: "VSI (µm)" },
    ],
  )}`;
};
