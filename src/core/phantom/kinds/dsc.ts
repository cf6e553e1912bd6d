/**
 * Accuracy evaluator "dsc": indicator-dilution C_tis = F·(C_a ⊛ R), sampled as the discrete
 * forward model of SVD deconvolution (Østergaard et al., MRM 1996;36:715, eq. 5):
 *   ΔR2*_tis,i = Δt·Σ_{j≤i} ΔR2*_a,(i−j)·F·R_j,   R_j = q^j (exponential residue),
 * 60 frames at Δt = 1 s, TE = 30 ms; arterial ΔR2* a gamma variate (t0 = 10 s, α = 3, β = 1.5 s,
 * peak 250 /s), given noise-free as the AIF. Truth F = 0.01 /s (CBF = 6000·F = 60 mL/100 mL/min)
 * and q = 0.75, so that the blood volume of the sampled residue is CBV = 100·F·Δt·Σ R_j = 4
 * mL/100 mL and MTT = 60·CBV/CBF = 4 s. Tissue signal S = S0·e^{−TE·ΔR2*} (S0 = 1000; tissue
 * peak ΔR2* ≈ 9 /s, a 24 % signal drop), Rician noise, SNR = S0/σ. Fit: the voxel model of
 * `dsc fit --method osvd` (block-circulant oscillation-index SVD, Wu 2003; S0 from the first
 * 8 frames). Without noise the sampled model is inverted exactly; with noise the oSVD truncation
 * smooths the residue and under-estimates CBF — the table shows by how much.
 */
import { type DscVoxelOptions, dscVoxelModel } from "../../perfusion/dscVoxelModel.js";
import { allocChunkResult } from "../../voxel/model.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export const DSC_EVAL = {
  frames: 60,
  dtS: 1,
  teS: 0.03,
  baselineFrames: 8,
  aif: { t0S: 10, alpha: 3, betaS: 1.5, peakPerS: 250 },
};

/** the arterial ΔR2* (1/s): gamma variate scaled to its peak */
export function dscEvalAif(): Float64Array {
  const { t0S, alpha, betaS, peakPerS } = DSC_EVAL.aif;
  const tPeak = alpha * betaS;
  const g = (t: number) => (t > 0 ? (t / tPeak) ** alpha * Math.exp(alpha - t / betaS) : 0);
  return Float64Array.from({ length: DSC_EVAL.frames }, (_, i) => peakPerS * g(i * DSC_EVAL.dtS - t0S));
}

export function dscEvaluator(truth: { F_per_s?: number; q?: number; S0?: number } = {}): PhantomEvaluator {
  const F = truth.F_per_s ?? 0.01;
  const q = truth.q ?? 0.75;
  const s0 = truth.S0 ?? 1000;
  const { frames: n, dtS, teS, baselineFrames } = DSC_EVAL;
  const aif = dscEvalAif();
  const residue = Float64Array.from({ length: n }, (_, j) => q ** j);
  let sumR = 0;
  for (const r of residue) sumR += r;
  const cbf = 6000 * F;
  const cbv = 100 * F * dtS * sumR;
  const tissue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += aif[i - j] * F * residue[j];
    tissue[i] = dtS * s;
  }
  const clean = Float64Array.from(tissue, (r) => s0 * Math.exp(-teS * r));
  return {
    kind: "dsc",
    description:
      "oSVD deconvolution (dsc fit --method osvd), gamma-variate arterial ΔR2*, exponential residue, 60 frames at 1 s, TE 30 ms",
    snrDefinition: "baseline S0/σ (Rician magnitude noise on the tissue signal; AIF noise-free)",
    noise: "rician",
    truth: { CBF_ml_per_100ml_per_min: cbf, CBV_ml_per_100ml: cbv, MTT_s: (60 * cbv) / cbf, F_per_s: F, q },
    acquisition: {
      frames: n,
      dt_s: dtS,
      te_s: teS,
      baseline_frames: baselineFrames,
      aif_delta_r2star_per_s: Array.from(aif),
    },
    parameters: [
      { key: "CBV_ml_per_100ml", truth: cbv },
      { key: "CBF_ml_per_100ml_per_min", truth: cbf },
      { key: "MTT_s", truth: (60 * cbv) / cbf },
    ],
    noiseFree: () => [clean.slice()],
    createTrial() {
      const options: DscVoxelOptions = {
        dtS,
        aif: Array.from(aif),
        input: "signal",
        teS,
        baselineFrames,
        method: "osvd",
      };
      dscVoxelModel.validate?.(options, n);
      const res = allocChunkResult(1, dscVoxelModel.parameters(options).length);
      const y = new Float64Array(n);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(s0, snr), "rician", rng, y);
        dscVoxelModel.fitChunk(y, n, options, res);
        if (res.status[0] !== 0) return;
        out[0] = res.params[0];
        out[1] = res.params[1];
        out[2] = res.params[2];
      };
    },
  };
}
