/**
 * Radioactive decay: A(t) = A0·exp(−ln2·t/T½) (SCIENCE.md §2).
 * decayFactor(n, Δt) = exp(−ln2·Δt/T½) is the fraction left after Δt seconds (Δt may be
 * negative: the factor then exceeds 1). decayCorrect(A, n, Δt) gives the activity Δt seconds
 * earlier than the measurement, i.e. corrects a reading taken Δt after the reference time.
 */
import { getNuclide } from "./nuclides.js";

export function decayFactor(nuclide: string, dtS: number): number {
  return Math.exp((-Math.LN2 * dtS) / getNuclide(nuclide).halfLifeS);
}

/** activity at the reference time of a reading taken dtS seconds after it */
export function decayCorrect(activity: number, nuclide: string, dtS: number): number {
  return activity / decayFactor(nuclide, dtS);
}
