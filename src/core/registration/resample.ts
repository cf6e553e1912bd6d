/**
 * Resampling of a moving image onto a fixed grid through a world-space transform T (fixed world
 * → moving world, 4×4, see transform.ts): value at fixed voxel v = I_m(A_m⁻¹·T·A_f·v), with
 * trilinear interpolation for intensities and nearest neighbour for label maps. A point maps
 * inside the moving image when its continuous index lies in [−0.5, n − 0.5] on every axis (as
 * ITK's IsInsideBuffer); neighbours beyond the edge are clamped. Continuous indices within 1e-9
 * of an integer are snapped, so resampling through the identity onto the same grid is exact.
 * 4D moving images are resampled frame by frame.
 */
import type { Volume } from "../image/volume.js";
import { invert4, multiply4 } from "./transform.js";

export interface Grid {
  dims: number[];
  affine: ArrayLike<number>;
}

const SNAP = 1e-9;
const snap = (u: number): number => {
  const r = Math.round(u);
  return Math.abs(u - r) < SNAP ? r : u;
};

/** 3×4 voxel(fixed) → voxel(moving) map */
export function voxelMap(moving: Grid, fixed: Grid, transform: ArrayLike<number>): Float64Array {
  return multiply4(multiply4(invert4(moving.affine), transform), fixed.affine).slice(0, 12);
}

/** trilinear sample of a 3D array at continuous index (u, v, w); NaN outside [−0.5, n − 0.5] */
export function trilinear(
  data: ArrayLike<number>,
  nx: number,
  ny: number,
  nz: number,
  u: number,
  v: number,
  w: number,
  offset = 0,
): number {
  if (!(u >= -0.5 && v >= -0.5 && w >= -0.5 && u <= nx - 0.5 && v <= ny - 0.5 && w <= nz - 0.5))
    return Number.NaN;
  let i0 = Math.floor(u);
  let j0 = Math.floor(v);
  let k0 = Math.floor(w);
  const fu = u - i0;
  const fv = v - j0;
  const fw = w - k0;
  let i1 = i0 + 1;
  let j1 = j0 + 1;
  let k1 = k0 + 1;
  if (i0 < 0) i0 = 0;
  if (j0 < 0) j0 = 0;
  if (k0 < 0) k0 = 0;
  if (i1 > nx - 1) i1 = nx - 1;
  if (j1 > ny - 1) j1 = ny - 1;
  if (k1 > nz - 1) k1 = nz - 1;
  const sxy = nx * ny;
  const a = offset + k0 * sxy;
  const b = offset + k1 * sxy;
  const r00 = j0 * nx;
  const r10 = j1 * nx;
  const c000 = data[a + r00 + i0];
  const c100 = data[a + r00 + i1];
  const c010 = data[a + r10 + i0];
  const c110 = data[a + r10 + i1];
  const c001 = data[b + r00 + i0];
  const c101 = data[b + r00 + i1];
  const c011 = data[b + r10 + i0];
  const c111 = data[b + r10 + i1];
  const x00 = c000 + fu * (c100 - c000);
  const x10 = c010 + fu * (c110 - c010);
  const x01 = c001 + fu * (c101 - c001);
  const x11 = c011 + fu * (c111 - c011);
  const y0 = x00 + fv * (x10 - x00);
  const y1 = x01 + fv * (x11 - x01);
  return y0 + fw * (y1 - y0);
}

function frames(v: { dims: number[] }): number {
  return v.dims.length > 3 ? v.dims.slice(3).reduce((a, b) => a * b, 1) : 1;
}

/**
 * Moving image resampled onto the fixed grid (trilinear); outside the moving image →
 * `defaultValue` (0 unless given). Keeps the moving image's frames.
 */
export function resampleLinear(
  moving: Volume,
  fixed: Grid,
  transform: ArrayLike<number>,
  opts: { defaultValue?: number } = {},
): Volume {
  const dflt = opts.defaultValue ?? 0;
  const [nx, ny, nz] = fixed.dims;
  const [mx, my, mz] = moving.dims;
  const c = voxelMap(moving, fixed, transform);
  const nf = frames(moving);
  const n3 = nx * ny * nz;
  const m3 = mx * my * mz;
  const out = new Float32Array(n3 * nf);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const u = snap(c[0] * i + c[1] * j + c[2] * k + c[3]);
        const v = snap(c[4] * i + c[5] * j + c[6] * k + c[7]);
        const w = snap(c[8] * i + c[9] * j + c[10] * k + c[11]);
        const idx = i + nx * (j + ny * k);
        for (let f = 0; f < nf; f++) {
          const val = trilinear(moving.data, mx, my, mz, u, v, w, f * m3);
          out[f * n3 + idx] = Number.isNaN(val) ? dflt : val;
        }
      }
  const dims = nf > 1 ? [nx, ny, nz, ...moving.dims.slice(3)] : [nx, ny, nz];
  return {
    dims,
    spacingMm: spacingOf(fixed.affine),
    affine: Float64Array.from(fixed.affine),
    data: out,
    frameS: moving.frameS,
  };
}

