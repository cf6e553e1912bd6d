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
  tissueAt,
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

/**
 * Partial-volume rendering accurate enough to validate sub-0.1-voxel registration: each voxel is
 * probed on a 3 × 3 × 3 lattice (corners, edge and face midpoints, centre); a voxel whose 27
 * probes agree is one tissue, any other is the mean over ss³ sub-points (midpoint rule). The
 * atlas's smallest structures (vertebrae 2.3 mm high, a 1 mm wall between lung and skin) cannot
 * fall between probes 0.5 voxel apart. (The uniform 2³ supersampling of renderIntensity(…, 2)
 * places edges only to ≈ 0.2 voxel: a CT↔CT pair rendered so, noise-free, registers with NCC to
 * 0.2 voxel at best.)
 */
export function renderPartialVolume(
  g: RenderGrid,
  toAtlas: ArrayLike<number> | ((world: [number, number, number]) => [number, number, number]),
  table: TissueTable,
  ss = 6,
  texture?: (atlas: [number, number, number]) => number,
): Volume {
  const [nx, ny, nz] = g.dims;
  const A = g.affine;
  const point: (u: number, v: number, w: number) => [number, number, number] =
    typeof toAtlas === "function"
      ? (u, v, w) =>
          toAtlas([
            A[0] * u + A[1] * v + A[2] * w + A[3],
            A[4] * u + A[5] * v + A[6] * w + A[7],
            A[8] * u + A[9] * v + A[10] * w + A[11],
          ])
      : (() => {
          // voxel index → atlas point, one 3×4 map
          const M = new Float64Array(12);
          for (let r = 0; r < 3; r++)
            for (let c = 0; c < 4; c++) {
              let acc = c === 3 ? toAtlas[r * 4 + 3] : 0;
              for (let k = 0; k < 3; k++) acc += toAtlas[r * 4 + k] * A[k * 4 + c];
              M[r * 4 + c] = acc;
            }
          return (u: number, v: number, w: number): [number, number, number] => [
            M[0] * u + M[1] * v + M[2] * w + M[3],
            M[4] * u + M[5] * v + M[6] * w + M[7],
            M[8] * u + M[9] * v + M[10] * w + M[11],
          ];
        })();
  const at = (u: number, v: number, w: number) => {
    const p = point(u, v, w);
    return tissueAt(p[0], p[1], p[2]);
  };
  const base = (t: string) => table[t] ?? table.soft;
  // texture (inside the body only), at the sub-point's atlas position
  const valAt = (t: string, u: number, v: number, w: number) =>
    texture && t !== "air" ? base(t) + texture(point(u, v, w)) : base(t);
  const offs = Array.from({ length: ss }, (_, s) => (s + 0.5) / ss - 0.5);
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const t0 = at(i, j, k);
        let uniform = true;
        for (let c = -1; c <= 1 && uniform; c++)
          for (let b = -1; b <= 1 && uniform; b++)
            for (let a = -1; a <= 1 && uniform; a++)
              if ((a || b || c) && at(i + a / 2, j + b / 2, k + c / 2) !== t0) uniform = false;
        let v = valAt(t0, i, j, k);
        if (!uniform) {
          let acc = 0;
          for (const dk of offs)
            for (const dj of offs)
              for (const di of offs) acc += valAt(at(i + di, j + dj, k + dk), i + di, j + dj, k + dk);
          v = acc / ss ** 3;
        }
        out[i + nx * (j + ny * k)] = v;
      }
  const a = g.affine;
  return {
    dims: [...g.dims],
    spacingMm: [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as [number, number, number],
    affine: Float64Array.from(a),
    data: out,
  };
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
    /** "uniform2": renderIntensity with 2³ sub-points (the original phantom); "adaptive" (default) */
    render?: "uniform2" | "adaptive";
  } = {},
): Pair {
  const dims = o.dims ?? [36, 28, 48];
  const sp = o.spacing ?? 1;
  const g = grid(dims, sp, [0, 0, 6]);
  const render = (gr: RenderGrid, toAtlas: ArrayLike<number>, table: TissueTable) =>
    o.render === "uniform2"
      ? renderIntensity(gr, toAtlas, table, 2)
      : renderPartialVolume(gr, toAtlas, table);
  const fixed = addNoise(render(g, truth, o.fixedTable ?? CT_HU), o.fixedNoise ?? 20, (o.seed ?? 1) * 2);
  const moving = addNoise(
    render(
      grid(o.movingDims ?? [44, 36, 60], sp, [0, 0, 6]),
      Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      o.movingTable ?? MR_T2,
    ),
    o.movingNoise ?? 15,
    (o.seed ?? 1) * 2 + 1,
  );
  return { fixed, moving, truth };
}
