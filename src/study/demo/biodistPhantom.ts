/**
 * PET/SPECT biodistribution digital reference object (`eprscope phantom biodist`): the project's
 * analytic mouse atlas (core/segmentation/atlas.ts; rasterised as in spect.ts, atlas frame =
 * world) on a 0.5 mm grid — label map (atlas labels 1–10) and non-contrast CT (spect.ts
 * DEMO_CT_HU) — with organ concentrations from the nanoparticle PBPK model
 * (core/transport/pbpk, mouse, the chosen diameter, surface and targeting; `simulate pbpk`):
 *   organ c(t) = the model's whole-tissue %ID/g (sample_pctID_per_g: extravascular + the organ's
 *   blood fraction × blood), per atlas organ: heart → blood (the ventricles' blood pool), lung,
 *   liver, spleen, kidney, muscle, both tumours → tumour, bone → bone marrow, bladder → urine
 *   (the model's cumulative urine %ID in the bladder's volume, no voiding), unlabelled body →
 *   rest; air 0. Tissue density 1 g/mL, so %ID/g = %ID/mL. The organ volumes are the atlas's, not
 *   the model's masses: the image holds the model's concentrations, not 100 %ID.
 * Per scan time t (h after an i.v. bolus of A₀ MBq at t = 0):
 *   C(x) = c(t)/100 · A₀ · 10⁶ · e^(−λt) Bq/mL (not decay-corrected, as reconstructions are stored);
 *   partial volume: C ∗ G, a 3D Gaussian PSF of the given FWHM (σ = FWHM/2√(2 ln 2); separable,
 *   sampled, kernel to 3σ, edges clamped; the body stays ≥ 3 mm inside the grid); FWHM 0 = none;
 *   counts: N(x) ~ Poisson((C ∗ G)(x) · V_voxel · S · T) for the system sensitivity S (cps/MBq)
 *   and frame duration T (s) — image noise as counting statistics on the image, not a projection +
 *   reconstruction model; the stored image is N/(V_voxel · S · T) in Bq/mL.
 * Truth (truth/biodist_truth.json): c(t) per organ and time, the organ label volumes, the decay
 * factors and the expected counts per organ. Deterministic: the same options and seed give
 * byte-identical files.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { decayFactor, getNuclide } from "../../core/nuclide/index.js";
import { Rng } from "../../core/random.js";
import { gaussianSmooth } from "../../core/registration/pyramid.js";
import { parametersToMatrix } from "../../core/registration/transform.js";
import { ATLAS_BODY, ATLAS_ORGANS, ATLAS_SHAPES, type RenderGrid } from "../../core/segmentation/atlas.js";
import { simulatePbpk } from "../../core/transport/pbpk/model.js";
import { SURFACES, type Surface } from "../../core/transport/pbpk/nanoparticle.js";
import { writeNifti } from "../../io/nifti.js";
import { atlasRaster, DEMO_CT_HU } from "./spect.js";

export const BIODIST_VOXEL_MM = 0.5;
const MARGIN_MM = 4;
const FWHM_TO_SIGMA = 1 / (2 * Math.sqrt(2 * Math.LN2));

export interface BiodistPhantomOptions {
  sizeNm: number;
  targeted: boolean;
  surface: Surface;
  /** PSF FWHM (mm); 0 = no blur */
  fwhmMm: number;
  seed: number;
  nuclide: string;
  injectedMBq: number;
  timesH: number[];
  durationS: number;
  sensitivityCpsPerMBq: number;
}

/** atlas organ → the PBPK quantity its voxels carry */
const PBPK_OF: Record<string, string> = {
  heart: "blood",
  lung: "lung",
  liver: "liver",
  spleen: "spleen",
  kidney: "kidney",
  muscle: "muscle",
  tumour_psma: "tumour",
  tumour_flu: "tumour",
  bone: "bone_marrow",
  bladder: "urine",
  soft: "rest",
};

/** options registered on `phantom` for this kind (--size-nm, --surface and --seed are shared) */
export const BIODIST_OPTIONS: [string, string][] = [
  ["--targeted", "biodist: ligand-targeted particles (PBPK targeting)"],
  ["--fwhm-mm <mm>", "biodist: Gaussian PSF FWHM (mm; default 0 = no partial-volume blur)"],
  ["--nuclide <name>", "biodist: radionuclide (default In-111; e.g. Zr-89, Cu-64 for PET)"],
  ["--dose-mbq <MBq>", "biodist: injected activity (MBq; default 15)"],
  ["--times-h <list>", "biodist: scan times after injection (h; default 1,4,24,48,96)"],
  ["--duration-s <s>", "biodist: acquisition time per scan (s; default 1200)"],
  ["--sensitivity-cps-per-mbq <S>", "biodist: system sensitivity (cps/MBq; default 1000 = 0.1 %)"],
];

function num(field: string, raw: unknown, dflt: number, check: (v: number) => boolean, expected: string) {
  const v = raw === undefined ? dflt : Number(raw);
  if (!Number.isFinite(v) || !check(v)) throw new InputError({ field, value: String(raw), expected });
  return v;
}

