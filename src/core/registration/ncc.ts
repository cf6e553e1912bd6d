/**
 * Normalised cross-correlation over the valid samples (elastix "AdvancedNormalizedCorrelation"):
 *   NCC = S_fm / √(S_ff S_mm),  S_fm = Σ (f − f̄)(m − m̄), S_ff = Σ (f − f̄)², S_mm = Σ (m − m̄)²
 *   ∂NCC/∂m_x = (f_x − f̄)/√(S_ff S_mm) − NCC·(m_x − m̄)/S_mm
 * The cost is −NCC (minimised); suited to same-modality pairs (CT ↔ CT across time points).
 */
import { accumulateGradient, type Mapped, type MetricValue, type Samples } from "./sampler.js";

export function ncc(s: Samples, mp: Mapped, withGradient = true): MetricValue {
  const r = nccCost(s, mp, withGradient);
  return {
    value: r.value,
    gradient: r.dEdm ? accumulateGradient(s, mp, r.dEdm) : new Float64Array(12),
    validSamples: r.validSamples,
  };
}

/** −NCC and its derivative per sample with respect to the moving intensity (null without gradient) */
export function nccCost(
  s: Samples,
  mp: Mapped,
  withGradient = true,
): { value: number; dEdm: Float64Array | null; validSamples: number } {
  const N = mp.count;
  if (N < 2) return { value: Number.NaN, dEdm: null, validSamples: N };
  let sf = 0;
  let sm = 0;
  for (let q = 0; q < s.n; q++)
    if (mp.valid[q]) {
      sf += s.f[q];
      sm += mp.m[q];
    }
  const fb = sf / N;
  const mb = sm / N;
  let sfm = 0;
  let sff = 0;
  let smm = 0;
  for (let q = 0; q < s.n; q++)
    if (mp.valid[q]) {
      const a = s.f[q] - fb;
      const b = mp.m[q] - mb;
      sfm += a * b;
      sff += a * a;
      smm += b * b;
    }
  const den = Math.sqrt(sff * smm);
  if (!(den > 0)) return { value: Number.NaN, dEdm: null, validSamples: N };
  const r = sfm / den;
  if (!withGradient) return { value: -r, dEdm: null, validSamples: N };
  const dEdm = new Float64Array(s.n);
  for (let q = 0; q < s.n; q++)
    if (mp.valid[q]) dEdm[q] = -((s.f[q] - fb) / den - (r * (mp.m[q] - mb)) / smm);
  return { value: -r, dEdm, validSamples: N };
}
