/**
 * Organ label maps of one SPECT/PET–CT session from its CT (pure; the steps of the batch
 * pipeline in engine/analyses/segmentation.ts):
 *  - atlas initialisation: T (CT world → atlas world, affine Mattes MI) from registering the
 *    project's analytic atlas CT to the subject's first CT; later CTs add their rigid
 *    registration R_t to the first CT, T_t = T·R_t;
 *  - CT thresholds: air (outside, bowel gas) below −600 HU, i.e. clearly air: the rule only takes
 *    voxels away from atlas organs, and at a convex surface such as a flank tumour's the CT's blur
 *    and voxel grid put the half-way level (−480 HU between air −1000 and soft tissue ≈ 40) ≈ 0.1 mm
 *    inside the skin, which cost the tumours 2–3 % of their volume; lung below −400 HU (an inflated
 *    mouse lung is −600 to −750 HU: the level sits nearer the lung than half-way, −330, so the
 *    partial-volume rim at the heart and chest wall, which carries their activity, stays out);
 *    bone from 500 HU (core/segmentation/threshold.ts DEFAULT_CT_THRESHOLDS); below −850 HU
 *    (outside air) no organ is looked up. The lungs are
 *    grown (core/segmentation/regionGrow.ts) through the lung-level voxels that are no outside air,
 *    from those the atlas calls lung, within 2 mm of the atlas lung (morphology.ts), so the thin
 *    chest wall's partial-volume voxels, a trachea or bowel gas cannot carry them outside;
 *  - per target voxel centre x (CT grid, or the SPECT/PET grid: the two share the scanner's world
 *    frame, each grid through its own NIfTI affine): atlas label at T_t·x, CT value and grown-lung
 *    fraction at x (trilinear on the CT grid), then
 *      grown lung ≥ 0.5 → lung;  air → 0;  atlas lung elsewhere → 0;  bone → bone;
 *      otherwise the atlas label (and outside the CT's field of view the atlas label).
 *    The atlas is analytic, so its labels are evaluated exactly at T_t·x: labels are interpolated
 *    once, from the atlas to each grid, never label map → CT grid → SPECT grid;
 *  - atlas organ → study ROI label by ROI id (heart, lung, liver, …); atlas organs that are no
 *    study ROI (bladder, bone unless the study has such ROIs) become 0.
 */
import type { Volume } from "../../core/image/volume.js";
import { type Grid, trilinear } from "../../core/registration/resample.js";
import { invert4, type Mat4, multiply4 } from "../../core/registration/transform.js";
import { ATLAS_ORGANS, labelAt } from "../../core/segmentation/atlas.js";
import { dilate } from "../../core/segmentation/morphology.js";
import { growInterval, type Seed } from "../../core/segmentation/regionGrow.js";
import { DEFAULT_CT_THRESHOLDS } from "../../core/segmentation/threshold.js";

export const CT_LEVELS_HU = {
  outsideAirBelow: DEFAULT_CT_THRESHOLDS.airMaxHU,
  airBelow: -600,
  lungBelow: -400,
  boneFrom: DEFAULT_CT_THRESHOLDS.boneMinHU,
} as const;
export const LUNG_SEARCH_MM = 2;

const atlasLabelOf = (organ: string): number =>
  Number(Object.entries(ATLAS_ORGANS).find(([, o]) => o === organ)?.[0] ?? -1);
const LUNG = atlasLabelOf("lung");
const BONE = atlasLabelOf("bone");

export interface CtAnatomy {
  /** the CT (first frame), its grid and world → atlas map */
  ct: Volume;
  toAtlas: Mat4;
  /** atlas labels at the CT voxel centres (0 in outside air) */
  atlas: Float32Array;
  /** grown lungs, 1/0 per CT voxel */
  lung: Float32Array;
}

/** atlas labels at the voxel centres of `grid` where keep(v), through world → atlas `toAtlas` */
function atlasOnGrid(grid: Grid, toAtlas: ArrayLike<number>, keep: (v: number) => boolean): Float32Array {
  const [nx, ny, nz] = grid.dims;
  const m = multiply4(toAtlas, grid.affine);
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        if (!keep(v)) continue;
        out[v] = labelAt(
          m[0] * i + m[1] * j + m[2] * k + m[3],
          m[4] * i + m[5] * j + m[6] * k + m[7],
          m[8] * i + m[9] * j + m[10] * k + m[11],
        );
      }
  return out;
}

