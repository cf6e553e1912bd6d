/**
 * Quantities of radionuclide biodistribution (SCIENCE.md §2). All activities must already
 * refer to the same time (decay-corrected, see decay.ts).
 *  - injected activity = syringe before − syringe after − tail residue
 *  - gamma counter: A [MBq] = (counts/t_count − background) / efficiency / 1e6
 *  - %ID = 100·A/A_inj;  %ID/g = %ID / mass;  %ID/cc = %ID / volume
 *  - SUV_bw = C [kBq/mL] / (A_inj [kBq] / body weight [g])  (tissue density 1 g/mL)
 */
import { InputError } from "../errors.js";

export interface SyringeReadings {
  beforeMBq: number;
  afterMBq: number;
  residueMBq?: number;
}

export function injectedActivityMBq(s: SyringeReadings): number {
  const a = s.beforeMBq - s.afterMBq - (s.residueMBq ?? 0);
  if (!(a > 0)) {
    throw new InputError({
      field: "syringe",
      value: s,
      expected: "syringe before > after + residue (a positive injected activity)",
    });
  }
  return a;
}

export interface GammaCount {
  counts: number;
  countingTimeS: number;
  /** counter efficiency for the nuclide, counts per decay (0–1] */
  efficiency: number;
  backgroundCpm?: number;
}

/** activity (MBq) at the time of counting; InputError for counts < 0, time ≤ 0, efficiency ∉ (0, 1] */
export function countsToActivityMBq(g: GammaCount): number {
  if (!(g.counts >= 0)) throw new InputError({ field: "counts", value: g.counts, expected: "counts ≥ 0" });
  if (!(g.countingTimeS > 0))
    throw new InputError({
      field: "counting_time_s",
      value: g.countingTimeS,
      expected: "a counting time > 0 s",
    });
  if (!(g.efficiency > 0 && g.efficiency <= 1))
    throw new InputError({
      field: "efficiency",
      value: g.efficiency,
      expected: "a counter efficiency in (0, 1] counts per decay",
    });
  if (!((g.backgroundCpm ?? 0) >= 0))
    throw new InputError({
      field: "background_cpm",
      value: g.backgroundCpm,
      expected: "a background ≥ 0 cpm",
    });
  const cps = g.counts / g.countingTimeS - (g.backgroundCpm ?? 0) / 60;
  return Math.max(0, cps) / g.efficiency / 1e6;
}

export function percentID(activityMBq: number, injectedMBq: number): number {
  return (100 * activityMBq) / injectedMBq;
}

export function percentIDperG(activityMBq: number, injectedMBq: number, massG: number): number {
  return percentID(activityMBq, injectedMBq) / massG;
}

export function percentIDperCC(activityMBq: number, injectedMBq: number, volumeML: number): number {
  return percentID(activityMBq, injectedMBq) / volumeML;
}

/** SUV (body weight): concentration kBq/mL over injected kBq per g body weight */
export function suvBW(concKBqPerML: number, injectedMBq: number, bodyWeightG: number): number {
  return concKBqPerML / ((injectedMBq * 1000) / bodyWeightG);
}

/**
 * Lean body mass (Janmahasatian et al., Clin Pharmacokinet 2005;44:1051): kg, with BMI in kg/m².
 * male: 9270·W/(6680 + 216·BMI); female: 9270·W/(8780 + 244·BMI).
 */
export function leanBodyMassKg(weightKg: number, heightM: number, sex: "M" | "F"): number {
  const bmi = weightKg / (heightM * heightM);
  return sex === "M" ? (9270 * weightKg) / (6680 + 216 * bmi) : (9270 * weightKg) / (8780 + 244 * bmi);
}

/** SUL: SUV normalised to lean body mass */
export function suvLBM(concKBqPerML: number, injectedMBq: number, lbmKg: number): number {
  return concKBqPerML / ((injectedMBq * 1000) / (lbmKg * 1000));
}

/** Body surface area (Du Bois & Du Bois 1916): m² = 0.007184·W^0.425·H^0.725 (kg, cm). */
export function bodySurfaceAreaM2(weightKg: number, heightCm: number): number {
  return 0.007184 * weightKg ** 0.425 * heightCm ** 0.725;
}

/** SUV_bsa = C [kBq/mL] / (A_inj [kBq] / BSA [cm²]) */
export function suvBSA(concKBqPerML: number, injectedMBq: number, bsaM2: number): number {
  return concKBqPerML / ((injectedMBq * 1000) / (bsaM2 * 1e4));
}
