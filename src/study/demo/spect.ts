/**
 * Demo SPECT/CT of the imaging mice. The mouse is the project's analytic atlas
 * (core/segmentation/atlas.ts: ellipsoidal body and organs, spine, bladder; labels 1–8 are the
 * study's ROI labels) lying on the bed in a pose P = world ← atlas that changes between sessions
 * (the mouse is repositioned: rotations uniform in ±3° about each axis, shifts ±1.5/±1/±1.5 mm
 * about the field-of-view centre, seeded; the flank tumours stay ≥ 2 mm inside the field of view),
 * composed with the mouse's own size (subjectAnatomy: the same at every session of a mouse, so
 * the atlas registration must find it while the sessions differ only rigidly).
 * Hybrid scanner: the SPECT and the CT of one session
 * share the world frame (their NIfTI sforms), on different grids:
 *  - SPECT 36 × 24 × 64 voxels of 1 × 1 × 1.5 mm (x right→left, y posterior→anterior, z
 *    tail→head): the activity concentration of the tissue at each voxel centre (Bq/mL, not
 *    decay-corrected, as SPECT reconstructions are usually stored), Gaussian noise 8 %. Organs
 *    carry the truth %ID/g (tissue density 1 g/mL); unlabelled body, bone and bladder the
 *    muscle value; air 0. No partial-volume blur (the biodistribution phantom, biodistPhantom.ts,
 *    has a PSF): ROI means over the true organ voxels recover the truth within the noise.
 *  - CT 48 × 34 × 130 voxels of 0.75 mm, grid origin offset from the SPECT grid: a non-contrast
 *    micro-CT (air −1000, lung −700, soft tissue 40, bone 800 HU, organs 30–65 HU), Gaussian
 *    blur σ = 0.3 mm (scanner resolution, FWHM ≈ 1 voxel), Gaussian noise σ = 20 HU, stored as int16.
 * The truth label maps (atlas label at each voxel centre; on the SPECT grid bladder and bone,
 * which are no study ROIs, are 0) go to truth/ only: the analysis labels come from the engine's
 * CT pipeline (engine/analyses/segmentation.ts).
 */
import type { Volume } from "../../core/image/volume.js";
import type { Rng } from "../../core/random.js";
import { gaussianSmooth } from "../../core/registration/pyramid.js";
import {
  applyPoint,
  invert4,
  type Mat4,
  multiply4,
  parametersToMatrix,
} from "../../core/registration/transform.js";
import { ATLAS_BODY, ATLAS_SHAPES, type RenderGrid } from "../../core/segmentation/atlas.js";
import { organPctIDperG, type SubjectTruth } from "./generate.js";

export const SPECT_DIMS = [36, 24, 64] as const;
export const SPECT_SPACING_MM = [1, 1, 1.5] as const;
export const CT_DIMS = [48, 34, 130] as const;
export const CT_SPACING_MM = 0.75;
/** world position of CT voxel (0, 0, 0): the CT grid is not aligned with the SPECT grid */
const CT_ORIGIN_MM = [-0.6, -0.55, -0.8] as const;
/** centre of the SPECT field of view (world mm) = the atlas origin in the reference pose */
const FOV_CENTRE_MM = [17.5, 11.5, 47.25] as const;
/** the demo study's ROI labels (heart 1 … tumour_flu 8); higher atlas labels are not ROIs */
export const MAX_ROI_LABEL = 8;

export const SPECT_GRID: RenderGrid = {
  dims: [...SPECT_DIMS],
  affine: Float64Array.from([
    SPECT_SPACING_MM[0],
    0,
    0,
    0,
    0,
    SPECT_SPACING_MM[1],
    0,
    0,
    0,
    0,
    SPECT_SPACING_MM[2],
    0,
    0,
    0,
    0,
    1,
  ]),
};

export const CT_GRID: RenderGrid = {
  dims: [...CT_DIMS],
  affine: Float64Array.from([
    CT_SPACING_MM,
    0,
    0,
    CT_ORIGIN_MM[0],
    0,
    CT_SPACING_MM,
    0,
    CT_ORIGIN_MM[1],
    0,
    0,
    CT_SPACING_MM,
    CT_ORIGIN_MM[2],
    0,
    0,
    0,
    1,
  ]),
};

