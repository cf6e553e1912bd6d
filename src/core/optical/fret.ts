/**
 * Förster resonance energy transfer (Förster 1948; Lakowicz, "Principles of Fluorescence
 * Spectroscopy", 3rd ed. 2006, ch. 13):
 *   E = 1/(1 + (r/R0)^6)          (r donor–acceptor distance, R0 the Förster distance, E(R0) = ½)
 *   r = R0·(1/E − 1)^{1/6}         (inverse)
 *   E = 1 − F_DA/F_D               (donor quenching: donor intensity with / without acceptor)
 *   FRET ratio = F_A/(F_D + F_A)   (acceptor / (donor + acceptor) under donor excitation; falls as
 *                                   the carrier disassembles and the pair separates; SCIENCE.md §6)
 * Self-quenched dyes de-quench on release (e.g. calcein, DiR; Weinstein et al. 1977 Science 195:489):
 *   released fraction = (F(t) − F0)/(F_max − F0), F_max after complete lysis (detergent).
 */
import { InputError } from "../errors.js";

export function fretEfficiency(rNm: number, r0Nm: number): number {
  if (!(r0Nm > 0)) throw new InputError({ field: "R0", value: r0Nm, expected: "a Förster distance > 0 nm" });
  if (!(rNm >= 0)) throw new InputError({ field: "r", value: rNm, expected: "a distance ≥ 0 nm" });
  return 1 / (1 + (rNm / r0Nm) ** 6);
}

/** distance (nm) from an efficiency in (0, 1]; NaN outside */
export function fretDistance(efficiency: number, r0Nm: number): number {
  if (!(r0Nm > 0)) throw new InputError({ field: "R0", value: r0Nm, expected: "a Förster distance > 0 nm" });
  if (!(efficiency > 0 && efficiency <= 1)) return Number.NaN;
  return r0Nm * (1 / efficiency - 1) ** (1 / 6);
}

/** E = 1 − F_DA/F_D; NaN when F_D ≤ 0 */
export function fretEfficiencyFromQuenching(donorWithAcceptor: number, donorAlone: number): number {
  return donorAlone > 0 ? 1 - donorWithAcceptor / donorAlone : Number.NaN;
}

/** F_A/(F_D + F_A); NaN when the sum is not positive */
export function fretRatio(donor: number, acceptor: number): number {
  const s = donor + acceptor;
  return s > 0 ? acceptor / s : Number.NaN;
}

/** FRET-ratio map from donor and acceptor images */
export function fretRatioMap(donor: ArrayLike<number>, acceptor: ArrayLike<number>): Float64Array {
  if (donor.length !== acceptor.length)
    throw new InputError({
      field: "acceptor",
      value: acceptor.length,
      expected: `${donor.length} values like the donor`,
    });
  return Float64Array.from(donor, (d, i) => fretRatio(d, acceptor[i]));
}

/** de-quenching release fraction; NaN when F_max = F0 */
export function dequenchingFraction(f: number, f0: number, fMax: number): number {
  const den = fMax - f0;
  return den !== 0 && Number.isFinite(f) ? (f - f0) / den : Number.NaN;
}

export function dequenchingCurve(f: ArrayLike<number>, f0: number, fMax: number): Float64Array {
  return Float64Array.from(f, (x) => dequenchingFraction(x, f0, fMax));
}
