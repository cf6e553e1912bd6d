/**
 * Demo DCE-MRI (pre-treatment, per tumour): a 12 × 12 × 4-voxel slab around the tumour, 60
 * frames at 4 s, SPGR (TR 4 ms, FA 15°) at 7 T. Extended-Tofts truth per voxel: a rim-enhancing
 * periphery (Ktrans × 1.3, vp × 1.2) and a poorly perfused core (Ktrans × 0.4, vp × 0.5) around
 * the tumour's truth (generate.ts, correlated with its EPR factor); Parker population AIF
 * (blood, Hct 0.45) arriving after 5 baseline frames; T1,0 ≈ 1.9 s; noise 1 % of the baseline.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityAffine, type Volume } from "../../core/image/volume.js";
import { spgrSignal } from "../../core/mri/spgr.js";
import { bloodToPlasma, parkerAif } from "../../core/perfusion/aif.js";
import { createScratch, predict } from "../../core/perfusion/models.js";
import { Rng } from "../../core/random.js";
import { writeNifti } from "../../io/nifti.js";
import type { DemoStudy, TumourId } from "./generate.js";

export const DCE = {
  nx: 12,
  ny: 12,
  nz: 4,
  frames: 60,
  frameS: 4,
  trMs: 4,
  faDeg: 15,
  r1: 4.5,
  hct: 0.45,
  baselineFrames: 5,
  arrivalS: 20,
  t10S: 1.9,
};
const SPACING: [number, number, number] = [0.5, 0.5, 1];

export function dceTimeS(): number[] {
  return Array.from({ length: DCE.frames }, (_, i) => i * DCE.frameS);
}

/** voxel class: 2 = rim, 1 = core, 0 = outside the tumour */
export function tumourClasses(): Uint8Array {
  const { nx, ny, nz } = DCE;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const r = Math.hypot((i - 5.5) / 5, (j - 5.5) / 5, (k - 1.5) / 2.2);
        out[i + nx * (j + ny * k)] = r <= 1 ? (r > 0.6 ? 2 : 1) : 0;
      }
  return out;
}

export interface DceTruth {
  ktransPerMin: number;
  ve: number;
  vp: number;
}

/**
 * Write one tumour's DCE dataset (dynamic signal, T1 map, mask, truth maps) under `base`
 * (relative to dir); returns the ROI means of the truth maps.
 */
