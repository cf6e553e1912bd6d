/**
 * Demo arm "ferumoxytol": the companion-diagnostic pre-scan (SCIENCE.md §4, §8). Per tumour of
 * every imaging mouse a multi-echo gradient-echo series (8 echoes, TE 2–16 ms, 3 T) before and
 * 24 h after ferumoxytol, on the DCE slab grid (12 × 12 × 4, rim/core classes of dce.ts), plus
 * the tumour mask. Truth per voxel: R2*_pre ≈ 35 s⁻¹ (tumour T2* ≈ 20–35 ms at 3 T), iron
 * [Fe] (mM) with rim × 1.3 and core × 0.5 (ferumoxytol is taken up by peri-vascular and rim
 * macrophages), R2*_post = R2*_pre + r2*·[Fe] with r2* = 55.7 s⁻¹mM⁻¹ (3 T, plasma, 37 °C;
 * Knobloch et al., Invest Radiol 2018;53:257 — the table in core/mri/ironOxide.ts). Tumour
 * [Fe] at 24 h has median 0.3 mM (≈ 17 µg Fe/mL; tens of µg/mL as in ferumoxytol companion
 * studies, Ramanathan et al., Clin Cancer Res 2017;23:3638; Miller et al., Nat Commun
 * 2015;6:8692) and scales with the tumour's own EPR factor ε^0.9 × log-normal (log-SD 0.25):
 * [Fe] predicts the nanoparticle's accumulation, imperfectly. Signal S0·exp(−TE·R2*), S0 ≈ 1000,
 * Gaussian noise σ = 4 (SNR 250 at TE = 0). The scan's time is the 24 h post scan, 72 h
 * before the nanoparticle injection; the pre scan's time is in acquisition.preScanTime.
 * Steady-state blood volume and vessel size (Troprès et al., MRM 2001;45:397): GRE and multi-
 * spin-echo (8 echoes, TE 10–80 ms, tumour R2 ≈ 15 s⁻¹) before and 10 min after the agent (still
 * intravascular), ΔR2*_ss = (4π/3)·γ·Δχ·B0·BVf (static dephasing; Δχ = 0.1 cgs ppm given in
 * acquisition.deltaChiPpm — an assumed blood–tissue difference, not a measured one), BVf ≈ 3 %
 * × ε^0.6 (rim × 1.3, core × 0.5) and ΔR2_ss = ΔR2*_ss / Q with Q = ΔR2* / ΔR2 ≈ 4.5 per tumour;
 * the analysis derives VSI = 0.425·√(ADC/(γΔχB0))·Q^{3/2} with the tumour's DWI ADC.
 * Also exports the helpers the other biomarker arms share (tumour EPR factor, slab grid).
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { identityAffine, type Volume } from "../../../core/image/volume.js";
import { lookupRelaxivity } from "../../../core/mri/ironOxide.js";
import type { Rng } from "../../../core/random.js";
import { writeNifti } from "../../../io/nifti.js";
import type { Scan } from "../../schema.js";
import { DCE, tumourClasses } from "../dce.js";
import { ARMS } from "../design.js";
import { type DemoStudy, type SubjectTruth, TUMOURS, type TumourId, tumourPctIDperG } from "../generate.js";
import type { DemoArm } from "./index.js";

export const SLAB_SPACING_MM: [number, number, number] = [0.5, 0.5, 1];

/** the slab grid of the DCE data (dims, spacing, affine) */
export function slabGeometry(): {
  dims: number[];
  spacingMm: [number, number, number];
  affine: Float64Array;
} {
  return {
    dims: [DCE.nx, DCE.ny, DCE.nz],
    spacingMm: SLAB_SPACING_MM,
    affine: identityAffine(SLAB_SPACING_MM),
  };
}

/**
 * The tumour's own EPR factor: the generator's ε for the PSMA+ tumour, ε × log-normal for the
 * PSMA− one (generate.ts) = (tumour %ID/g at 48 h) / (its arm's design value at 48 h).
 */
export function tumourEprFactor(s: SubjectTruth, tumour: TumourId): number {
  const arm = ARMS.find((a) => a.group === s.group);
  if (!arm) return s.eprFactor;
  return tumourPctIDperG(s, tumour, 48) / arm.tumour[tumour].pctIDperG48h;
}

export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