/** Label map resampled onto the fixed grid by nearest neighbour; outside → 0. */
export function resampleNearest(labels: Volume, fixed: Grid, transform: ArrayLike<number>): Volume {
  const [nx, ny, nz] = fixed.dims;
  const [mx, my, mz] = labels.dims;
  const c = voxelMap(labels, fixed, transform);
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const u = Math.round(snap(c[0] * i + c[1] * j + c[2] * k + c[3]));
        const v = Math.round(snap(c[4] * i + c[5] * j + c[6] * k + c[7]));
        const w = Math.round(snap(c[8] * i + c[9] * j + c[10] * k + c[11]));
        out[i + nx * (j + ny * k)] =
          u >= 0 && v >= 0 && w >= 0 && u < mx && v < my && w < mz ? labels.data[u + mx * (v + my * w)] : 0;
      }
  return {
    dims: [nx, ny, nz],
    spacingMm: spacingOf(fixed.affine),
    affine: Float64Array.from(fixed.affine),
    data: out,
  };
}

/** voxel sizes (column norms of the affine's 3×3 part) */
export function spacingOf(a: ArrayLike<number>): [number, number, number] {
  return [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as [number, number, number];
}

/**
 * moving-image voxel index of every fixed voxel through a dense displacement field u (world
 * mm on the fixed grid, component-major 3·n³, y = x + u(x)), 3 per voxel
 */
function fieldIndex(moving: Grid, fixed: Grid, field: ArrayLike<number>): Float64Array {
  const [nx, ny, nz] = fixed.dims;
  const n3 = nx * ny * nz;
  if (field.length !== 3 * n3)
    throw new RangeError(`displacement field has ${field.length} values, expected ${3 * n3}`);
  const W = invert4(moving.affine);
  const F = fixed.affine;
  const out = new Float64Array(3 * n3);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const y0 = F[0] * i + F[1] * j + F[2] * k + F[3] + field[v];
        const y1 = F[4] * i + F[5] * j + F[6] * k + F[7] + field[n3 + v];
        const y2 = F[8] * i + F[9] * j + F[10] * k + F[11] + field[2 * n3 + v];
        for (let a = 0; a < 3; a++)
          out[3 * v + a] = snap(W[a * 4] * y0 + W[a * 4 + 1] * y1 + W[a * 4 + 2] * y2 + W[a * 4 + 3]);
      }
  return out;
}

/** Moving image resampled onto the fixed grid through a displacement field (trilinear; frames kept). */
export function resampleLinearField(
  moving: Volume,
  fixed: Grid,
  field: ArrayLike<number>,
  opts: { defaultValue?: number } = {},
): Volume {
  const dflt = opts.defaultValue ?? 0;
  const [nx, ny, nz] = fixed.dims;
  const [mx, my, mz] = moving.dims;
  const idx = fieldIndex(moving, fixed, field);
  const nf = frames(moving);
  const n3 = nx * ny * nz;
  const m3 = mx * my * mz;
  const out = new Float32Array(n3 * nf);
  for (let v = 0; v < n3; v++)
    for (let f = 0; f < nf; f++) {
      const val = trilinear(moving.data, mx, my, mz, idx[3 * v], idx[3 * v + 1], idx[3 * v + 2], f * m3);
      out[f * n3 + v] = Number.isNaN(val) ? dflt : val;
    }
  return {
    dims: nf > 1 ? [nx, ny, nz, ...moving.dims.slice(3)] : [nx, ny, nz],
    spacingMm: spacingOf(fixed.affine),
    affine: Float64Array.from(fixed.affine),
    data: out,
    frameS: moving.frameS,
  };
}

/** Label map resampled onto the fixed grid through a displacement field, nearest neighbour; outside → 0. */
export function resampleNearestField(labels: Volume, fixed: Grid, field: ArrayLike<number>): Volume {
  const [nx, ny, nz] = fixed.dims;
  const [mx, my, mz] = labels.dims;
  const idx = fieldIndex(labels, fixed, field);
  const out = new Float32Array(nx * ny * nz);
  for (let v = 0; v < out.length; v++) {
    const u = Math.round(idx[3 * v]);
    const w1 = Math.round(idx[3 * v + 1]);
    const w2 = Math.round(idx[3 * v + 2]);
    out[v] =
      u >= 0 && w1 >= 0 && w2 >= 0 && u < mx && w1 < my && w2 < mz ? labels.data[u + mx * (w1 + my * w2)] : 0;
  }
  return {
    dims: [nx, ny, nz],
    spacingMm: spacingOf(fixed.affine),
    affine: Float64Array.from(fixed.affine),
    data: out,
  };
}