/** non-contrast micro-CT, HU (organs within a few tens of HU of soft tissue) */
export const DEMO_CT_HU: Record<string, number> = {
  air: -1000,
  soft: 40,
  lung: -700,
  bone: 800,
  heart: 45,
  liver: 65,
  spleen: 55,
  kidney: 32,
  muscle: 50,
  tumour_psma: 30,
  tumour_flu: 33,
  bladder: 8,
};
const CT_BLUR_MM = 0.3;
const CT_NOISE_HU = 20;

/**
 * a mouse's own size, atlas ← subject scaling about the atlas origin: body-weight allometry
 * (bw / 22.5 g)^(1/3) times a uniform ±4 % per axis (mice differ in length, width and height)
 */
export function subjectAnatomy(rng: Rng, bodyWeightG: number): Mat4 {
  const iso = Math.cbrt(bodyWeightG / 22.5);
  const [sx, sy, sz] = [0, 1, 2].map(() => iso * rng.between(0.96, 1.04));
  return Float64Array.from([sx, 0, 0, 0, 0, sy, 0, 0, 0, 0, sz, 0, 0, 0, 0, 1]);
}

/** a session's pose (world ← atlas): the mouse repositioned on the bed */
export function sessionPose(rng: Rng): Mat4 {
  const deg = Math.PI / 180;
  return parametersToMatrix(
    "rigid",
    [
      rng.between(-3, 3) * deg,
      rng.between(-3, 3) * deg,
      rng.between(-3, 3) * deg,
      FOV_CENTRE_MM[0] + rng.between(-1.5, 1.5),
      FOV_CENTRE_MM[1] + rng.between(-1, 1),
      FOV_CENTRE_MM[2] + rng.between(-1.5, 1.5),
    ],
    [0, 0, 0],
  );
}

