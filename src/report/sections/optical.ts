/**
 * Report section "Multispectral optical imaging": tumour time courses of the targeted and the
 * passive carrier (NNLS-unmixed abundances, mean ± SD over animals) and the paired comparison of
 * AUC, peak and time to peak with 95 % CIs (analyses optical, optical-comparison).
 */
import { timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

export const opticalSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("optical");
  if (rows.length === 0) return "";
  const first = r.study.study.scans.find((s) => s.purpose === "multispectral")?.acquisition ?? {};
  const carriers = [first.targeted, first.passive].filter((x) => x !== undefined).map(String);
  const series = carriers.map((c) => {
    const by = new Map<number, number[]>();
    for (const x of rows)
      if (x.parameter === c && typeof x.time_s === "number" && x.value !== null)
        by.set(x.time_s, [...(by.get(x.time_s) ?? []), x.value]);
    const t = [...by.keys()].sort((a, b) => a - b);
    const mean = t.map(
      (k) => (by.get(k) as number[]).reduce((a, b) => a + b, 0) / (by.get(k) as number[]).length,
    );
    const sd = t.map((k, i) => {
      const v = by.get(k) as number[];
      return v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean[i]) ** 2, 0) / (v.length - 1)) : null;
    });
    return { name: c, x: t.map((k) => k / 3600), y: mean, sd };
  });
  const fig = ctx.figure(
    timeCurvesSvg(series, {
      xLabel: "time after injection (h)",
      yLabel: "tumour abundance (a.u.)",
      title: "Targeted vs passive carrier",
    }),
    "Tumour-ROI mean abundance of the two co-injected carriers (NNLS unmixing with an autofluorescence component), mean ± SD over animals.",
  );
  const cmp = ctx.rowsOf("optical-comparison");
  const g = (p: string) => cmp.find((x) => x.parameter === p)?.value ?? null;
  const table = ctx.table(
    ["targeted − passive", "mean", "95 % CI (t)", "95 % CI (bootstrap)", "unit"],
    [
      ["AUC_difference_au_h", "AUC difference", "a.u.·h"],
      ["peak_difference_au", "peak difference", "a.u."],
      ["TTP_difference_h", "time-to-peak difference", "h"],
      ["AUC_ratio", "AUC ratio (targeted/passive)", "1"],
    ].map(([p, label, unit]) => [
      label,
      g(`${p}.mean`),
      `${g(`${p}.t_ci_lower`)?.toPrecision(3) ?? "–"} to ${g(`${p}.t_ci_upper`)?.toPrecision(3) ?? "–"}`,
      `${g(`${p}.bootstrap_ci_lower`)?.toPrecision(3) ?? "–"} to ${g(`${p}.bootstrap_ci_upper`)?.toPrecision(3) ?? "–"}`,
      unit,
    ]),
  );
  const per = ctx.table(
    ["subject", "carrier", "AUC (a.u.·h)", "peak (a.u.)", "TTP (h)"],
    [...new Set(rows.map((x) => x.subject))].flatMap((s) =>
      carriers.map((c) => {
        const v = (m: string) =>
          rows.find((x) => x.subject === s && x.parameter === `${c}.${m}`)?.value ?? null;
        return [s, c, v("AUC_au_h"), v("peak_au"), v("TTP_h")];
      }),
    ),
  );
  return `<h2>Multispectral optical imaging</h2><p>Methods: per-voxel NNLS unmixing of the multispectral stacks into the dye and autofluorescence spectra; tumour-ROI mean abundance per time; AUC by the linear trapezoid, peak and time to peak per animal; paired targeted − passive differences with t-based and percentile-bootstrap 95 % CIs (n = ${g("n") ?? "–"} animals).</p>${fig}${table}${per}`;
};
