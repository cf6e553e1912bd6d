/**
 * Deformable-registration phantom with a known smooth deformation (validation of bspline.ts /
 * deformable.ts, and the elastix B-spline comparison in bench/register.ts and
 * test/reference/elastix/run-bspline.ts):
 *   T_true(x) = A·x + Σ_b a_b exp(−‖x − c_b‖²/(2σ_b²))   (fixed world → moving world = atlas, mm)
 * a small affine A (3° about z, 1° about x, 3 % scale, 0.9 mm shift) and three Gaussian
 * displacement bumps (σ 4–5 mm) that move liver, kidney and spleen against each other: the
 * bump part peaks at 2.1 mm (2.8 voxels of 0.75 mm). Fixed grid 36 × 28 × 36 voxels of 0.75 mm
 * (the abdomen from the kidneys to the liver dome, 1.5 mm of air around the body), rendered at
 * T_true(x) with the adaptive partial-volume renderer (phantom.ts); the moving image and its
 * labels on a larger grid (world = atlas); truth labels of the fixed image are the atlas labels
 * at T_true(voxel centre), the truth field u(x) = T_true(x) − x. Optional tissue texture (plane
 * waves in atlas coordinates, moving with the anatomy) makes the deformation observable inside
 * the organs, as real CT/MR texture does.
 */
import type { Volume } from "../../../src/core/image/volume.js";
import { resampleNearestField } from "../../../src/core/registration/resample.js";
import { applyPoint, parametersToMatrix } from "../../../src/core/registration/transform.js";
import {
  ATLAS_ORGANS,
  CT_HU,
  labelAt,
  MR_T2,
  renderLabels,
  type TissueTable,
  tissueAt,
} from "../../../src/core/segmentation/atlas.js";
import { dicePerLabel } from "../../../src/core/segmentation/propagate.js";
import { addNoise, grid, renderPartialVolume } from "./phantom.js";

export interface Bump {
  centre: [number, number, number];
  /** displacement at the centre, mm */
  amplitude: [number, number, number];
  sigmaMm: number;
}

export const BUMPS: Bump[] = [
  { centre: [-2, 0, 8], amplitude: [1.2, 0.9, 1.5], sigmaMm: 5 },
  { centre: [-5, -3, -6], amplitude: [-1.35, 0.75, -1.2], sigmaMm: 4 },
  { centre: [8, 1, 0], amplitude: [0.6, -1.2, 1.5], sigmaMm: 4 },
];

export interface DeformPair {
  fixed: Volume;
  moving: Volume;
  movingLabels: Volume;
  /** atlas labels at T_true(x) on the fixed grid */
  truthLabels: Volume;
  /** fixed voxels inside the body */
  bodyMask: Uint8Array;
  /** u_true(x) = T_true(x) − x, component-major 3·n³, mm */
  truthField: Float32Array;
  affine: Float64Array;
  map(x: [number, number, number]): [number, number, number];
}

export function deformTruth(affine: ArrayLike<number>, bumps: Bump[] = BUMPS) {
  return (x: [number, number, number]): [number, number, number] => {
    const y = applyPoint(affine, x);
    for (const b of bumps) {
      const r2 = (x[0] - b.centre[0]) ** 2 + (x[1] - b.centre[1]) ** 2 + (x[2] - b.centre[2]) ** 2;
      const g = Math.exp(-r2 / (2 * b.sigmaMm ** 2));
      for (let a = 0; a < 3; a++) y[a] += b.amplitude[a] * g;
    }
    return y;
  };
}

