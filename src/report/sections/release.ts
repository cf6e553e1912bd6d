/**
 * Report section "Drug release under hyperthermia": ROI temperature curves from PRF thermometry,
 * released fraction measured by R1 next to the release predicted from the in-vitro kinetics under
 * the measured temperature history, thermal dose and hyperthermia quality per tumour, the fitted
 * k(T) per carrier (analyses release, release-kinetics, release-comparison).
 */
import { fmt } from "../figures/scale.js";
import { timeCurvesSvg } from "../figures/timeCurves.js";
import type { ReportSection } from "./index.js";

export const releaseSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("release");
  if (rows.length === 0) return "";
  const carrierOf = (subject: string | null) =>
    String(
      r.study.study.scans.find((s) => s.subject === subject && s.purpose === "r1-series")?.acquisition
        ?.carrier ?? "",
    );
  const subjects = [...new Set(rows.map((x) => x.subject).filter((x): x is string => x !== null))].sort();
  const curve = (subject: string, parameter: string, add = 0) => {
    const c = rows
      .filter(
        (x) => x.subject === subject && x.parameter === parameter && x.time_s !== null && x.value !== null,
      )
      .sort((a, b) => (a.time_s as number) - (b.time_s as number));
    return { x: c.map((p) => (p.time_s as number) / 60), y: c.map((p) => (p.value as number) + add) };
  };
  const temp = ctx.figure(
    timeCurvesSvg(
      subjects.map((s) => ({ name: `${s} (${carrierOf(s)})`, ...curve(s, "dT_C", 37) })),
      { xLabel: "time (min)", yLabel: "tumour ROI mean temperature (°C)", title: "MR thermometry (PRF)" },
    ),
    "Tumour (target ROI) mean temperature during MR-guided hyperthermia, PRF shift with drift correction from an unheated reference region (body temperature 37 °C + ΔT).",
  );
  const rel = ctx.figure(
    timeCurvesSvg(
      subjects.flatMap((s) => [
        { name: `${s} measured`, ...curve(s, "released_fraction") },
        { name: `${s} predicted`, ...curve(s, "predicted_fraction") },
      ]),
      { xLabel: "time (min)", yLabel: "released fraction", title: "Release: measured (R1) vs predicted" },
    ),
    "Released Gd fraction in the tumour from R1, f = (R1 − R1,pre)/(R1,full − R1,pre), and the release predicted from the carrier's in-vitro Arrhenius kinetics under each voxel's measured temperature history.",
  );
  const v = (s: string, p: string) =>
    rows.find((x) => x.subject === s && x.parameter === p && x.time_s === null)?.value ?? null;
  const table = ctx.table(
    [
      "subject",
      "carrier",
      "T90 (°C)",
      "T50 (°C)",
      "T10 (°C)",
      "CEM43 (min)",
      "final fraction",
      "t50 (s)",
      "prediction RMSE",
    ],
    subjects.map((s) => [
      s,
      carrierOf(s),
      v(s, "T90_C"),
      v(s, "T50_C"),
      v(s, "T10_C"),
      v(s, "CEM43_min"),
      v(s, "final_fraction"),
      v(s, "t50_s"),
      v(s, "prediction_rmse"),
    ]),
  );
  const kin = ctx
    .rowsOf("release-kinetics")
    .filter((x) =>
      ["k_ref_per_s", "T_ref_C", "Ea_kJ_per_mol", "k_37C_per_s", "k_42C_per_s"].includes(x.parameter),
    );
  const kinTable = kin.length
    ? ctx.table(
        ["carrier", "parameter", "value", "unit"],
        kin.map((x) => [x.roi, x.parameter, x.value, x.unit]),
      )
    : "";
  const cmp = ctx.rowsOf("release-comparison").find((x) => x.parameter === "final_fraction.difference");
  return (
    `<h2>Drug release under hyperthermia</h2><p>Methods: PRF-shift thermometry ΔT = Δφ/(2π·γ·α·B0·TE) (α = −0.01 ppm/°C) with circular-mean drift correction from an unheated reference region; thermal dose CEM43 = ∫R^(43−T)dt integrated exactly on the piecewise-linear temperature history; T10/T50/T90 of the time-averaged temperature over the heating plateau; released fraction from the ROI-mean R1 against a full-release calibration; first-order Arrhenius kinetics fitted to in-vitro release curves and integrated (RK45) under each voxel's measured temperature history.${cmp?.value !== null && cmp?.value !== undefined ? ` Final released fraction ${cmp.roi}: ${fmt(cmp.value)}.` : ""}</p>` +
    temp +
    rel +
    table +
    kinTable
  );
};
