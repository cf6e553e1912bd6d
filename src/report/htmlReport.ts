/**
 * Self-contained HTML report of a study (inline CSS and SVG, no external requests): study
 * summary, methods generated from the actual analyses and software version, biodistribution
 * (ex vivo %ID/g by organ and group), blood pharmacokinetics, image-based tumour uptake over
 * time, DCE-MRI biomarkers vs accumulation, response and survival by accumulation stratum, and
 * provenance (every analysis with its status and input hash).
 */
import { correlation } from "../core/stats/correlation.js";
import { kaplanMeier } from "../core/stats/kaplanMeier.js";
import { benjaminiHochberg } from "../core/stats/multipleTesting.js";
import { roc } from "../core/stats/roc.js";
import { LESION_BIOMARKERS } from "../engine/analyses/biomarkers.js";
import type { AnalysisRecord, ResultRow } from "../store/types.js";
import type { LoadedStudy } from "../study/load.js";
import { correlationForestSvg } from "./figures/correlationForest.js";
import { groupBarsSvg } from "./figures/groupBars.js";
import { kmPlotSvg } from "./figures/kmPlot.js";
import { rocCurveSvg } from "./figures/rocCurve.js";
import { esc, fmt } from "./figures/scale.js";
import { regressionBand, scatterFitSvg } from "./figures/scatterFit.js";
import { timeCurvesSvg } from "./figures/timeCurves.js";
import { REPORT_SECTIONS, type SectionContext } from "./sections/index.js";
import { statName, statUnit, statValue } from "./statLabels.js";

const fmtOrDash = (v: number | null) => (v === null || !Number.isFinite(v) ? "–" : fmt(v, 3));

function table(head: string[], rows: (string | number | null)[][]): string {
  const cell = (v: string | number | null) => (v === null ? "–" : typeof v === "number" ? fmt(v, 4) : esc(v));
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`).join("")}</tbody></table>`;
}

function summary(
  rows: ResultRow[],
  group: string,
  roi: string | null,
  parameter: string,
  time?: number | null,
) {
  const pick = (suffix: string) =>
    rows.find(
      (r) =>
        r.analysis === "group-summary" &&
        r.group === group &&
        r.roi === roi &&
        r.parameter === `${parameter}.${suffix}` &&
        (time === undefined || r.time_s === time),
    )?.value ?? null;
  return { mean: pick("mean"), sd: pick("sd"), n: pick("n") };
}

export interface ReportInput {
  study: LoadedStudy;
  rows: ResultRow[];
  analyses: AnalysisRecord[];
  version: string;
  generatedAt: string;
}

export interface ReportFigure {
  caption: string;
  svg: string;
}

/** The report's figures alone (the web workspace's dashboard shows them). */
export function reportFigures(r: ReportInput): ReportFigure[] {
  return build(r).figures;
}

export function renderReport(r: ReportInput): string {
  return build(r).html;
}

