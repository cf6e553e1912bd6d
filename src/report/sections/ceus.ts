/**
 * Report section "CEUS perfusion": methods sentence, the mean time–intensity curve per group
 * (observed `intensity` rows averaged over the group's tumours, with the mean of the fitted
 * curves `intensity_fit`), the scatter of bolus AUC against accumulation with fit and 95 % CI
 * band, the stratification correlations and a table of AUC, peak, TTP, MTT and flow index by
 * group and tumour.
 */
import { timeCurvesSvg } from "../figures/timeCurves.js";
import { correlationSentence, groupTable, lesionValues, scatterVsAccumulation } from "./ferumoxytol.js";
import type { ReportSection } from "./index.js";

export const ceusSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("ceus");
  const auc = lesionValues(rows, "AUC");
  if (auc.size === 0) return "";
  const groupOf = new Map(r.study.study.subjects.map((s) => [s.id, s.group]));
  // group → parameter → time → values
  const acc = new Map<string, Map<string, Map<number, number[]>>>();
  for (const x of rows) {
    if (
      (x.parameter !== "intensity" && x.parameter !== "intensity_fit") ||
      x.value === null ||
      x.time_s == null
    )
      continue;
    const g = groupOf.get(x.subject ?? "") ?? "?";
    const byP = acc.get(g) ?? new Map<string, Map<number, number[]>>();
    acc.set(g, byP);
    const byT = byP.get(x.parameter) ?? new Map<number, number[]>();
    byP.set(x.parameter, byT);
    byT.set(x.time_s, [...(byT.get(x.time_s) ?? []), x.value]);
  }
  const series = [...acc].flatMap(([g, byP]) =>
    (["intensity", "intensity_fit"] as const).flatMap((p) => {
      const byT = byP.get(p);
      if (!byT) return [];
      const ts = [...byT.keys()].sort((a, b) => a - b);
      return [
        {
          name: `${g} ${p === "intensity" ? "observed" : "fitted"}`,
          x: ts,
          y: ts.map((t) => {
            const v = byT.get(t) as number[];
            return v.reduce((a, b) => a + b, 0) / v.length;
          }),
        },
      ];
    }),
  );
  const has = (p: string) => rows.some((x) => x.parameter === p);
  const model = has("alpha") ? "gamma-variate" : has("lambda") ? "local-density random walk" : "log-normal";
  const methods = `<p>CEUS time–intensity curves (linearised intensity, tumour ROI) were fitted with a ${model} bolus model by bounded Levenberg–Marquardt from several starts; AUC, peak, TTP and MTT (first moment from the fitted onset) are closed-form functions of the fitted parameters. Destruction–replenishment curves were fitted with A·(1 − e^(−βt)), flow index A·β (Wei et al. 1998).</p>`;
  const tic = series.length
    ? ctx.figure(
        timeCurvesSvg(series, { xLabel: "time after microbubble injection (s)", yLabel: "intensity (a.u.)" }),
        "CEUS mean time–intensity curve per group (both tumours) with the mean of the fitted bolus curves.",
      )
    : "";
  const scatter = scatterVsAccumulation(
    r,
    ctx,
    auc,
    "CEUS bolus AUC (a.u.·s)",
    "CEUS AUC vs nanoparticle accumulation, all tumours, with least-squares line and 95 % CI band.",
  );
  return `<h2>CEUS perfusion</h2>${methods}${tic}${scatter}${correlationSentence(r, "CEUS_AUC", "CEUS AUC")}${correlationSentence(r, "CEUS_flow", "CEUS flow index")}${groupTable(
    r,
    ctx,
    rows,
    [
      { parameter: "AUC", label: "AUC (a.u.·s)" },
      { parameter: "peak", label: "peak (a.u.)" },
      { parameter: "TTP_s", label: "TTP (s)" },
      { parameter: "MTT_s", label: "MTT (s)" },
      { parameter: "flow_index", label: "flow index (a.u./s)" },
    ],
  )}`;
};
