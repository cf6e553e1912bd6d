/**
 * Multimodal registration phantoms from the analytic atlas (src/core/segmentation/atlas.ts):
 * the fixed image is a contrast-enhanced CT (HU), the moving image an MR-T2-like contrast (or a
 * second CT), both with partial-volume edges and Gaussian noise. A known transform T_true (fixed
 * world → moving world) is built in: the moving image is rendered with its world = atlas frame,
 * the fixed image at atlas points T_true·x, so a fixed point x corresponds to T_true·x.
 */
import type { Volume } from "../../../src/core/image/volume.js";
import { Rng } from "../../../src/core/random.js";
import { parametersToMatrix } from "../../../src/core/registration/transform.js";
import {
  CT_HU,
  MR_T2,
  type RenderGrid,
  renderIntensity,
  type TissueTable,
} from "../../../src/core/segmentation/atlas.js";

export function grid(
  dims: [number, number, number],
  spacing: number,
  centre: [number, number, number],
): RenderGrid {
  return {
    dims,
    affine: Float64Array.from([
      spacing,
      0,
      0,
      centre[0] - ((dims[0] - 1) * spacing) / 2,
      0,
      spacing,
      0,
      centre[1] - ((dims[1] - 1) * spacing) / 2,
      0,
      0,
      spacing,
      centre[2] - ((dims[2] - 1) * spacing) / 2,
      0,
      0,
      0,
      1,
    ]),
  };
}

export function addNoise(v: Volume, sd: number, seed: number): Volume {
  const rng = new Rng(seed);
  const data = Float32Array.from(v.data, (x) => x + sd * rng.normal());
  return { ...v, data };
}

/** a rigid truth about a centre: angles in degrees, translation in mm */
export function rigidTruth(
  deg: [number, number, number],
  t: [number, number, number],
  c: [number, number, number],
) {
  const r = Math.PI / 180;
  return parametersToMatrix("rigid", [deg[0] * r, deg[1] * r, deg[2] * r, ...t], c);
}

export function affineTruth(m: number[], t: [number, number, number], c: [number, number, number]) {
  return parametersToMatrix("affine", [...m, ...t], c);
}

export interface Pair {
  fixed: Volume;
  moving: Volume;
  truth: Float64Array;
}

export function multimodalPair(
  truth: Float64Array,
  o: {
    dims?: [number, number, number];
    movingDims?: [number, number, number];
    spacing?: number;
    seed?: number;
    fixedTable?: TissueTable;
    movingTable?: TissueTable;
    fixedNoise?: number;
    movingNoise?: number;
  } = {},
): Pair {
  const dims = o.dims ?? [36, 28, 48];
  const sp = o.spacing ?? 1;
  const g = grid(dims, sp, [0, 0, 6]);
  const fixed = addNoise(
    renderIntensity(g, truth, o.fixedTable ?? CT_HU, 2),
    o.fixedNoise ?? 20,
    (o.seed ?? 1) * 2,
  );
  const moving = addNoise(
    renderIntensity(
      grid(o.movingDims ?? [44, 36, 60], sp, [0, 0, 6]),
      Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      o.movingTable ?? MR_T2,
      2,
    ),
    o.movingNoise ?? 15,
    (o.seed ?? 1) * 2 + 1,
  );
  return { fixed, moving, truth };
}
