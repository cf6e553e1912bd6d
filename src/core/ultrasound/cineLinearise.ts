/**
 * Inversion of the log compression of CEUS display images (SCIENCE.md §5: time–intensity
 * curves are computed on *linearised* intensity, because the ROI mean of log-compressed pixels
 * is neither proportional to the microbubble concentration nor additive over the ROI; Peronneau
 * et al., Ultraschall Med 2010;31:370 — "necessity of linear data processing"; Rognin et al.,
 * IEEE TUFFC 2010;57:2503, whose parametric imaging linearises the video data the same way).
 *
 * Model (a scanner's display map, linear in dB): a display value D ∈ [0, Dmax] covers a dynamic
 * range of DR dB; the gain G (dB) shifts the echo level before the mapping,
 *   D = Dmax · clip((q·log10(I) + G) / DR, 0, 1),      q = 10 for echo power, 20 for amplitude,
 * so its inverse, applied to every pixel before any averaging, is
 *   I = 10^((DR·D/Dmax − G) / q).
 * I is the linear echo power (default; for incoherent scattering proportional to the
 * microbubble concentration) or amplitude, in a.u. with I = 10^(−G/q) at D = 0. D = 0 and
 * D = Dmax are clipped (censored) values; the caller counts them.
 */
import { InputError } from "../errors.js";

export const LINEAR_QUANTITIES = ["power", "amplitude"] as const;
export type LinearQuantity = (typeof LINEAR_QUANTITIES)[number];

export interface LogCompression {
  /** dynamic range DR mapped onto [0, displayMax] (dB) */
  dynamicRangeDb: number;
  /** display value of the top of the range (default 255, 8-bit video) */
  displayMax?: number;
  /** gain G added to the echo level in dB before the mapping (default 0) */
  gainDb?: number;
  /** power (10·log10, default) or amplitude (20·log10) */
  quantity?: LinearQuantity;
}

function params(c: LogCompression): { dr: number; dmax: number; g: number; q: number } {
  const dr = c.dynamicRangeDb;
  const dmax = c.displayMax ?? 255;
  const g = c.gainDb ?? 0;
  if (!(Number.isFinite(dr) && dr > 0))
    throw new InputError({ field: "--dynamic-range-db", value: dr, expected: "a dynamic range > 0 dB" });
  if (!(Number.isFinite(dmax) && dmax > 0))
    throw new InputError({ field: "--display-max", value: dmax, expected: "a display maximum > 0" });
  if (!Number.isFinite(g)) throw new InputError({ field: "--gain-db", value: g, expected: "a gain in dB" });
  const quantity = c.quantity ?? "power";
  if (!(LINEAR_QUANTITIES as readonly string[]).includes(quantity))
    throw new InputError({ field: "--linear-quantity", value: quantity, expected: "power | amplitude" });
  return { dr, dmax, g, q: quantity === "power" ? 10 : 20 };
}

/** display value → linear intensity (the inverse of logCompress inside the display range) */
export function lineariseValue(d: number, c: LogCompression): number {
  const { dr, dmax, g, q } = params(c);
  return 10 ** ((dr * (d / dmax) - g) / q);
}

/** linear intensity → display value (the scanner's map, clipped to [0, displayMax]) */
export function logCompress(intensity: number, c: LogCompression): number {
  const { dr, dmax, g, q } = params(c);
  if (!(intensity > 0)) return 0;
  const x = (q * Math.log10(intensity) + g) / dr;
  return dmax * Math.min(1, Math.max(0, x));
}

/**
 * A linearising function for many pixels with the parameters checked once; it throws an
 * InputError for a display value outside [0, displayMax] (not a display image of this range).
 */
export function lineariser(c: LogCompression, where = "cine"): (d: number) => number {
  const { dr, dmax, g, q } = params(c);
  const a = (dr / dmax / q) * Math.LN10;
  const b = (-g / q) * Math.LN10;
  return (d: number) => {
    if (!(d >= 0 && d <= dmax))
      throw new InputError({
        field: where,
        value: d,
        expected: `display values in [0, ${dmax}] (--display-max) for log-compression inversion`,
      });
    return Math.exp(a * d + b);
  };
}

/** display value at or beyond the ends of the range (clipped by the scanner) */
export function isClipped(d: number, c: LogCompression): boolean {
  const dmax = c.displayMax ?? 255;
  return d <= 0 || d >= dmax;
}
