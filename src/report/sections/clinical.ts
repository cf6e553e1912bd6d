/**
 * Report section "Clinical nanotheranostic cohort" (analyses clinical and clinical-cohort):
 *  - planar ¹¹¹In-liposome time–activity curves of the cohort (heart = blood pool, liver, spleen,
 *    lesions; %ID decay-corrected, mean ± SD over patients, lesions pooled), blood-pool
 *    persistence at the last scan and residence times;
 *  - PET lesion SUV (the cohort analysis' uptake parameter) by best response (CR/PR/SD/PD), one
 *    dot per lesion coloured by its patient's stratum, with the cohort median cut-off;
 *  - the median-split table: per stratum patients, responders and response rate, with Fisher's
 *    exact p, odds ratio, Mann–Whitney p and ROC AUC (patients primary, lesions descriptive).
 */
import { clinicalCohortOptions } from "../../engine/analyses/clinicalCohort.js";
import { fmt } from "../figures/scale.js";
import { stripPlotSvg } from "../figures/stripPlot.js";
import { type TimeSeries, timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

const ORGANS = ["heart", "liver", "spleen"];
const RESPONSES = ["CR", "PR", "SD", "PD"];
const STRATUM_COLOR = { high: "#d62728", low: "#1f77b4" };

function meanSd(v: number[]): { mean: number; sd: number | null } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : null;
  return { mean: m, sd };
}

const isLesion = (roi: string | null) => roi !== null && !ORGANS.includes(roi) && roi !== "blood_pool";

