/**
 * Report section "Planar scintigraphy" (analysis planar): organ and tumour time–activity curves
 * (%ID, group mean ± SD over subjects) from conjugate-view whole-body imaging, the agreement of
 * planar with SPECT whole-organ %ID (log–log scatter with the identity line, and per ROI the
 * Bland–Altman bias and 95 % limits of agreement of planar − SPECT, core/stats/blandAltman.ts),
 * and the residence times and blood-pool persistence by group.
 */
import { blandAltman } from "../../core/stats/blandAltman.js";
import { fmt } from "../figures/scale.js";
import { scatterFitSvg } from "../figures/scatterFit.js";
import { type TimeSeries, timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

const ORGANS = ["heart", "liver", "spleen", "kidney"];

function meanSd(v: number[]): { mean: number; sd: number | null } {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1)) : null;
  return { mean: m, sd };
}

export const planarSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("planar").filter((x) => x.value !== null && x.status === "ok");
  if (rows.length === 0) return "";
  const groupOf = new Map(r.study.study.subjects.map((s) => [s.id, s.group ?? "all"]));
  const groups = [...new Set(rows.map((x) => groupOf.get(x.subject ?? "") ?? "all"))].sort();
  const rois = [...new Set(rows.filter((x) => x.parameter === "pctID").map((x) => x.roi ?? ""))];
  const organs = ORGANS.filter((o) => rois.includes(o));
  const lesions = rois.filter((o) => !ORGANS.includes(o));
  const tac = (group: string, roi: string): TimeSeries => {
    const pts = rows.filter(
      (x) =>
        x.parameter === "pctID" &&
        x.roi === roi &&
        x.time_s !== null &&
        (groupOf.get(x.subject ?? "") ?? "all") === group,
    );
    // scans of one nominal time differ by seconds between subjects: bin to the hour
    const times = [...new Set(pts.map((p) => Math.round((p.time_s as number) / 3600)))].sort((a, b) => a - b);
    const stats = times.map((h) =>
      meanSd(pts.filter((p) => Math.round((p.time_s as number) / 3600) === h).map((p) => p.value as number)),
    );
    return { name: `${group} ${roi}`, x: times, y: stats.map((s) => s.mean), sd: stats.map((s) => s.sd) };
  };
  const tacFig = (list: string[], title: string, what: string, logY: boolean) =>
    list.length
      ? ctx.figure(
          timeCurvesSvg(
            groups.flatMap((g) => list.map((o) => tac(g, o))),
            { xLabel: "time after injection (h)", yLabel: "%ID (decay-corrected)", title, logY },
          ),
          `${what} from planar whole-body scintigraphy (conjugate view), %ID decay-corrected to injection, mean ± SD per group (colour: group, dash: ROI).`,
        )
      : "";
  const figOrgans = tacFig(
    organs,
    "Planar organ TACs",
    "Organ time–activity curves (heart = blood pool)",
    true,
  );
  const figLesions = tacFig(lesions, "Planar tumour TACs", "Tumour (lesion ROI) time–activity curves", false);

  // planar vs SPECT
  const pairs: { roi: string; planar: number; spect: number }[] = [];
  for (const s of rows.filter((x) => x.parameter === "pctID_spect")) {
    const p = rows.find(
      (x) => x.parameter === "pctID" && x.subject === s.subject && x.roi === s.roi && x.time_s === s.time_s,
    );
    if (p && (p.value as number) > 0 && (s.value as number) > 0)
      pairs.push({ roi: s.roi ?? "", planar: p.value as number, spect: s.value as number });
  }
  let agreement = "";
  if (pairs.length) {
    const lx = pairs.map((p) => Math.log10(p.spect));
    const ly = pairs.map((p) => Math.log10(p.planar));
    const lo = Math.min(...lx, ...ly);
    const hi = Math.max(...lx, ...ly);
    const line = [lo, hi];
    const fig = ctx.figure(
      scatterFitSvg(
        { x: lx, y: ly, fit: { x: line, fit: line, lower: line, upper: line } },
        {
          xLabel: "SPECT log10 %ID",
          yLabel: "planar log10 %ID",
          title: "Planar vs SPECT whole-organ %ID",
          label: "line: identity",
        },
      ),
      "Whole-organ %ID from planar conjugate-view imaging against SPECT (ROI mean %ID/cc × ROI volume) in the same subject and scan time, every organ, tumour and time point, log–log with the identity line.",
    );
    const ba = [...new Set(pairs.map((p) => p.roi))].map((roi) => {
      const ps = pairs.filter((p) => p.roi === roi);
      const ratio = meanSd(ps.map((p) => p.planar / p.spect));
      if (ps.length < 3) return [roi, ps.length, ratio.mean, null, null, null];
      const b = blandAltman(
        ps.map((p) => p.planar),
        ps.map((p) => p.spect),
      );
      return [roi, b.n, ratio.mean, b.bias, b.lowerLoa, b.upperLoa];
    });
    agreement = `${fig}${ctx.table(
      ["ROI", "pairs", "mean planar/SPECT", "Bland–Altman bias (%ID)", "lower LoA (%ID)", "upper LoA (%ID)"],
      ba as (string | number | null)[][],
    )}`;
  }

  // residence times and blood-pool persistence by group
  const byGroup = (roi: string, parameter: string, g: string) => {
    const v = rows
      .filter(
        (x) =>
          x.roi === roi &&
          x.parameter === parameter &&
          x.time_s === null &&
          (groupOf.get(x.subject ?? "") ?? "all") === g,
      )
      .map((x) => x.value as number);
    return v.length ? meanSd(v) : null;
  };
  const resTable = ctx.table(
    ["group", "ROI", "n", "residence time (h), mean", "SD", "effective half-life (h), mean"],
    groups.flatMap((g) =>
      rois.map((roi) => {
        const t = byGroup(roi, "residence_time_h", g);
        const n = rows.filter(
          (x) =>
            x.roi === roi &&
            x.parameter === "residence_time_h" &&
            (groupOf.get(x.subject ?? "") ?? "all") === g,
        ).length;
        return [
          g,
          roi,
          n,
          t?.mean ?? null,
          t?.sd ?? null,
          byGroup(roi, "effective_half_life_h", g)?.mean ?? null,
        ];
      }),
    ),
  );
  const bp = rows.filter((x) => x.parameter === "blood_pool_persistence_pct" && x.time_s !== null);
  const lastH = bp.length ? Math.max(...bp.map((x) => Math.round((x.time_s as number) / 3600))) : null;
  const bpText =
    lastH !== null
      ? ` Blood-pool (heart ROI) persistence at ${fmt(lastH)} h: ${groups
          .map((g) => {
            const v = bp
              .filter(
                (x) =>
                  Math.round((x.time_s as number) / 3600) === lastH &&
                  (groupOf.get(x.subject ?? "") ?? "all") === g,
              )
              .map((x) => x.value as number);
            if (!v.length) return null;
            const s = meanSd(v);
            return `${g} ${fmt(s.mean)} %${s.sd !== null ? ` ± ${fmt(s.sd)}` : ""} of the first scan`;
          })
          .filter((x) => x !== null)
          .join(", ")}.`
      : "";
  return `<h2>Planar scintigraphy</h2><p>Methods: whole-body anterior/posterior gamma-camera scans quantified by the conjugate-view method (MIRD Pamphlet 16): triple-energy-window scatter correction per photopeak window, Buijs background subtraction, attenuation from the body thickness (narrow-beam water μ of the photopeaks), organ self-attenuation, calibration from a standard of known activity imaged with every scan, decay correction to injection; residence times by log-down trapezoids from zero at injection with physical decay after the last scan (MIRD). Paired organs (kidneys) are summed.${bpText}</p>${figOrgans}${figLesions}${agreement}<h3>Residence times</h3>${resTable}`;
};
