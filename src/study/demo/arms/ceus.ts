/**
 * Demo arm "ceus": contrast-enhanced ultrasound per tumour of every imaging mouse, 24 h before the
 * nanoparticle injection (SCIENCE.md §5). Per tumour:
 *  - a bolus cine (50 µL microbubbles, 0–90 s at 1 Hz, contrast mode) as the scanner displays it:
 *    16 × 16 × 1 pixels (0.2 mm) × 91 frames, uint8 log-compressed video, with a label map
 *    (1 = tumour disc, radius 5 px). Linear echo power per pixel
 *      I(v, t) = bg·τ(v) + TIC(t)·p(v)·s(v, t),
 *    τ a static tissue texture (log-normal, SD_log 0.3, bg = 1), p the perfusion pattern (tumour
 *    rim 1.3, core 0.6, normalised to ROI mean 1; surrounding tissue 0.25), s the microbubble
 *    speckle (log-normal, mean 1, SD_log 0.25, independent per pixel and frame), displayed as
 *      D = 255·clip((10·log10 I + G)/DR, 0, 1),  DR = 40 dB, G = 10 dB (core/ultrasound/cineLinearise.ts),
 *    rounded to integers. Three frames are motion frames: the whole image shifted by 3–4 px
 *    (one of them within 8 s after the peak), which the analysis must reject.
 *    TIC is log-normal I(t) = AUC/(√(2π)·σ·τ)·exp(−(ln τ − μ)²/(2σ²)), τ = t − t0
 *    (SCIENCE.md §12). Perfusion p = ε^0.7 × log-normal(0.2) (ε the tumour's EPR factor:
 *    perfusion correlates with nanomedicine accumulation, Theek et al., J Control Release
 *    2014;182:83), AUC = 400·p, MTT = 12 s·p^−0.3, σ ∈ [0.5, 0.8], t0 ∈ [2, 4] s (the first two
 *    frames are pre-contrast: baseline);
 *  - a destruction–replenishment curve (30 s after a high-MI burst; Wei et al., Circulation
 *    1998;97:473) as CSV `time_s,<tumour>` (linearised ROI mean): I(t) = A·(1 − e^{−βt}),
 *    A = 30·b (b = ε^0.6 × log-normal(0.2), relative blood volume), β = 0.3 s⁻¹·p/b, so the flow
 *    index A·β = 9·p; Gaussian noise SD 3 % of the signal + 1 % of A.
 * Analytic truth: AUC, MTT = exp(μ + σ²/2), TTP = t0 + exp(μ − σ²),
 * peak = AUC/(√(2π)σ)·exp(σ²/2 − μ); A, β, flow_index = A·β; the motion frames.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityAffine } from "../../../core/image/volume.js";
import type { Rng } from "../../../core/random.js";
import { type LogCompression, logCompress } from "../../../core/ultrasound/cineLinearise.js";
import { writeNifti } from "../../../io/nifti.js";
import type { Scan } from "../../schema.js";
import { type DemoStudy, TUMOURS, type TumourId } from "../generate.js";
import { isoTime, tumourEprFactor } from "./ferumoxytol.js";
import type { DemoArm } from "./index.js";

export const CEUS = {
  bolusS: 90,
  replenishmentS: 30,
  stepS: 1,
  beforeInjectionH: 24,
  nPx: 16,
  pixelMm: 0.2,
  radiusPx: 5,
  dynamicRangeDb: 40,
  gainDb: 10,
  baselineFrames: 2,
  motionFrames: 3,
};

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
  /** frames (0-based) of the bolus cine shifted by motion */
  motion_frames: number[];
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

export interface CineRender {
  /** display values (integers 0–255), frame after frame */
  data: Float32Array;
  /** 1 inside the tumour disc */
  labels: Uint8Array;
}

