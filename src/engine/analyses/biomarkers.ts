/**
 * Per-lesion imaging biomarkers that the stratification analysis relates to accumulation: an
 * analysis kind that writes one row per (subject, tumour ROI) with this parameter registers it
 * here (one line per biomarker), and stratification correlates it with tumour %ID/g and reports
 * `<name>_vs_accumulation.<pearson|spearman>.<r|ci_lower|ci_upper|p|n>`.
 */
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
];
