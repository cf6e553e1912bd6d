/**
 * Rigid (6 dof) and affine (12 dof) spatial transforms in world space (NIfTI RAS+, mm), as 4×4
 * row-major matrices that map a point of the FIXED image's world to the corresponding point of
 * the MOVING image's world (the resampling direction, as ITK/elastix).
 *
 * Parametrisation about a fixed centre c (ITK "centered" transforms):
 *   y = M·(x − c) + c + t
 * rigid:  p = [θx, θy, θz (rad), tx, ty, tz (mm)], M = Rz(θz)·Ry(θy)·Rx(θx)
 * affine: p = [m00, m01, m02, m10, …, m22, tx, ty, tz]
 * The cost gradient is accumulated as G = ∂E/∂[M | t] (3×4) and mapped to the parameters by the
 * chain rule (∂E/∂θk = Σij Gij ∂Rij/∂θk).
 *
 * Max displacement between two affine maps over a box of points is attained at a corner of the
 * box (‖(A − B)x‖ is convex in x), so the 8 corners of the voxel-centre grid give it exactly.
 */
import { invertAffine } from "../image/volume.js";

export type TransformKind = "rigid" | "affine";

export type Mat4 = Float64Array;

export function identity4(): Mat4 {
  return Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
}

export function multiply4(a: ArrayLike<number>, b: ArrayLike<number>): Mat4 {
  const out = new Float64Array(16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += a[r * 4 + k] * b[k * 4 + c];
      out[r * 4 + c] = s;
    }
  return out;
}

/** inverse of a 4×4 affine matrix (last row 0 0 0 1): the one in core/image/volume */
export function invert4(m: ArrayLike<number>): Mat4 {
  return invertAffine(m);
}

export function applyPoint(m: ArrayLike<number>, p: ArrayLike<number>): [number, number, number] {
  return [
    m[0] * p[0] + m[1] * p[1] + m[2] * p[2] + m[3],
    m[4] * p[0] + m[5] * p[1] + m[6] * p[2] + m[7],
    m[8] * p[0] + m[9] * p[1] + m[10] * p[2] + m[11],
  ];
}

/** 3×3 rotation Rz·Ry·Rx (row-major, 9 entries) */
export function rotationMatrix(tx: number, ty: number, tz: number): number[] {
  const [cx, sx, cy, sy, cz, sz] = [
    Math.cos(tx),
    Math.sin(tx),
    Math.cos(ty),
    Math.sin(ty),
    Math.cos(tz),
    Math.sin(tz),
  ];
  return [
    cz * cy,
    cz * sy * sx - sz * cx,
    cz * sy * cx + sz * sx,
    sz * cy,
    sz * sy * sx + cz * cx,
    sz * sy * cx - cz * sx,
    -sy,
    cy * sx,
    cy * cx,
  ];
}

/** ∂R/∂θx, ∂R/∂θy, ∂R/∂θz (each 9 entries, row-major) */
export function rotationDerivatives(tx: number, ty: number, tz: number): number[][] {
  const [cx, sx, cy, sy, cz, sz] = [
    Math.cos(tx),
    Math.sin(tx),
    Math.cos(ty),
    Math.sin(ty),
    Math.cos(tz),
    Math.sin(tz),
  ];
  const dx = [
    0,
    cz * sy * cx + sz * sx,
    -cz * sy * sx + sz * cx,
    0,
    sz * sy * cx - cz * sx,
    -sz * sy * sx - cz * cx,
    0,
    cy * cx,
    -cy * sx,
  ];
  const dy = [
    -cz * sy,
    cz * cy * sx,
    cz * cy * cx,
    -sz * sy,
    sz * cy * sx,
    sz * cy * cx,
    -cy,
    -sy * sx,
    -sy * cx,
  ];
  const dz = [
    -sz * cy,
    -sz * sy * sx - cz * cx,
    -sz * sy * cx + cz * sx,
    cz * cy,
    cz * sy * sx - sz * cx,
    cz * sy * cx + sz * sx,
    0,
    0,
    0,
  ];
  return [dx, dy, dz];
}

export function parameterCount(kind: TransformKind): number {
  return kind === "rigid" ? 6 : 12;
}