export function writeDceDataset(
  dir: string,
  base: string,
  tt: DceTruth,
  rng: Rng,
): { meanKtrans: number; meanVp: number; files: string[] } {
  const t = dceTimeS();
  const cp = bloodToPlasma(parkerAif(t, DCE.arrivalS), DCE.hct);
  const tMin = t.map((v) => v / 60);
  const cls = tumourClasses();
  const nvox = cls.length;
  const affine = identityAffine(SPACING);
  const scratch = createScratch(t.length);
  const ct = new Float64Array(t.length);
  const dyn = new Float32Array(nvox * t.length);
  const t1 = new Float32Array(nvox);
  const kMap = new Float32Array(nvox);
  const veMap = new Float32Array(nvox);
  const vpMap = new Float32Array(nvox);
  let sumK = 0;
  let sumVp = 0;
  let nIn = 0;
  for (let v = 0; v < nvox; v++) {
    const c = cls[v];
    const kt = c === 2 ? tt.ktransPerMin * 1.3 : c === 1 ? tt.ktransPerMin * 0.4 : 0.01;
    const vp = c === 2 ? tt.vp * 1.2 : c === 1 ? tt.vp * 0.5 : 0.01;
    const ve = c === 0 ? 0.1 : tt.ve;
    kMap[v] = kt;
    veMap[v] = ve;
    vpMap[v] = vp;
    if (c > 0) {
      sumK += kt;
      sumVp += vp;
      nIn++;
    }
    const t10 = DCE.t10S * rng.logNormal(1, 0.05);
    t1[v] = t10;
    predict("etofts", [kt, ve, vp], tMin, cp, ct, scratch);
    const s0 = spgrSignal(1000, 1 / t10, DCE.trMs / 1000, DCE.faDeg);
    for (let f = 0; f < t.length; f++) {
      const sig = spgrSignal(1000, 1 / t10 + DCE.r1 * ct[f], DCE.trMs / 1000, DCE.faDeg);
      dyn[f * nvox + v] = sig + 0.01 * s0 * rng.normal();
    }
  }
  const vol3 = { dims: [DCE.nx, DCE.ny, DCE.nz], spacingMm: SPACING, affine };
  writeNifti(
    join(dir, `${base}_dyn.nii.gz`),
    { ...vol3, dims: [DCE.nx, DCE.ny, DCE.nz, t.length], data: dyn, frameS: DCE.frameS } as Volume,
    { description: "DCE SPGR signal (a.u.)" },
  );
  writeNifti(join(dir, `${base}_t1.nii.gz`), { ...vol3, data: t1 } as Volume, { description: "T1 (s)" });
  writeNifti(
    join(dir, `${base}_mask.nii.gz`),
    { ...vol3, data: Float32Array.from(cls, (c) => (c > 0 ? 1 : 0)) } as Volume,
    { datatype: "uint8", description: "tumour mask" },
  );
  const truthBase = base.replace(/^dce\//, "truth/");
  mkdirSync(join(dir, truthBase, ".."), { recursive: true });
  writeNifti(join(dir, `${truthBase}_Ktrans_per_min.nii.gz`), { ...vol3, data: kMap } as Volume, {
    description: "truth Ktrans (1/min)",
  });
  writeNifti(join(dir, `${truthBase}_ve.nii.gz`), { ...vol3, data: veMap } as Volume, {
    description: "truth ve",
  });
  writeNifti(join(dir, `${truthBase}_vp.nii.gz`), { ...vol3, data: vpMap } as Volume, {
    description: "truth vp",
  });
  return {
    meanKtrans: sumK / nIn,
    meanVp: sumVp / nIn,
    files: [`${base}_dyn.nii.gz`, `${base}_t1.nii.gz`, `${base}_mask.nii.gz`],
  };
}

export function writeAifCsv(path: string): void {
  const t = dceTimeS();
  const cb = parkerAif(t, DCE.arrivalS);
  writeFileSync(path, `time_s,cb_mM\n${t.map((v, i) => `${v},${cb[i]}`).join("\n")}\n`);
}

export function acquisition(tumour: string): Record<string, number | string> {
  return {
    tumour,
    flipAngleDeg: DCE.faDeg,
    trMs: DCE.trMs,
    frameS: DCE.frameS,
    relaxivityPerMMPerS: DCE.r1,
    baselineFrames: DCE.baselineFrames,
    hematocrit: DCE.hct,
    aif: "dce/aif.csv",
    model: "etofts",
    fieldStrengthT: 7,
    agent: "Gd-DOTA",
  };
}

export function writeDemoDce(dir: string, demo: DemoStudy): void {
  mkdirSync(join(dir, "dce"), { recursive: true });
  mkdirSync(join(dir, "truth"), { recursive: true });
  const rng = new Rng(demo.truth.seed + 2);
  writeAifCsv(join(dir, "dce", "aif.csv"));
  const truthRows: string[] = ["subject,tumour,Ktrans_per_min,ve,vp,roi_mean_Ktrans_per_min,roi_mean_vp"];
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    for (const tu of ["tumour_psma", "tumour_flu"] as TumourId[]) {
      const tt = s.tumours[tu];
      const base = `dce/${s.id}_${tu}`;
      const w = writeDceDataset(dir, base, tt, rng);
      truthRows.push([s.id, tu, tt.ktransPerMin, tt.ve, tt.vp, w.meanKtrans, w.meanVp].join(","));
      demo.study.scans.push({
        id: `${s.id}-DCE-${tu}`,
        subject: s.id,
        modality: "MRI",
        time: new Date(Date.parse(s.injectionTime) - 24 * 3600_000).toISOString().replace(".000Z", "Z"),
        files: w.files,
        purpose: "dce",
        acquisition: acquisition(tu),
      });
    }
  }
  writeFileSync(join(dir, "truth", "dce_truth.csv"), `${truthRows.join("\n")}\n`);
}

/** QIBA DCE DRO v6-like checkerboard lists (Ktrans in 1/min, ve) and the patch size (voxels) */
export const CHECKERBOARD = {
  ktransPerMin: [0.01, 0.02, 0.05, 0.1, 0.2, 0.35],
  ve: [0.01, 0.05, 0.1, 0.2, 0.5],
  vp: 0.01,
  patch: 10,
};

/**
 * QIBA-style checkerboard (after the QIBA DCE-MRI digital reference object v6, Barboriak et al.):
 * patches of `patch`×`patch` voxels (one slice) take every combination of the Ktrans list
 * (along x) × the ve list (along y) at a fixed vp, on the acquisition of the tumour phantom
 * (DCE: 60 frames at 4 s, SPGR TR 4 ms / FA 15°, r1 4.5 /s/mM, Parker blood AIF with Hct 0.45,
 * arrival 20 s), with a uniform T1,0 = DCE.t10S. Noise-free unless `snr` is given: then
 * Gaussian noise of σ = S_baseline/snr on the signal. Writes `base`_dyn/_t1/_mask under dce/ and
 * the truth maps under truth/, as writeDceDataset does; returns the grid and file list.
 */
