/**
 * Accuracy evaluator "ferumoxytol": [Fe] from ΔR2* between a pre- and a post-contrast
 * multi-echo gradient-echo train, S = S0·e^{−R2*·TE}, 12 echoes TE = 2, 4, …, 24 ms, S0 = 1000
 * on both scans; truth R2*_pre = 30 /s, [Fe] = 0.3 mM and r2* = 55.7 /s/mM (ferumoxytol, 3 T,
 * plasma; Knobloch et al., Invest Radiol 2018 — the `iron fe --field-t 3` table entry), so
 * ΔR2* = 16.71 /s. Rician noise on each echo, SNR = S0/σ. Fit: the RelaxFitter of
 * `relax fit --model mono` on each train, then ΔR2* = R2*_post − R2*_pre and
 * [Fe] = ΔR2* / r2* (ironConcentrationMm, as `iron fe`).
 */
import { ironConcentrationMm, lookupRelaxivity } from "../../mri/ironOxide.js";
import { RelaxFitter } from "../../mri/relaxometry.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export const FERUMOXYTOL_EVAL_TE_MS = Array.from({ length: 12 }, (_, i) => 2 * (i + 1));

export function ferumoxytolEvaluator(
  truth: { R2star_pre_per_s?: number; Fe_mM?: number; S0?: number } = {},
): PhantomEvaluator {
  const pre = truth.R2star_pre_per_s ?? 30;
  const fe = truth.Fe_mM ?? 0.3;
  const s0 = truth.S0 ?? 1000;
  const r2s = lookupRelaxivity("ferumoxytol", 3, "plasma").r2Star as number;
  const dR = fe * r2s;
  const te = FERUMOXYTOL_EVAL_TE_MS;
  const cleanPre = Float64Array.from(te, (t) => s0 * Math.exp((-pre * t) / 1000));
  const cleanPost = Float64Array.from(te, (t) => s0 * Math.exp((-(pre + dR) * t) / 1000));
  return {
    kind: "ferumoxytol",
    description: `[Fe] = ΔR2*/r2* (relax fit --model mono on pre and post echo trains, iron fe), r2* = ${r2s} /s/mM (3 T plasma)`,
    snrDefinition: "S0/σ of each echo train (Rician magnitude noise)",
    noise: "rician",
    truth: { R2star_pre_per_s: pre, R2star_post_per_s: pre + dR, dR2star_per_s: dR, Fe_mM: fe },
    acquisition: { te_ms: te, r2star_per_s_per_mM: r2s },
    parameters: [
      { key: "dR2star_per_s", truth: dR },
      { key: "Fe_mM", truth: fe },
    ],
    noiseFree: () => [cleanPre.slice(), cleanPost.slice()],
    createTrial() {
      const fitter = new RelaxFitter(te, { model: "mono" });
      const yPre = new Float64Array(te.length);
      const yPost = new Float64Array(te.length);
      return (rng, snr, out) => {
        const sigma = sigmaFor(s0, snr);
        addNoise(cleanPre, sigma, "rician", rng, yPre);
        addNoise(cleanPost, sigma, "rician", rng, yPost);
        const a = fitter.fit(yPre);
        const b = fitter.fit(yPost);
        if (!a.converged || !b.converged) return;
        const d = b.R2_per_s - a.R2_per_s;
        out[0] = d;
        out[1] = ironConcentrationMm(d, r2s);
      };
    },
  };
}
