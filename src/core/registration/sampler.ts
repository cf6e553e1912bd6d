/**
 * Shared evaluation step of the similarity metrics: the fixed-image samples (world positions
 * relative to the transform centre, fixed intensities) are mapped through y = M·x′ + c + t into
 * the moving image (or through any map to world points y: mapWorld, used by the B-spline
 * transform), where the intensity I_m(y) and its world gradient ∇I_m(y) are interpolated either
 * trilinearly (value; gradient from a central-difference gradient image, as ITK's default for
 * Mattes MI) or with the cubic B-spline (value and its exact gradient, cubic.ts). Samples mapping
 * outside the moving image or its mask are dropped (ITK/elastix behaviour). The metrics then turn
 * ∂E/∂I_m per sample into the 3×4 gradient ∂E/∂[M | t] (see accumulateGradient).
 */
import type { Volume } from "../image/volume.js";
import { type CubicSampler, cubicCoefficients, cubicSampler } from "./cubic.js";
import { voxelGradient } from "./pyramid.js";
import { trilinear } from "./resample.js";
import { invert4, linearPart, type TransformKind } from "./transform.js";

export interface Samples {
  n: number;
  /** world position minus centre, 3 per sample */
  x: Float64Array;
  /** fixed intensity */
  f: Float64Array;
}

export interface MovingLevel {
  dims: number[];
  data: ArrayLike<number>;
  grad: [Float32Array, Float32Array, Float32Array];
  /** world → voxel, 4×4 */
  toVoxel: Float64Array;
  mask?: { dims: number[]; data: ArrayLike<number>; toVoxel: Float64Array };
  min: number;
  max: number;
  /** cubic B-spline interpolant (value and exact gradient) instead of trilinear, when set */
  cubic?: CubicSampler;
}

export type Interpolation = "linear" | "cubic";

export function movingLevel(v: Volume, mask?: Volume, interpolation: Interpolation = "linear"): MovingLevel {
  const dims = v.dims.slice(0, 3);
  const n = dims[0] * dims[1] * dims[2];
  const data = v.data.subarray(0, n);
  const coef = interpolation === "cubic" ? cubicCoefficients(data, dims) : null;
  // histogram range = the samples' range (a cubic interpolant's overshoot beyond it is clamped by
  // the metric; widening the range to the coefficients' instead coarsens the bins and costs accuracy)
  const range = data;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (range[i] < min) min = range[i];
    if (range[i] > max) max = range[i];
  }
  return {
    dims,
    data,
    grad: coef ? EMPTY_GRAD : voxelGradient(data, dims),
    cubic: coef ? cubicSampler(coef, dims) : undefined,
    toVoxel: invert4(v.affine),
    mask: mask ? { dims: mask.dims, data: mask.data, toVoxel: invert4(mask.affine) } : undefined,
    min,
    max,
  };
}

const EMPTY_GRAD: [Float32Array, Float32Array, Float32Array] = [
  new Float32Array(0),
  new Float32Array(0),
  new Float32Array(0),
];

export interface Mapped {
  valid: Uint8Array;
  count: number;
  m: Float64Array;
  /** world gradient of the moving image at the mapped point, 3 per sample */
  dm: Float64Array;
}

export function mapSamples(
  kind: TransformKind,
  p: ArrayLike<number>,
  centre: ArrayLike<number>,
  s: Samples,
  mv: MovingLevel,
): Mapped {
  const { m, t } = linearPart(kind, p);
  const b = [centre[0] + t[0], centre[1] + t[1], centre[2] + t[2]];
  const y = new Float64Array(3 * s.n);
  for (let q = 0; q < s.n; q++) {
    const x0 = s.x[3 * q];
    const x1 = s.x[3 * q + 1];
    const x2 = s.x[3 * q + 2];
    y[3 * q] = m[0] * x0 + m[1] * x1 + m[2] * x2 + b[0];
    y[3 * q + 1] = m[3] * x0 + m[4] * x1 + m[5] * x2 + b[1];
    y[3 * q + 2] = m[6] * x0 + m[7] * x1 + m[8] * x2 + b[2];
  }
  return mapWorld(y, mv);
}

