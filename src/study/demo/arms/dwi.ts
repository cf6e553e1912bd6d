/**
 * Demo arm "dwi": diffusion-weighted MRI (7 T, SE-EPI, 11 b-values 0–1000 s/mm²) per tumour of
 * every imaging mouse, on the DCE slab grid, 24 h before the nanoparticle injection (SCIENCE.md
 * §4, §11). IVIM truth per voxel S(b) = S0·(f·e^{−b·D*} + (1 − f)·e^{−b·D}):
 *  - D = 0.9·10⁻³ mm²/s × ε^0.3 × log-normal(0.1) per tumour (voxel log-SD 0.08; core × 1.1):
 *    dense, cellular tumours diffuse less and are penetrated less (ε the tumour's EPR factor);
 *    xenograft ADC/D of 0.6–1.2·10⁻³ mm²/s (Sulheim et al., SCIENCE.md §11, relate DW-MRI ADC
 *    of this order to the penetration of small carriers);
 *  - f = 0.08·ε^0.5 (rim × 1.3, core × 0.6, clipped to 0.02–0.3), D* = 20·10⁻³ mm²/s
 *    × log-normal(0.2) (Le Bihan et al., Radiology 1988;168:497 for the model).
 * Gaussian noise SD 1 % of S0 (SNR 100 at b = 0). Truth ADC: the log-linear least-squares
 * slope over b ≥ 200 s/mm² of each voxel's noise-free signal (closed-form simple regression),
 * averaged over the mask — the analysis fits ADC on the same b-values.
 */
import type { Rng } from "../../../core/random.js";
import type { Scan } from "../../schema.js";
import { tumourClasses } from "../dce.js";
import { type DemoStudy, TUMOURS, type TumourId } from "../generate.js";
import { isoTime, slabGeometry, tumourEprFactor } from "./ferumoxytol.js";
import type { DemoArm } from "./index.js";
import { writeTumourSeries } from "./tumourSeries.js";

export const DWI = {
  bValues: [0, 10, 20, 40, 80, 150, 200, 400, 600, 800, 1000],
  adcMinB: 200,
  s0: 1000,
  noiseSd: 10,
  beforeInjectionH: 24,
};

export interface DwiTumourTruth {
  subject: string;
  tumour: TumourId;
  eprFactor: number;
  /** ROI means of the voxel truth */
  D_mm2_per_s: number;
  f: number;
  Dstar_mm2_per_s: number;
  ADC_mm2_per_s: number;
}

/** −slope of ln S vs b over the given b-values (least squares) */
function logLinearAdc(b: number[], s: number[]): number {
  const n = b.length;
  const mb = b.reduce((a, v) => a + v, 0) / n;
  const ly = s.map(Math.log);
  const my = ly.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (b[i] - mb) * (ly[i] - my);
    sxx += (b[i] - mb) ** 2;
  }
  return -sxy / sxx;
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const { bValues, s0, noiseSd } = DWI;
  const nb = bValues.length;
  const hiB = bValues.filter((b) => b >= DWI.adcMinB);
  const geom = slabGeometry();
  const cls = tumourClasses();
  const nvox = cls.length;
  const scans: Scan[] = [];
  const truth: DwiTumourTruth[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const time = isoTime(Date.parse(s.injectionTime) - DWI.beforeInjectionH * 3600_000 + 60 * 60_000);
    for (const tu of TUMOURS) {
      const epr = tumourEprFactor(s, tu);
      const dT = 0.9e-3 * epr ** 0.3 * rng.logNormal(1, 0.1);
      const fT = 0.08 * epr ** 0.5;
      const data = new Float32Array(nvox * nb);
      let sD = 0;
      let sF = 0;
      let sDs = 0;
      let sAdc = 0;
      let n = 0;
      for (let v = 0; v < nvox; v++) {
        const c = cls[v];
        const D = c === 0 ? 1.5e-3 : dT * (c === 1 ? 1.1 : 1) * rng.logNormal(1, 0.08);
        const f = c === 0 ? 0.05 : Math.min(0.3, Math.max(0.02, fT * (c === 2 ? 1.3 : 0.6)));
        const Ds = 20e-3 * rng.logNormal(1, 0.2);
        const a = s0 * rng.logNormal(1, 0.05);
        const clean = bValues.map((b) => a * (f * Math.exp(-b * Ds) + (1 - f) * Math.exp(-b * D)));
        for (let k = 0; k < nb; k++) data[k * nvox + v] = clean[k] + noiseSd * rng.normal();
        if (c > 0) {
          sD += D;
          sF += f;
          sDs += Ds;
          sAdc += logLinearAdc(
            hiB,
            clean.filter((_, k) => bValues[k] >= DWI.adcMinB),
          );
          n++;
        }
      }
      const files = writeTumourSeries(
        dir,
        `dwi/${s.id}_${tu}`,
        "dwi",
        geom,
        { data, frames: nb, description: "DWI magnitude, one volume per b-value" },
        cls,
      );
      truth.push({
        subject: s.id,
        tumour: tu,
        eprFactor: epr,
        D_mm2_per_s: sD / n,
        f: sF / n,
        Dstar_mm2_per_s: sDs / n,
        ADC_mm2_per_s: sAdc / n,
      });
      scans.push({
        id: `${s.id}-DWI-${tu}`,
        subject: s.id,
        modality: "MRI",
        time,
        files,
        purpose: "dwi",
        acquisition: {
          tumour: tu,
          sequence: "spin-echo EPI, monopolar diffusion gradients",
          b_values_s_per_mm2: bValues,
          adcMinB_s_per_mm2: DWI.adcMinB,
          ivimMethod: "full",
          fieldStrengthT: 7,
          te_ms: [22],
        },
      });
    }
  }
  return { scans, truth: { tumours: truth } };
}

export const dwiArm: DemoArm = { name: "dwi", seedOffset: 133, write };
