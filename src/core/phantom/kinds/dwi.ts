/**
 * Accuracy evaluators "dwi-adc" and "dwi-ivim" (b in s/mm², D in mm²/s), Rician noise
 * (magnitude MR), SNR = S(b = 0)/σ.
 *  - dwi-adc: S = S0·e^{−b·ADC}, b = 0, 250, 500, 750, 1000, truth S0 = 1000, ADC = 1.0e−3;
 *    both methods of `dwi fit --model adc` (AdcFitter): log-linear (default) and nonlinear.
 *  - dwi-ivim: S = S0·[f·e^{−b·D*} + (1−f)·e^{−b·D}] (Le Bihan 1988), 14 b-values
 *    0, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 600, 800, truth S0 = 1000, f = 0.12,
 *    D = 1.0e−3, D* = 0.025; both methods of `dwi fit --model ivim` (IvimFitter, b-threshold
 *    200): segmented and full. The segmented D (log-linear on b ≥ 200) carries the residual
 *    pseudo-diffusion term f·e^{−200·D*}, a small method bias even without noise.
 */
import { ADC_METHODS, AdcFitter, IVIM_METHODS, IvimFitter, ivimSignal } from "../../mri/diffusion.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export const ADC_EVAL_B = [0, 250, 500, 750, 1000];
export const IVIM_EVAL_B = [0, 10, 20, 30, 50, 75, 100, 150, 200, 300, 400, 500, 600, 800];

export function adcEvaluator(truth: { S0?: number; ADC_mm2_per_s?: number } = {}): PhantomEvaluator {
  const s0 = truth.S0 ?? 1000;
  const adc = truth.ADC_mm2_per_s ?? 1.0e-3;
  const b = ADC_EVAL_B;
  const clean = Float64Array.from(b, (v) => s0 * Math.exp(-v * adc));
  return {
    kind: "dwi-adc",
    description: "mono-exponential ADC (dwi fit --model adc, log-linear and nonlinear), b 0–1000 s/mm²",
    snrDefinition: "S(b = 0)/σ (Rician magnitude noise)",
    noise: "rician",
    truth: { S0: s0, ADC_mm2_per_s: adc },
    acquisition: { b_s_per_mm2: b },
    parameters: ADC_METHODS.map((method) => ({ key: "ADC_mm2_per_s", truth: adc, method })),
    noiseFree: () => [clean.slice()],
    createTrial() {
      const fitters = ADC_METHODS.map((m) => new AdcFitter(b, m));
      const y = new Float64Array(b.length);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(s0, snr), "rician", rng, y);
        fitters.forEach((fitter, j) => {
          const f = fitter.fit(y);
          if (f.converged) out[j] = f.ADC_mm2_per_s;
        });
      };
    },
  };
}

export interface IvimEvalTruth {
  S0: number;
  f: number;
  D_mm2_per_s: number;
  Dstar_mm2_per_s: number;
}

export function ivimEvaluator(truth: Partial<IvimEvalTruth> = {}): PhantomEvaluator {
  const tt: IvimEvalTruth = { S0: 1000, f: 0.12, D_mm2_per_s: 1.0e-3, Dstar_mm2_per_s: 0.025, ...truth };
  const b = IVIM_EVAL_B;
  const keys = ["f", "D_mm2_per_s", "Dstar_mm2_per_s"] as const;
  const clean = ivimSignal(b, tt.S0, tt.f, tt.D_mm2_per_s, tt.Dstar_mm2_per_s);
  return {
    kind: "dwi-ivim",
    description: "IVIM bi-exponential (dwi fit --model ivim, segmented and full; b-threshold 200 s/mm²)",
    snrDefinition: "S(b = 0)/σ (Rician magnitude noise)",
    noise: "rician",
    truth: { ...tt },
    acquisition: { b_s_per_mm2: b, b_threshold_s_per_mm2: 200 },
    parameters: IVIM_METHODS.flatMap((method) => keys.map((key) => ({ key, truth: tt[key], method }))),
    noiseFree: () => [clean.slice()],
    createTrial() {
      const fitters = IVIM_METHODS.map((method) => new IvimFitter(b, { method, bThreshold: 200 }));
      const y = new Float64Array(b.length);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(tt.S0, snr), "rician", rng, y);
        fitters.forEach((fitter, j) => {
          const f = fitter.fit(y);
          if (!f.converged) return;
          out[3 * j] = f.f;
          out[3 * j + 1] = f.D_mm2_per_s;
          out[3 * j + 2] = f.Dstar_mm2_per_s;
        });
      };
    },
  };
}
