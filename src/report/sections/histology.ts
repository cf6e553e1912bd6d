/**
 * Report section "Histology": CD31 microvessel density and Masson-trichrome collagen fraction per
 * tumour against nanoparticle accumulation (ex vivo %ID/g at necropsy), each a scatter with the
 * least-squares line and its 95 % confidence band (core/stats regression), Pearson r with CI;
 * nanoparticle penetration: the fluorescence-vs-distance-from-nearest-vessel profile (mean ± SD
 * over subjects per group and tumour, 5 µm bins) and a table of the half-depth, λ, near/far
 * ratio, CoV and Gini per tumour (engine/analyses/histology.ts).
 */
import { correlation } from "../../core/stats/correlation.js";
import { fmt } from "../figures/scale.js";
import { regressionBand, scatterFitSvg } from "../figures/scatterFit.js";
import { type TimeSeries, timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

/** penetration profile figure (group × tumour mean ± SD) and table, or "" without penetration rows */
function penetrationPart(
  rows: ReturnType<Parameters<ReportSection>[1]["rowsOf"]>,
  groupOf: Map<string, string>,
  ctx: Parameters<ReportSection>[1],
): string {
  const lesions = rows
    .filter((x) => x.parameter === "penetration.depth50_um")
    .map((x) => ({ subject: x.subject, roi: x.roi }));
  if (lesions.length === 0) return "";
  const val = (s: string | null, roi: string | null, p: string) =>
    rows.find((x) => x.subject === s && x.roi === roi && x.parameter === p)?.value ?? null;
  // profile per lesion: penetration.profile.<k>.distance_um / .mean
  const acc = new Map<string, Map<number, number[]>>();
  for (const l of lesions) {
    const key = `${groupOf.get(l.subject ?? "") ?? "?"} ${l.roi}`;
    const m = acc.get(key) ?? new Map<number, number[]>();
    acc.set(key, m);
    for (let k = 0; ; k++) {
      const d = val(l.subject, l.roi, `penetration.profile.${k}.distance_um`);
      const y = val(l.subject, l.roi, `penetration.profile.${k}.mean`);
      if (d === null || y === null) break;
      m.set(d, [...(m.get(d) ?? []), y]);
    }
  }
  const series: TimeSeries[] = [...acc.entries()]
    .filter(([, m]) => m.size > 0)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, m]) => {
      const ds = [...m.keys()].sort((a, b) => a - b);
      const stat = ds.map((d) => {
        const v = m.get(d) as number[];
        const mu = v.reduce((a, b) => a + b, 0) / v.length;
        const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mu) ** 2, 0) / (v.length - 1)) : null;
        return { mu, sd };
      });
      return { name, x: ds, y: stat.map((q) => q.mu), sd: stat.map((q) => q.sd) };
    });
  const fig = series.length
    ? ctx.figure(
        timeCurvesSvg(series, {
          xLabel: "distance from nearest CD31 vessel (µm)",
          yLabel: "nanoparticle fluorescence (a.u.)",
          title: "Intratumoural penetration profile",
        }),
        "Nanoparticle fluorescence vs distance from the nearest CD31+ vessel (5 µm bins, vessel pixels excluded), mean ± SD over subjects per group and tumour.",
      )
    : "";
  const table = ctx.table(
    ["subject", "tumour", "half-depth (µm)", "λ (µm)", "near/far ratio", "CoV", "Gini"],
    lesions.map((l) => [
      l.subject,
      l.roi,
      val(l.subject, l.roi, "penetration.depth50_um"),
      val(l.subject, l.roi, "penetration.lambda_um"),
      val(l.subject, l.roi, "penetration.rim_core_ratio"),
      val(l.subject, l.roi, "penetration.cov"),
      val(l.subject, l.roi, "penetration.gini"),
    ]),
  );
  return `<h3>Intratumoural penetration</h3><p>Nanoparticle fluorescence against the exact Euclidean distance to the nearest CD31 vessel of the registered section. Half-depth: distance over which the background-subtracted profile halves from its perivascular (first) bin; λ: log-linear fit of the profile above background; near/far: mean signal at &lt; 20 µm over ≥ 60 µm from a vessel; CoV and Gini of the signal over non-vessel pixels.</p>${fig}${table}`;
}

export const histologySection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("histology");
  if (rows.length === 0) return "";
  const bio = ctx.rowsOf("biodistribution").filter((x) => x.parameter === "pctIDperG" && x.value !== null);
  const tEnd = Math.max(...bio.map((x) => x.time_s ?? 0));
  const acc = (s: string | null, roi: string | null) =>
    bio.find((x) => x.subject === s && x.roi === roi && x.time_s === tEnd)?.value ?? null;
  const lesions = rows
    .filter((x) => x.parameter === "MVD_per_mm2")
    .map((x) => ({ subject: x.subject, roi: x.roi }));
  const val = (s: string | null, roi: string | null, p: string) =>
    rows.find((x) => x.subject === s && x.roi === roi && x.parameter === p)?.value ?? null;
  const scatter = (p: string, label: string, what: string) => {
    const pairs = lesions.flatMap((l) => {
      const x = val(l.subject, l.roi, p);
      const y = acc(l.subject, l.roi);
      return x === null || y === null ? [] : [[x, y] as const];
    });
    if (pairs.length < 4) return "";
    const xs = pairs.map((q) => q[0]);
    const ys = pairs.map((q) => q[1]);
    const c = correlation(xs, ys);
    return ctx.figure(
      scatterFitSvg(
        {
          x: xs,
          y: ys,
          fit: regressionBand(xs, ys),
        },
        {
          xLabel: label,
          yLabel: "tumour %ID/g at necropsy",
          title: `${what} vs accumulation`,
          label: `r = ${fmt(c.r)} (${fmt(c.ciLower)}–${fmt(c.ciUpper)}), p = ${fmt(c.p, 2)}, n = ${c.n}`,
        },
      ),
      `${what} vs nanoparticle accumulation, all tumours, least-squares line with 95 % CI band.`,
    );
  };
  const mvd = scatter("MVD_per_mm2", "CD31 MVD (vessels/mm²)", "CD31 microvessel density");
  const col = scatter("collagen_fraction", "collagen area fraction", "Masson-trichrome collagen");
  const table = ctx.table(
    [
      "subject",
      "tumour",
      "vessels",
      "MVD (/mm²)",
      "hotspot MVD (/mm²)",
      "vessel area fraction",
      "collagen fraction",
      "%ID/g",
    ],
    lesions.map((l) => [
      l.subject,
      l.roi,
      val(l.subject, l.roi, "vessels"),
      val(l.subject, l.roi, "MVD_per_mm2"),
      val(l.subject, l.roi, "hotspot_MVD_per_mm2"),
      val(l.subject, l.roi, "vessel_area_fraction"),
      val(l.subject, l.roi, "collagen_fraction"),
      acc(l.subject, l.roi),
    ]),
  );
  return `<h2>Histology</h2><p>Methods: colour deconvolution with Fiji's stain vectors (Ruifrok &amp; Johnston 2001); CD31 (DAB) and collagen (methyl blue) positive above the Otsu threshold; vessels are 8-connected components ≥ 10 µm²; MVD over the whole section and in the densest 0.74 mm² field (Weidner); collagen as the positive area fraction. Overlays in results/histology/.</p>${mvd}${col}${table}${penetrationPart(rows, new Map(r.study.study.subjects.map((s) => [s.id, s.group])), ctx)}`;
};
