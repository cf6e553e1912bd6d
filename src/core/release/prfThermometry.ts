/**
 * MR thermometry by the proton-resonance-frequency (PRF) shift (Ishihara et al. 1995, "A precise
 * and fast temperature mapping using water proton chemical shift", Magn Reson Med 34:814–823;
 * Rieke & Butts Pauly 2008, "MR thermometry", J Magn Reson Imaging 27:376–390):
 *   ΔT = Δφ / (2π · γ · α · B0 · TE),  γ = 42.577478 MHz/T (CODATA 2018 γp/2π), α = −0.01 ppm/°C.
 * Δφ is the phase change against the baseline, taken as the argument of the complex product
 * e^{iφ(t)}·conj(z_b), z_b = mean of e^{iφ} over the baseline frames (circular mean): wrap-safe
 * for |Δφ| < π (arg(e^{iφ}·e^{−iφb}) = φ − φb wrapped into (−π, π]). A drift phase (from an
 * unheated reference region, prfDrift.ts) is subtracted before the final wrap. Hand-written:
 * elementwise arithmetic.
 */
import { InputError } from "../errors.js";

/** proton gyromagnetic ratio γ/2π, Hz/T (CODATA 2018: 42.577 478 518 MHz/T) */
export const PROTON_GAMMA_HZ_PER_T = 42.577478e6;
/** PRF thermal coefficient of water, per °C (−0.01 ppm/°C) */
export const PRF_ALPHA_PER_C = -0.01e-6;

const TWO_PI = 2 * Math.PI;

/** Phase change per °C (rad/°C) = 2π·γ·α·B0·TE (negative for α < 0). */
export function prfRadPerC(fieldT: number, teS: number, alphaPerC = PRF_ALPHA_PER_C): number {
  if (!(fieldT > 0)) throw new InputError({ field: "field strength", value: fieldT, expected: "B0 > 0 T" });
  if (!(teS > 0)) throw new InputError({ field: "echo time", value: teS, expected: "TE > 0 s" });
  if (!(alphaPerC !== 0 && Number.isFinite(alphaPerC)))
    throw new InputError({ field: "alpha", value: alphaPerC, expected: "a non-zero PRF coefficient" });
  return TWO_PI * PROTON_GAMMA_HZ_PER_T * alphaPerC * fieldT * teS;
}

/** wrap an angle into (−π, π] */
export function wrapPhase(x: number): number {
  const w = x - TWO_PI * Math.round(x / TWO_PI);
  return w <= -Math.PI ? w + TWO_PI : w;
}

/** argument of the circular mean Σ e^{iφ_k} over samples [from, to) of a curve */
export function circularMeanPhase(phase: ArrayLike<number>, from: number, to: number): number {
  let re = 0;
  let im = 0;
  for (let k = from; k < to; k++) {
    re += Math.cos(phase[k]);
    im += Math.sin(phase[k]);
  }
  return Math.atan2(im, re);
}

/**
 * ΔT (°C) of one voxel's phase series (rad) against its first `baselineFrames` frames:
 * ΔT_t = wrap(φ_t − φ_b − drift_t) / (2π·γ·α·B0·TE). `driftRad` (optional, per frame) is the
 * reference-region phase drift at this voxel. Writes into `out` (length = frames).
 */
export function prfDeltaT(
  phase: ArrayLike<number>,
  baselineFrames: number,
  radPerC: number,
  out: Float64Array,
  driftRad?: ArrayLike<number>,
): Float64Array {
  const n = phase.length;
  const phib = circularMeanPhase(phase, 0, baselineFrames);
  for (let t = 0; t < n; t++) out[t] = wrapPhase(phase[t] - phib - (driftRad ? driftRad[t] : 0)) / radPerC;
  return out;
}

export function checkBaselineFrames(baselineFrames: number, nFrames: number): void {
  if (!(Number.isInteger(baselineFrames) && baselineFrames >= 1 && baselineFrames < nFrames))
    throw new InputError({
      field: "baseline frames",
      value: baselineFrames,
      expected: `an integer in [1, ${nFrames - 1}] (frames before heating; the series has ${nFrames})`,
    });
}