export function writeDceCheckerboard(
  dir: string,
  base: string,
  opts: {
    ktransPerMin?: number[];
    ve?: number[];
    vp?: number;
    patch?: number;
    snr?: number;
    rng?: Rng;
  } = {},
): { dims: number[]; files: string[]; ktransPerMin: number[]; ve: number[]; vp: number; patch: number } {
  const kList = opts.ktransPerMin ?? CHECKERBOARD.ktransPerMin;
  const veList = opts.ve ?? CHECKERBOARD.ve;
  const vpv = opts.vp ?? CHECKERBOARD.vp;
  const patch = opts.patch ?? CHECKERBOARD.patch;
  const rng = opts.rng ?? new Rng(1);
  const nx = patch * kList.length;
  const ny = patch * veList.length;
  const nvox = nx * ny;
  const t = dceTimeS();
  const tMin = t.map((v) => v / 60);
  const cp = bloodToPlasma(parkerAif(t, DCE.arrivalS), DCE.hct);
  const scratch = createScratch(t.length);
  const ct = new Float64Array(t.length);
  const dyn = new Float32Array(nvox * t.length);
  const kMap = new Float32Array(nvox);
  const veMap = new Float32Array(nvox);
  const vpMap = new Float32Array(nvox).fill(vpv);
  const s0 = spgrSignal(1000, 1 / DCE.t10S, DCE.trMs / 1000, DCE.faDeg);
  const sigma = opts.snr !== undefined && Number.isFinite(opts.snr) ? s0 / opts.snr : 0;
  // one curve per patch (noise-free), copied to its voxels
  const curves = kList.map((k) =>
    veList.map((ve) => {
      predict("etofts", [k, ve, vpv], tMin, cp, ct, scratch);
      return Float64Array.from(ct, (c) =>
        spgrSignal(1000, 1 / DCE.t10S + DCE.r1 * c, DCE.trMs / 1000, DCE.faDeg),
      );
    }),
  );
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      const v = i + nx * j;
      const a = Math.floor(i / patch);
      const b = Math.floor(j / patch);
      kMap[v] = kList[a];
      veMap[v] = veList[b];
      const sig = curves[a][b];
      for (let f = 0; f < t.length; f++) dyn[f * nvox + v] = sig[f] + (sigma > 0 ? sigma * rng.normal() : 0);
    }
  const affine = identityAffine(SPACING);
  const vol3 = { dims: [nx, ny, 1], spacingMm: SPACING, affine };
  writeNifti(
    join(dir, `${base}_dyn.nii.gz`),
    { ...vol3, dims: [nx, ny, 1, t.length], data: dyn, frameS: DCE.frameS } as Volume,
    { description: "DCE SPGR signal (a.u.), QIBA-style checkerboard" },
  );
  writeNifti(
    join(dir, `${base}_t1.nii.gz`),
    { ...vol3, data: new Float32Array(nvox).fill(DCE.t10S) } as Volume,
    {
      description: "T1 (s)",
    },
  );
  writeNifti(join(dir, `${base}_mask.nii.gz`), { ...vol3, data: new Float32Array(nvox).fill(1) } as Volume, {
    datatype: "uint8",
    description: "checkerboard mask",
  });
  const truthBase = base.replace(/^dce\//, "truth/");
  mkdirSync(join(dir, truthBase, ".."), { recursive: true });
  writeNifti(join(dir, `${truthBase}_Ktrans_per_min.nii.gz`), { ...vol3, data: kMap } as Volume, {
    description: "truth Ktrans (1/min)",
  });
  writeNifti(join(dir, `${truthBase}_ve.nii.gz`), { ...vol3, data: veMap } as Volume, {
    description: "truth ve",
  });
  writeNifti(join(dir, `${truthBase}_vp.nii.gz`), { ...vol3, data: vpMap } as Volume, {
    description: "truth vp",
  });
  return {
    dims: [nx, ny, 1, t.length],
    files: [`${base}_dyn.nii.gz`, `${base}_t1.nii.gz`, `${base}_mask.nii.gz`],
    ktransPerMin: [...kList],
    ve: [...veList],
    vp: vpv,
    patch,
  };
}
