/**
 * NCA parameter registry (PKNCA-style: every parameter declared once). Each entry gives the
 * CDISC SDTM PPTESTCD code, the Phoenix WinNonlin column name, the unit kind (resolved from
 * the data's time/conc/dose units), a description, and the routes for which WinNonlin reports
 * it (from RptCfg.csv, asancpt/NonCompart-tests). Output keys, report tables and docs read it.
 */
export type Route = "ev" | "iv-bolus" | "iv-infusion";

export type UnitKind =
  | "time"
  | "conc"
  | "auc"
  | "aumc"
  | "rate"
  | "clearance"
  | "volume"
  | "percent"
  | "count"
  | "ratio"
  | "concPerDose"
  | "aucPerDose";

export interface NcaParameter {
  code: string;
  wnl: string;
  unit: UnitKind;
  description: string;
  routes: readonly Route[];
  /** needs λz (reported missing with a reason when λz cannot be estimated) */
  needsLambdaZ?: boolean;
  /** needs a dose */
  needsDose?: boolean;
}

const ALL: readonly Route[] = ["ev", "iv-bolus", "iv-infusion"];
const EV: readonly Route[] = ["ev"];
const IV: readonly Route[] = ["iv-bolus", "iv-infusion"];
const BOLUS: readonly Route[] = ["iv-bolus"];

