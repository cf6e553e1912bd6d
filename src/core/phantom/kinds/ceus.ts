/**
 * Accuracy evaluator "ceus": log-normal bolus I(t) = AUC/(√(2π)·σ·τ)·exp(−(ln τ − μ)²/(2σ²)),
 * τ = t − t0 > 0, sampled at 2 Hz over 0–60 s; truth AUC = 1000 (intensity·s), μ = ln 10,
 * σ = 0.5, t0 = 5 s (MTT = e^{μ+σ²/2} = 11.33 s, TTP = t0 + e^{μ−σ²} = 12.79 s, peak 90.4).
 * Gaussian noise on the linearised intensity, SNR = peak/σ. Fit: fitCeus("lognormal") of
 * `ceus fit --model lognormal` (no offset). Derived quantities from the fitted parameters.
 */
import { fitCeus } from "../../ultrasound/ceus.js";
import { bolusDerived, bolusValue } from "../../ultrasound/ceusModels.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export interface CeusEvalTruth {
  AUC: number;
  mu: number;
  sigma: number;
  t0_s: number;
}

export const CEUS_EVAL_TIME_S = Array.from({ length: 121 }, (_, i) => i * 0.5);

export function ceusEvaluator(truth: Partial<CeusEvalTruth> = {}): PhantomEvaluator {
  const tt: CeusEvalTruth = { AUC: 1000, mu: Math.log(10), sigma: 0.5, t0_s: 5, ...truth };
  const p = [tt.AUC, tt.mu, tt.sigma, tt.t0_s];
  const d = bolusDerived("lognormal", p);
  const t = CEUS_EVAL_TIME_S;
  const clean = Float64Array.from(t, (x) => bolusValue("lognormal", p, x));
  const params = [
    { key: "AUC", truth: tt.AUC },
    { key: "peak", truth: d.peak },
    { key: "TTP_s", truth: d.TTP_s },
    { key: "MTT_s", truth: d.MTT_s },
    { key: "t0_s", truth: tt.t0_s },
    { key: "mu", truth: tt.mu },
    { key: "sigma", truth: tt.sigma },
  ];
  return {
    kind: "ceus",
    description: "log-normal bolus (ceus fit --model lognormal), 2 Hz over 0–60 s",
    snrDefinition: "peak intensity / σ (Gaussian noise on the linearised intensity)",
    noise: "gaussian",
    truth: { ...tt, peak: d.peak, TTP_s: d.TTP_s, MTT_s: d.MTT_s },
    acquisition: { time_s: t },
    parameters: params,
    noiseFree: () => [clean.slice()],
    createTrial() {
      const y = new Float64Array(t.length);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(d.peak, snr), "gaussian", rng, y);
        const f = fitCeus("lognormal", t, y);
        if (!f.converged || f.model === "replenishment") return;
        const v = [f.AUC, f.peak, f.TTP_s, f.MTT_s, f.t0_s, f.params.mu, f.params.sigma];
        for (let j = 0; j < v.length; j++) out[j] = v[j];
      };
    },
  };
}
