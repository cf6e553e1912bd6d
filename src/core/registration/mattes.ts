/**
 * Mattes mutual information and its analytic gradient (Mattes et al., IEEE TMI 22:120, 2003;
 * ITK's MattesMutualInformationImageToImageMetric). Joint histogram with B-spline Parzen
 * windows: zero order (box) for the fixed image, cubic for the moving image, B bins with 2
 * padding bins on each side (bin width = range/(B − 4), ι = (f − f_min)/w_f + 2):
 *   p(ι, κ) = (1/N) Σ_x β⁰(ι − ι_x) β³(κ − κ_x),  p_M(κ) = Σ_ι p(ι, κ)
 *   MI = Σ p(ι, κ) log[p(ι, κ)/(p_F(ι) p_M(κ))]
 *   ∂MI/∂I_m(x) = −(1/(N w_m)) Σ_κ β³′(κ − κ_x) log[p(ι_x, κ)/p_M(κ)]
 * (p_F does not depend on the transform, and Σ ∂p = 0 removes the constant terms). The cost is
 * −MI (minimised); its gradient is −∂MI/∂I_m per sample, chained to the parameters by the sampler.
 */
import { accumulateGradient, type Mapped, type MetricValue, type Samples } from "./sampler.js";

export interface MattesBinning {
  bins: number;
  fMin: number;
  fWidth: number;
  mMin: number;
  mWidth: number;
  /** fixed bin index per sample */
  fBin: Int32Array;
}

const PAD = 2;

export function mattesBinning(s: Samples, moving: { min: number; max: number }, bins = 32): MattesBinning {
  let fMin = Number.POSITIVE_INFINITY;
  let fMax = Number.NEGATIVE_INFINITY;
  for (let q = 0; q < s.n; q++) {
    if (s.f[q] < fMin) fMin = s.f[q];
    if (s.f[q] > fMax) fMax = s.f[q];
  }
  const fWidth = (fMax - fMin || 1) / (bins - 2 * PAD);
  const mWidth = (moving.max - moving.min || 1) / (bins - 2 * PAD);
  const fBin = new Int32Array(s.n);
  for (let q = 0; q < s.n; q++) {
    let b = Math.floor((s.f[q] - fMin) / fWidth + PAD);
    if (b < PAD) b = PAD;
    if (b > bins - PAD - 1) b = bins - PAD - 1;
    fBin[q] = b;
  }
  return { bins, fMin, fWidth, mMin: moving.min, mWidth, fBin };
}

function bspline3(u: number): number {
  const a = Math.abs(u);
  if (a < 1) return (4 - 6 * a * a + 3 * a * a * a) / 6;
  if (a < 2) return ((2 - a) * (2 - a) * (2 - a)) / 6;
  return 0;
}

function bspline3Deriv(u: number): number {
  const a = Math.abs(u);
  const sgn = u < 0 ? -1 : 1;
  if (a < 1) return sgn * (-2 * a + 1.5 * a * a);
  if (a < 2) return sgn * (-0.5 * (2 - a) * (2 - a));
  return 0;
}

function movingTerm(v: number, bn: MattesBinning): number {
  let t = (v - bn.mMin) / bn.mWidth + PAD;
  if (t < PAD) t = PAD;
  if (t > bn.bins - PAD - 1e-9) t = bn.bins - PAD - 1e-9;
  return t;
}

export function mattesMI(s: Samples, mp: Mapped, bn: MattesBinning, withGradient = true): MetricValue {
  const B = bn.bins;
  const joint = new Float64Array(B * B);
  const N = mp.count;
  if (N === 0) return { value: Number.NaN, gradient: new Float64Array(12), validSamples: 0 };
  for (let q = 0; q < s.n; q++) {
    if (!mp.valid[q]) continue;
    const t = movingTerm(mp.m[q], bn);
    const k0 = Math.floor(t) - 1;
    const row = bn.fBin[q] * B;
    for (let k = k0; k < k0 + 4; k++) joint[row + k] += bspline3(k - t);
  }
  const pF = new Float64Array(B);
  const pM = new Float64Array(B);
  for (let i = 0; i < B; i++)
    for (let k = 0; k < B; k++) {
      const p = joint[i * B + k] / N;
      joint[i * B + k] = p;
      pF[i] += p;
      pM[k] += p;
    }
  let mi = 0;
  const logRatio = new Float64Array(B * B);
  for (let i = 0; i < B; i++)
    for (let k = 0; k < B; k++) {
      const p = joint[i * B + k];
      if (p > 1e-16 && pM[k] > 0) {
        logRatio[i * B + k] = Math.log(p / pM[k]);
        mi += p * Math.log(p / (pF[i] * pM[k]));
      }
    }
  if (!withGradient) return { value: -mi, gradient: new Float64Array(12), validSamples: N };
  const dEdm = new Float64Array(s.n);
  const scale = 1 / (N * bn.mWidth);
  for (let q = 0; q < s.n; q++) {
    if (!mp.valid[q]) continue;
    const t = movingTerm(mp.m[q], bn);
    const k0 = Math.floor(t) - 1;
    const row = bn.fBin[q] * B;
    let acc = 0;
    for (let k = k0; k < k0 + 4; k++) acc += bspline3Deriv(k - t) * logRatio[row + k];
    // ∂β³(κ − t)/∂I = −β³′·(1/w_m); cost = −MI → +acc·scale
    dEdm[q] = acc * scale;
  }
  return { value: -mi, gradient: accumulateGradient(s, mp, dEdm), validSamples: N };
}