function build(r: ReportInput): { html: string; figures: ReportFigure[] } {
  const s = r.study.study;
  const groups = [...new Set(s.subjects.map((x) => x.group))];
  const figures: ReportFigure[] = [];
  const sections: string[] = [];
  const fig = (svg: string, caption: string) => {
    figures.push({ caption, svg });
    return `<figure>${svg}<figcaption>Figure ${figures.length}. ${esc(caption)}</figcaption></figure>`;
  };

  // study summary
  sections.push(
    `<h2>Study</h2><p>${esc(s.description ?? "")}</p>` +
      table(
        ["group", "subjects", "agent", "description"],
        (s.groups ?? groups.map((g) => ({ id: g, description: "", agent: undefined }))).map((g) => [
          g.id,
          s.subjects.filter((x) => x.group === g.id).length,
          g.agent ?? "",
          g.description ?? "",
        ]),
      ) +
      table(
        ["agent", "kind", "size (nm)", "targeting", "label"],
        s.agents.map((a) => [
          a.name,
          a.kind,
          a.hydrodynamicSizeNm ?? null,
          a.targetingLigand ?? "none",
          a.label?.nuclide ?? a.label?.dye ?? a.label?.contrastAgent ?? "",
        ]),
      ),
  );

  // methods from what actually ran
  const kinds = new Set(r.analyses.map((a) => a.kind));
  const methods: string[] = [];
  if (kinds.has("biodistribution"))
    methods.push(
      "Gamma-counter samples were converted to activity ((counts/t − background)/efficiency), decay-corrected to the injection time and expressed as %ID/g; the injected activity was the syringe activity before injection minus the residual syringe and tail activities, each decay-corrected.",
    );
  if (kinds.has("blood-pk"))
    methods.push(
      "Blood %ID/g–time curves were analysed non-compartmentally with Phoenix WinNonlin conventions (IV bolus, linear-up/log-down trapezoids, λz by best adjusted R²); sparse-sampling groups by Bailer's method with a Satterthwaite confidence interval.",
    );
  if (kinds.has("imaging"))
    methods.push(
      "SPECT ROI means from organ label maps were decay-corrected to injection and expressed as %ID/cc and SUV (body weight).",
    );
  if (kinds.has("dce"))
    methods.push(
      "DCE-MRI signal was converted to gadolinium concentration voxelwise (SPGR equation, individual T1,0) and the tumour-mean curve fitted with the extended Tofts model and a fitted bolus-arrival delay against the population (Parker) AIF.",
    );
  if (kinds.has("stratification"))
    methods.push(
      "Associations were tested with Pearson and Spearman correlations (Fisher-z CIs); accumulation as a predictor of objective response by ROC analysis (DeLong CI); time to endpoint by Kaplan–Meier and log-rank test between accumulation strata (median split).",
    );
  sections.push(
    `<h2>Methods</h2><p>${methods.map(esc).join(" ")} Analyses were run with eprscope ${esc(r.version)}.</p>`,
  );

  // biodistribution at necropsy
  const bio = r.rows.filter(
    (x) => x.analysis === "group-summary" && x.parameter === "biodistribution:pctIDperG.mean",
  );
  if (bio.length) {
    const tEnd = Math.max(...bio.map((x) => x.time_s ?? 0));
    const organs = [...new Set(bio.filter((x) => x.time_s === tEnd).map((x) => x.roi as string))];
    const sumGroups = groups.filter((g) =>
      bio.some((x) => x.group === g && x.time_s === tEnd && x.roi !== "blood"),
    );
    // group comparison per organ (group-comparison task): Welch and Mann–Whitney, BH q
    const cmp = r.rows.filter((x) => x.analysis === "group-comparison" && x.group !== null);
    const cmpVal = (pair: string, o: string, p: string) =>
      cmp.find((x) => x.group === pair && x.roi === o && x.parameter === p)?.value ?? null;
    const pairs = [...new Set(cmp.map((x) => x.group as string))];
    const shownPairs = pairs.filter((p) => p.split(" vs ").every((g) => sumGroups.includes(g)));
    const significant = new Set(
      organs.filter((o) =>
        shownPairs.some((p) => {
          const q = cmpVal(p, o, "welch.p_bh");
          return q !== null && q < 0.05;
        }),
      ),
    );
    const data = {
      categories: organs.map((o) => (significant.has(o) ? `${o} *` : o)),
      groups: sumGroups.map((g) => ({
        name: g,
        mean: organs.map((o) => summary(r.rows, g, o, "biodistribution:pctIDperG", tEnd).mean),
        sd: organs.map((o) => summary(r.rows, g, o, "biodistribution:pctIDperG", tEnd).sd),
      })),
    };
    sections.push(
      `<h2>Biodistribution</h2>${fig(groupBarsSvg(data, { yLabel: "%ID/g", title: `Ex vivo %ID/g at ${fmt(tEnd / 3600)} h` }), `Organ and tumour uptake at necropsy (mean ± SD).${shownPairs.length ? " * Welch t-test between groups, Benjamini–Hochberg q < 0.05 across organs." : ""}`)}` +
        table(
          ["organ", ...sumGroups.map((g) => `${g} mean ± SD (n)`)],
          organs.map((o) => [
            o,
            ...sumGroups.map((g) => {
              const v = summary(r.rows, g, o, "biodistribution:pctIDperG", tEnd);
              return v.mean === null ? null : `${fmt(v.mean)} ± ${fmt(v.sd ?? Number.NaN)} (${v.n})`;
            }),
          ]),
        ) +
        (pairs.length
          ? `<h3>Group comparison per organ</h3><p>Ex vivo %ID/g at necropsy, difference of group means (first − second) with its Welch 95 % CI; two-sided Welch t-test and Mann–Whitney U test (exact without ties for n &lt; 50), q: Benjamini–Hochberg adjustment across organs within each comparison.</p>${table(
              [
                "organ",
                "comparison",
                "difference (%ID/g) [95 % CI]",
                "Welch p",
                "Welch q (BH)",
                "Mann–Whitney p",
                "Mann–Whitney q (BH)",
              ],
              pairs.flatMap((p) =>
                organs
                  .filter((o) => cmpVal(p, o, "mean_difference") !== null)
                  .map((o) => [
                    o,
                    p,
                    `${fmtOrDash(cmpVal(p, o, "mean_difference"))} [${fmtOrDash(cmpVal(p, o, "mean_difference.ci95_lower"))}, ${fmtOrDash(cmpVal(p, o, "mean_difference.ci95_upper"))}]`,
                    fmtOrDash(cmpVal(p, o, "welch.p")),
                    fmtOrDash(cmpVal(p, o, "welch.p_bh")),
                    fmtOrDash(cmpVal(p, o, "mannwhitney.p")),
                    fmtOrDash(cmpVal(p, o, "mannwhitney.p_bh")),
                  ]),
              ),
            )}`
          : ""),
    );
  }

  // blood PK
  const pkGroups = groups.filter((g) =>
    r.rows.some(
      (x) => x.analysis === "group-summary" && x.group === g && x.parameter === "blood-pk:LAMZHL.mean",
    ),
  );
  if (pkGroups.length) {
    const series = pkGroups.map((g) => {
      const pts = r.rows
        .filter(
          (x) =>
            x.analysis === "group-summary" &&
            x.group === g &&
            x.roi === "blood" &&
            x.parameter === "biodistribution:pctIDperG.mean" &&
            x.time_s !== null,
        )
        .sort((a, b) => (a.time_s ?? 0) - (b.time_s ?? 0));
      return {
        name: g,
        x: pts.map((p) => (p.time_s ?? 0) / 3600),
        y: pts.map((p) => p.value as number),
        sd: pts.map((p) => summary(r.rows, g, "blood", "biodistribution:pctIDperG", p.time_s).sd),
      };
    });
    const params = ["CMAX", "AUCLST", "AUCIFO", "LAMZHL", "CLO", "VSSO", "MRTIVIFO"];
    sections.push(
      `<h2>Blood pharmacokinetics</h2>${fig(timeCurvesSvg(series, { xLabel: "time after injection (h)", yLabel: "blood %ID/g", logY: true }), "Blood clearance of the nanoparticles (mean ± SD, log scale).")}` +
        table(
          ["parameter", ...pkGroups.map((g) => `${g} mean ± SD`)],
          params.map((p) => [
            p,
            ...pkGroups.map((g) => {
              const v = summary(r.rows, g, "blood", `blood-pk:${p}`);
              const unit = r.rows.find((x) => x.parameter === `blood-pk:${p}.mean`)?.unit ?? "";
              return v.mean === null ? null : `${fmt(v.mean)} ± ${fmt(v.sd ?? Number.NaN)} ${unit}`;
            }),
          ]),
        ),
    );
  }

  // imaging TACs of tumours
  const tac = r.rows.filter(
    (x) =>
      x.analysis === "group-summary" &&
      x.parameter === "imaging:pctIDperCC.mean" &&
      x.roi?.startsWith("tumour"),
  );
  if (tac.length) {
    const series = [...new Set(tac.map((x) => `${x.group}|${x.roi}`))].map((k) => {
      const [g, roi] = k.split("|");
      const pts = tac
        .filter((x) => x.group === g && x.roi === roi)
        .sort((a, b) => (a.time_s ?? 0) - (b.time_s ?? 0));
      return {
        name: `${g} ${roi.replace("tumour_", "")}`,
        x: pts.map((p) => (p.time_s ?? 0) / 3600),
        y: pts.map((p) => p.value as number),
      };
    });
    sections.push(
      `<h2>Imaging</h2>${fig(timeCurvesSvg(series, { xLabel: "time after injection (h)", yLabel: "tumour %ID/cc" }), "Tumour time–activity curves from SPECT (group means, decay-corrected).")}`,
    );
  }

  // DCE vs accumulation and stratification
  const dce = r.rows.filter(
    (x) => x.analysis.startsWith("dce/") && x.parameter === "Ktrans_per_min" && x.value !== null,
  );
  if (dce.length >= 4) {
    const tEnd = Math.max(
      ...r.rows
        .filter((x) => x.analysis.startsWith("biodistribution/") && x.parameter === "pctIDperG")
        .map((x) => x.time_s ?? 0),
    );
    const pairs = dce.flatMap((d) => {
      const acc = r.rows.find(
        (x) =>
          x.analysis === `biodistribution/${d.subject}` &&
          x.roi === d.roi &&
          x.parameter === "pctIDperG" &&
          x.time_s === tEnd,
      )?.value;
      return acc === undefined || acc === null ? [] : [[d.value as number, acc] as const];
    });
    if (pairs.length >= 4) {
      const xs = pairs.map((p) => p[0]);
      const ys = pairs.map((p) => p[1]);
      const c = correlation(xs, ys);
      sections.push(
        `<h2>DCE-MRI biomarkers and accumulation</h2>${fig(
          scatterFitSvg(
            {
              x: xs,
              y: ys,
              fit: regressionBand(xs, ys),
            },
            {
              xLabel: "Ktrans (1/min)",
              yLabel: "tumour %ID/g at necropsy",
              label: `r = ${fmt(c.r)} (${fmt(c.ciLower)}–${fmt(c.ciUpper)}), p = ${fmt(c.p, 2)}`,
            },
          ),
          "Pre-treatment Ktrans vs nanoparticle accumulation, all tumours, with regression line and 95 % CI band.",
        )}`,
      );
    }
  }
  const strat = r.rows.filter((x) => x.analysis === "stratification");
  if (strat.length) {
    const accOf = (subject: string, tumour: string) => {
      const rows = r.rows.filter(
        (x) => x.analysis === `biodistribution/${subject}` && x.roi === tumour && x.parameter === "pctIDperG",
      );
      const tEnd = Math.max(...rows.map((x) => x.time_s ?? 0));
      return rows.find((x) => x.time_s === tEnd)?.value ?? null;
    };
    const cutoff = strat.find((x) => x.parameter === "accumulation_cutoff_median")?.value;
    const surv = s.outcomes
      .filter((o) => o.survival && o.tumour)
      .map((o) => ({
        acc: accOf(o.subject, o.tumour as string),
        t: o.survival?.timeD as number,
        e: o.survival?.event ? 1 : 0,
      }));
    let km = "";
    if (cutoff !== undefined && cutoff !== null && surv.length >= 4) {
      const curves = (["high", "low"] as const).map((g) => {
        const sel = surv.filter(
          (x) => x.acc !== null && (g === "high" ? (x.acc as number) > cutoff : (x.acc as number) <= cutoff),
        );
        const k = kaplanMeier(
          sel.map((x) => x.t),
          sel.map((x) => x.e),
        );
        return {
          label: `${g} accumulation (n = ${sel.length})`,
          steps: k.steps.map((st) => ({
            time: st.time,
            surv: st.surv,
            nRisk: st.nRisk,
            nEvent: st.nEvent,
            nCensor: st.nCensor,
          })),
        };
      });
      km = fig(
        kmPlotSvg(curves, { xLabel: "days", title: "Time to endpoint by accumulation stratum" }),
        `Kaplan–Meier curves by tumour %ID/g stratum (cut-off ${fmt(cutoff)} %ID/g, median split).`,
      );
    }
    let rocFig = "";
    const resp = s.outcomes
      .filter((o) => o.response && o.tumour)
      .map((o) => ({
        acc: accOf(o.subject, o.tumour as string),
        y: o.response === "CR" || o.response === "PR" ? 1 : 0,
      }));
    const usable = resp.filter((x) => x.acc !== null);
    if (usable.some((x) => x.y === 1) && usable.some((x) => x.y === 0)) {
      const rc = roc(
        usable.filter((x) => x.y === 1).map((x) => x.acc as number),
        usable.filter((x) => x.y === 0).map((x) => x.acc as number),
      );
      rocFig = fig(
        rocCurveSvg(
          [
            {
              label: "tumour %ID/g",
              points: rc.points,
              auc: rc.auc,
              ciLower: rc.ciLower,
              ciUpper: rc.ciUpper,
              cutoff: rc.youden,
            },
          ],
          { title: "Accumulation predicting objective response" },
        ),
        "ROC of nanoparticle accumulation (ex vivo %ID/g) for objective response (CR/PR), DeLong 95 % CI, Youden cut-off marked.",
      );
    }
    // every registered lesion biomarker against accumulation: forest plot + one row per marker
    const stat = (name: string, method: string, k: string) =>
      strat.find((x) => x.parameter === `${name}_vs_accumulation.${method}.${k}`)?.value ?? null;
    const markers = [...new Map(LESION_BIOMARKERS.map((b) => [b.name, b])).values()].filter(
      (b) => stat(b.name, "pearson", "r") !== null,
    );
    let markerHtml = "";
    if (markers.length > 0) {
      const q = benjaminiHochberg(markers.map((b) => stat(b.name, "pearson", "p") ?? 1));
      const order = markers
        .map((b, i) => ({ b, i }))
        .sort(
          (a, c) =>
            Math.abs(stat(c.b.name, "pearson", "r") ?? 0) - Math.abs(stat(a.b.name, "pearson", "r") ?? 0),
        );
      markerHtml =
        fig(
          correlationForestSvg(
            order.map(({ b }) => ({
              name: b.name,
              r: stat(b.name, "pearson", "r"),
              lower: stat(b.name, "pearson", "ci_lower"),
              upper: stat(b.name, "pearson", "ci_upper"),
            })),
            { title: "Pre-treatment biomarkers vs tumour accumulation" },
          ),
          "Pearson correlation (Fisher-z 95 % CI) of each per-tumour imaging or histology biomarker with ex vivo tumour %ID/g, strongest first.",
        ) +
        table(
          ["biomarker", "what it is", "unit", "n", "Pearson r [95 % CI]", "p", "BH q", "Spearman ρ"],
          order.map(({ b, i }) => [
            b.name,
            b.description,
            b.unit,
            stat(b.name, "pearson", "n"),
            `${fmtOrDash(stat(b.name, "pearson", "r"))} [${fmtOrDash(stat(b.name, "pearson", "ci_lower"))}, ${fmtOrDash(stat(b.name, "pearson", "ci_upper"))}]`,
            stat(b.name, "pearson", "p"),
            q[i],
            stat(b.name, "spearman", "r"),
          ]),
        );
    }
    const others = strat.filter((x) => !/_vs_accumulation\./.test(x.parameter));
    sections.push(
      `<h2>Stratification</h2>${km}${rocFig}${markerHtml}${table(
        ["where", "statistic", "value", "unit"],
        others.map((x) => [
          x.roi ?? "",
          statName(x.parameter),
          statValue(x.parameter, x.value),
          statUnit(x.unit),
        ]),
      )}<details><summary>Every stratification statistic (${strat.length})</summary>${table(
        ["where", "statistic", "value", "unit"],
        strat.map((x) => [
          x.roi ?? "",
          statName(x.parameter),
          statValue(x.parameter, x.value),
          statUnit(x.unit),
        ]),
      )}</details>`,
    );
  }

  // modality sections (report/sections), then provenance
  const sectionCtx: SectionContext = {
    figure: fig,
    table,
    rowsOf: (kind) => {
      const ids = new Set(r.analyses.filter((a) => a.kind === kind).map((a) => a.id));
      return r.rows.filter((x) => ids.has(x.analysis));
    },
  };
  for (const section of REPORT_SECTIONS) {
    const html = section(r, sectionCtx);
    if (html) sections.push(html);
  }

  // provenance: a summary per analysis kind, every analysis in a collapsible table
  const failed = r.analyses.filter((a) => a.status !== "ok");
  const byKind = new Map<string, { n: number; failed: number }>();
  for (const a of r.analyses) {
    const k = byKind.get(a.kind) ?? { n: 0, failed: 0 };
    k.n++;
    if (a.status !== "ok") k.failed++;
    byKind.set(a.kind, k);
  }
  sections.push(
    `<h2>Provenance</h2><p>${r.analyses.length} analyses, ${failed.length} failed. Input hashes cover study.json sections, data files (SHA-256) and the results each analysis depends on.</p>` +
      table(
        ["analysis kind", "analyses", "failed"],
        [...byKind].map(([kind, k]) => [kind, k.n, k.failed]),
      ) +
      (failed.length
        ? `<h3>Failed analyses</h3>${table(
            ["analysis", "message"],
            failed.map((a) => [a.id, a.message ?? ""]),
          )}`
        : "") +
      `<details><summary>Every analysis (${r.analyses.length})</summary>${table(
        ["analysis", "status", "input hash", "eprscope", "finished"],
        r.analyses.map((a) => [
          a.id,
          a.status + (a.message ? `: ${a.message}` : ""),
          a.inputHash.slice(0, 12),
          a.version,
          a.finishedAt,
        ]),
      )}</details>`,
  );

  const css =
    "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}th{background:#f3f3f3}figure{margin:1.5em 0}figcaption{font-size:13px;color:#555}h1{font-size:1.5em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em}";
  const html = `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title><style>${css}</style></head><body><h1>${esc(s.title)}</h1><p>Study <code>${esc(s.id)}</code> · ${s.subjects.length} subjects · report generated ${esc(r.generatedAt)} by eprscope ${esc(r.version)}</p>${sections.join("\n")}<p>${figures.length} figures.</p></body></html>\n`;
  return { html, figures };
}
