/**
 * Report section "Histology": CD31 microvessel density and Masson-trichrome collagen fraction per
 * tumour against nanoparticle accumulation (ex vivo %ID/g at necropsy), each a scatter with the
 * least-squares line and its 95 % confidence band (core/stats regression), Pearson r with CI.
 */
import { correlation } from "../../core/stats/correlation.js";
import { fmt } from "../figures/scale.js";
import { regressionBand, scatterFitSvg } from "../figures/scatterFit.js";
import type { ReportSection } from "./index.js";

export const histologySection: ReportSection = (_r, ctx) => {
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
  return `<h2>Histology</h2><p>Methods: colour deconvolution with Fiji's stain vectors (Ruifrok &amp; Johnston 2001); CD31 (DAB) and collagen (methyl blue) positive above the Otsu threshold; vessels are 8-connected components ≥ 10 µm²; MVD over the whole section and in the densest 0.74 mm² field (Weidner); collagen as the positive area fraction. Overlays in results/histology/.</p>${mvd}${col}${table}`;
};
