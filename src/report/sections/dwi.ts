/**
 * Report section "Diffusion-weighted MRI": methods sentence, tumour ADC (mean ± SD, ×10⁻³ mm²/s)
 * by group and tumour as bars, the stratification correlation of ADC with accumulation and a
 * table of ADC and the IVIM parameters (D, f, D*) by group and tumour.
 */

import { barsByGroup, correlationSentence, groupTable, lesionValues } from "./ferumoxytol.js";
import type { ReportSection } from "./index.js";

export const dwiSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("dwi");
  const adc = lesionValues(rows, "ADC_mm2_per_s");
  if (adc.size === 0) return "";
  const methods =
    "<p>Diffusion-weighted series were fitted voxelwise inside the tumour mask: ADC log-linearly on the b-values at or above the ADC threshold (default 200 s/mm², above the perfusion regime), and the IVIM model S/S0 = f·e^(−b·D*) + (1 − f)·e^(−b·D) with bounds (f 0–1, D 0–5·10⁻³, D* 5–200·10⁻³ mm²/s); ROI values are the means over converged voxels.</p>";
  const bars = barsByGroup(
    r,
    ctx,
    adc,
    "ADC (10⁻³ mm²/s)",
    "Tumour ADC by group and tumour (mean ± SD over animals).",
    1e3,
  );
  return `<h2>Diffusion-weighted MRI</h2>${methods}${bars}${correlationSentence(r, "ADC", "ADC")}${groupTable(
    r,
    ctx,
    rows,
    [
      { parameter: "ADC_mm2_per_s", label: "ADC (10⁻³ mm²/s)", scale: 1e3 },
      { parameter: "D_mm2_per_s", label: "D (10⁻³ mm²/s)", scale: 1e3 },
      { parameter: "f", label: "f" },
      { parameter: "Dstar_mm2_per_s", label: "D* (10⁻³ mm²/s)", scale: 1e3 },
    ],
  )}`;
};
