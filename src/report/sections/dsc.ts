/**
 * Report section "DSC-MRI perfusion": methods sentence, tumour rCBV (mean ± SD) by group and
 * tumour as bars, the scatter of rCBV against accumulation with fit and 95 % CI band, the
 * stratification correlations of rCBV and CBF with accumulation and a table of rCBV, CBF, MTT
 * and Tmax by group and tumour.
 */
import {
  barsByGroup,
  correlationSentence,
  groupTable,
  lesionValues,
  scatterVsAccumulation,
} from "./ferumoxytol.js";
import type { ReportSection } from "./index.js";

export const dscSection: ReportSection = (r, ctx) => {
  const rows = ctx.rowsOf("dsc");
  const cbv = lesionValues(rows, "CBV_ml_per_100ml");
  if (cbv.size === 0) return "";
  const methods =
    "<p>DSC-MRI series were converted to ΔR2*(t) = −ln(S/S0)/TE (S0 the mean of the pre-bolus frames) and deconvolved voxelwise inside the tumour mask with the arterial ΔR2* curve by oscillation-index SVD (block-circulant, delay-insensitive; Wu et al. 2003) or truncated SVD (Østergaard et al. 1996): relative blood volume rCBV = 100·∫ΔR2*_tissue/∫ΔR2*_artery (mL/100 mL, no hematocrit or density correction), CBF = 100·60·max(F·R), MTT = 60·rCBV/CBF. SVD deconvolution underestimates CBF when the transit time is short compared with the frame interval; rCBV does not depend on the deconvolution. ROI values are the means over converged voxels.</p>";
  const bars = barsByGroup(
    r,
    ctx,
    cbv,
    "rCBV (mL/100 mL)",
    "Tumour DSC rCBV by group and tumour (mean ± SD over animals).",
  );
  const scatter = scatterVsAccumulation(
    r,
    ctx,
    cbv,
    "DSC rCBV (mL/100 mL)",
    "DSC rCBV vs nanoparticle accumulation, all tumours, with least-squares line and 95 % CI band.",
  );
  return `<h2>DSC-MRI perfusion</h2>${methods}${bars}${scatter}${correlationSentence(r, "DSC_rCBV", "DSC rCBV")}${correlationSentence(r, "DSC_CBF", "DSC CBF")}${groupTable(
    r,
    ctx,
    rows,
    [
      { parameter: "CBV_ml_per_100ml", label: "rCBV (mL/100 mL)" },
      { parameter: "CBF_ml_per_100ml_per_min", label: "CBF (mL/100 mL/min)" },
      { parameter: "MTT_s", label: "MTT (s)" },
      { parameter: "Tmax_s", label: "Tmax (s)" },
    ],
  )}`;
};
