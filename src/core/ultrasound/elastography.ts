/**
 * Shear-wave elastography (SCIENCE.md §5): shear modulus μ = ρ·c² (Pa; reported in kPa) from the
 * shear-wave speed c (m/s), tissue density ρ = 1000 kg/m³ by default, and Young's modulus
 * E = 2μ(1 + ν) → 3μ for incompressible tissue (ν = 0.5), the convention of commercial SWE
 * (Sarvazyan et al., Ultrasound Med Biol 1998;24:1419; Bercoff et al., IEEE TUFFC 2004;51:396).
 * ROI summaries take the moduli per measurement, then mean, median, SD and IQR (the modulus of the
 * mean speed is not the mean modulus: μ is quadratic in c).
 */
import { InputError } from "../errors.js";

export const DEFAULT_DENSITY_KG_PER_M3 = 1000;

export function shearModulusKPa(speedMPerS: number, densityKgPerM3 = DEFAULT_DENSITY_KG_PER_M3): number {
  if (!(densityKgPerM3 > 0))
    throw new InputError({ field: "density", value: densityKgPerM3, expected: "a density > 0 kg/m³" });
  if (!(speedMPerS >= 0) || !Number.isFinite(speedMPerS)) return Number.NaN;
  return (densityKgPerM3 * speedMPerS * speedMPerS) / 1000;
}

/** E = 3μ (incompressible, ν = 0.5) or 2μ(1+ν) for a given Poisson ratio */
export function youngsModulusKPa(shearKPa: number, poisson = 0.5): number {
  if (!(poisson > -1 && poisson <= 0.5))
    throw new InputError({ field: "poisson", value: poisson, expected: "a Poisson ratio in (−1, 0.5]" });
  return 2 * shearKPa * (1 + poisson);
}

export interface SweRoiSummary {
  roi: string;
  n: number;
  shear_modulus_kPa: number;
  youngs_modulus_kPa: number;
  shear_modulus_median_kPa: number;
  shear_modulus_sd_kPa: number;
  shear_modulus_iqr_kPa: number;
  speed_mean_m_per_s: number;
  /** measurements left out (non-finite speed or below the quality threshold) */
  rejected: number;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q; // type 7 (R default)
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Per-ROI summary of speed measurements (one value per pixel or acquisition). `quality` (0–1,
 * optional, same length) with `minQuality` rejects unreliable measurements.
 */
export function summariseSwe(
  roi: string[],
  speedMPerS: ArrayLike<number>,
  opts: { densityKgPerM3?: number; poisson?: number; quality?: ArrayLike<number>; minQuality?: number } = {},
): SweRoiSummary[] {
  const rho = opts.densityKgPerM3 ?? DEFAULT_DENSITY_KG_PER_M3;
  const groups = new Map<string, { mu: number[]; c: number[]; rejected: number }>();
  for (let i = 0; i < roi.length; i++) {
    let g = groups.get(roi[i]);
    if (!g) {
      g = { mu: [], c: [], rejected: 0 };
      groups.set(roi[i], g);
    }
    const c = speedMPerS[i];
    const okQ = !opts.quality || opts.minQuality === undefined || opts.quality[i] >= opts.minQuality;
    if (!(c >= 0) || !Number.isFinite(c) || !okQ) {
      g.rejected++;
      continue;
    }
    g.mu.push(shearModulusKPa(c, rho));
    g.c.push(c);
  }
  return [...groups.entries()].map(([name, g]) => {
    const n = g.mu.length;
    const mean = n ? g.mu.reduce((a, b) => a + b, 0) / n : Number.NaN;
    const sd = n > 1 ? Math.sqrt(g.mu.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : Number.NaN;
    const sorted = [...g.mu].sort((a, b) => a - b);
    return {
      roi: name,
      n,
      shear_modulus_kPa: mean,
      youngs_modulus_kPa: n ? youngsModulusKPa(mean, opts.poisson ?? 0.5) : Number.NaN,
      shear_modulus_median_kPa: quantile(sorted, 0.5),
      shear_modulus_sd_kPa: sd,
      shear_modulus_iqr_kPa: quantile(sorted, 0.75) - quantile(sorted, 0.25),
      speed_mean_m_per_s: n ? g.c.reduce((a, b) => a + b, 0) / n : Number.NaN,
      rejected: g.rejected,
    };
  });
}