/** the options of the CLI (strings as commander gives them), validated */
export function biodistOptionsFrom(cli: Record<string, unknown>): BiodistPhantomOptions {
  if (cli.sizeNm === undefined)
    throw new InputError({
      field: "--size-nm",
      expected: "phantom biodist: the particle diameter (--size-nm N, nm)",
    });
  const surface = String(cli.surface ?? "peg");
  if (!(SURFACES as readonly string[]).includes(surface))
    throw new InputError({ field: "--surface", value: surface, expected: SURFACES.join(" or ") });
  const nuclide = String(cli.nuclide ?? "In-111");
  try {
    getNuclide(nuclide);
  } catch {
    throw new InputError({
      field: "--nuclide",
      value: nuclide,
      expected: "a known radionuclide (e.g. In-111, Zr-89)",
    });
  }
  const timesRaw = String(cli.timesH ?? "1,4,24,48,96");
  const timesH = timesRaw.split(",").map((x) => Number(x.trim()));
  if (!timesH.length || timesH.some((t) => !(t > 0 && t <= 1440)))
    throw new InputError({
      field: "--times-h",
      value: timesRaw,
      expected: "comma-separated times in (0, 1440] h",
    });
  return {
    sizeNm: num("--size-nm", cli.sizeNm, 100, (v) => v > 0 && v <= 1000, "a diameter in (0, 1000] nm"),
    targeted: cli.targeted === true,
    surface: surface as Surface,
    fwhmMm: num("--fwhm-mm", cli.fwhmMm, 0, (v) => v >= 0 && v <= 10, "a FWHM in [0, 10] mm"),
    seed: num("--seed", cli.seed, 1, Number.isInteger, "an integer"),
    nuclide,
    injectedMBq: num("--dose-mbq", cli.doseMbq, 15, (v) => v > 0, "an activity > 0 MBq"),
    timesH: [...new Set(timesH)].sort((a, b) => a - b),
    durationS: num("--duration-s", cli.durationS, 1200, (v) => v > 0, "a duration > 0 s"),
    sensitivityCpsPerMBq: num(
      "--sensitivity-cps-per-mbq",
      cli.sensitivityCpsPerMbq,
      1000,
      (v) => v > 0,
      "a sensitivity > 0 cps/MBq",
    ),
  };
}

/** the phantom grid: the atlas organs and body plus a margin, atlas frame = world */
export function biodistGrid(): RenderGrid {
  const h = BIODIST_VOXEL_MM;
  const shapes = [ATLAS_BODY, ...ATLAS_SHAPES];
  const lo = [0, 1, 2].map((a) => Math.min(...shapes.map((s) => s.centreMm[a] - s.radiiMm[a])));
  const hi = [0, 1, 2].map((a) => Math.max(...shapes.map((s) => s.centreMm[a] + s.radiiMm[a])));
  const origin = lo.map((l) => Math.floor((l - MARGIN_MM) / h) * h);
  const dims = hi.map((x, a) => Math.ceil((x + MARGIN_MM - origin[a]) / h) + 1) as [number, number, number];
  return {
    dims,
    affine: Float64Array.from([h, 0, 0, origin[0], 0, h, 0, origin[1], 0, 0, h, origin[2], 0, 0, 0, 1]),
  };
}

function volumeOn(grid: RenderGrid, data: Float32Array): Volume {
  return {
    dims: [...grid.dims],
    spacingMm: [BIODIST_VOXEL_MM, BIODIST_VOXEL_MM, BIODIST_VOXEL_MM],
    affine: Float64Array.from(grid.affine),
    data,
  };
}

/** the PBPK whole-tissue %ID/g of each atlas organ at time t (h) */
function organConcentrations(
  o: BiodistPhantomOptions,
  tH: number,
  bladderMl: number,
): Record<string, number> {
  const r = simulatePbpk({
    sizeNm: o.sizeNm,
    species: "mouse",
    hours: tH,
    targeted: o.targeted,
    surface: o.surface,
    points: 2,
  });
  const last = r.time_h.length - 1;
  const out: Record<string, number> = {};
  for (const [organ, q] of Object.entries(PBPK_OF))
    out[organ] = q === "urine" ? r.amount_pctID.urine[last] / bladderMl : r.sample_pctID_per_g[q][last];
  return out;
}

export interface BiodistPhantomMeta {
  kind: "biodist";
  seed: number;
  options: BiodistPhantomOptions;
  files: { labels: string; ct: string; activity: { time_h: number; file: string }[] };
  acquisition: Record<string, string | number | boolean>;
  truth: string;
}

