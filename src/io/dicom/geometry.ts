/**
 * DICOM image-plane geometry (PS3.3 C.7.6.2): a pixel (row r, column c) of a slice sits at
 * ImagePositionPatient + c·Δc·rowDir + r·Δr·colDir (LPS mm), where ImageOrientationPatient =
 * [rowDir, colDir] and PixelSpacing = [Δr (between rows), Δc (between columns)]. A stack of
 * slices is a NIfTI grid when every slice k sits at p₀ + k·s for one step vector s (not
 * necessarily along rowDir × colDir: a gantry tilt gives a sheared, still exact, affine).
 *
 * Voxel (i = column, j = row, k = slice) → RAS+: the LPS affine with its x and y rows negated.
 */
export type Vec3 = [number, number, number];

export const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const sub = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [
  a[0] - b[0],
  a[1] - b[1],
  a[2] - b[2],
];
export const addScaled = (a: ArrayLike<number>, b: ArrayLike<number>, k: number): Vec3 => [
  a[0] + k * b[0],
  a[1] + k * b[1],
  a[2] + k * b[2],
];
export const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));
export const cross = (a: ArrayLike<number>, b: ArrayLike<number>): Vec3 => [
  a[1] * b[2] - a[2] * b[1],
  a[2] * b[0] - a[0] * b[2],
  a[0] * b[1] - a[1] * b[0],
];

/** Direction cosines closer than this (per component) are one orientation. */
export const ORIENTATION_TOL = 1e-4;
/** Image positions closer than this (mm) are one position (the slices of a dynamic series). */
export const SAME_POSITION_MM = 0.01;
/** A slice is on a stack's grid when within min(1 % of the step, 0.05 mm) of p₀ + k·s. */
export const ON_GRID_REL = 0.01;
export const ON_GRID_MAX_MM = 0.05;

/** Why an ImageOrientationPatient value cannot be used, or null. */
export function orientationProblem(iop: number[]): string | null {
  if (iop.length !== 6 || !iop.every(Number.isFinite))
    return `ImageOrientationPatient ${JSON.stringify(iop)} is not 6 numbers`;
  const r = iop.slice(0, 3);
  const c = iop.slice(3, 6);
  if (Math.abs(norm(r) - 1) > 1e-3 || Math.abs(norm(c) - 1) > 1e-3)
    return `ImageOrientationPatient ${JSON.stringify(iop)} does not hold unit vectors`;
  if (Math.abs(dot(r, c)) > 1e-3)
    return `ImageOrientationPatient ${JSON.stringify(iop)} row and column are not orthogonal`;
  return null;
}

export function sameOrientation(a: number[], b: number[]): boolean {
  return a.every((v, i) => Math.abs(v - b[i]) <= ORIENTATION_TOL);
}

export function sliceNormal(iop: number[]): Vec3 {
  return cross(iop.slice(0, 3), iop.slice(3, 6));
}

export function onGridTolMm(stepMm: number): number {
  return Math.min(ON_GRID_REL * stepMm, ON_GRID_MAX_MM);
}

/**
 * RAS+ affine (row-major 4×4) of voxel (i = column, j = row, k = slice) for slices at
 * origin + k·step (LPS), PixelSpacing [Δr, Δc].
 */
export function rasAffine(
  iop: number[],
  pixelSpacing: [number, number],
  step: Vec3,
  origin: Vec3,
): Float64Array {
  const [dr, dc] = pixelSpacing;
  const lps = [0, 1, 2].map((a) => [iop[a] * dc, iop[3 + a] * dr, step[a], origin[a]]);
  return Float64Array.from([...lps[0].map((v) => -v), ...lps[1].map((v) => -v), ...lps[2], 0, 0, 0, 1]);
}
