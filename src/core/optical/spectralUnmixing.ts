/**
 * Linear spectral unmixing: a measured spectrum S(λ_i) = Σ_k c_k·ε_k(λ_i) (+ autofluorescence
 * or background as further components) solved for abundances c ≥ 0 by non-negative least squares
 * (Lawson & Hanson 1974, fit/nnls.ts) — the standard model of multispectral fluorescence and
 * photoacoustic (MSOT) unmixing (Zimmermann et al. 2003, FEBS Lett 546:87; Tzoumas et al. 2014,
 * IEEE TMI 33:48 for MSOT). Component spectra are resampled to the measured wavelengths by linear
 * interpolation (no extrapolation: every measured wavelength must lie within each spectrum's
 * range). An optional flat component (constant 1 at every wavelength) absorbs an offset.
 * rss = Σ_i (S_i − Σ_k c_k ε_k(λ_i))².
 */
import { InputError } from "../errors.js";
import { nnls } from "../fit/nnls.js";

export interface EndmemberSpectrum {
  name: string;
  wavelengthNm: ArrayLike<number>;
  values: ArrayLike<number>;
}

export interface UnmixingMatrix {
  names: string[];
  wavelengthNm: number[];
  /** m × n row-major (wavelength × component) */
  a: Float64Array;
  m: number;
  n: number;
}

/** linear interpolation of a spectrum at λ; NaN outside its range */
export function sampleSpectrum(
  wavelengthNm: ArrayLike<number>,
  values: ArrayLike<number>,
  at: number,
): number {
  const n = wavelengthNm.length;
  if (!(at >= wavelengthNm[0] && at <= wavelengthNm[n - 1])) return Number.NaN;
  let i = 1;
  while (i < n - 1 && wavelengthNm[i] < at) i++;
  const x0 = wavelengthNm[i - 1];
  const x1 = wavelengthNm[i];
  if (at === x1) return values[i];
  return values[i - 1] + ((values[i] - values[i - 1]) * (at - x0)) / (x1 - x0);
}

export function buildUnmixingMatrix(
  wavelengthNm: ArrayLike<number>,
  spectra: EndmemberSpectrum[],
  opts: { flatBackground?: boolean } = {},
): UnmixingMatrix {
  const comps = [...spectra];
  if (comps.length === 0 && !opts.flatBackground)
    throw new InputError({ field: "spectra", value: 0, expected: "at least one component spectrum" });
  const names = comps.map((c) => c.name);
  if (opts.flatBackground) names.push("background");
  if (new Set(names).size !== names.length)
    throw new InputError({ field: "spectra", value: names, expected: "distinct component names" });
  const m = wavelengthNm.length;
  const n = names.length;
  if (m < n)
    throw new InputError({
      field: "wavelengths",
      value: m,
      expected: `at least ${n} wavelengths for ${n} components`,
    });
  for (const c of comps) {
    if (c.wavelengthNm.length !== c.values.length || c.wavelengthNm.length < 1)
      throw new InputError({
        field: `spectrum ${c.name}`,
        value: c.values.length,
        expected: "one value per wavelength",
      });
    for (let i = 1; i < c.wavelengthNm.length; i++)
      if (!(c.wavelengthNm[i] > c.wavelengthNm[i - 1]))
        throw new InputError({
          field: `spectrum ${c.name} wavelength_nm[${i}]`,
          value: c.wavelengthNm[i],
          expected: "increasing wavelengths",
        });
  }
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    comps.forEach((c, k) => {
      const v = sampleSpectrum(c.wavelengthNm, c.values, wavelengthNm[i]);
      if (!Number.isFinite(v))
        throw new InputError({
          field: `spectrum ${c.name}`,
          value: wavelengthNm[i],
          expected: `a spectrum covering every measured wavelength (${c.wavelengthNm[0]}–${c.wavelengthNm[c.wavelengthNm.length - 1]} nm given)`,
        });
      a[i * n + k] = v;
    });
    if (opts.flatBackground) a[i * n + n - 1] = 1;
  }
  return { names, wavelengthNm: Array.from(wavelengthNm), a, m, n };
}

export interface UnmixResult {
  abundances: Float64Array;
  rss: number;
  converged: boolean;
}

export function unmixSpectrum(mat: UnmixingMatrix, signal: ArrayLike<number>): UnmixResult {
  if (signal.length !== mat.m)
    throw new InputError({
      field: "signal",
      value: signal.length,
      expected: `${mat.m} samples, one per wavelength`,
    });
  const r = nnls(mat.a, mat.m, mat.n, signal);
  return { abundances: r.x, rss: r.rnorm * r.rnorm, converged: r.converged };
}