export const clinicalSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("clinical").filter((x) => x.value !== null && x.status === "ok");
  if (rows.length === 0) return "";
  const cohort = ctx.rowsOf("clinical-cohort");
  const classOf = (roi: string | null) =>
    roi && ORGANS.includes(roi) ? roi : isLesion(roi) ? "lesions" : null;
  // planar TACs, binned to the nominal hour
  const pct = rows.filter((x) => x.parameter === "pctID" && x.time_s !== null);
  const classes = [...ORGANS, "lesions"].filter((c) => pct.some((x) => classOf(x.roi) === c));
  const series: TimeSeries[] = classes.map((c) => {
    const pts = pct.filter((x) => classOf(x.roi) === c);
    const hours = [...new Set(pts.map((x) => Math.round((x.time_s as number) / 3600)))].sort((a, b) => a - b);
    const st = hours.map((h) =>
      meanSd(pts.filter((x) => Math.round((x.time_s as number) / 3600) === h).map((x) => x.value as number)),
    );
    return { name: c, x: hours, y: st.map((s) => s.mean), sd: st.map((s) => s.sd) };
  });
  const nPatients = new Set(rows.map((x) => x.subject)).size;
  const tacFig = series.length
    ? ctx.figure(
        timeCurvesSvg(series, {
          xLabel: "time after 111In-liposome injection (h)",
          yLabel: "%ID (decay-corrected)",
          title: "Planar TACs of the clinical cohort",
          logY: true,
        }),
        `Planar conjugate-view time–activity curves of the clinical cohort (${nPatients} patients): heart (blood pool), liver, spleen and lesions (pooled), %ID decay-corrected to injection, mean ± SD; lesions below background at a time point are left out.`,
      )
    : "";
  const bp = rows.filter((x) => x.parameter === "blood_pool_persistence_pct" && x.time_s !== null);
  const lastH = bp.length ? Math.max(...bp.map((x) => Math.round((x.time_s as number) / 3600))) : null;
  const bpV = bp
    .filter((x) => Math.round((x.time_s as number) / 3600) === lastH)
    .map((x) => x.value as number);
  const bpS = bpV.length ? meanSd(bpV) : null;
  const bpText =
    bpS && lastH !== null
      ? ` Blood-pool (heart ROI) persistence at ${lastH} h: ${fmt(bpS.mean)} %${bpS.sd !== null ? ` ± ${fmt(bpS.sd)}` : ""} of the 1st scan (n = ${bpV.length}).`
      : "";
  const resTable = ctx.table(
    ["ROI", "n", "residence time (h), mean", "SD"],
    classes.map((c) => {
      const v = rows
        .filter((x) => x.parameter === "residence_time_h" && classOf(x.roi) === c)
        .map((x) => x.value as number);
      const s = v.length ? meanSd(v) : null;
      return [c, v.length, s?.mean ?? null, s?.sd ?? null];
    }),
  );

  // lesion uptake by best response
  const stat = (roi: string, p: string) =>
    cohort.find((x) => x.subject === null && x.roi === roi && x.parameter === p)?.value ?? null;
  let opts: ReturnType<typeof clinicalCohortOptions>;
  try {
    opts = clinicalCohortOptions(r.study.study);
  } catch {
    return ""; // invalid options: the cohort analysis failed and says why in provenance
  }
  const param = opts.uptake;
  const uptakeWhat = `the ${opts.aggregate} lesion ${param} per patient`;
  const best = new Map(
    r.study.study.outcomes
      .filter((o) => !o.tumour && o.response)
      .map((o) => [o.subject, o.response as string]),
  );
  const stratum = new Map(
    cohort
      .filter((x) => x.parameter === "stratum_high" && x.subject)
      .map((x) => [x.subject as string, x.value === 1 ? "high" : "low"]),
  );
  const lesionPts = rows
    .filter((x) => x.parameter === param && x.subject && best.has(x.subject))
    .map((x) => {
      const st = stratum.get(x.subject as string) as "high" | "low" | undefined;
      return {
        category: best.get(x.subject as string) as string,
        y: x.value as number,
        color: st ? STRATUM_COLOR[st] : "#777",
        title: `${x.subject} ${x.roi}: ${fmt(x.value as number)}`,
      };
    });
  const median = stat("patients", "median_uptake");
  const unit = rows.find((x) => x.parameter === param)?.unit ?? "";
  const suvFig = lesionPts.length
    ? ctx.figure(
        stripPlotSvg(
          {
            categories: RESPONSES,
            points: lesionPts,
            lines: median !== null ? [{ y: median, label: `cohort median ${fmt(median)}` }] : [],
            legend: [
              { label: "patient above median", color: STRATUM_COLOR.high },
              { label: "patient at/below median", color: STRATUM_COLOR.low },
            ],
          },
          {
            yLabel: `lesion ${param} (${unit})`,
            xLabel: "best overall response (RECIST 1.1)",
            title: `Lesion ${param} by best response`,
          },
        ),
        `⁶⁴Cu-MM-302 PET lesion ${param} at ~24 h by the patient's best overall response, one dot per lesion coloured by the patient's stratum (${uptakeWhat} above or at/below the cohort median, dashed); bars: medians.`,
      )
    : "";
  const split = (roi: string, level: string) => {
    if (stat(roi, "high.n") === null) return [];
    const auc = stat(roi, "auc");
    const ci = [stat(roi, "auc.ci_lower"), stat(roi, "auc.ci_upper")];
    const aucText =
      auc === null ? "–" : `${fmt(auc)} (${ci.map((v) => (v === null ? "–" : fmt(v))).join("–")})`;
    return (["high", "low"] as const).map((s, i) => [
      level,
      s === "high" ? "above median" : "at/below median",
      stat(roi, `${s}.n`),
      stat(roi, `${s}.responders`),
      stat(roi, `${s}.response_rate`),
      i === 0 ? stat(roi, "fisher.p") : null,
      i === 0 ? stat(roi, "fisher.odds_ratio") : null,
      i === 0 ? stat(roi, "mannwhitney.p") : null,
      i === 0 ? aucText : "",
    ]);
  };
  const splitRows = [...split("patients", "patients"), ...split("lesions", "lesions (descriptive)")];
  const splitTable = splitRows.length
    ? `<h3>Median split vs best response</h3>${ctx.table(
        [
          "level",
          "stratum",
          "n",
          `responders (${opts.rule === "objective" ? "CR/PR" : "CR/PR/SD"})`,
          "response rate",
          "Fisher exact p",
          "odds ratio",
          "Mann–Whitney p",
          "ROC AUC (95 % CI)",
        ],
        splitRows,
      )}`
    : "";
  return `<h2>Clinical nanotheranostic cohort</h2><p>Methods: patients' whole-body ¹¹¹In-liposome anterior/posterior scans quantified by the conjugate-view method (MIRD Pamphlet 16) as in the planar section (TEW scatter, Buijs background, narrow-beam μ of the photopeaks with the body thickness, self-attenuation, standard in every scan, decay to injection), residence times by log-down trapezoids with physical decay after the last scan; ⁶⁴Cu-MM-302 PET per lesion label: body-weight SUVmax, SUVpeak (highest mean over a 1 cm³ sphere, PERCIST) and SUVmean, decay-corrected to the scan, %ID and lesion-to-blood (left-ventricle VOI); patients split at the cohort median of ${uptakeWhat}, responders (${opts.rule === "objective" ? "CR/PR" : "CR/PR/SD"}) compared by Fisher's exact test, Mann–Whitney U and ROC (the ⁶⁴Cu-MM-302 analysis, Lee et al. 2017).${bpText}</p>${tacFig}<h3>Residence times</h3>${resTable}${suvFig}${splitTable}`;
};
