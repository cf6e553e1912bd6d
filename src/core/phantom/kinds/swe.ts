/**
 * Accuracy evaluator "swe": one realisation is an ROI of 100 shear-wave speed pixels c + σ·ε,
 * truth c = 2 m/s (μ = ρc² = 4 kPa with ρ = 1000 kg/m³, E = 3μ = 12 kPa); Gaussian noise per
 * pixel, SNR = c/σ. Estimate: summariseSwe of `swe` (mean of the per-pixel moduli; pixels with
 * a negative speed are rejected, as the command does). E[c²] = c² + σ², so the mean modulus is
 * biased by +1/SNR² relative — a property of ρ·c² averaging, not of the fit.
 */
import { summariseSwe } from "../../ultrasound/elastography.js";
import type { PhantomEvaluator } from "../evaluator.js";
import { addNoise, sigmaFor } from "../noise.js";

export function sweEvaluator(truth: { speed_m_per_s?: number; pixels?: number } = {}): PhantomEvaluator {
  const c = truth.speed_m_per_s ?? 2;
  const m = truth.pixels ?? 100;
  const mu = c * c; // kPa for ρ = 1000 kg/m³
  return {
    kind: "swe",
    description: `ROI mean of per-pixel moduli (swe), ${m} pixels per ROI, ρ = 1000 kg/m³, ν = 0.5`,
    snrDefinition: "speed / σ per pixel (Gaussian noise on the shear-wave speed)",
    noise: "gaussian",
    truth: { speed_m_per_s: c, shear_modulus_kPa: mu, youngs_modulus_kPa: 3 * mu },
    acquisition: { pixels_per_roi: m, density_kg_per_m3: 1000, poisson: 0.5 },
    parameters: [
      { key: "shear_modulus_kPa", truth: mu },
      { key: "youngs_modulus_kPa", truth: 3 * mu },
    ],
    noiseFree: () => [new Float64Array(m).fill(c)],
    createTrial() {
      const clean = new Float64Array(m).fill(c);
      const y = new Float64Array(m);
      const roi = new Array<string>(m).fill("roi");
      return (rng, snr, out) => {
        addNoise(clean, sigmaFor(c, snr), "gaussian", rng, y);
        const [s] = summariseSwe(roi, y);
        out[0] = s.shear_modulus_kPa;
        out[1] = s.youngs_modulus_kPa;
      };
    },
  };
}