/** moving intensity and world gradient at world points y (3 per sample) */
export function mapWorld(y: Float64Array, mv: MovingLevel): Mapped {
  const n = y.length / 3;
  const W = mv.toVoxel;
  const [nx, ny, nz] = mv.dims;
  const valid = new Uint8Array(n);
  const mval = new Float64Array(n);
  const dm = new Float64Array(3 * n);
  const mk = mv.mask;
  const cub = mv.cubic;
  const g3 = new Float64Array(3);
  let count = 0;
  for (let q = 0; q < n; q++) {
    const y0 = y[3 * q];
    const y1 = y[3 * q + 1];
    const y2 = y[3 * q + 2];
    const u = W[0] * y0 + W[1] * y1 + W[2] * y2 + W[3];
    const v = W[4] * y0 + W[5] * y1 + W[6] * y2 + W[7];
    const w = W[8] * y0 + W[9] * y1 + W[10] * y2 + W[11];
    const val = cub ? cub.sample(u, v, w, g3) : trilinear(mv.data, nx, ny, nz, u, v, w);
    if (Number.isNaN(val)) continue;
    if (mk) {
      const T = mk.toVoxel;
      const a = Math.round(T[0] * y0 + T[1] * y1 + T[2] * y2 + T[3]);
      const bb = Math.round(T[4] * y0 + T[5] * y1 + T[6] * y2 + T[7]);
      const cc = Math.round(T[8] * y0 + T[9] * y1 + T[10] * y2 + T[11]);
      const [kx, ky, kz] = mk.dims;
      if (
        a < 0 ||
        bb < 0 ||
        cc < 0 ||
        a >= kx ||
        bb >= ky ||
        cc >= kz ||
        !(mk.data[a + kx * (bb + ky * cc)] > 0)
      )
        continue;
    }
    const gu = cub ? g3[0] : trilinear(mv.grad[0], nx, ny, nz, u, v, w);
    const gv = cub ? g3[1] : trilinear(mv.grad[1], nx, ny, nz, u, v, w);
    const gw = cub ? g3[2] : trilinear(mv.grad[2], nx, ny, nz, u, v, w);
    // world gradient = Wᵀ·∇_voxel (3×3 part)
    dm[3 * q] = W[0] * gu + W[4] * gv + W[8] * gw;
    dm[3 * q + 1] = W[1] * gu + W[5] * gv + W[9] * gw;
    dm[3 * q + 2] = W[2] * gu + W[6] * gv + W[10] * gw;
    mval[q] = val;
    valid[q] = 1;
    count++;
  }
  return { valid, count, m: mval, dm };
}

/** G(3×4) += dEdm·∇I_m ⊗ [x′, 1] summed over valid samples */
export function accumulateGradient(s: Samples, mp: Mapped, dEdm: Float64Array): Float64Array {
  const g = new Float64Array(12);
  for (let q = 0; q < s.n; q++) {
    if (!mp.valid[q]) continue;
    const e = dEdm[q];
    if (e === 0) continue;
    const x0 = s.x[3 * q];
    const x1 = s.x[3 * q + 1];
    const x2 = s.x[3 * q + 2];
    for (let i = 0; i < 3; i++) {
      const d = e * mp.dm[3 * q + i];
      g[i * 4] += d * x0;
      g[i * 4 + 1] += d * x1;
      g[i * 4 + 2] += d * x2;
      g[i * 4 + 3] += d;
    }
  }
  return g;
}

export interface MetricValue {
  value: number;
  /** ∂value/∂[M | t], 3×4 row-major */
  gradient: Float64Array;
  validSamples: number;
}
