/**
 * Accuracy evaluator "dce": extended Tofts C(t) = vp·cp(t) + Ktrans·∫cp(τ)·e^{−kep(t−τ)}dτ,
 * kep = Ktrans/ve (Tofts et al., JMRI 1999;10:223), on the acquisition of `phantom dce`
 * (60 frames at 4 s, Parker population blood AIF arriving at 20 s, Hct 0.45 → plasma).
 * Truth: the `phantom dce` tumour defaults Ktrans 0.12 /min, ve 0.3, vp 0.04. Gaussian noise
 * on the concentration curve (mM), SNR = peak tissue concentration / σ. Fit: the DceModel of
 * `dce fit --model etofts` (variable projection, multi-start fallback; no delay).
 */
import { bloodToPlasma, parkerAif } from "../../perfusion/aif.js";
import { DceModel } from "../../perfusion/dceModel.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export interface DceEvalTruth {
  Ktrans_per_min: number;
  ve: number;
  vp: number;
}

export const DCE_EVAL_ACQUISITION = { frames: 60, frameS: 4, arrivalS: 20, hematocrit: 0.45 };

export function dceEvaluator(truth: Partial<DceEvalTruth> = {}): PhantomEvaluator {
  const tt: DceEvalTruth = { Ktrans_per_min: 0.12, ve: 0.3, vp: 0.04, ...truth };
  const a = DCE_EVAL_ACQUISITION;
  const timeS = Array.from({ length: a.frames }, (_, i) => i * a.frameS);
  const cp = bloodToPlasma(parkerAif(timeS, a.arrivalS), a.hematocrit);
  return {
    kind: "dce",
    description:
      "extended Tofts (dce fit --model etofts), Parker blood AIF (Hct 0.45) arriving at 20 s, 60 frames at 4 s",
    snrDefinition: "peak tissue concentration / σ (Gaussian noise on C(t), mM)",
    noise: "gaussian",
    truth: { ...tt },
    acquisition: {
      time_s: timeS,
      aif: "Parker 2006 population blood AIF, plasma = blood/(1 − Hct)",
      arrival_s: a.arrivalS,
      hematocrit: a.hematocrit,
    },
    parameters: [
      { key: "Ktrans_per_min", truth: tt.Ktrans_per_min },
      { key: "ve", truth: tt.ve },
      { key: "vp", truth: tt.vp },
    ],
    noiseFree: () => [new DceModel("etofts", timeS, cp).curve([tt.Ktrans_per_min, tt.ve, tt.vp])],
    createTrial() {
      const model = new DceModel("etofts", timeS, cp);
      const clean = model.curve([tt.Ktrans_per_min, tt.ve, tt.vp]);
      let peak = 0;
      for (const v of clean) peak = Math.max(peak, v);
      const y = new Float64Array(clean.length);
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(peak, snr), "gaussian", rng, y);
        const f = model.fit(y, { varpro: true });
        if (!f.converged) return;
        out[0] = f.params.Ktrans_per_min;
        out[1] = f.params.ve;
        out[2] = f.params.vp;
      };
    },
  };
}