export const NCA_PARAMETERS: readonly NcaParameter[] = [
  {
    code: "R2",
    wnl: "Rsq",
    unit: "ratio",
    description: "R² of the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "R2ADJ",
    wnl: "Rsq_adjusted",
    unit: "ratio",
    description: "adjusted R² of the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "CORRXY",
    wnl: "Corr_XY",
    unit: "ratio",
    description: "correlation of time and log concentration (λz points)",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "LAMZNPT",
    wnl: "No_points_lambda_z",
    unit: "count",
    description: "number of points in the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "LAMZ",
    wnl: "Lambda_z",
    unit: "rate",
    description: "terminal elimination rate constant λz",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "LAMZLL",
    wnl: "Lambda_z_lower",
    unit: "time",
    description: "first time of the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "LAMZUL",
    wnl: "Lambda_z_upper",
    unit: "time",
    description: "last time of the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "LAMZHL",
    wnl: "HL_Lambda_z",
    unit: "time",
    description: "terminal half-life ln2/λz",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "TLAG",
    wnl: "Tlag",
    unit: "time",
    description: "time of the last zero concentration before the first positive one",
    routes: EV,
  },
  { code: "TMAX", wnl: "Tmax", unit: "time", description: "time of Cmax", routes: ALL },
  { code: "CMAX", wnl: "Cmax", unit: "conc", description: "maximum observed concentration", routes: ALL },
  {
    code: "CMAXD",
    wnl: "Cmax_D",
    unit: "concPerDose",
    description: "Cmax / dose",
    routes: ALL,
    needsDose: true,
  },
  {
    code: "C0",
    wnl: "C0",
    unit: "conc",
    description: "back-extrapolated concentration at time 0",
    routes: BOLUS,
  },
  {
    code: "TLST",
    wnl: "Tlast",
    unit: "time",
    description: "time of the last positive concentration",
    routes: ALL,
  },
  { code: "CLST", wnl: "Clast", unit: "conc", description: "last positive concentration", routes: ALL },
  {
    code: "CLSTP",
    wnl: "Clast_pred",
    unit: "conc",
    description: "Clast predicted by the λz regression",
    routes: ALL,
    needsLambdaZ: true,
  },
  { code: "AUCLST", wnl: "AUClast", unit: "auc", description: "AUC from dosing to Tlast", routes: ALL },
  {
    code: "AUCALL",
    wnl: "AUCall",
    unit: "auc",
    description: "AUC from dosing to the last time (trailing zeros included)",
    routes: ALL,
  },
  {
    code: "AUCIFO",
    wnl: "AUCINF_obs",
    unit: "auc",
    description: "AUC to infinity, observed Clast",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUCIFOD",
    wnl: "AUCINF_D_obs",
    unit: "aucPerDose",
    description: "AUCINF_obs / dose",
    routes: ALL,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "AUCPEO",
    wnl: "AUC_%Extrap_obs",
    unit: "percent",
    description: "extrapolated % of AUCINF_obs",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUCPBEO",
    wnl: "AUC_%Back_Ext_obs",
    unit: "percent",
    description: "back-extrapolated % of AUCINF_obs",
    routes: BOLUS,
    needsLambdaZ: true,
  },
  {
    code: "AUCIFP",
    wnl: "AUCINF_pred",
    unit: "auc",
    description: "AUC to infinity, predicted Clast",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUCIFPD",
    wnl: "AUCINF_D_pred",
    unit: "aucPerDose",
    description: "AUCINF_pred / dose",
    routes: ALL,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "AUCPEP",
    wnl: "AUC_%Extrap_pred",
    unit: "percent",
    description: "extrapolated % of AUCINF_pred",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUCPBEP",
    wnl: "AUC_%Back_Ext_pred",
    unit: "percent",
    description: "back-extrapolated % of AUCINF_pred",
    routes: BOLUS,
    needsLambdaZ: true,
  },
  {
    code: "VZFO",
    wnl: "Vz_F_obs",
    unit: "volume",
    description: "Vz/F = dose/(λz·AUCINF_obs)",
    routes: EV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "CLFO",
    wnl: "Cl_F_obs",
    unit: "clearance",
    description: "CL/F = dose/AUCINF_obs",
    routes: EV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "VZFP",
    wnl: "Vz_F_pred",
    unit: "volume",
    description: "Vz/F with AUCINF_pred",
    routes: EV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "CLFP",
    wnl: "Cl_F_pred",
    unit: "clearance",
    description: "CL/F with AUCINF_pred",
    routes: EV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "VZO",
    wnl: "Vz_obs",
    unit: "volume",
    description: "Vz = dose/(λz·AUCINF_obs)",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "CLO",
    wnl: "Cl_obs",
    unit: "clearance",
    description: "CL = dose/AUCINF_obs",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "VZP",
    wnl: "Vz_pred",
    unit: "volume",
    description: "Vz with AUCINF_pred",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "CLP",
    wnl: "Cl_pred",
    unit: "clearance",
    description: "CL with AUCINF_pred",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
  { code: "AUMCLST", wnl: "AUMClast", unit: "aumc", description: "AUMC from dosing to Tlast", routes: ALL },
  {
    code: "AUMCIFO",
    wnl: "AUMCINF_obs",
    unit: "aumc",
    description: "AUMC to infinity, observed Clast",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUMCPEO",
    wnl: "AUMC_%Extrap_obs",
    unit: "percent",
    description: "extrapolated % of AUMCINF_obs",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUMCIFP",
    wnl: "AUMCINF_pred",
    unit: "aumc",
    description: "AUMC to infinity, predicted Clast",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "AUMCPEP",
    wnl: "AUMC_%Extrap_pred",
    unit: "percent",
    description: "extrapolated % of AUMCINF_pred",
    routes: ALL,
    needsLambdaZ: true,
  },
  {
    code: "MRTEVLST",
    wnl: "MRTlast",
    unit: "time",
    description: "MRT to Tlast (AUMClast/AUClast)",
    routes: EV,
  },
  {
    code: "MRTEVIFO",
    wnl: "MRTINF_obs",
    unit: "time",
    description: "MRT to infinity, observed",
    routes: EV,
    needsLambdaZ: true,
  },
  {
    code: "MRTEVIFP",
    wnl: "MRTINF_pred",
    unit: "time",
    description: "MRT to infinity, predicted",
    routes: EV,
    needsLambdaZ: true,
  },
  {
    code: "MRTIVLST",
    wnl: "MRTlast",
    unit: "time",
    description: "MRT to Tlast (minus Tinf/2 for infusions)",
    routes: IV,
  },
  {
    code: "MRTIVIFO",
    wnl: "MRTINF_obs",
    unit: "time",
    description: "MRT to infinity, observed (minus Tinf/2 for infusions)",
    routes: IV,
    needsLambdaZ: true,
  },
  {
    code: "MRTIVIFP",
    wnl: "MRTINF_pred",
    unit: "time",
    description: "MRT to infinity, predicted (minus Tinf/2 for infusions)",
    routes: IV,
    needsLambdaZ: true,
  },
  {
    code: "VSSO",
    wnl: "Vss_obs",
    unit: "volume",
    description: "Vss = MRTINF_obs·CL_obs",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
  {
    code: "VSSP",
    wnl: "Vss_pred",
    unit: "volume",
    description: "Vss = MRTINF_pred·CL_pred",
    routes: IV,
    needsLambdaZ: true,
    needsDose: true,
  },
];

export function parametersFor(route: Route): NcaParameter[] {
  return NCA_PARAMETERS.filter((p) => p.routes.includes(route));
}

/** Unit string of a parameter given the data units (e.g. time "h", conc "mg/L", dose "mg"). */
export function ncaUnit(kind: UnitKind, u: { time: string; conc: string; dose: string }): string {
  switch (kind) {
    case "time":
      return u.time;
    case "conc":
      return u.conc;
    case "auc":
      return `${u.conc}*${u.time}`;
    case "aumc":
      return `${u.conc}*${u.time}^2`;
    case "rate":
      return `1/${u.time}`;
    case "clearance":
      return `${u.dose}/(${u.conc}*${u.time})`;
    case "volume":
      return `${u.dose}/${u.conc}`;
    case "percent":
      return "%";
    case "count":
    case "ratio":
      return "1";
    case "concPerDose":
      return `${u.conc}/${u.dose}`;
    case "aucPerDose":
      return `${u.conc}*${u.time}/${u.dose}`;
  }
}
