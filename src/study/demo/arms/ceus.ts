/**
 * Demo arm "ceus": contrast-enhanced ultrasound per tumour of every imaging mouse, 24 h before the
 * nanoparticle injection (SCIENCE.md §5). Two ROI time–intensity curves (linearised intensity,
 * a.u.), as CSV `time_s,<tumour>` sampled at 1 Hz (the cine's ROI mean, resampled):
 *  - bolus (50 µL microbubbles, 90 s): log-normal I(t) = AUC/(√(2π)·σ·τ)·exp(−(ln τ − μ)²/(2σ²)),
 *    τ = t − t0 (SCIENCE.md §12). Perfusion p = ε^0.7 × log-normal(0.2) (ε the tumour's EPR
 *    factor: perfusion correlates with nanomedicine accumulation, Theek et al., J Control
 *    Release 2014;182:83), AUC = 400·p, MTT = 12 s·p^−0.3 (better perfused → faster transit),
 *    σ ∈ [0.5, 0.8], t0 ∈ [2, 4] s — mouse tumour bolus TTP of ~5–15 s;
 *  - destruction–replenishment (30 s after a high-MI burst; Wei et al., Circulation 1998;97:473):
 *    I(t) = A·(1 − e^{−βt}), A = 30·b (b = ε^0.6 × log-normal(0.2), relative blood volume) and
 *    β = 0.3 s⁻¹·p/b, so the flow index A·β = 9·p.
 * Noise: Gaussian, SD 3 % of the signal + 1 % of its peak (speckle averaged over the ROI).
 * Analytic truth: AUC, MTT = exp(μ + σ²/2), TTP = t0 + exp(μ − σ²),
 * peak = AUC/(√(2π)σ)·exp(σ²/2 − μ); A, β, flow_index = A·β.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Rng } from "../../../core/random.js";
import type { Scan } from "../../schema.js";
import { type DemoStudy, TUMOURS, type TumourId } from "../generate.js";
import { isoTime, tumourEprFactor } from "./ferumoxytol.js";
import type { DemoArm } from "./index.js";

export const CEUS = { bolusS: 90, replenishmentS: 30, stepS: 1, beforeInjectionH: 24 };

export interface CeusTumourTruth {
  subject: string;
  tumour: TumourId;
  eprFactor: number;
  perfusion: number;
  AUC: number;
  mu: number;
  sigma: number;
  t0_s: number;
  MTT_s: number;
  TTP_s: number;
  peak: number;
  A: number;
  beta_per_s: number;
  flow_index: number;
}

const SQRT_2PI = Math.sqrt(2 * Math.PI);

function lognormalTic(t: number, auc: number, mu: number, sigma: number, t0: number): number {
  const tau = t - t0;
  if (!(tau > 0)) return 0;
  const z = (Math.log(tau) - mu) / sigma;
  return (auc / (SQRT_2PI * sigma * tau)) * Math.exp(-0.5 * z * z);
}

function csv(tumour: string, t: number[], y: number[]): string {
  return `time_s,${tumour}\n${t.map((v, i) => `${v},${y[i].toFixed(4)}`).join("\n")}\n`;
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  mkdirSync(join(dir, "ceus"), { recursive: true });
  const tb = Array.from({ length: CEUS.bolusS / CEUS.stepS + 1 }, (_, i) => i * CEUS.stepS);
  const tr = Array.from({ length: CEUS.replenishmentS / CEUS.stepS + 1 }, (_, i) => i * CEUS.stepS);
  const scans: Scan[] = [];
  const truth: CeusTumourTruth[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const time = isoTime(Date.parse(s.injectionTime) - CEUS.beforeInjectionH * 3600_000 + 30 * 60_000);
    for (const tu of TUMOURS) {
      const epr = tumourEprFactor(s, tu);
      const p = epr ** 0.7 * rng.logNormal(1, 0.2);
      const bv = epr ** 0.6 * rng.logNormal(1, 0.2);
      const auc = 400 * p;
      const sigma = rng.between(0.5, 0.8);
      const mtt = 12 * p ** -0.3;
      const mu = Math.log(mtt) - 0.5 * sigma * sigma;
      const t0 = rng.between(2, 4);
      const peak = (auc / (SQRT_2PI * sigma)) * Math.exp(0.5 * sigma * sigma - mu);
      const A = 30 * bv;
      const beta = (0.3 * p) / bv;
      const yb = tb.map((t) => {
        const v = lognormalTic(t, auc, mu, sigma, t0);
        return v + (0.03 * v + 0.01 * peak) * rng.normal();
      });
      const yr = tr.map((t) => {
        const v = A * (1 - Math.exp(-beta * t));
        return v + (0.03 * v + 0.01 * A) * rng.normal();
      });
      const base = `ceus/${s.id}_${tu}`;
      const files = [`${base}_bolus.csv`, `${base}_replenishment.csv`];
      writeFileSync(join(dir, files[0]), csv(tu, tb, yb));
      writeFileSync(join(dir, files[1]), csv(tu, tr, yr));
      truth.push({
        subject: s.id,
        tumour: tu,
        eprFactor: epr,
        perfusion: p,
        AUC: auc,
        mu,
        sigma,
        t0_s: t0,
        MTT_s: Math.exp(mu + 0.5 * sigma * sigma),
        TTP_s: t0 + Math.exp(mu - sigma * sigma),
        peak,
        A,
        beta_per_s: beta,
        flow_index: A * beta,
      });
      scans.push({
        id: `${s.id}-CEUS-${tu}`,
        subject: s.id,
        modality: "US",
        time,
        files,
        purpose: "ceus",
        acquisition: {
          tumour: tu,
          model: "lognormal",
          agent: "MicroMarker (Bracco/VisualSonics)",
          bolusUl: 50,
          transducerMHz: 21,
          mechanicalIndex: 0.1,
          intensity: "linearised",
          sampleIntervalS: CEUS.stepS,
          destructionMechanicalIndex: 0.8,
        },
      });
    }
  }
  return { scans, truth: { tumours: truth } };
}

export const ceusArm: DemoArm = { name: "ceus", seedOffset: 132, write };
