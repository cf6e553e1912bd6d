/**
 * Mattes mutual information and its analytic gradient (Mattes et al., IEEE TMI 22:120, 2003;
 * ITK's MattesMutualInformationImageToImageMetric). Joint histogram with B-spline Parzen
 * windows: zero order (box) for the fixed image, cubic for the moving image, with 2 padding bins
 * on each side (bin width w = range/(B − 4), ι = (f − f_min)/w_f + 2, κ = (m − m_min)/w_m + 2):
 *   p(ι, κ) = (1/N) Σ_x β⁰(ι − ι_x) β³(κ − κ_x),  p_M(κ) = Σ_ι p(ι, κ)
 *   MI = Σ p(ι, κ) log[p(ι, κ)/(p_F(ι) p_M(κ))]
 *   ∂MI/∂I_m(x) = −(1/(N w_m)) Σ_κ β³′(κ − κ_x) log[p(ι_x, κ)/p_M(κ)]
 * (p_F does not depend on the transform, and Σ ∂p = 0 removes the constant terms). The cost is
 * −MI (minimised); its derivative per sample is chained to the parameters by the sampler
 * (affine: accumulateGradient) or by the B-spline transform (bspline.ts).
 *
 * The fixed image may have more bins B_F than the moving image B_M (joint histogram B_F × B_M):
 * the fixed bins enter no derivative, and on CT, whose range is set by air and bone, 48 equal
 * bins are 43 HU wide and merge soft-tissue classes that the MR separates — measured on the
 * CT↔MR phantoms, 128 fixed bins lower the affine error from 0.48 to 0.30 voxel. Moving values
 * beyond [m_min, m_max] (a cubic interpolant's overshoot) are clamped into the outer bins and
 * contribute no derivative (the clamped cost is flat there).
 */
import { bspline3, bspline3Deriv } from "./cubic.js";
import { accumulateGradient, type Mapped, type MetricValue, type Samples } from "./sampler.js";

export interface MattesBinning {
  /** fixed bins (rows) and moving bins (columns) of the joint histogram */
  fixedBins: number;
  bins: number;
  fMin: number;
  fWidth: number;
  mMin: number;
  mWidth: number;
  /** fixed bin index per sample */
  fBin: Int32Array;
}

const PAD = 2;

export function mattesBinning(
  s: Samples,
  moving: { min: number; max: number },
  bins = 32,
  fixedBins = bins,
): MattesBinning {
  let fMin = Number.POSITIVE_INFINITY;
  let fMax = Number.NEGATIVE_INFINITY;
  for (let q = 0; q < s.n; q++) {
    if (s.f[q] < fMin) fMin = s.f[q];
    if (s.f[q] > fMax) fMax = s.f[q];
  }
  const BF = fixedBins;
  const fWidth = (fMax - fMin || 1) / (BF - 2 * PAD);
  const mWidth = (moving.max - moving.min || 1) / (bins - 2 * PAD);
  const fBin = new Int32Array(s.n);
  for (let q = 0; q < s.n; q++) {
    let b = Math.floor((s.f[q] - fMin) / fWidth + PAD);
    if (b < PAD) b = PAD;
    if (b > BF - PAD - 1) b = BF - PAD - 1;
    fBin[q] = b;
  }
  return { fixedBins: BF, bins, fMin, fWidth, mMin: moving.min, mWidth, fBin };
}

/** continuous moving bin coordinate, clamped into [2, B − 2) */
function movingTerm(v: number, bn: MattesBinning): number {
  let t = (v - bn.mMin) / bn.mWidth + PAD;
  if (t < PAD) t = PAD;
  if (t > bn.bins - PAD - 1e-9) t = bn.bins - PAD - 1e-9;
  return t;
}