export function writeBiodistPhantom(out: string, o: BiodistPhantomOptions): BiodistPhantomMeta {
  mkdirSync(join(out, "truth"), { recursive: true });
  const grid = biodistGrid();
  const raster = atlasRaster(grid, parametersToMatrix("rigid", [0, 0, 0, 0, 0, 0], [0, 0, 0]));
  /** raster index (atlasRaster: 0 body, k ATLAS_SHAPES[k − 1], −1 air) → tissue */
  const shapes = ["soft", ...ATLAS_SHAPES.map((s) => s.organ)];
  const tissue = (si: number) => (si < 0 ? "air" : shapes[si]);
  const label = (si: number) => (si <= 0 ? 0 : ATLAS_SHAPES[si - 1].label);
  const n = raster.length;
  const voxelMl = BIODIST_VOXEL_MM ** 3 / 1000;
  const labels = new Float32Array(n);
  const hu = new Float32Array(n);
  const voxels: Record<string, number> = {};
  for (let v = 0; v < n; v++) {
    labels[v] = label(raster[v]);
    hu[v] = DEMO_CT_HU[tissue(raster[v])] ?? DEMO_CT_HU.soft;
    if (labels[v] > 0) {
      const organ = ATLAS_ORGANS[labels[v]];
      voxels[organ] = (voxels[organ] ?? 0) + 1;
    }
  }
  const volumeMl = Object.fromEntries(Object.entries(voxels).map(([o, k]) => [o, k * voxelMl]));
  writeNifti(join(out, "labels.nii.gz"), volumeOn(grid, labels), {
    datatype: "uint8",
    description: "atlas organ labels (1 heart … 8 tumour_flu, 9 bladder, 10 bone)",
  });
  writeNifti(join(out, "ct.nii.gz"), volumeOn(grid, hu), { datatype: "int16", description: "CT, HU" });
  const rng = new Rng(o.seed);
  const sigmaVox = (o.fwhmMm * FWHM_TO_SIGMA) / BIODIST_VOXEL_MM;
  const countsPerBqMl = voxelMl * o.sensitivityCpsPerMBq * 1e-6 * o.durationS; // counts per (Bq/mL) in a voxel
  const truthTimes: unknown[] = [];
  const activity: { time_h: number; file: string }[] = [];
  for (const tH of o.timesH) {
    const pct = organConcentrations(o, tH, volumeMl.bladder ?? 1);
    const df = decayFactor(o.nuclide, tH * 3600);
    const bqPerMl = (organ: string) => (pct[organ] / 100) * o.injectedMBq * 1e6 * df;
    const bySi = shapes.map(bqPerMl); // raster index → Bq/mL (−1: air)
    const c = new Float32Array(n);
    for (let v = 0; v < n; v++) c[v] = raster[v] < 0 ? 0 : bySi[raster[v]];
    const blurred = sigmaVox > 0 ? gaussianSmooth(c, grid.dims, [sigmaVox, sigmaVox, sigmaVox]) : c;
    const img = new Float32Array(n);
    for (let v = 0; v < n; v++) {
      const mean = blurred[v] * countsPerBqMl;
      img[v] = mean > 0 ? rng.poisson(mean) / countsPerBqMl : 0;
    }
    const file = `activity_${tH}h.nii.gz`;
    writeNifti(join(out, file), volumeOn(grid, img), {
      description: `${o.nuclide} activity, Bq/mL, not decay corrected`,
    });
    activity.push({ time_h: tH, file });
    const organs = Object.fromEntries(
      Object.keys(volumeMl).map((organ) => [
        organ,
        {
          pctIDperG: pct[organ],
          bqPerMl: bqPerMl(organ),
          expectedCounts: bqPerMl(organ) * countsPerBqMl * voxels[organ],
        },
      ]),
    );
    truthTimes.push({ time_h: tH, decayFactor: df, organs, rest: { pctIDperG: pct.soft } });
  }
  const truth = {
    description:
      "PBPK whole-tissue %ID/g per atlas organ (uniform in its labels), %ID/g = %ID/mL; activity images are these concentrations × A₀ × decay, blurred by the PSF, with Poisson counts",
    model: {
      species: "mouse",
      sizeNm: o.sizeNm,
      surface: o.surface,
      targeted: o.targeted,
      organMap: PBPK_OF,
    },
    labels: Object.fromEntries(
      Object.entries(ATLAS_ORGANS).map(([l, organ]) => [
        organ,
        { label: Number(l), volumeMl: volumeMl[organ] },
      ]),
    ),
    times: truthTimes,
  };
  writeFileSync(join(out, "truth", "biodist_truth.json"), `${JSON.stringify(truth, null, 2)}\n`);
  const meta: BiodistPhantomMeta = {
    kind: "biodist",
    seed: o.seed,
    options: o,
    files: { labels: "labels.nii.gz", ct: "ct.nii.gz", activity },
    acquisition: {
      nuclide: o.nuclide,
      injectedMBq: o.injectedMBq,
      injection: "i.v. bolus at t = 0",
      units: "Bq/mL",
      decayCorrected: false,
      fwhmMm: o.fwhmMm,
      voxelMm: BIODIST_VOXEL_MM,
      durationS: o.durationS,
      sensitivityCpsPerMBq: o.sensitivityCpsPerMBq,
    },
    truth: "truth/biodist_truth.json",
  };
  writeFileSync(join(out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
  return meta;
}