/** atlas labels and grown lungs of a CT whose world maps to the atlas by `toAtlas` */
export function ctAnatomy(ctIn: Volume, toAtlas: ArrayLike<number>): CtAnatomy {
  const dims = ctIn.dims.slice(0, 3);
  const n = dims[0] * dims[1] * dims[2];
  const ct: Volume = { ...ctIn, dims, data: ctIn.data.subarray(0, n) };
  const hu = ct.data;
  const atlas = atlasOnGrid(ct, toAtlas, (v) => hu[v] >= CT_LEVELS_HU.outsideAirBelow);
  const search = dilate(
    Uint8Array.from(atlas, (l) => (l === LUNG ? 1 : 0)),
    dims,
    ct.spacingMm,
    LUNG_SEARCH_MM,
  );
  const domain = new Uint8Array(n);
  const seeds: Seed[] = [];
  const [nx, ny] = dims;
  for (let v = 0; v < n; v++) {
    if (!(search[v] && hu[v] < CT_LEVELS_HU.lungBelow && hu[v] >= CT_LEVELS_HU.outsideAirBelow)) continue;
    domain[v] = 1;
    if (atlas[v] === LUNG) seeds.push([v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))]);
  }
  const lung = Float32Array.from(growInterval(domain, dims, seeds, 1, 2));
  return { ct, toAtlas: Float64Array.from(toAtlas), atlas, lung };
}

/** the rule of the module header for one voxel (hu NaN: outside the CT) */
function decide(atlasLabel: number, hu: number, lungFraction: number): number {
  if (Number.isNaN(hu)) return atlasLabel;
  if (lungFraction >= 0.5) return LUNG;
  if (hu < CT_LEVELS_HU.airBelow || atlasLabel === LUNG) return 0;
  if (hu >= CT_LEVELS_HU.boneFrom) return BONE;
  return atlasLabel;
}

/** atlas label → study ROI label (0 when the study has no ROI of that organ) */
export function roiLabelMap(rois: { id: string; label?: number }[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const [l, organ] of Object.entries(ATLAS_ORGANS)) {
    const roi = rois.find((r) => r.id === organ && r.label !== undefined);
    out.set(Number(l), roi?.label ?? 0);
  }
  return out;
}

function volumeOn(grid: Grid, data: Float32Array): Volume {
  const A = grid.affine;
  return {
    dims: grid.dims.slice(0, 3),
    spacingMm: [0, 1, 2].map((c) => Math.hypot(A[c], A[4 + c], A[8 + c])) as [number, number, number],
    affine: Float64Array.from(A),
    data,
  };
}

/** study ROI labels on the CT's own grid */
export function ctLabels(a: CtAnatomy, roiLabels: Map<number, number>): Volume {
  const hu = a.ct.data;
  const data = new Float32Array(hu.length);
  for (let v = 0; v < hu.length; v++) data[v] = roiLabels.get(decide(a.atlas[v], hu[v], a.lung[v])) ?? 0;
  return volumeOn(a.ct, data);
}

/** study ROI labels on another grid of the same world (the SPECT/PET image of the session) */
export function gridLabels(grid: Grid, a: CtAnatomy, roiLabels: Map<number, number>): Volume {
  const g = { dims: grid.dims.slice(0, 3), affine: grid.affine };
  const [nx, ny, nz] = g.dims;
  const [cx, cy, cz] = a.ct.dims;
  const c = multiply4(invert4(a.ct.affine), g.affine); // grid index → CT continuous index
  const hu = new Float32Array(nx * ny * nz);
  const lung = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const u = c[0] * i + c[1] * j + c[2] * k + c[3];
        const w = c[4] * i + c[5] * j + c[6] * k + c[7];
        const t = c[8] * i + c[9] * j + c[10] * k + c[11];
        hu[v] = trilinear(a.ct.data, cx, cy, cz, u, w, t);
        lung[v] = Number.isNaN(hu[v]) ? 0 : trilinear(a.lung, cx, cy, cz, u, w, t);
      }
  const atlas = atlasOnGrid(g, a.toAtlas, (v) => !(hu[v] < CT_LEVELS_HU.outsideAirBelow));
  const data = new Float32Array(hu.length);
  for (let v = 0; v < hu.length; v++) data[v] = roiLabels.get(decide(atlas[v], hu[v], lung[v])) ?? 0;
  return volumeOn(g, data);
}