/** the bolus cine of one tumour (model in the module note); `motion` frame → shift (px) */
export function renderCeusCine(
  times: number[],
  tic: (t: number) => number,
  motion: Map<number, [number, number]>,
  rng: Rng,
): CineRender {
  const { nPx: n, radiusPx: R } = CEUS;
  const comp: LogCompression = { dynamicRangeDb: CEUS.dynamicRangeDb, gainDb: CEUS.gainDb };
  const labels = new Uint8Array(n * n);
  const texture = new Float64Array(n * n);
  const pattern = new Float64Array(n * n);
  const c = (n - 1) / 2;
  let sumP = 0;
  let nIn = 0;
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const v = i + n * j;
      const r = Math.hypot(i - c, j - c) / R;
      texture[v] = rng.logNormal(1, 0.3);
      if (r <= 1) {
        labels[v] = 1;
        pattern[v] = r > 0.6 ? 1.3 : 0.6;
        sumP += pattern[v];
        nIn++;
      } else pattern[v] = 0.25;
    }
  for (let v = 0; v < n * n; v++) if (labels[v]) pattern[v] *= nIn / sumP;
  const data = new Float32Array(n * n * times.length);
  times.forEach((t, f) => {
    const [dx, dy] = motion.get(f) ?? [0, 0];
    const y = tic(t);
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) {
        // the tissue under pixel (i, j) came from (i − dx, j − dy) (edge pixels repeated)
        const si = Math.min(n - 1, Math.max(0, i - dx));
        const sj = Math.min(n - 1, Math.max(0, j - dy));
        const u = si + n * sj;
        const speckle = Math.exp(0.25 * rng.normal() - 0.5 * 0.25 * 0.25);
        const I = texture[u] + y * pattern[u] * speckle;
        data[f * n * n + i + n * j] = Math.round(logCompress(I, comp));
      }
  });
  return { data, labels };
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  mkdirSync(join(dir, "ceus"), { recursive: true });
  const tb = Array.from({ length: CEUS.bolusS / CEUS.stepS + 1 }, (_, i) => i * CEUS.stepS);
  const tr = Array.from({ length: CEUS.replenishmentS / CEUS.stepS + 1 }, (_, i) => i * CEUS.stepS);
  const spacing: [number, number, number] = [CEUS.pixelMm, CEUS.pixelMm, CEUS.pixelMm];
  const affine = identityAffine(spacing);
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
      const ttp = t0 + Math.exp(mu - sigma * sigma);
      const A = 30 * bv;
      const beta = (0.3 * p) / bv;
      // motion: one frame within 8 s after the peak, the others anywhere after the baseline
      const motion = new Map<number, [number, number]>();
      const shift = (): [number, number] => {
        const d = 3 + rng.int(2);
        return rng.uniform() < 0.5
          ? [rng.uniform() < 0.5 ? d : -d, rng.int(3) - 1]
          : [rng.int(3) - 1, rng.uniform() < 0.5 ? d : -d];
      };
      motion.set(Math.round(ttp) + 1 + rng.int(8), shift());
      while (motion.size < CEUS.motionFrames) {
        const f = CEUS.baselineFrames + 1 + rng.int(tb.length - CEUS.baselineFrames - 2);
        if (![...motion.keys()].some((g) => Math.abs(g - f) < 2)) motion.set(f, shift());
      }
      const cine = renderCeusCine(tb, (t) => lognormalTic(t, auc, mu, sigma, t0), motion, rng);
      const yr = tr.map((t) => {
        const v = A * (1 - Math.exp(-beta * t));
        return v + (0.03 * v + 0.01 * A) * rng.normal();
      });
      const base = `ceus/${s.id}_${tu}`;
      const files = [`${base}_bolus_cine.nii.gz`, `${base}_bolus_labels.nii.gz`, `${base}_replenishment.csv`];
      const n = CEUS.nPx;
      writeNifti(
        join(dir, files[0]),
        { dims: [n, n, 1, tb.length], spacingMm: spacing, affine, data: cine.data, frameS: CEUS.stepS },
        { datatype: "uint8", description: "CEUS bolus cine, log-compressed display (DR 40 dB)" },
      );
      writeNifti(
        join(dir, files[1]),
        { dims: [n, n, 1], spacingMm: spacing, affine, data: Float32Array.from(cine.labels) },
        { datatype: "uint8", description: "CEUS ROI labels: 1 tumour" },
      );
      writeFileSync(join(dir, files[2]), csv(tu, tr, yr));
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
        TTP_s: ttp,
        peak,
        A,
        beta_per_s: beta,
        flow_index: A * beta,
        motion_frames: [...motion.keys()].sort((a, b) => a - b),
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
          intensity: "log-compressed",
          dynamicRangeDb: CEUS.dynamicRangeDb,
          gainDb: CEUS.gainDb,
          displayMax: 255,
          sampleIntervalS: CEUS.stepS,
          baselineFrames: CEUS.baselineFrames,
          rejectMotion: true,
          roiLabel: 1,
          destructionMechanicalIndex: 0.8,
        },
      });
    }
  }
  return { scans, truth: { tumours: truth } };
}

export const ceusArm: DemoArm = { name: "ceus", seedOffset: 132, write };
