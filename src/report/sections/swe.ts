/**
 * Report section "Shear-wave elastography": methods sentence, tumour Young's modulus (mean ± SD,
 * kPa) by group and tumour as bars, the stratification correlation of stiffness with
 * accumulation and a table of the moduli and speed by group and tumour.
 */

import { barsByGroup, correlationSentence, groupTable, lesionValues } from "./ferumoxytol.js";
import type { ReportSection } from "./index.js";

export const sweSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("swe");
  const e = lesionValues(rows, "youngs_modulus_kPa");
  if (e.size === 0) return "";
  const methods =
    "<p>Shear-wave speed maps were converted per pixel to the shear modulus μ = ρc² (ρ = 1000 kg/m³ unless given) inside the tumour mask, rejecting pixels below the quality threshold; Young's modulus E = 2μ(1 + ν) = 3μ for incompressible tissue (ν = 0.5).</p>";
  const bars = barsByGroup(
    r,
    ctx,
    e,
    "Young's modulus (kPa)",
    "Tumour stiffness (SWE Young's modulus) by group and tumour (mean ± SD over animals).",
  );
  return `<h2>Shear-wave elastography</h2>${methods}${bars}${correlationSentence(r, "E_SWE", "Young's modulus")}${groupTable(
    r,
    ctx,
    rows,
    [
      { parameter: "youngs_modulus_kPa", label: "E (kPa)" },
      { parameter: "shear_modulus_kPa", label: "μ (kPa)" },
      { parameter: "speed_mean_m_per_s", label: "speed (m/s)" },
      { parameter: "pixels_rejected", label: "pixels rejected" },
    ],
  )}`;
};
