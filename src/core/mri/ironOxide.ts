/**
 * Iron-oxide (USPIO, ferumoxytol) MRI quantities (SCIENCE.md §4):
 *  - ΔR2* = R2*_post − R2*_pre and ΔR2 = R2_post − R2_pre (1/s), or from one echo pair of
 *    signals ΔR2(*) = −ln(S_post/S_pre)/TE;
 *  - iron concentration [Fe] = ΔR2* / r2* (mM Fe, r2* in 1/s/mM), and in µg Fe/mL = mM × 55.845;
 *    r2* from the agent- and field-specific table below (or given by the user);
 *  - steady-state blood volume fraction in the static-dephasing regime (Yablonskiy & Haacke,
 *    MRM 1994;32:749; as used by Troprès et al., MRM 2001;45:397 and Kiselev et al., MRM
 *    2005;53:553):  ΔR2* = (4π/3)·γ·Δχ·B0·BVf  ⇒  BVf = 3·ΔR2* / (4π·γ·Δχ·B0),
 *    Δχ the blood–tissue susceptibility difference in cgs units (Δχ_SI = 4π·Δχ_cgs); for an
 *    intravascular agent Δχ = χ_M·[Fe]_blood (molar susceptibility × intravascular concentration);
 *  - vessel size index (Troprès et al. 2001, eq. 6; same cgs Δχ):
 *    VSI = 0.425·(ADC/(γ·Δχ·B0))^{1/2}·(ΔR2* / ΔR2)^{3/2}, ADC in m²/s → VSI in m (reported in µm).
 * γ = 2.6752218744e8 rad/s/T (CODATA 2018 proton gyromagnetic ratio).
 *
 * Relaxivity table: Knobloch G, Colgan T, Wiens CN, et al. "Relaxivity of ferumoxytol at 1.5 T
 * and 3.0 T." Invest Radiol 2018;53(5):257–263 (37 °C; saline and human plasma; r in 1/s/mM Fe).
 * In whole blood the same paper found R2/R2* nonlinear in concentration — the linear r2* does
 * not apply there. No peer-reviewed ferumoxytol r2* at 7 T was found for this table: its 7 T
 * entries carry null relaxivities and a note, so a 7 T [Fe] needs a measured r2* (`r2StarOverride`).
 * USPIO magnetisation saturates near 1 T (Ferumoxytol susceptibility at 1.5/3/7 T, ISMRM 2016
 * abstract 2851), which is why r2 and r2* barely change between 1.5 and 3 T.
 */
import { InputError } from "../errors.js";

export const GAMMA_RAD_PER_S_PER_T = 2.6752218744e8;
export const IRON_G_PER_MOL = 55.845;

export interface Relaxivity {
  agent: string;
  fieldT: number;
  medium: "saline" | "plasma";
  temperatureC: number;
  /** 1/s/mM Fe; null when no cited measurement exists */
  r1: number | null;
  r2: number | null;
  r2Star: number | null;
  /** reported ± SD of r2* */
  r2StarSd: number | null;
  reference: string;
  note?: string;
}

const KNOBLOCH_2018 = "Knobloch G et al., Invest Radiol 2018;53(5):257–263, doi:10.1097/RLI.0000000000000434";

export const RELAXIVITIES: readonly Relaxivity[] = [
  {
    agent: "ferumoxytol",
    fieldT: 1.5,
    medium: "saline",
    temperatureC: 37,
    r1: 19.9,
    r2: 60.8,
    r2Star: 60.4,
    r2StarSd: 4.7,
    reference: KNOBLOCH_2018,
  },
  {
    agent: "ferumoxytol",
    fieldT: 1.5,
    medium: "plasma",
    temperatureC: 37,
    r1: 19.0,
    r2: 64.9,
    r2Star: 64.4,
    r2StarSd: 2.5,
    reference: KNOBLOCH_2018,
  },
  {
    agent: "ferumoxytol",
    fieldT: 3,
    medium: "saline",
    temperatureC: 37,
    r1: 10.0,
    r2: 62.3,
    r2Star: 57.0,
    r2StarSd: 4.7,
    reference: KNOBLOCH_2018,
  },
  {
    agent: "ferumoxytol",
    fieldT: 3,
    medium: "plasma",
    temperatureC: 37,
    r1: 9.5,
    r2: 65.2,
    r2Star: 55.7,
    r2StarSd: 4.4,
    reference: KNOBLOCH_2018,
  },
  {
    agent: "ferumoxytol",
    fieldT: 7,
    medium: "plasma",
    temperatureC: 37,
    r1: null,
    r2: null,
    r2Star: null,
    r2StarSd: null,
    reference: "none",
    note: "no peer-reviewed ferumoxytol r2* at 7 T in this table: supply a measured r2* (magnetisation is saturated above ~1 T, so the 3 T value is a plausible but unvalidated substitute)",
  },
];

