/**
 * DSC-MRI perfusion (SCIENCE.md §4): ΔR2*(t) = −ln(S/S0)/TE; relative blood volume
 * CBV = 100·∫C_tis/∫C_aif (mL/100 mL, no hematocrit or density factors, as the OSIPI reference);
 * blood flow from the residue function F·R(t) by deconvolution of C_tis = F·(C_aif ⊛ R)·Δt with a
 * truncated SVD (Østergaard et al., MRM 1996;36:715): singular values below `threshold`·σ_max
 * are discarded; CBF = 100·60·max(F·R) (mL/100 mL/min, Δt in s). ml-matrix provides the SVD.
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import { InputError } from "../errors.js";
import { trapezoid } from "../fit/integrate.js";

export function deltaR2Star(signal: ArrayLike<number>, baselineSamples: number, teS: number): Float64Array {
  if (!(baselineSamples >= 1 && baselineSamples <= signal.length))
    throw new InputError({
      field: "baseline samples",
      value: baselineSamples,
      expected: `1 to ${signal.length}`,
    });
  let s0 = 0;
  for (let i = 0; i < baselineSamples; i++) s0 += signal[i];
  s0 /= baselineSamples;
  return Float64Array.from(signal, (s) => -Math.log(s / s0) / teS);
}

export function dscCbv(tissue: ArrayLike<number>, aif: ArrayLike<number>, dtS: number): number {
  const t = Array.from({ length: tissue.length }, (_, i) => i * dtS);
  return (100 * trapezoid(t, tissue)) / trapezoid(t, aif);
}

/** residue function F·R(t) (1/s) by truncated-SVD deconvolution */
export function deconvolveSvd(
  tissue: ArrayLike<number>,
  aif: ArrayLike<number>,
  dtS: number,
  threshold = 0.2,
): Float64Array {
  const n = tissue.length;
  if (aif.length !== n) throw new InputError({ field: "aif", value: aif.length, expected: `${n} samples` });
  const a = Matrix.zeros(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) a.set(i, j, dtS * aif[i - j]);
  const svd = new SingularValueDecomposition(a, { autoTranspose: true });
  const s = svd.diagonal;
  const smax = Math.max(...s);
  const u = svd.leftSingularVectors;
  const v = svd.rightSingularVectors;
  const out = new Float64Array(n);
  for (let k = 0; k < s.length; k++) {
    if (s[k] < threshold * smax) continue;
    let uy = 0;
    for (let i = 0; i < n; i++) uy += u.get(i, k) * tissue[i];
    const c = uy / s[k];
    for (let i = 0; i < n; i++) out[i] += c * v.get(i, k);
  }
  return out;
}

export function dscCbf(
  tissue: ArrayLike<number>,
  aif: ArrayLike<number>,
  dtS: number,
  threshold = 0.2,
): number {
  const r = deconvolveSvd(tissue, aif, dtS, threshold);
  return 100 * 60 * Math.max(...r);
}
