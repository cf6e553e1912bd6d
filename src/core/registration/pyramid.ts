/**
 * Gaussian image pyramid for multi-resolution registration (as elastix's
 * FixedSmoothingImagePyramid followed by ITK's ShrinkImageFilter): per level the image is
 * smoothed with a separable sampled Gaussian (σ in voxels, kernel radius ⌈3σ⌉, normalised, edges
 * clamped), then subsampled by an integer factor per axis. A new voxel i′ sits at the centre of
 * the block it replaces, i = f·i′ + (f − 1)/2, so the world affine becomes A·[diag(f) | (f − 1)/2]
 * and world positions are preserved across levels. Masks are subsampled by nearest neighbour.
 * Also: central-difference intensity gradient (voxel units) used by the metrics.
 */
import type { Volume } from "../image/volume.js";
import { spacingOf } from "./resample.js";

/** separable Gaussian smoothing of a 3D image (σ per axis in voxels; 0 = none) */
export function gaussianSmooth(
  data: ArrayLike<number>,
  dims: number[],
  sigmaVox: [number, number, number],
): Float32Array {
  const [nx, ny, nz] = dims;
  let cur = Float32Array.from(data as ArrayLike<number>);
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  for (let axis = 0; axis < 3; axis++) {
    const s = sigmaVox[axis];
    if (!(s > 0) || sizes[axis] < 2) continue;
    const r = Math.max(1, Math.ceil(3 * s));
    const kernel = new Float64Array(2 * r + 1);
    let sum = 0;
    for (let d = -r; d <= r; d++) sum += kernel[d + r] = Math.exp((-0.5 * d * d) / (s * s));
    for (let d = 0; d < kernel.length; d++) kernel[d] /= sum;
    const next = new Float32Array(cur.length);
    const st = strides[axis];
    const n = sizes[axis];
    for (let idx = 0; idx < cur.length; idx++) {
      const pos = Math.floor(idx / st) % n;
      const base = idx - pos * st;
      let acc = 0;
      for (let d = -r; d <= r; d++) {
        let q = pos + d;
        if (q < 0) q = 0;
        else if (q >= n) q = n - 1;
        acc += kernel[d + r] * cur[base + q * st];
      }
      next[idx] = acc;
    }
    cur = next;
  }
  return cur;
}

/** subsample by integer factors (block-centre positions; values by nearest = the smoothed sample) */
export function shrink(v: Volume, f: [number, number, number]): Volume {
  const [nx, ny, nz] = v.dims;
  const ox = [0, 1, 2].map((a) => (f[a] - 1) / 2);
  const nd = [0, 1, 2].map((a) => Math.max(1, Math.floor(v.dims[a] / f[a])));
  const out = new Float32Array(nd[0] * nd[1] * nd[2]);
  for (let k = 0; k < nd[2]; k++)
    for (let j = 0; j < nd[1]; j++)
      for (let i = 0; i < nd[0]; i++) {
        // continuous source index f·i′ + (f−1)/2: average the 2^d nearest when it is half-integer
        const src = [f[0] * i + ox[0], f[1] * j + ox[1], f[2] * k + ox[2]];
        const lo = src.map((s) => Math.floor(s));
        const hi = src.map((s, a) => Math.min([nx, ny, nz][a] - 1, Math.ceil(s)));
        let acc = 0;
        let n = 0;
        for (let c = lo[2]; c <= hi[2]; c++)
          for (let b = lo[1]; b <= hi[1]; b++)
            for (let a = lo[0]; a <= hi[0]; a++) {
              acc += v.data[a + nx * (b + ny * c)];
              n++;
            }
        out[i + nd[0] * (j + nd[1] * k)] = acc / n;
      }
  const A = v.affine;
  const aff = new Float64Array(16);
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) aff[r * 4 + c] = A[r * 4 + c] * f[c];
    aff[r * 4 + 3] = A[r * 4 + 3] + A[r * 4] * ox[0] + A[r * 4 + 1] * ox[1] + A[r * 4 + 2] * ox[2];
  }
  aff[15] = 1;
  return { dims: nd, spacingMm: spacingOf(aff), affine: aff, data: out };
}

/** binary mask subsampled to a shrunk grid by nearest neighbour (≥ 0.5 of the block → 1) */
export function shrinkMask(mask: Volume, f: [number, number, number]): Volume {
  const s = shrink(mask, f);
  for (let i = 0; i < s.data.length; i++) s.data[i] = s.data[i] >= 0.5 ? 1 : 0;
  return s;
}

export interface PyramidLevel {
  factors: [number, number, number];
  sigmaVox: [number, number, number];
}

/**
 * Default schedule: `levels` levels with shrink factors 2^(L−1) … 1 (an axis is not shrunk below
 * 8 voxels) and σ = 0.5·factor voxels (none at full resolution: smoothing there biased affine MI on the phantoms)'s default pyramid.
 */
export function defaultSchedule(dims: number[], levels: number): PyramidLevel[] {
  const out: PyramidLevel[] = [];
  for (let l = levels - 1; l >= 0; l--) {
    const f = [0, 1, 2].map((a) => {
      let g = 2 ** l;
      while (g > 1 && dims[a] / g < 8) g /= 2;
      return g;
    }) as [number, number, number];
    out.push({ factors: f, sigmaVox: f.map((g) => (g > 1 ? 0.5 * g : 0)) as [number, number, number] });
  }
  return out;
}

export function pyramidLevel(v: Volume, level: PyramidLevel): Volume {
  const first = {
    ...v,
    dims: v.dims.slice(0, 3),
    data: v.data.subarray(0, v.dims[0] * v.dims[1] * v.dims[2]),
  };
  if (level.factors.every((f) => f === 1) && level.sigmaVox.every((s) => !(s > 0))) return first;
  const sm = gaussianSmooth(first.data, first.dims, level.sigmaVox);
  return shrink({ ...first, data: sm }, level.factors);
}

/** central-difference gradient in voxel units (one-sided at the edges), 3 arrays */
export function voxelGradient(
  data: ArrayLike<number>,
  dims: number[],
): [Float32Array, Float32Array, Float32Array] {
  const [nx, ny, nz] = dims;
  const g: [Float32Array, Float32Array, Float32Array] = [
    new Float32Array(nx * ny * nz),
    new Float32Array(nx * ny * nz),
    new Float32Array(nx * ny * nz),
  ];
  const st = [1, nx, nx * ny];
  const n = [nx, ny, nz];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        const pos = [i, j, k];
        for (let a = 0; a < 3; a++) {
          if (n[a] < 2) continue;
          const lo = pos[a] > 0 ? idx - st[a] : idx;
          const hi = pos[a] < n[a] - 1 ? idx + st[a] : idx;
          g[a][idx] = (data[hi] - data[lo]) / ((hi - lo) / st[a]);
        }
      }
  return g;
}
