/**
 * Released fraction of a Gd payload co-loaded in (temperature-sensitive) liposomes from R1
 * (de Smet et al. 2010, "Magnetic resonance imaging of high intensity focused ultrasound mediated
 * drug delivery from temperature-sensitive liposomes: an in vivo proof-of-concept study",
 * J Control Release 150:102–110; Negussie et al. 2011, Int J Hyperthermia 27:140): encapsulated
 * Gd barely relaxes bulk water (slow water exchange across the membrane), released Gd does, so
 *   f(t) = (R1(t) − R1,pre) / (R1,full − R1,pre)
 * with R1,full after complete release (a calibration scan — per voxel — or a single value).
 * R1 = 1/T1. Released Gd concentration: [Gd]rel = (R1(t) − R1,pre)/(r1,free − r1,enc) (mM, r1 in
 * 1/(mM·s)); the drug follows by the co-release (drug : Gd loading) ratio, [drug] = ratio·[Gd]rel,
 * when both leave the carrier together. A denominator |R1,full − R1,pre| below `minContrast`
 * makes f NaN with status "no-contrast" — never a plausible number.
 */
import { InputError } from "../errors.js";

export interface FractionOptions {
  /** minimum |R1,full − R1,pre| (1/s) for a usable fraction; default 1e-3 */
  minContrastPerS?: number;
}

/** f for one sample; NaN when the calibration has no contrast */
export function releasedFraction(
  r1PerS: number,
  r1PrePerS: number,
  r1FullPerS: number,
  opts: FractionOptions = {},
): number {
  const den = r1FullPerS - r1PrePerS;
  if (!(Math.abs(den) >= (opts.minContrastPerS ?? 1e-3)) || !Number.isFinite(r1PerS)) return Number.NaN;
  return (r1PerS - r1PrePerS) / den;
}

export interface FractionCurve {
  fraction: Float64Array;
  status: "ok" | "no-contrast";
}

/** f(t) of a curve of R1 values (1/s) */
export function releasedFractionCurve(
  r1PerS: ArrayLike<number>,
  r1PrePerS: number,
  r1FullPerS: number,
  opts: FractionOptions = {},
): FractionCurve {
  const f = new Float64Array(r1PerS.length);
  for (let i = 0; i < f.length; i++) f[i] = releasedFraction(r1PerS[i], r1PrePerS, r1FullPerS, opts);
  const status = Math.abs(r1FullPerS - r1PrePerS) >= (opts.minContrastPerS ?? 1e-3) ? "ok" : "no-contrast";
  return { fraction: f, status };
}

/**
 * f map from R1 maps (same voxel order): r1Pre and r1Full are maps or single values.
 * Voxels without contrast get NaN.
 */
export function releasedFractionMap(
  r1: ArrayLike<number>,
  r1Pre: ArrayLike<number> | number,
  r1Full: ArrayLike<number> | number,
  opts: FractionOptions = {},
): Float64Array {
  const n = r1.length;
  for (const [name, m] of [
    ["R1,pre", r1Pre],
    ["R1,full", r1Full],
  ] as const)
    if (typeof m !== "number" && m.length !== n)
      throw new InputError({ field: name, value: m.length, expected: `${n} voxels like the R1 map` });
  const out = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    const pre = typeof r1Pre === "number" ? r1Pre : r1Pre[v];
    const full = typeof r1Full === "number" ? r1Full : r1Full[v];
    out[v] = releasedFraction(r1[v], pre, full, opts);
  }
  return out;
}

/** R1 (1/s) from T1 (s) */
export function r1FromT1(t1S: number): number {
  return t1S > 0 ? 1 / t1S : Number.NaN;
}

/** released Gd (mM) = ΔR1/(r1,free − r1,enc); relaxivities in 1/(mM·s) */
export function releasedGdMm(deltaR1PerS: number, r1FreePerMmS: number, r1EncapsulatedPerMmS = 0): number {
  const dr = r1FreePerMmS - r1EncapsulatedPerMmS;
  if (!(dr > 0))
    throw new InputError({
      field: "relaxivity",
      value: [r1FreePerMmS, r1EncapsulatedPerMmS],
      expected: "free Gd relaxivity greater than the encapsulated one (1/(mM·s))",
    });
  return deltaR1PerS / dr;
}

/** drug released (mM) from released Gd through the co-release (drug : Gd molar) ratio */
export function coReleasedDrugMm(releasedGd: number, drugPerGdRatio: number): number {
  if (!(drugPerGdRatio >= 0))
    throw new InputError({
      field: "co-release ratio",
      value: drugPerGdRatio,
      expected: "a drug : Gd ratio ≥ 0",
    });
  return releasedGd * drugPerGdRatio;
}