/**
 * −MI and its derivative per sample with respect to the moving intensity (null without
 * gradient), written with A_J(x) = Σ_κ β³′(κ − κ_x) log p(ι_x, κ) and
 * A_M(x) = Σ_κ β³′(κ − κ_x) log p_M(κ):  ∂H_FM/∂I_m(x) = A_J/(N w_m), ∂H_M/∂I_m(x) = A_M/(N w_m),
 * ∂(−MI)/∂I_m(x) = (A_J − A_M)/(N w_m) (= the Mattes form above).
 */
export function mattesCost(
  s: Samples,
  mp: Mapped,
  bn: MattesBinning,
  withGradient = true,
): { value: number; dEdm: Float64Array | null; validSamples: number } {
  const B = bn.bins;
  const BF = bn.fixedBins;
  const N = mp.count;
  if (N === 0) return { value: Number.NaN, dEdm: null, validSamples: 0 };
  const joint = new Float64Array(BF * B);
  for (let q = 0; q < s.n; q++) {
    if (!mp.valid[q]) continue;
    const t = movingTerm(mp.m[q], bn);
    const k0 = Math.floor(t) - 1;
    const row = bn.fBin[q] * B + k0;
    joint[row] += bspline3(k0 - t);
    joint[row + 1] += bspline3(k0 + 1 - t);
    joint[row + 2] += bspline3(k0 + 2 - t);
    joint[row + 3] += bspline3(k0 + 3 - t);
  }
  const pF = new Float64Array(BF);
  const pM = new Float64Array(B);
  for (let i = 0; i < BF; i++)
    for (let k = 0; k < B; k++) {
      const p = joint[i * B + k] / N;
      joint[i * B + k] = p;
      pF[i] += p;
      pM[k] += p;
    }
  // log p(ι, κ) and log p_M(κ), 0 where the probability is 0 (no sample weighs those bins)
  const logJ = new Float64Array(BF * B);
  const logM = new Float64Array(B);
  let hF = 0;
  let hM = 0;
  let hJ = 0;
  for (let i = 0; i < BF; i++) if (pF[i] > 0) hF -= pF[i] * Math.log(pF[i]);
  for (let k = 0; k < B; k++)
    if (pM[k] > 0) {
      logM[k] = Math.log(pM[k]);
      hM -= pM[k] * logM[k];
    }
  for (let i = 0; i < BF * B; i++)
    if (joint[i] > 1e-16) {
      logJ[i] = Math.log(joint[i]);
      hJ -= joint[i] * logJ[i];
    }
  const value = -(hF + hM - hJ);
  if (!withGradient) return { value, dEdm: null, validSamples: N };
  const dEdm = new Float64Array(s.n);
  const scale = 1 / (N * bn.mWidth);
  for (let q = 0; q < s.n; q++) {
    if (!mp.valid[q]) continue;
    const raw = (mp.m[q] - bn.mMin) / bn.mWidth + PAD;
    const t = movingTerm(mp.m[q], bn);
    // clamped (a cubic interpolant's overshoot beyond the range): the cost is flat there
    if (t !== raw) continue;
    const k0 = Math.floor(t) - 1;
    const row = bn.fBin[q] * B + k0;
    const d0 = bspline3Deriv(k0 - t);
    const d1 = bspline3Deriv(k0 + 1 - t);
    const d2 = bspline3Deriv(k0 + 2 - t);
    const d3 = bspline3Deriv(k0 + 3 - t);
    const aJ = d0 * logJ[row] + d1 * logJ[row + 1] + d2 * logJ[row + 2] + d3 * logJ[row + 3];
    const aM = d0 * logM[k0] + d1 * logM[k0 + 1] + d2 * logM[k0 + 2] + d3 * logM[k0 + 3];
    dEdm[q] = (aJ - aM) * scale;
  }
  return { value, dEdm, validSamples: N };
}

export function mattesMI(s: Samples, mp: Mapped, bn: MattesBinning, withGradient = true): MetricValue {
  const r = mattesCost(s, mp, bn, withGradient);
  return {
    value: r.value,
    gradient: r.dEdm ? accumulateGradient(s, mp, r.dEdm) : new Float64Array(12),
    validSamples: r.validSamples,
  };
}