export function writeVolume(dir: string, file: string, v: Volume, description: string, mask = false): void {
  mkdirSync(join(dir, file, ".."), { recursive: true });
  writeNifti(join(dir, file), v, mask ? { datatype: "uint8", description } : { description });
}

export const FERUMOXYTOL = {
  teMs: [2, 4, 6, 8, 10, 12, 14, 16],
  fieldT: 3,
  medium: "plasma" as const,
  r2PreMedianPerS: 35,
  feMedianMm: 0.3,
  s0: 1000,
  noiseSd: 4,
  postH: 24,
  seTeMs: [10, 20, 30, 40, 50, 60, 70, 80],
  r2SePreMedianPerS: 15,
  deltaChiPpm: 0.1,
  bvfMedian: 0.03,
  qMedian: 4.5,
  steadyStateMin: 10,
  /** post scan this long before the nanoparticle injection (h) */
  beforeInjectionH: 72,
};

export interface FerumoxytolTumourTruth {
  subject: string;
  tumour: TumourId;
  eprFactor: number;
  /** tumour-level [Fe] (mM) before the rim/core pattern */
  Fe_mM_nominal: number;
  /** ROI means of the voxel truth (what the analysis should recover) */
  Fe_mM: number;
  Fe_ug_per_mL: number;
  R2star_pre_per_s: number;
  R2star_post_per_s: number;
  dR2star_per_s: number;
  /** steady state (10 min): ROI means of the voxel truth; Q the tumour's ΔR2* / ΔR2 */
  BVf: number;
  rBV_percent: number;
  dR2star_ss_per_s: number;
  dR2_ss_per_s: number;
  Q_ratio: number;
}

