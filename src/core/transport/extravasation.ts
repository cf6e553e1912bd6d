/**
 * Transvascular solute flux per tissue volume (Kedem–Katchalsky with the Patlak (1971)
 * convection–diffusion solution across the wall; Baxter & Jain 1989 II, Microvasc Res 38:252):
 *   Φ_s = (Jv/V)(1 − σ)·Cp + (P·S/V)·(Cp − Ci)·Pe/(e^Pe − 1),   Pe = (Jv/V)(1 − σ)/(P·S/V),
 * which is linear in the interstitial concentration, Φ_s = a·Cp − k·Ci with
 *   a = (Jv/V)(1 − σ) + (P·S/V)·B(Pe),  k = (P·S/V)·B(Pe),  B(x) = x/(eˣ − 1)  (B(0) = 1).
 * Jv/V < 0 (reabsorption) is allowed: the formula holds for either sign of Pe.
 * Units: Jv/V and P·S/V in 1/s, concentrations in any consistent unit.
 */

/** Bernoulli function B(x) = x/(eˣ − 1), stable for all x */
export function bernoulli(x: number): number {
  if (Math.abs(x) < 1e-8) return 1 - x / 2;
  if (x > 700) return x * Math.exp(-x);
  return x / Math.expm1(x);
}

export interface ExtravasationCoefficients {
  /** uptake coefficient per unit plasma concentration, 1/s */
  aPerS: number;
  /** back-flux coefficient per unit interstitial (fluid) concentration, 1/s */
  kPerS: number;
}

export function extravasationCoefficients(
  filtrationPerS: number,
  sigma: number,
  psPerS: number,
): ExtravasationCoefficients {
  const conv = filtrationPerS * (1 - sigma);
  if (psPerS <= 0) return { aPerS: Math.max(conv, 0), kPerS: Math.max(-conv, 0) };
  const b = bernoulli(conv / psPerS);
  return { aPerS: conv + psPerS * b, kPerS: psPerS * b };
}

/** Φ_s = a·Cp − k·Ci */
export function extravasationFlux(
  filtrationPerS: number,
  sigma: number,
  psPerS: number,
  plasmaConc: number,
  interstitialConc: number,
): number {
  const c = extravasationCoefficients(filtrationPerS, sigma, psPerS);
  return c.aPerS * plasmaConc - c.kPerS * interstitialConc;
}
