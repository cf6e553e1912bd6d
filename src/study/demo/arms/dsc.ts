/**
 * Demo arm "dsc": dynamic susceptibility contrast MRI (first pass of a Gd bolus, T2*-weighted
 * GE-EPI, TE 25 ms, 80 frames at 1 s) per tumour of every imaging mouse, on the two central
 * slices of the DCE slab grid (12 × 12 × 2), 24 h before the nanoparticle injection (SCIENCE.md §4). Indicator dilution (Østergaard et
 * al., MRM 1996;36:715) in closed form, no recirculation, no leakage:
 *  - arterial ΔR2*: gamma variate a(t) = A·τ³·e^{−τ/β}, τ = t − 10 s, β = 1.5 s, peak 200 /s
 *    (at τ = 3β), given as a ΔR2* curve (aif.csv: time_s, aif);
 *  - tissue ΔR2* per voxel C(t) = F·∫₀ᵗ a(s)·e^{−(t−s)/MTT} ds (residue R = e^{−t/MTT}), with
 *    κ = 1/β − 1/MTT: C = F·A·e^{−τ/MTT}·∫₀^τ s³e^{−κs} ds = F·A·e^{−τ/MTT}·(6/κ⁴)·
 *    [1 − e^{−κτ}·(1 + κτ + (κτ)²/2 + (κτ)³/6)] (series for small κτ);
 *  - truth per tumour: CBV = 5 mL/100 mL × ε^0.6 × log-normal(0.2) (blood volume tracks the EPR
 *    factor ε, as the ferumoxytol rBV of its arm), MTT = 8 s × ε^−0.2 × log-normal(0.15)
 *    (clipped to 5–14 s; tumour transit is slow); per voxel rim × 1.25 / core × 0.65 CBV and log-normal(0.1) scatter of
 *    both; F = CBV/(100·MTT) (1/s), CBF = 6000·F (mL/100 mL/min, central volume theorem);
 *  - signal S = S0·e^{−TE·C}, S0 = 1000 × log-normal(0.05) per voxel, Rician noise σ = 5
 *    (SNR 200; the tissue's peak signal drop is 10–30 %).
 * Truth written: the ROI means over the tumour mask of voxel CBV, CBF and MTT (the analysis
 * averages its voxel estimates over the same mask).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Rng } from "../../../core/random.js";
import type { Scan } from "../../schema.js";
import { tumourClasses } from "../dce.js";
import { type DemoStudy, TUMOURS, type TumourId } from "../generate.js";
import { isoTime, slabGeometry, tumourEprFactor } from "./ferumoxytol.js";
import type { DemoArm } from "./index.js";
import { writeTumourSeries } from "./tumourSeries.js";

export const DSC = {
  frames: 80,
  dtS: 1,
  teMs: 25,
  baselineFrames: 8,
  arrivalS: 10,
  betaS: 1.5,
  aifPeakPerS: 200,
  s0: 1000,
  noiseSd: 5,
  beforeInjectionH: 24,
};

export interface DscTumourTruth {
  subject: string;
  tumour: TumourId;
  eprFactor: number;
  /** ROI means of the voxel truth */
  CBV_ml_per_100ml: number;
  CBF_ml_per_100ml_per_min: number;
  MTT_s: number;
}

/** gamma-variate amplitude A giving the arterial peak A·(3β)³·e^{−3} */
function aifAmplitude(): number {
  const b = DSC.betaS;
  return DSC.aifPeakPerS / ((3 * b) ** 3 * Math.exp(-3));
}

export function dscAif(t: number): number {
  const tau = t - DSC.arrivalS;
  return tau > 0 ? aifAmplitude() * tau ** 3 * Math.exp(-tau / DSC.betaS) : 0;
}

/** ∫₀^τ s³·e^{−κs} ds in closed form (κ ≠ 0), by its series when |κτ| is small */
function lowerGamma3(kappa: number, tau: number): number {
  const x = kappa * tau;
  if (Math.abs(x) < 0.5) {
    // ∫₀^τ s³·Σ_k (−κs)^k/k! ds = τ⁴·Σ_k (−x)^k/(k!·(k + 4))
    let sum = 0;
    let term = 1; // (−x)^k / k!
    for (let k = 0; k < 40; k++) {
      sum += term / (k + 4);
      term *= -x / (k + 1);
    }
    return tau ** 4 * sum;
  }
  const e = Math.exp(-x);
  return (6 / kappa ** 4) * (1 - e * (1 + x + (x * x) / 2 + (x * x * x) / 6));
}

