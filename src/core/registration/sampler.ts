/**
 * Shared evaluation step of the similarity metrics: the fixed-image samples (world positions
 * relative to the transform centre, fixed intensities) are mapped through y = M·x′ + c + t into
 * the moving image, where the intensity I_m(y) and its world gradient ∇I_m(y) are interpolated
 * trilinearly (from a central-difference gradient image, as ITK's default for Mattes MI). Samples
 * mapping outside the moving image or its mask are dropped (ITK/elastix behaviour). The metrics
 * then turn ∂E/∂I_m per sample into the 3×4 gradient ∂E/∂[M | t] (see accumulateGradient).
 */
import type { Volume } from "../image/volume.js";
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
}

export function movingLevel(v: Volume, mask?: Volume): MovingLevel {
  const dims = v.dims.slice(0, 3);
  const n = dims[0] * dims[1] * dims[2];
  const data = v.data.subarray(0, n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  return {
    dims,
    data,
    grad: voxelGradient(data, dims),
    toVoxel: invert4(v.affine),
    mask: mask ? { dims: mask.dims, data: mask.data, toVoxel: invert4(mask.affine) } : undefined,
    min,
    max,
  };
}

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
  const W = mv.toVoxel;
  // voxel(u) = W·(M·x′ + b): combined 3×4
  const c = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 3; col++)
      c[r * 4 + col] = W[r * 4] * m[col] + W[r * 4 + 1] * m[3 + col] + W[r * 4 + 2] * m[6 + col];
    c[r * 4 + 3] = W[r * 4] * b[0] + W[r * 4 + 1] * b[1] + W[r * 4 + 2] * b[2] + W[r * 4 + 3];
  }
  const [nx, ny, nz] = mv.dims;
  const valid = new Uint8Array(s.n);
  const mval = new Float64Array(s.n);
  const dm = new Float64Array(3 * s.n);
  const mk = mv.mask;
  let count = 0;
  for (let q = 0; q < s.n; q++) {
    const x0 = s.x[3 * q];
    const x1 = s.x[3 * q + 1];
    const x2 = s.x[3 * q + 2];
    const u = c[0] * x0 + c[1] * x1 + c[2] * x2 + c[3];
    const v = c[4] * x0 + c[5] * x1 + c[6] * x2 + c[7];
    const w = c[8] * x0 + c[9] * x1 + c[10] * x2 + c[11];
    const val = trilinear(mv.data, nx, ny, nz, u, v, w);
    if (Number.isNaN(val)) continue;
    if (mk) {
      const T = mk.toVoxel;
      const y0 = m[0] * x0 + m[1] * x1 + m[2] * x2 + b[0];
      const y1 = m[3] * x0 + m[4] * x1 + m[5] * x2 + b[1];
      const y2 = m[6] * x0 + m[7] * x1 + m[8] * x2 + b[2];
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
    const gu = trilinear(mv.grad[0], nx, ny, nz, u, v, w);
    const gv = trilinear(mv.grad[1], nx, ny, nz, u, v, w);
    const gw = trilinear(mv.grad[2], nx, ny, nz, u, v, w);
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
