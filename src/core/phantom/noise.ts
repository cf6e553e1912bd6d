/**
 * Noise for accuracy phantoms. σ = reference / SNR (each kind documents its reference signal;
 * SNR = ∞ gives σ = 0, the noise-free curve).
 *  - gaussian: yᵢ = sᵢ + σ·εᵢ (concentration, linearised ultrasound intensity, speeds);
 *  - rician:   yᵢ = √((sᵢ + σ·εᵢ)² + (σ·ηᵢ)²), the magnitude of complex Gaussian noise
 *    (Gudbjartsson & Patz, MRM 1995;34:910) — magnitude MR images.
 * ε, η independent standard normal deviates from the seeded Rng (Box–Muller).
 * Seeds: every (kind, SNR) gets its own stream from FNV-1a of "kind:seed:snr", so a row does
 * not depend on which other SNRs or kinds were evaluated in the same run.
 */
import type { Rng } from "../random.js";

export type NoiseModel = "gaussian" | "rician";

export function addNoise(
  clean: ArrayLike<number>,
  sigma: number,
  noise: NoiseModel,
  rng: Rng,
  out: Float64Array,
): Float64Array {
  if (!(sigma > 0)) {
    for (let i = 0; i < clean.length; i++) out[i] = clean[i];
    return out;
  }
  for (let i = 0; i < clean.length; i++) {
    const re = clean[i] + sigma * rng.normal();
    if (noise === "gaussian") out[i] = re;
    else {
      const im = sigma * rng.normal();
      out[i] = Math.sqrt(re * re + im * im);
    }
  }
  return out;
}

/** σ for a reference signal at an SNR (0 for SNR = ∞) */
export const sigmaFor = (reference: number, snr: number): number =>
  Number.isFinite(snr) ? reference / snr : 0;

/** 32-bit FNV-1a hash of a string (stream seeds) */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const streamSeed = (kind: string, seed: number, snr: number): number =>
  fnv1a(`${kind}:${seed}:${snr}`);