/** tissue ΔR2* (1/s) of flow F (1/s) and exponential residue with mean transit time mtt (s) */
export function dscTissue(t: number, F: number, mttS: number): number {
  const tau = t - DSC.arrivalS;
  if (!(tau > 0)) return 0;
  const kappa = 1 / DSC.betaS - 1 / mttS;
  return F * aifAmplitude() * Math.exp(-tau / mttS) * lowerGamma3(kappa, tau);
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const { frames, dtS, s0, noiseSd } = DSC;
  const te = DSC.teMs / 1000;
  // the two central slices of the DCE slab (DSC trades coverage for 1 s frames)
  const slab = slabGeometry();
  const [nx, ny] = slab.dims;
  const plane = nx * ny;
  const cls = tumourClasses().slice(plane, 3 * plane);
  const nvox = cls.length;
  const affine = Float64Array.from(slab.affine);
  for (let r = 0; r < 3; r++) affine[r * 4 + 3] += affine[r * 4 + 2]; // origin at slab slice 1
  const geom = { dims: [nx, ny, 2], spacingMm: slab.spacingMm, affine };
  const times = Array.from({ length: frames }, (_, i) => i * dtS);
  const aifCsv = `time_s,aif\n${times.map((t) => `${t},${dscAif(t).toPrecision(10)}`).join("\n")}\n`;
  mkdirSync(join(dir, "dsc"), { recursive: true });
  writeFileSync(join(dir, "dsc", "aif.csv"), aifCsv);
  const scans: Scan[] = [];
  const truth: DscTumourTruth[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const time = isoTime(Date.parse(s.injectionTime) - DSC.beforeInjectionH * 3600_000 + 90 * 60_000);
    for (const tu of TUMOURS) {
      const epr = tumourEprFactor(s, tu);
      const cbvT = 5 * epr ** 0.6 * rng.logNormal(1, 0.2);
      const mttT = Math.min(14, Math.max(5, 8 * epr ** -0.2 * rng.logNormal(1, 0.15)));
      const data = new Float32Array(nvox * frames);
      let sCbv = 0;
      let sCbf = 0;
      let sMtt = 0;
      let n = 0;
      for (let v = 0; v < nvox; v++) {
        const c = cls[v];
        const a = s0 * rng.logNormal(1, 0.05);
        const cbv = c === 0 ? 2 : cbvT * (c === 2 ? 1.25 : 0.65) * rng.logNormal(1, 0.1);
        const mtt = c === 0 ? 3 : mttT * rng.logNormal(1, 0.1);
        const F = cbv / (100 * mtt);
        for (let k = 0; k < frames; k++) {
          const clean = a * Math.exp(-te * dscTissue(times[k], F, mtt));
          data[k * nvox + v] = Math.hypot(clean + noiseSd * rng.normal(), noiseSd * rng.normal());
        }
        if (c > 0) {
          sCbv += cbv;
          sCbf += 6000 * F;
          sMtt += mtt;
          n++;
        }
      }
      const files = [
        ...writeTumourSeries(
          dir,
          `dsc/${s.id}_${tu}`,
          "dsc",
          geom,
          {
            data,
            frames,
            frameS: dtS,
            description: "DSC GE-EPI magnitude, TE 25 ms, one volume per 1 s frame",
          },
          cls,
        ),
        "dsc/aif.csv",
      ];
      truth.push({
        subject: s.id,
        tumour: tu,
        eprFactor: epr,
        CBV_ml_per_100ml: sCbv / n,
        CBF_ml_per_100ml_per_min: sCbf / n,
        MTT_s: sMtt / n,
      });
      scans.push({
        id: `${s.id}-DSC-${tu}`,
        subject: s.id,
        modality: "MRI",
        time,
        files,
        purpose: "dsc",
        acquisition: {
          tumour: tu,
          sequence: "T2*-weighted gradient-echo EPI, first pass of Gd-DOTA 0.1 mmol/kg",
          fieldStrengthT: 7,
          te_ms: DSC.teMs,
          baselineFrames: DSC.baselineFrames,
          aifInput: "deltaR2star",
          method: "osvd",
        },
      });
    }
  }
  return { scans, truth: { tumours: truth } };
}

export const dscArm: DemoArm = { name: "dsc", seedOffset: 138, write };
