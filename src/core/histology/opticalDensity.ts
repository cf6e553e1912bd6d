/**
 * Optical density and colour deconvolution per pixel (Ruifrok & Johnston 2001):
 *
 *   OD_c = −log10(max(I_c, 1) / 255)      c = R, G, B; I clamped to ≥ 1 so that black is finite
 *   amounts (row) = OD (row) · M⁻¹        M = 3×3 matrix whose rows are the unit stain vectors
 *
 * The amount of a stain is in OD units of that stain (1.0 = the stain alone attenuates its
 * dominant channel tenfold); it can be negative where the pixel's colour lies outside the cone
 * of the stain vectors (noise, white balance): kept as is, never clipped (scikit-image clips
 * to 0; see test/reference/histology/README.md for the convention differences).
 * Pure: no Node APIs.
 */
import type { RgbTile } from "./raster.js";
import { invert3, type StainSet, type Vec3 } from "./stainVectors.js";

/** OD of each 8-bit level, −log10(max(i,1)/255). */
export const OD_LUT: Float64Array = (() => {
  const lut = new Float64Array(256);
  for (let i = 0; i < 256; i++) lut[i] = -Math.log10(Math.max(i, 1) / 255);
  return lut;
})();

/** Column j of M⁻¹ as a triple, one per stain: amount_j = odR·k[0] + odG·k[1] + odB·k[2]. */
export function unmixingCoefficients(set: StainSet): [Vec3, Vec3, Vec3] {
  const inv = invert3(set.vectors);
  return [0, 1, 2].map((j) => [inv[0][j], inv[1][j], inv[2][j]] as Vec3) as [Vec3, Vec3, Vec3];
}

/** Amount of stain j for the 8-bit colour (r, g, b). */
export function stainAmount(k: Vec3, r: number, g: number, b: number): number {
  return OD_LUT[r] * k[0] + OD_LUT[g] * k[1] + OD_LUT[b] * k[2];
}

/** One stain's amount image of an RGB tile. */
export function stainAmountTile(tile: RgbTile, k: Vec3): Float64Array {
  const n = tile.width * tile.height;
  const out = new Float64Array(n);
  const d = tile.data;
  for (let i = 0, p = 0; i < n; i++, p += 3)
    out[i] = OD_LUT[d[p]] * k[0] + OD_LUT[d[p + 1]] * k[1] + OD_LUT[d[p + 2]] * k[2];
  return out;
}

/** Mean OD over the three channels (a stain-free "tissue" measure). */
export function meanOdTile(tile: RgbTile): Float64Array {
  const n = tile.width * tile.height;
  const out = new Float64Array(n);
  const d = tile.data;
  for (let i = 0, p = 0; i < n; i++, p += 3)
    out[i] = (OD_LUT[d[p]] + OD_LUT[d[p + 1]] + OD_LUT[d[p + 2]]) / 3;
  return out;
}

/** Inverse: 8-bit RGB of given stain amounts (for rendering synthetic slides and Fiji-style images). */
export function renderRgb(set: StainSet, amounts: readonly number[]): [number, number, number] {
  const od = [0, 1, 2].map(
    (c) => amounts[0] * set.vectors[0][c] + amounts[1] * set.vectors[1][c] + amounts[2] * set.vectors[2][c],
  );
  return od.map((o) => Math.min(255, Math.max(0, Math.round(255 * 10 ** -o)))) as [number, number, number];
}

/** Fiji-style 8-bit transmitted-light image of one stain amount: 255·10^(−amount), clamped. */
export function amountToIntensity8(a: number): number {
  const v = Math.round(255 * 10 ** -a);
  return Math.max(0, Math.min(255, v));
}