export function deformPair(
  o: {
    fixedDims?: [number, number, number];
    movingTable?: TissueTable;
    fixedNoise?: number;
    movingNoise?: number;
    seed?: number;
    bumps?: Bump[];
    /** tissue texture amplitude (fixed-image units; the moving image gets movingTextureScale× it), 0 = none */
    texture?: number;
    movingTextureScale?: number;
    /** voxel size, mm (default 0.75) */
    spacingMm?: number;
  } = {},
): DeformPair {
  const r = Math.PI / 180;
  const affine = parametersToMatrix("affine", [...affineM(3 * r, 1 * r, 1.03), 0.75, -0.6, 0.45], [0, 0, 0]);
  const map = deformTruth(affine, o.bumps ?? BUMPS);
  const fd = o.fixedDims ?? [36, 28, 36];
  const sp = o.spacingMm ?? 0.75;
  const g = grid(fd, sp, [0, 0, 0]);
  const seed = o.seed ?? 1;
  const amp = o.texture ?? 0;
  const tex = amp ? (p: [number, number, number]) => amp * texture(p) : undefined;
  const mAmp = amp * (o.movingTextureScale ?? 1);
  const mtex = amp ? (p: [number, number, number]) => mAmp * texture(p) : undefined;
  const fixed = addNoise(renderPartialVolume(g, map, CT_HU, 6, tex), o.fixedNoise ?? 20, 2 * seed);
  const mg = grid([fd[0] + 10, fd[1] + 10, fd[2] + 12], sp, [0, 0, 0]);
  const identity = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const moving = addNoise(
    renderPartialVolume(mg, identity, o.movingTable ?? CT_HU, 6, mtex),
    o.movingNoise ?? 20,
    2 * seed + 1,
  );
  const movingLabels = renderLabels(mg, identity);
  const n3 = fd[0] * fd[1] * fd[2];
  const truthField = new Float32Array(3 * n3);
  const truthData = new Float32Array(n3);
  const bodyMask = new Uint8Array(n3);
  for (let k = 0; k < fd[2]; k++)
    for (let j = 0; j < fd[1]; j++)
      for (let i = 0; i < fd[0]; i++) {
        const v = i + fd[0] * (j + fd[1] * k);
        const x = applyPoint(g.affine, [i, j, k]);
        const y = map(x);
        for (let a = 0; a < 3; a++) truthField[a * n3 + v] = y[a] - x[a];
        truthData[v] = labelAt(y[0], y[1], y[2]);
        bodyMask[v] = tissueAt(y[0], y[1], y[2]) === "air" ? 0 : 1;
      }
  const truthLabels: Volume = { ...fixed, data: truthData };
  return { fixed, moving, movingLabels, truthLabels, bodyMask, truthField, affine, map };
}

/**
 * smooth tissue texture in atlas coordinates, in [−1, 1]: the mean of 4 plane waves of 5–7 mm
 * wavelength (fixed directions and phases), so organ interiors carry structure that moves with the
 * anatomy (real CT/MR texture; a piecewise-constant phantom leaves the deformation inside an organ
 * unobservable for any registration)
 */
export function texture(p: [number, number, number]): number {
  let s = 0;
  for (const [kx, ky, kz, ph] of WAVES) s += Math.sin(kx * p[0] + ky * p[1] + kz * p[2] + ph);
  return s / WAVES.length;
}

const WAVES: [number, number, number, number][] = [
  [0.9, 0.3, 0.4, 0.3],
  [-0.3, 1.0, 0.5, 1.9],
  [0.4, -0.5, 0.85, 4.1],
  [0.7, 0.6, -0.7, 2.6],
];

/** R_z(θz)·R_x(θx)·s (row-major 3×3) */
function affineM(tz: number, tx: number, s: number): number[] {
  const [cz, sz, cx, sx] = [Math.cos(tz), Math.sin(tz), Math.cos(tx), Math.sin(tx)];
  // Rz·Rx
  const m = [cz, -sz * cx, sz * sx, sz, cz * cx, -cz * sx, 0, sx, cx];
  return m.map((v) => v * s);
}

/** RMS and 95th percentile of ‖u − u_true‖ over the mask (mm) */
export function fieldError(
  u: ArrayLike<number>,
  truth: ArrayLike<number>,
  mask: Uint8Array,
): { rms: number; p95: number; max: number } {
  const n3 = mask.length;
  const e: number[] = [];
  for (let v = 0; v < n3; v++)
    if (mask[v])
      e.push(Math.hypot(u[v] - truth[v], u[n3 + v] - truth[n3 + v], u[2 * n3 + v] - truth[2 * n3 + v]));
  e.sort((a, b) => a - b);
  const rms = Math.sqrt(e.reduce((s, x) => s + x * x, 0) / e.length);
  return { rms, p95: e[Math.min(e.length - 1, Math.floor(0.95 * e.length))], max: e[e.length - 1] };
}

export { CT_HU, MR_T2 };

export interface FieldScore {
  rms_mm: number;
  p95_mm: number;
  max_mm: number;
  /** the same in voxels */
  rms_vox: number;
  p95_vox: number;
  /** Dice per organ label of the moving labels carried by the field (nearest neighbour) vs truth */
  dice: Record<string, number>;
}

/** field error over the body mask and Dice of the propagated labels (labels in the fixed FOV) */
export function scoreField(p: DeformPair, field: ArrayLike<number>): FieldScore {
  const e = fieldError(field, p.truthField, p.bodyMask);
  const vox = p.fixed.spacingMm[0];
  const lab = resampleNearestField(p.movingLabels, p.fixed, field);
  const dice: Record<string, number> = {};
  for (const [l, d] of dicePerLabel(lab.data, p.truthLabels.data))
    if (ORGANS_IN_FOV.includes(l)) dice[ATLAS_ORGANS[l]] = d;
  return { rms_mm: e.rms, p95_mm: e.p95, max_mm: e.max, rms_vox: e.rms / vox, p95_vox: e.p95 / vox, dice };
}

/** labels wholly inside the deformable phantom's field of view: liver, spleen, kidneys, bone */
export const ORGANS_IN_FOV = [3, 4, 5, 10];
