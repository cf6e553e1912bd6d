/**
 * Image volumes in memory: 3D or 4D scalar images, x fastest (NIfTI order), with the voxel →
 * world (RAS+ mm, NIfTI/nibabel convention) affine. Values are already scaled (scl_slope/inter).
 * float32 storage unless the source is float64 (a 256×256×64×60 series stays 1 GB, not 2).
 */
export interface Volume {
  /** [nx, ny, nz] or [nx, ny, nz, nt] */
  dims: number[];
  /** voxel size (mm) */
  spacingMm: [number, number, number];
  /** 4×4 row-major voxel (i, j, k) → world (x, y, z) mm */
  affine: Float64Array;
  data: Float32Array | Float64Array;
  /** frame duration or repetition time (s) for 4D images (pixdim[4]) */
  frameS?: number;
}

export function voxelCount3d(v: Volume): number {
  return v.dims[0] * v.dims[1] * v.dims[2];
}

export function frameCount(v: Volume): number {
  return v.dims.length > 3 ? v.dims.slice(3).reduce((a, b) => a * b, 1) : 1;
}

/** voxel volume in mm³ = |det| of the affine's 3×3 part */
export function voxelVolumeMm3(affine: ArrayLike<number>): number {
  const [a, b, c, , d, e, f, , g, h, i] = Array.from(affine);
  return Math.abs(a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g));
}

export function identityAffine(spacing: [number, number, number]): Float64Array {
  return Float64Array.from([spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0, 0, 0, 0, 1]);
}

/** inverse of a 4×4 affine (row-major) */
export function invertAffine(m: ArrayLike<number>): Float64Array {
  const a = Array.from(m);
  const r = [a[0], a[1], a[2], a[4], a[5], a[6], a[8], a[9], a[10]];
  const det =
    r[0] * (r[4] * r[8] - r[5] * r[7]) -
    r[1] * (r[3] * r[8] - r[5] * r[6]) +
    r[2] * (r[3] * r[7] - r[4] * r[6]);
  const inv = [
    (r[4] * r[8] - r[5] * r[7]) / det,
    (r[2] * r[7] - r[1] * r[8]) / det,
    (r[1] * r[5] - r[2] * r[4]) / det,
    (r[5] * r[6] - r[3] * r[8]) / det,
    (r[0] * r[8] - r[2] * r[6]) / det,
    (r[2] * r[3] - r[0] * r[5]) / det,
    (r[3] * r[7] - r[4] * r[6]) / det,
    (r[1] * r[6] - r[0] * r[7]) / det,
    (r[0] * r[4] - r[1] * r[3]) / det,
  ];
  const t = [a[3], a[7], a[11]];
  const it = [0, 1, 2].map((i) => -(inv[3 * i] * t[0] + inv[3 * i + 1] * t[1] + inv[3 * i + 2] * t[2]));
  return Float64Array.from([
    inv[0],
    inv[1],
    inv[2],
    it[0],
    inv[3],
    inv[4],
    inv[5],
    it[1],
    inv[6],
    inv[7],
    inv[8],
    it[2],
    0,
    0,
    0,
    1,
  ]);
}

/**
 * Nearest-neighbour resampling of a label map onto a target grid through the two affines
 * (world = A_target·ijk; label ijk = round(A_label⁻¹·world)). Outside the label grid → 0.
 */
export function resampleLabelsNearest(
  labels: Volume,
  target: { dims: number[]; affine: ArrayLike<number> },
): Int32Array {
  const [nx, ny, nz] = target.dims;
  const [lx, ly, lz] = labels.dims;
  const m = invertAffine(labels.affine);
  const a = target.affine;
  // combined voxel→voxel map
  const c = new Float64Array(12);
  for (let r = 0; r < 3; r++) {
    for (let col = 0; col < 4; col++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += m[r * 4 + k] * a[k * 4 + col];
      c[r * 4 + col] = s;
    }
  }
  const out = new Int32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const u = Math.round(c[0] * i + c[1] * j + c[2] * k + c[3]);
        const v = Math.round(c[4] * i + c[5] * j + c[6] * k + c[7]);
        const w = Math.round(c[8] * i + c[9] * j + c[10] * k + c[11]);
        out[i + nx * (j + ny * k)] =
          u >= 0 && v >= 0 && w >= 0 && u < lx && v < ly && w < lz ? labels.data[u + lx * (v + ly * w)] : 0;
      }
  return out;
}