export function identityParameters(kind: TransformKind): number[] {
  return kind === "rigid" ? [0, 0, 0, 0, 0, 0] : [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0];
}

/** the 3×3 linear part M (row-major) and translation t of the parameters */
export function linearPart(kind: TransformKind, p: ArrayLike<number>): { m: number[]; t: number[] } {
  if (kind === "rigid") return { m: rotationMatrix(p[0], p[1], p[2]), t: [p[3], p[4], p[5]] };
  return { m: Array.from(p).slice(0, 9), t: [p[9], p[10], p[11]] };
}

/** 4×4 matrix of y = M(x − c) + c + t */
export function parametersToMatrix(
  kind: TransformKind,
  p: ArrayLike<number>,
  centre: ArrayLike<number>,
): Mat4 {
  const { m, t } = linearPart(kind, p);
  const out = new Float64Array(16);
  for (let i = 0; i < 3; i++) {
    let mc = 0;
    for (let j = 0; j < 3; j++) {
      out[i * 4 + j] = m[i * 3 + j];
      mc += m[i * 3 + j] * centre[j];
    }
    out[i * 4 + 3] = centre[i] + t[i] - mc;
  }
  out[15] = 1;
  return out;
}

/** affine parameters about `centre` that reproduce a 4×4 matrix exactly */
export function matrixToAffineParameters(mat: ArrayLike<number>, centre: ArrayLike<number>): number[] {
  const p: number[] = [];
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) p.push(mat[i * 4 + j]);
  const y = applyPoint(mat, centre);
  for (let i = 0; i < 3; i++) p.push(y[i] - centre[i]);
  return p;
}

/**
 * Rigid parameters (Rz·Ry·Rx Euler angles) of a rotation+translation matrix; the rotation part
 * must be orthonormal (it is not checked here).
 */
export function matrixToRigidParameters(mat: ArrayLike<number>, centre: ArrayLike<number>): number[] {
  const r20 = mat[8];
  const ty = Math.asin(Math.max(-1, Math.min(1, -r20)));
  const tx = Math.atan2(mat[9], mat[10]);
  const tz = Math.atan2(mat[4], mat[0]);
  const y = applyPoint(mat, centre);
  return [tx, ty, tz, y[0] - centre[0], y[1] - centre[1], y[2] - centre[2]];
}

/** map the 3×4 gradient G = ∂E/∂[M | t] to the parameter gradient */
export function parameterGradient(kind: TransformKind, p: ArrayLike<number>, g: ArrayLike<number>): number[] {
  if (kind === "affine") return [g[0], g[1], g[2], g[4], g[5], g[6], g[8], g[9], g[10], g[3], g[7], g[11]];
  const d = rotationDerivatives(p[0], p[1], p[2]);
  const out = [0, 0, 0, g[3], g[7], g[11]];
  for (let k = 0; k < 3; k++) {
    let s = 0;
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += g[i * 4 + j] * d[k][i * 3 + j];
    out[k] = s;
  }
  return out;
}

/** the 8 corner voxel centres of a grid, in world mm */
export function gridCorners(grid: { dims: number[]; affine: ArrayLike<number> }): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (const k of [0, grid.dims[2] - 1])
    for (const j of [0, grid.dims[1] - 1])
      for (const i of [0, grid.dims[0] - 1]) out.push(applyPoint(grid.affine, [i, j, k]));
  return out;
}

/** max over the grid (its corners, exact for affine maps) of ‖A(x) − B(x)‖, mm */
export function maxDisplacementMm(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  grid: { dims: number[]; affine: ArrayLike<number> },
): number {
  let max = 0;
  for (const x of gridCorners(grid)) {
    const ya = applyPoint(a, x);
    const yb = applyPoint(b, x);
    max = Math.max(max, Math.hypot(ya[0] - yb[0], ya[1] - yb[1], ya[2] - yb[2]));
  }
  return max;
}

/** nested row-major 4×4 array (JSON) */
export function toNested(m: ArrayLike<number>): number[][] {
  return [0, 1, 2, 3].map((r) => [0, 1, 2, 3].map((c) => m[r * 4 + c]));
}

export function fromNested(rows: number[][]): Mat4 {
  return Float64Array.from(rows.flat());
}
