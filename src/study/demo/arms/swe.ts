/**
 * Demo arm "swe": shear-wave elastography per tumour of every imaging mouse (one 16 × 16 pixel
 * plane, 0.2 mm pixels), 24 h before the nanoparticle injection (SCIENCE.md §5). Files: shear-
 * wave speed map (m/s), quality map (0–1) and tumour mask (a disc). Truth: tumour Young's modulus
 * E = 12 kPa × ε^−0.6 × log-normal(0.2) (ε the tumour's EPR factor — collagen-rich, stiff tumours
 * are penetrated less; xenograft SWE moduli of ~5–40 kPa, Riegler et al., Clin Cancer Res
 * 2018;24:4455), μ = E/3 (incompressible), pixel speed c = √(μ/ρ) × log-normal(0.1)
 * (heterogeneity), ρ = 1000 kg/m³; measured speed = c·(1 + 0.05·N(0,1)) with quality U(0.6, 1),
 * and 10 % of pixels unreliable (quality U(0, 0.4), speed c × U(0.2, 3)), which the analysis
 * rejects with acquisition.minQuality = 0.5. Truth per tumour: the mean over mask pixels of
 * ρ·c² (kPa) and E = 3μ.
 */
import { identityAffine } from "../../../core/image/volume.js";
import type { Rng } from "../../../core/random.js";
import type { Scan } from "../../schema.js";
import { type DemoStudy, TUMOURS, type TumourId } from "../generate.js";
import { isoTime, tumourEprFactor, writeVolume } from "./ferumoxytol.js";
import type { DemoArm } from "./index.js";

export const SWE = {
  n: 16,
  pixelMm: 0.2,
  rho: 1000,
  minQuality: 0.5,
  badFraction: 0.1,
  beforeInjectionH: 24,
};

export interface SweTumourTruth {
  subject: string;
  tumour: TumourId;
  eprFactor: number;
  youngs_nominal_kPa: number;
  /** mean over the mask of ρ·c_true² and 3× that */
  shear_modulus_kPa: number;
  youngs_modulus_kPa: number;
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const { n, rho } = SWE;
  const spacing: [number, number, number] = [SWE.pixelMm, SWE.pixelMm, SWE.pixelMm];
  const geom = { dims: [n, n, 1], spacingMm: spacing, affine: identityAffine(spacing) };
  const mask = new Float32Array(n * n);
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) mask[i + n * j] = Math.hypot(i - 7.5, j - 7.5) <= 6.5 ? 1 : 0;
  const scans: Scan[] = [];
  const truth: SweTumourTruth[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const time = isoTime(Date.parse(s.injectionTime) - SWE.beforeInjectionH * 3600_000 + 90 * 60_000);
    for (const tu of TUMOURS) {
      const epr = tumourEprFactor(s, tu);
      const e = 12 * epr ** -0.6 * rng.logNormal(1, 0.2);
      const c0 = Math.sqrt(((e / 3) * 1000) / rho);
      const speed = new Float32Array(n * n);
      const quality = new Float32Array(n * n);
      let sMu = 0;
      let k = 0;
      for (let v = 0; v < n * n; v++) {
        const c = (mask[v] > 0 ? c0 : 1.2) * rng.logNormal(1, 0.1);
        if (mask[v] > 0) {
          sMu += (rho * c * c) / 1000;
          k++;
        }
        if (rng.uniform() < SWE.badFraction) {
          speed[v] = c * rng.between(0.2, 3);
          quality[v] = rng.between(0, 0.4);
        } else {
          speed[v] = c * (1 + 0.05 * rng.normal());
          quality[v] = rng.between(0.6, 1);
        }
      }
      const base = `swe/${s.id}_${tu}`;
      const files = [`${base}_speed.nii.gz`, `${base}_quality.nii.gz`, `${base}_mask.nii.gz`];
      writeVolume(dir, files[0], { ...geom, data: speed }, "shear-wave speed (m/s)");
      writeVolume(dir, files[1], { ...geom, data: quality }, "SWE quality (0-1)");
      writeVolume(dir, files[2], { ...geom, data: mask }, "tumour mask", true);
      const mu = sMu / k;
      truth.push({
        subject: s.id,
        tumour: tu,
        eprFactor: epr,
        youngs_nominal_kPa: e,
        shear_modulus_kPa: mu,
        youngs_modulus_kPa: 3 * mu,
      });
      scans.push({
        id: `${s.id}-SWE-${tu}`,
        subject: s.id,
        modality: "US",
        time,
        files,
        purpose: "swe",
        acquisition: {
          tumour: tu,
          system: "supersonic shear imaging",
          transducerMHz: 15,
          densityKgPerM3: rho,
          poissonRatio: 0.5,
          minQuality: SWE.minQuality,
          units: "m/s",
        },
      });
    }
  }
  return { scans, truth: { tumours: truth } };
}

export const sweArm: DemoArm = { name: "swe", seedOffset: 134, write };
