/**
 * Accuracy evaluator "relax": mono-exponential spin-echo decay S(TE) = S0·e^{−TE/T2}, 10 echoes
 * at TE = 10, 20, …, 100 ms, truth S0 = 1000, T2 = 50 ms (R2 = 20 /s). Rician noise (magnitude
 * MR), SNR = S0/σ. Fit: the RelaxFitter of `relax fit --model mono` (S²-weighted log-linear start,
 * bounded Levenberg–Marquardt). The Rician floor at the late echoes biases the mono fit towards
 * long T2 at low SNR — what the noise-floor model is for.
 */
import { RelaxFitter } from "../../mri/relaxometry.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export interface RelaxEvalTruth {
  S0: number;
  T2_ms: number;
}

export const RELAX_EVAL_TE_MS = Array.from({ length: 10 }, (_, i) => 10 * (i + 1));

export function relaxEvaluator(truth: Partial<RelaxEvalTruth> = {}): PhantomEvaluator {
  const tt: RelaxEvalTruth = { S0: 1000, T2_ms: 50, ...truth };
  const te = RELAX_EVAL_TE_MS;
  const clean = Float64Array.from(te, (t) => tt.S0 * Math.exp(-t / tt.T2_ms));
  return {
    kind: "relax",
    description: "mono-exponential T2 (relax fit --model mono), 10 echoes TE 10–100 ms",
    snrDefinition: "S0/σ (Rician magnitude noise)",
    noise: "rician",
    truth: { ...tt, R2_per_s: 1000 / tt.T2_ms },
    acquisition: { te_ms: te },
    parameters: [
      { key: "T2_ms", truth: tt.T2_ms },
      { key: "R2_per_s", truth: 1000 / tt.T2_ms },
      { key: "S0", truth: tt.S0 },
    ],
    noiseFree: () => [clean.slice()],
    createTrial() {
      const fitter = new RelaxFitter(te, { model: "mono" });
      const y = new Float64Array(te.length);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(tt.S0, snr), "rician", rng, y);
        const f = fitter.fit(y);
        if (!f.converged) return;
        out[0] = f.T2_ms;
        out[1] = f.R2_per_s;
        out[2] = f.S0;
      };
    },
  };
}
