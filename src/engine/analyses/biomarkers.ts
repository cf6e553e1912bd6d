/**
 * Per-lesion imaging biomarkers that the stratification analysis relates to accumulation: an
 * analysis kind that writes one row per (subject, tumour ROI) with this parameter registers it
 * here (one line per biomarker), and stratification correlates it with tumour %ID/g and reports
 * `<name>_vs_accumulation.<pearson|spearman>.<r|ci_lower|ci_upper|p|n>`.
 */
import { DSC_BIOMARKERS } from "./dsc.js";

export interface LesionBiomarker {
  /** analysis kind whose rows carry it, e.g. "dce" */
  kind: string;
  /** result parameter, e.g. "Ktrans_per_min" */
  parameter: string;
  /** name in the stratification rows and the report, e.g. "Ktrans" */
  name: string;
  unit: string;
  /** what it is, for the report's table */
  description: string;
}

export const LESION_BIOMARKERS: LesionBiomarker[] = [
  {
    kind: "dce",
    parameter: "Ktrans_per_min",
    name: "Ktrans",
    unit: "1/min",
    description: "DCE-MRI transfer constant (extended Tofts)",
  },
  { kind: "dce", parameter: "vp", name: "vp", unit: "1", description: "DCE-MRI plasma volume fraction" },
  {
    kind: "histology",
    parameter: "MVD_per_mm2",
    name: "MVD",
    unit: "1/mm2",
    description: "CD31 microvessel density (whole section)",
  },
  {
    kind: "histology",
    parameter: "collagen_fraction",
    name: "collagen",
    unit: "1",
    description: "Masson trichrome collagen area fraction",
  },
  {
    kind: "ferumoxytol",
    parameter: "Fe_mM",
    name: "Fe",
    unit: "mM",
    description: "ferumoxytol [Fe] 24 h post (ΔR2*/r2*)",
  },
  {
    kind: "ferumoxytol",
    parameter: "rBV_percent",
    name: "rBV",
    unit: "%",
    description: "ferumoxytol steady-state blood volume",
  },
  {
    kind: "ceus",
    parameter: "AUC",
    name: "CEUS_AUC",
    unit: "a.u.*s",
    description: "CEUS bolus area under the curve",
  },
  {
    kind: "ceus",
    parameter: "flow_index",
    name: "CEUS_flow",
    unit: "a.u./s",
    description: "CEUS replenishment flow index A·β",
  },
  {
    kind: "dwi",
    parameter: "ADC_mm2_per_s",
    name: "ADC",
    unit: "mm2/s",
    description: "DW-MRI ADC (b ≥ 200 s/mm²)",
  },
  {
    kind: "swe",
    parameter: "youngs_modulus_kPa",
    name: "E_SWE",
    unit: "kPa",
    description: "SWE Young's modulus (3ρc²)",
  },
  ...DSC_BIOMARKERS,
];
