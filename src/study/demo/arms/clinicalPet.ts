/**
 * ⁶⁴Cu-MM-302 PET of the clinical cohort arm (clinical.ts) at ~24 h: a 48 × 44 × 32 volume of
 * 4 mm voxels (a 19 × 18 × 13 cm crop around the lesions — a digital phantom, not an anatomical
 * model: lesion positions are drawn here, not taken from the planar sites), in Bq/mL at scan
 * start (not decay-corrected to injection), with a label map: lesions 1…n, the blood-pool VOI
 * (a 12 mm sphere inside the left ventricle) label 10.
 *  - truth: elliptic body (semi-axes 8.8 × 8.0 cm) of soft tissue, a liver dome block, the left
 *    ventricle (24 mm sphere of blood), lesions as uniform spheres (radius 10–20 mm; the voxels
 *    whose centres lie inside are the lesion and its label), each concentration from its true
 *    SUV: C = SUV·A_inj·e^(−λΔt)/W;
 *  - resolution: isotropic Gaussian blur, FWHM 7 mm (core/image/arithmetic gaussianSmooth);
 *  - noise: multiplicative Gaussian, 6 % per voxel, after the blur;
 *  - lesions are placed ≥ r + 12 mm (≈ 4σ of the blur) from each other, the ventricle, the
 *    liver, the body outline and the volume's faces, so each lesion sits in uniform background
 *    and its partial-volume loss is that of an isolated sphere.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gaussianSmooth } from "../../../core/image/arithmetic.js";
import { identityAffine } from "../../../core/image/volume.js";
import type { Rng } from "../../../core/random.js";
import { writeNifti } from "../../../io/nifti.js";

export const CLINICAL_PET_GRID = { dims: [48, 44, 32] as [number, number, number], spacingMm: 4 };
export const PET_FWHM_MM = 7;
export const PET_NOISE_SD = 0.06;
export const BLOOD_LABEL = 10;
const MARGIN_MM = 12;
const BODY_SEMI_MM = [88, 80];
const LV = { centre: [0.62, 0.42, 0.55], radiusMm: 24, voiMm: 12 };
/** liver dome: voxels with x < 40 % and z < 30 % of the volume */
const LIVER = { xFrac: 0.4, zFrac: 0.3 };

export interface PetLesionSpec {
  id: string;
  label: number;
  radiusMm: number;
  suv: number;
}

export interface PetPatient {
  id: string;
  weightKg: number;
  /** A_inj (MBq) × decay factor at scan: activity at scan if nothing were excreted */
  injectedAtScanMBq: number;
  lesions: PetLesionSpec[];
  backgroundSuv: number;
  bloodSuv: number;
  liverSuv: number;
}

export interface PetLesionTruth {
  id: string;
  label: number;
  centreMm: [number, number, number];
  radiusMm: number;
  voxels: number;
  volumeMl: number;
  suv: number;
  concBqPerMl: number;
  /** %ID (decay-corrected) in the labelled voxels */
  pctID: number;
}