function volumeOn(grid: RenderGrid, data: Float32Array): Volume {
  const a = grid.affine;
  return {
    dims: [...grid.dims],
    spacingMm: [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as [number, number, number],
    affine: Float64Array.from(a),
    data,
  };
}

const SHAPES = [ATLAS_BODY, ...ATLAS_SHAPES];

/**
 * Index into [body, ...ATLAS_SHAPES] of the last shape containing each voxel centre (−1: none),
 * the mouse in `pose`: the atlas's tissueAt/labelAt (later shapes win, the same shape tests),
 * painted shape by shape over each shape's bounding box instead of testing every shape at every
 * voxel; atlas points m = (P⁻¹·A)·[i, j, k, 1], stepped along i.
 */
export function atlasRaster(grid: RenderGrid, pose: Mat4, withBody = true): Int16Array {
  const [nx, ny, nz] = grid.dims;
  const m = multiply4(invert4(pose), grid.affine);
  const atlasToIndex = invert4(m);
  const out = new Int16Array(nx * ny * nz).fill(-1);
  SHAPES.forEach((s, si) => {
    if (si === 0 && !withBody) return;
    const lo = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    const hi = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
    for (const sx of [-1, 1])
      for (const sy of [-1, 1])
        for (const sz of [-1, 1]) {
          const c = applyPoint(atlasToIndex, [
            s.centreMm[0] + sx * s.radiiMm[0],
            s.centreMm[1] + sy * s.radiiMm[1],
            s.centreMm[2] + sz * s.radiiMm[2],
          ]);
          for (let a = 0; a < 3; a++) {
            lo[a] = Math.min(lo[a], c[a]);
            hi[a] = Math.max(hi[a], c[a]);
          }
        }
    const from = lo.map((x) => Math.max(0, Math.floor(x) - 1));
    const to = hi.map((x, a) => Math.min(grid.dims[a] - 1, Math.ceil(x) + 1));
    const [cx, cy, cz] = s.centreMm;
    const [rx, ry, rz] = s.radiiMm;
    const cyl = s.kind === "cylinder-z";
    for (let k = from[2]; k <= to[2]; k++)
      for (let j = from[1]; j <= to[1]; j++) {
        const row = nx * (j + ny * k);
        for (let i = from[0]; i <= to[0]; i++) {
          const dx = (m[0] * i + m[1] * j + m[2] * k + m[3] - cx) / rx;
          const dy = (m[4] * i + m[5] * j + m[6] * k + m[7] - cy) / ry;
          const z = m[8] * i + m[9] * j + m[10] * k + m[11] - cz;
          const inside = cyl
            ? dx * dx + dy * dy <= 1 && Math.abs(z) <= rz
            : dx * dx + dy * dy + (z / rz) * (z / rz) <= 1;
          if (inside) out[i + row] = si;
        }
      }
  });
  return out;
}

const tissueOf = (si: number): string => (si < 0 ? "air" : si === 0 ? "soft" : SHAPES[si].organ);
const labelOf = (si: number): number => (si <= 0 ? 0 : SHAPES[si].label);

/** truth label map on a grid (atlas labels; `roisOnly`: labels above the study ROIs set to 0) */
export function truthLabels(grid: RenderGrid, raster: Int16Array, roisOnly: boolean): Volume {
  const data = new Float32Array(raster.length);
  for (let v = 0; v < raster.length; v++) {
    const l = labelOf(raster[v]);
    data[v] = roisOnly && l > MAX_ROI_LABEL ? 0 : l;
  }
  return volumeOn(grid, data);
}

/**
 * Organ volumes (mL) per study ROI label: the expected volume of the voxelised organs (a session's
 * voxel count varies by a few % with the pose's sub-voxel offset; the mean over poses is the
 * organ's own volume), from the atlas organs rasterised on a 0.25 mm grid.
 */
export function organVolumesMl(): Map<number, number> {
  if (volumesCache) return volumesCache;
  const h = 0.25;
  const lo = [0, 1, 2].map((a) => Math.min(...ATLAS_SHAPES.map((x) => x.centreMm[a] - x.radiiMm[a])) - h);
  const hi = [0, 1, 2].map((a) => Math.max(...ATLAS_SHAPES.map((x) => x.centreMm[a] + x.radiiMm[a])) + h);
  const dims = lo.map((l, a) => Math.ceil((hi[a] - l) / h) + 1) as [number, number, number];
  const grid: RenderGrid = {
    dims,
    affine: Float64Array.from([h, 0, 0, lo[0], 0, h, 0, lo[1], 0, 0, h, lo[2], 0, 0, 0, 1]),
  };
  const out = new Map<number, number>();
  for (const si of atlasRaster(grid, parametersToMatrix("rigid", [0, 0, 0, 0, 0, 0], [0, 0, 0]), false)) {
    const l = labelOf(si);
    if (l > 0 && l <= MAX_ROI_LABEL) out.set(l, (out.get(l) ?? 0) + (h * h * h) / 1000);
  }
  volumesCache = out;
  return out;
}
let volumesCache: Map<number, number> | null = null;

/**
 * Activity concentration volume (Bq/mL) at tH hours after injection, the mouse rasterised on the
 * SPECT grid in `raster` (atlasRaster(SPECT_GRID, pose)).
 * C = %ID/g/100 · A_inj · decay(t) · 1 g/mL (tissue density 1 g/mL).
 */
export function spectVolume(
  s: SubjectTruth,
  raster: Int16Array,
  tH: number,
  decayFactor: number,
  rng: Rng,
  noiseRel = 0.08,
): Volume {
  const bqPerMl = new Map<string, number>();
  const conc = (tissue: string): number => {
    let c = bqPerMl.get(tissue);
    if (c === undefined) {
      const organ = tissue === "soft" || tissue === "bone" || tissue === "bladder" ? "muscle" : tissue;
      c = tissue === "air" ? 0 : (organPctIDperG(s, organ, tH) / 100) * s.injectedMBq * 1e6 * decayFactor;
      bqPerMl.set(tissue, c);
    }
    return c;
  };
  const bySi = SHAPES.map((_, si) => conc(tissueOf(si)));
  const air = conc("air");
  const out = new Float32Array(raster.length);
  for (let v = 0; v < raster.length; v++) {
    const c = raster[v] < 0 ? air : bySi[raster[v]];
    out[v] = c > 0 ? Math.max(0, c * (1 + noiseRel * rng.normal())) : 0;
  }
  return volumeOn(SPECT_GRID, out);
}

/** Non-contrast CT (HU) of the session, the mouse rasterised on the CT grid (atlasRaster(CT_GRID, pose)). */
export function ctVolume(raster: Int16Array, rng: Rng): Volume {
  const bySi = SHAPES.map((_, si) => DEMO_CT_HU[tissueOf(si)] ?? DEMO_CT_HU.soft);
  const n = raster.length;
  const hu = new Float32Array(n);
  for (let v = 0; v < n; v++) hu[v] = raster[v] < 0 ? DEMO_CT_HU.air : bySi[raster[v]];
  const s = CT_BLUR_MM / CT_SPACING_MM;
  const data = gaussianSmooth(hu, [...CT_DIMS], [s, s, s]);
  for (let v = 0; v < n; v++) data[v] += CT_NOISE_HU * rng.normal();
  return volumeOn(CT_GRID, data);
}