/** ΔR2* (1/s) of a blood volume fraction in the static-dephasing regime, Δχ in cgs units */
const staticDephasing = (bvf: number, b0T: number, chiCgs: number) =>
  ((4 * Math.PI) / 3) * 2.6752218744e8 * chiCgs * b0T * bvf;

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const { teMs, s0, noiseSd } = FERUMOXYTOL;
  const r2s = lookupRelaxivity("ferumoxytol", FERUMOXYTOL.fieldT, FERUMOXYTOL.medium).r2Star as number;
  const geom = slabGeometry();
  const cls = tumourClasses();
  const nvox = cls.length;
  const ne = teMs.length;
  const scans: Scan[] = [];
  const truth: FerumoxytolTumourTruth[] = [];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    const tInj = Date.parse(s.injectionTime);
    const tPost = tInj - FERUMOXYTOL.beforeInjectionH * 3600_000;
    const tPre = tPost - FERUMOXYTOL.postH * 3600_000;
    for (const tu of TUMOURS) {
      const epr = tumourEprFactor(s, tu);
      const feT = FERUMOXYTOL.feMedianMm * epr ** 0.9 * rng.logNormal(1, 0.25);
      const r2T = FERUMOXYTOL.r2PreMedianPerS * rng.logNormal(1, 0.1);
      const r2SeT = FERUMOXYTOL.r2SePreMedianPerS * rng.logNormal(1, 0.1);
      const bvfT = FERUMOXYTOL.bvfMedian * epr ** 0.6 * rng.logNormal(1, 0.2);
      const q = FERUMOXYTOL.qMedian * rng.logNormal(1, 0.15);
      const pre = new Float32Array(nvox * ne);
      const post = new Float32Array(nvox * ne);
      const ss = new Float32Array(nvox * ne);
      const nse = FERUMOXYTOL.seTeMs.length;
      const sePre = new Float32Array(nvox * nse);
      const seSs = new Float32Array(nvox * nse);
      let sBvf = 0;
      let sDss = 0;
      let sFe = 0;
      let sPre = 0;
      let sPost = 0;
      let n = 0;
      for (let v = 0; v < nvox; v++) {
        const c = cls[v];
        const fe =
          c === 2 ? feT * 1.3 * rng.logNormal(1, 0.1) : c === 1 ? feT * 0.5 * rng.logNormal(1, 0.1) : 0.02;
        const r2pre = (c === 0 ? 25 : r2T) * rng.logNormal(1, 0.05);
        const r2post = r2pre + r2s * fe;
        const a = s0 * rng.logNormal(1, 0.05);
        const bvf = c === 2 ? bvfT * 1.3 : c === 1 ? bvfT * 0.5 : 0.02;
        const dss = staticDephasing(bvf, FERUMOXYTOL.fieldT, FERUMOXYTOL.deltaChiPpm * 1e-6);
        const r2se = (c === 0 ? 12 : r2SeT) * rng.logNormal(1, 0.05);
        for (let e = 0; e < ne; e++) {
          pre[e * nvox + v] = a * Math.exp((-teMs[e] * r2pre) / 1000) + noiseSd * rng.normal();
          post[e * nvox + v] = a * Math.exp((-teMs[e] * r2post) / 1000) + noiseSd * rng.normal();
          ss[e * nvox + v] = a * Math.exp((-teMs[e] * (r2pre + dss)) / 1000) + noiseSd * rng.normal();
        }
        for (let e = 0; e < nse; e++) {
          const te = FERUMOXYTOL.seTeMs[e];
          sePre[e * nvox + v] = a * Math.exp((-te * r2se) / 1000) + noiseSd * rng.normal();
          seSs[e * nvox + v] = a * Math.exp((-te * (r2se + dss / q)) / 1000) + noiseSd * rng.normal();
        }
        if (c > 0) {
          sBvf += bvf;
          sDss += dss;
          sFe += fe;
          sPre += r2pre;
          sPost += r2post;
          n++;
        }
      }
      const base = `ferumoxytol/${s.id}_${tu}`;
      const files = [
        `${base}_mge_pre.nii.gz`,
        `${base}_mge_post24h.nii.gz`,
        `${base}_mask.nii.gz`,
        `${base}_mge_post10min.nii.gz`,
        `${base}_mse_pre.nii.gz`,
        `${base}_mse_post10min.nii.gz`,
      ];
      const g4 = { ...geom, dims: [...geom.dims, ne] };
      writeVolume(dir, files[0], { ...g4, data: pre }, "multi-echo GRE magnitude, pre ferumoxytol");
      writeVolume(dir, files[1], { ...g4, data: post }, "multi-echo GRE magnitude, 24 h post ferumoxytol");
      writeVolume(dir, files[3], { ...g4, data: ss }, "multi-echo GRE magnitude, 10 min post ferumoxytol");
      const gse = { ...geom, dims: [...geom.dims, nse] };
      writeVolume(dir, files[4], { ...gse, data: sePre }, "multi-spin-echo magnitude, pre ferumoxytol");
      writeVolume(
        dir,
        files[5],
        { ...gse, data: seSs },
        "multi-spin-echo magnitude, 10 min post ferumoxytol",
      );
      writeVolume(
        dir,
        files[2],
        { ...geom, data: Float32Array.from(cls, (c) => (c > 0 ? 1 : 0)) },
        "tumour mask",
        true,
      );
      const fe = sFe / n;
      truth.push({
        subject: s.id,
        tumour: tu,
        eprFactor: epr,
        Fe_mM_nominal: feT,
        Fe_mM: fe,
        Fe_ug_per_mL: fe * 55.845,
        R2star_pre_per_s: sPre / n,
        R2star_post_per_s: sPost / n,
        dR2star_per_s: (sPost - sPre) / n,
        BVf: sBvf / n,
        rBV_percent: (100 * sBvf) / n,
        dR2star_ss_per_s: sDss / n,
        dR2_ss_per_s: sDss / q / n,
        Q_ratio: q,
      });
      scans.push({
        id: `${s.id}-FMX-${tu}`,
        subject: s.id,
        modality: "MRI",
        time: isoTime(tPost),
        files,
        purpose: "multi-echo",
        acquisition: {
          tumour: tu,
          series: "pre-post",
          sequence: "multi-echo gradient echo (R2*)",
          te_ms: teMs,
          fieldStrengthT: FERUMOXYTOL.fieldT,
          agent: "ferumoxytol",
          relaxivityMedium: FERUMOXYTOL.medium,
          postHoursAfterAgent: FERUMOXYTOL.postH,
          preScanTime: isoTime(tPre),
          relaxModel: "mono",
          se_te_ms: FERUMOXYTOL.seTeMs,
          steadyStateMinutesAfterAgent: FERUMOXYTOL.steadyStateMin,
          deltaChiPpm: FERUMOXYTOL.deltaChiPpm,
        },
      });
    }
  }
  return { scans, truth: { relaxivity_r2star_per_s_per_mM: r2s, tumours: truth } };
}

export const ferumoxytolArm: DemoArm = { name: "ferumoxytol", seedOffset: 131, write };