/** Table entry for agent, field (±0.05 T) and medium; throws InputError when none matches. */
export function lookupRelaxivity(
  agent: string,
  fieldT: number,
  medium: "saline" | "plasma" = "plasma",
): Relaxivity {
  const hit = RELAXIVITIES.find(
    (r) => r.agent === agent.toLowerCase() && Math.abs(r.fieldT - fieldT) <= 0.05 && r.medium === medium,
  );
  if (!hit) {
    const have = RELAXIVITIES.filter((r) => r.agent === agent.toLowerCase()).map(
      (r) => `${r.fieldT} T ${r.medium}`,
    );
    throw new InputError({
      field: "relaxivity",
      value: { agent, fieldT, medium },
      expected: have.length
        ? `one of the tabulated conditions for ${agent}: ${have.join(", ")} (or give r2* explicitly)`
        : `a tabulated agent (${[...new Set(RELAXIVITIES.map((r) => r.agent))].join(", ")}) or an explicit r2*`,
    });
  }
  return hit;
}

/** ΔR = R_post − R_pre (1/s) */
export function deltaRate(prePerS: number, postPerS: number): number {
  return postPerS - prePerS;
}

/** ΔR2(*) = −ln(S_post/S_pre)/TE (1/s) from one echo's pre and post signals; NaN if a signal ≤ 0 */
export function deltaRateFromSignals(sPre: number, sPost: number, teMs: number): number {
  if (!(sPre > 0 && sPost > 0 && teMs > 0)) return Number.NaN;
  return (-Math.log(sPost / sPre) / teMs) * 1000;
}

/** [Fe] in mM (= mmol Fe/L) from ΔR2* (1/s) and r2* (1/s/mM) */
export function ironConcentrationMm(dR2StarPerS: number, r2StarPerSPerMm: number): number {
  if (!(r2StarPerSPerMm > 0))
    throw new InputError({ field: "r2*", value: r2StarPerSPerMm, expected: "a relaxivity > 0 (1/s/mM Fe)" });
  return dR2StarPerS / r2StarPerSPerMm;
}

/** mM Fe → µg Fe/mL (= mg/L) */
export const ironUgPerMl = (mM: number): number => mM * IRON_G_PER_MOL;

/** Δχ (cgs, dimensionless) of blood from the intravascular concentration and a molar susceptibility (cgs per mM) */
export function deltaChiFromConcentration(cBloodMm: number, molarChiCgsPerMm: number): number {
  return cBloodMm * molarChiCgsPerMm;
}

function checkField(b0T: number, deltaChiCgs: number): void {
  if (!(b0T > 0)) throw new InputError({ field: "B0", value: b0T, expected: "a field strength > 0 T" });
  if (!(deltaChiCgs > 0))
    throw new InputError({
      field: "Δχ",
      value: deltaChiCgs,
      expected: "a susceptibility difference > 0 (cgs units, e.g. 1e-7 for 0.1 ppm)",
    });
}

/** Static-dephasing blood volume fraction BVf = 3·ΔR2* / (4π·γ·Δχ·B0) (dimensionless, 0–1) */
export function bloodVolumeFraction(dR2StarPerS: number, b0T: number, deltaChiCgs: number): number {
  checkField(b0T, deltaChiCgs);
  return (3 * dR2StarPerS) / (4 * Math.PI * GAMMA_RAD_PER_S_PER_T * deltaChiCgs * b0T);
}

/**
 * Vessel size index (µm), Troprès 2001: 0.425·√(ADC/(γΔχB0))·(ΔR2* / ΔR2)^{3/2}, ADC in mm²/s.
 * NaN when ΔR2 or ΔR2* is not positive (no measurable contrast).
 */
export function vesselSizeIndexUm(
  adcMm2PerS: number,
  dR2StarPerS: number,
  dR2PerS: number,
  b0T: number,
  deltaChiCgs: number,
): number {
  checkField(b0T, deltaChiCgs);
  if (!(adcMm2PerS > 0 && dR2StarPerS > 0 && dR2PerS > 0)) return Number.NaN;
  const adcM2 = adcMm2PerS * 1e-6;
  const rM =
    0.425 * Math.sqrt(adcM2 / (GAMMA_RAD_PER_S_PER_T * deltaChiCgs * b0T)) * (dR2StarPerS / dR2PerS) ** 1.5;
  return rM * 1e6;
}