export function writeClinicalPet(
  dir: string,
  p: PetPatient,
  rng: Rng,
): { pet: string; labels: string; lesions: PetLesionTruth[] } {
  const [nx, ny, nz] = CLINICAL_PET_GRID.dims;
  const s = CLINICAL_PET_GRID.spacingMm;
  const ext = [nx * s, ny * s, nz * s];
  const centreOf = (i: number, n: number) => (i + 0.5) * s - (n * s) / 2;
  // voxel-centre coordinates relative to the volume centre (mm)
  const suvPerBq = (p.weightKg * 1000) / (p.injectedAtScanMBq * 1e6);
  const lv = LV.centre.map((f, a) => f * ext[a] - ext[a] / 2);
  const liverX = LIVER.xFrac * ext[0] - ext[0] / 2;
  const liverZ = LIVER.zFrac * ext[2] - ext[2] / 2;
  const inBody = (x: number, y: number, shrink = 0) =>
    (x / (BODY_SEMI_MM[0] - shrink)) ** 2 + (y / (BODY_SEMI_MM[1] - shrink)) ** 2 <= 1;
  // place lesions (rejection sampling; shrink the radius if a lesion does not fit)
  const placed: { c: number[]; r: number }[] = [];
  for (const l of p.lesions) {
    let r = l.radiusMm;
    let c: number[] | null = null;
    for (let attempt = 0; attempt < 2000 && c === null; attempt++) {
      if (attempt > 0 && attempt % 400 === 0) r *= 0.9;
      const m = r + MARGIN_MM;
      const q = [0, 1, 2].map((a) => rng.between(-ext[a] / 2 + m, ext[a] / 2 - m));
      const ok =
        inBody(q[0], q[1], m) &&
        Math.hypot(q[0] - lv[0], q[1] - lv[1], q[2] - lv[2]) > LV.radiusMm + m &&
        !(q[0] < liverX + m && q[2] < liverZ + m) &&
        placed.every((o) => Math.hypot(q[0] - o.c[0], q[1] - o.c[1], q[2] - o.c[2]) > o.r + m);
      if (ok) c = q;
    }
    if (!c) throw new Error(`clinical PET phantom: no room for lesion ${l.id} of patient ${p.id}`);
    placed.push({ c, r });
  }
  const n = nx * ny * nz;
  const truth = new Float32Array(n);
  const labels = new Float32Array(n);
  const counts = new Array(p.lesions.length).fill(0);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const x = centreOf(i, nx);
        const y = centreOf(j, ny);
        const z = centreOf(k, nz);
        const idx = i + nx * (j + ny * k);
        if (!inBody(x, y)) continue;
        let suv = p.backgroundSuv;
        if (x < liverX && z < liverZ) suv = p.liverSuv;
        const dLv2 = (x - lv[0]) ** 2 + (y - lv[1]) ** 2 + (z - lv[2]) ** 2;
        if (dLv2 <= LV.radiusMm ** 2) suv = p.bloodSuv;
        if (dLv2 <= LV.voiMm ** 2) labels[idx] = BLOOD_LABEL;
        for (let q = 0; q < placed.length; q++) {
          const o = placed[q];
          if ((x - o.c[0]) ** 2 + (y - o.c[1]) ** 2 + (z - o.c[2]) ** 2 <= o.r * o.r) {
            suv = p.lesions[q].suv;
            labels[idx] = p.lesions[q].label;
            counts[q]++;
          }
        }
        truth[idx] = suv / suvPerBq;
      }
  const affine = identityAffine([s, s, s]);
  const vol = { dims: [nx, ny, nz], spacingMm: [s, s, s] as [number, number, number], affine, data: truth };
  const blurred = gaussianSmooth(vol, PET_FWHM_MM);
  const data = blurred.data as Float32Array;
  for (let i = 0; i < n; i++)
    if (data[i] > 0) data[i] = Math.max(0, data[i] * (1 + rng.normal(0, PET_NOISE_SD)));
  mkdirSync(join(dir, "clinical"), { recursive: true });
  const pet = `clinical/${p.id}_pet_24h.nii.gz`;
  const lab = `clinical/${p.id}_pet_labels.nii.gz`;
  writeNifti(join(dir, pet), { ...vol, data }, { description: "64Cu-MM-302 PET, Bq/mL at scan start" });
  writeNifti(
    join(dir, lab),
    { ...vol, data: labels },
    { datatype: "uint8", description: "lesions 1..n, blood 10" },
  );
  const voxMl = s ** 3 / 1000;
  return {
    pet,
    labels: lab,
    lesions: p.lesions.map((l, q) => ({
      id: l.id,
      label: l.label,
      centreMm: placed[q].c.map((v) => Math.round(v * 100) / 100) as [number, number, number],
      radiusMm: Math.round(placed[q].r * 100) / 100,
      voxels: counts[q],
      volumeMl: counts[q] * voxMl,
      suv: l.suv,
      concBqPerMl: l.suv / suvPerBq,
      pctID: (100 * l.suv * counts[q] * voxMl) / (p.weightKg * 1000),
    })),
  };
}
