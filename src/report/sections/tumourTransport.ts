/**
 * Report section "Tumour transport model": the Baxter–Jain diffusion–convection–binding model run
 * on each DCE tumour's own mask with its vp map as vascular density (analyses tumour-transport and
 * tumour-transport-comparison): rim and core concentration over time per group (mean ± SD over the
 * group's tumours), predicted vs measured (biodistribution) tumour %ID/g with the identity line,
 * a per-tumour table (predicted, measured, rim/core, penetration depth next to the histology
 * numbers when there are any) and the stored correlations across tumours.
 */
import { esc, fmt } from "../figures/scale.js";
import { scatterFitSvg } from "../figures/scatterFit.js";
import { type TimeSeries, timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

const meanSd = (v: number[]): [number, number | null] => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  if (v.length < 2) return [m, null];
  return [m, Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1))];
};

export const tumourTransportSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("tumour-transport");
  if (rows.length === 0) return "";
  const cmp = ctx.rowsOf("tumour-transport-comparison");
  const groupOf = new Map(r.study.study.subjects.map((s) => [s.id, s.group]));
  const ok = rows.filter((x) => x.status === "ok" && x.value !== null);
  const times = [...new Set(ok.filter((x) => x.time_s !== null).map((x) => x.time_s as number))].sort(
    (a, b) => a - b,
  );
  const groups = [...new Set(ok.map((x) => groupOf.get(x.subject ?? "") ?? ""))].sort();
  // rim and core concentration over time, per group
  const series: TimeSeries[] = [];
  for (const g of groups)
    for (const [p, label] of [
      ["conc_rim_mean", "rim"],
      ["conc_core_mean", "core"],
    ] as const) {
      const x: number[] = [];
      const y: number[] = [];
      const sd: (number | null)[] = [];
      for (const t of times) {
        const v = ok
          .filter((q) => q.parameter === p && q.time_s === t && (groupOf.get(q.subject ?? "") ?? "") === g)
          .map((q) => q.value as number);
        if (v.length === 0) continue;
        const [m, s] = meanSd(v);
        x.push(t / 3600);
        y.push(m);
        sd.push(s);
      }
      if (x.length) series.push({ name: `${g} ${label}`, x, y, sd });
    }
  const profile = series.length
    ? ctx.figure(
        timeCurvesSvg(series, {
          xLabel: "time after injection (h)",
          yLabel: "model particle concentration (%ID/g)",
          title: "Transport model: tumour rim vs core over time",
        }),
        "Model particle concentration (extravascular, free + bound) in the tumour rim (outer third of the depth below the surface) and core (inner third), mean ± SD over each group's DCE tumours; diffusion–convection–binding on each tumour's own mask with its DCE vp map as vascular density.",
      )
    : "";
  // predicted vs measured accumulation
  const per = new Map<string, Record<string, number | null>>();
  const keyOf = (s: string | null, roi: string | null) => `${s ?? ""}\u0000${roi ?? ""}`;
  for (const q of cmp.filter((x) => x.subject !== null)) {
    const k = keyOf(q.subject, q.roi);
    const m = per.get(k) ?? {};
    m[q.parameter] = q.status === "ok" ? q.value : null;
    per.set(k, m);
  }
  const tumours = [...per.keys()].map((k) => k.split("\u0000"));
  const pairs = tumours.flatMap(([s, roi]) => {
    const m = per.get(keyOf(s, roi)) ?? {};
    const p = m["accumulation.predicted_pctIDperG"];
    const y = m["accumulation.measured_pctIDperG"];
    return p !== null && p !== undefined && y !== null && y !== undefined ? [[y, p] as const] : [];
  });
  const stat = (p: string) => cmp.find((x) => x.subject === null && x.parameter === p)?.value ?? null;
  const tNec = cmp.find((x) => x.parameter === "accumulation.measured_pctIDperG")?.time_s ?? null;
  let scatter = "";
  if (pairs.length >= 2) {
    const xs = pairs.map((q) => q[0]);
    const ys = pairs.map((q) => q[1]);
    const lo = Math.min(0, ...xs, ...ys);
    const hi = Math.max(...xs, ...ys);
    const rP = stat("predicted_vs_measured.pearson.r");
    const label =
      rP !== null
        ? `Pearson r = ${fmt(rP)} (${fmt(stat("predicted_vs_measured.pearson.ci_lower") ?? Number.NaN)}–${fmt(stat("predicted_vs_measured.pearson.ci_upper") ?? Number.NaN)}), n = ${pairs.length}; line: identity`
        : "line: identity";
    scatter = ctx.figure(
      scatterFitSvg(
        { x: xs, y: ys, fit: { x: [lo, hi], fit: [lo, hi], lower: [lo, hi], upper: [lo, hi] } },
        {
          xLabel: "measured tumour %ID/g (biodistribution)",
          yLabel: "transport model %ID/g",
          title: "Transport model vs measured tumour accumulation",
          label,
        },
      ),
      `Predicted (transport model mean + vascular content, at ${tNec !== null ? `${fmt(tNec / 3600)} h` : "the necropsy time"}) vs measured tumour %ID/g per tumour, with the identity line; geometric mean fold error ${fmt(stat("accumulation.gmfe") ?? Number.NaN)}.`,
    );
  }
  const t24 = 24 * 3600;
  const val = (s: string, roi: string, p: string, t: number | null) =>
    ok.find((x) => x.subject === s && x.roi === roi && x.parameter === p && x.time_s === t)?.value ?? null;
  const flagged = [
    ...new Set(
      rows
        .filter((x) => x.status === "flagged" && x.message)
        .map((x) => `${x.subject} ${x.roi}: ${x.message}`),
    ),
  ];
  const table = ctx.table(
    [
      "subject",
      "group",
      "tumour",
      "24 h mean (%ID/g)",
      "24 h rim/core",
      "predicted (%ID/g)",
      "measured (%ID/g)",
      "predicted/measured",
      "rim/core (model)",
      "penetration (µm, model)",
      "rim/core (histology)",
      "D50 (µm, histology)",
    ],
    tumours.map(([s, roi]) => {
      const m = per.get(keyOf(s, roi)) ?? {};
      return [
        s,
        groupOf.get(s) ?? null,
        roi,
        val(s, roi, "conc_mean", t24),
        val(s, roi, "rim_core_ratio", t24),
        m["accumulation.predicted_pctIDperG"] ?? null,
        m["accumulation.measured_pctIDperG"] ?? null,
        m["accumulation.predicted_over_measured"] ?? null,
        m["rim_core_ratio.model"] ?? null,
        m["penetration_depth_um.model"] ?? null,
        m["rim_core_ratio.histology"] ?? null,
        m["penetration_depth_um.histology"] ?? null,
      ];
    }),
  );
  const corrRows: (string | number | null)[][] = [];
  for (const [name, what] of [
    ["predicted_vs_measured", "predicted vs measured %ID/g"],
    ["rim_core_model_vs_histology", "rim/core: model vs histology"],
    ["penetration_model_vs_histology", "penetration depth: model vs histology D50"],
  ])
    for (const m of ["pearson", "spearman"]) {
      const p = `${name}.${m}`;
      const rr = cmp.find((x) => x.subject === null && x.parameter === `${p}.r`);
      corrRows.push([
        what,
        m,
        stat(`${p}.n`),
        stat(`${p}.r`),
        stat(`${p}.ci_lower`),
        stat(`${p}.ci_upper`),
        stat(`${p}.p`),
        rr && rr.value === null ? (rr.message ?? "not computed") : "ok",
      ]);
    }
  const corr = cmp.length
    ? ctx.table(["comparison", "method", "n", "r", "95 % CI lower", "95 % CI upper", "p", "status"], corrRows)
    : "";
  const notes = flagged.length
    ? `<p>Not simulated: ${flagged
        .slice(0, 10)
        .map(esc)
        .join("; ")}${flagged.length > 10 ? ` (and ${flagged.length - 10} more)` : ""}.</p>`
    : "";
  return `<h2>Tumour transport model</h2><p>Methods: interstitial fluid pressure and velocity from the vascular density (Baxter &amp; Jain 1989), size-dependent extravasation by pore theory (Stokes–Einstein radius of the agent's hydrodynamic size, tumour pores 200 nm), interstitial diffusion, convection and, for targeted agents, binding (the PBPK model's rates), on the finite-volume grid of each DCE tumour mask; the voxelwise DCE vp map sets the local vascular surface density (relative to its tumour mean, so the mean S/V is the Baxter–Jain value). Plasma input: the agent's a-priori PBPK blood curve (or the subject's measured mono-exponential blood curve) divided by (1 − Hct). The tumour surface is held at zero concentration. Concentrations are %ID per cm³ of tissue (1 g/mL); the prediction compared with biodistribution adds the vascular content mean(vp)·Cp. The model is not fitted to the tumour data: disagreement is information about the model. 24 h maps in results/maps/&lt;scan&gt;/transport_24h.nii.gz.</p>${notes}${profile}${scatter}${table}${corr}`;
};
