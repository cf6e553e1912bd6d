/**
 * Cubic B-spline free-form deformation (Rueckert et al., IEEE TMI 18:712, 1999; elastix
 * "BSplineTransform", Klein et al., IEEE TMI 29:196, 2010) on top of an affine map A (fixed
 * world → moving world, 4×4):
 *   T(x) = A·x + D(x),  D(x) = Σ_c φ_c β³(g₀ − c₀) β³(g₁ − c₁) β³(g₂ − c₂)
 * with φ_c ∈ ℝ³ (mm, moving world) on a regular control grid aligned with the fixed image's voxel
 * axes: g = i/s + 1 (i = continuous fixed voxel index, s = control spacing in voxels), so control
 * point c sits at fixed voxel (c − 1)·s and the grid, n = ⌊(N − 1)/s⌋ + 4 points per axis, covers
 * the fixed image with the cubic support. The displacement field written out is
 * u(x) = T(x) − x (world mm on the fixed grid, as ITK/elastix displacement fields).
 *
 * Gradient (chain rule): ∂E/∂φ_c = Σ_x ∂E/∂I_m(x) · ∇I_m(T(x)) · β_c(x).
 * Bending energy (Rueckert 1999, eq. 6), averaged over P points:
 *   E_b = (1/P) Σ_p Σ_a Σ_ij (∂²D_a/∂x_i∂x_j)²   (mm⁻¹², i, j over the fixed voxel axes in mm)
 * Grid refinement to half spacing is exact (B-spline subdivision, de Boor 1978):
 *   c′_{2k} = (c_{k−1} + 6c_k + c_{k+1})/8,  c′_{2k+1} = (c_k + c_{k+1})/2.
 */
import { cubicWeights } from "./cubic.js";
import { applyPoint, invert4 } from "./transform.js";

export interface ControlGrid {
  /** control points per axis */
  size: [number, number, number];
  /** control spacing in fixed voxels per axis */
  spacingVox: [number, number, number];
  /** control spacing in mm per axis */
  spacingMm: [number, number, number];
  /** fixed world → fixed voxel index, 4×4 */
  toIndex: Float64Array;
  /** the fixed grid (dims and voxel → world affine) the control grid is laid on */
  fixed: { dims: number[]; affine: Float64Array };
}

export function controlGrid(
  fixed: { dims: number[]; affine: ArrayLike<number> },
  spacingMm: number,
): ControlGrid {
  const a = fixed.affine;
  const vox = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c]));
  const sv = vox.map((v) => spacingMm / v) as [number, number, number];
  return gridWithSpacing(fixed, sv);
}

function gridWithSpacing(
  fixed: { dims: number[]; affine: ArrayLike<number> },
  sv: [number, number, number],
): ControlGrid {
  const a = fixed.affine;
  const vox = [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c]));
  const size = [0, 1, 2].map((d) => Math.floor((fixed.dims[d] - 1) / sv[d] + 1e-9) + 4) as [
    number,
    number,
    number,
  ];
  return {
    size,
    spacingVox: sv,
    spacingMm: [sv[0] * vox[0], sv[1] * vox[1], sv[2] * vox[2]],
    toIndex: invert4(a),
    fixed: { dims: fixed.dims.slice(0, 3), affine: Float64Array.from(a) },
  };
}

export function controlCount(g: ControlGrid): number {
  return g.size[0] * g.size[1] * g.size[2];
}

/** per-point support: first control index per axis and the 4 weights per axis */
export interface Support {
  n: number;
  base: Int32Array;
  w: Float64Array;
  /** ∂weights/∂g per axis (12 per point), for Jacobians and bending energy */
  dw?: Float64Array;
  d2w?: Float64Array;
}

/** supports of world points (3 per point) */
export function support(g: ControlGrid, world: Float64Array, derivatives = false): Support {
  const n = world.length / 3;
  const base = new Int32Array(3 * n);
  const w = new Float64Array(12 * n);
  const dw = derivatives ? new Float64Array(12 * n) : undefined;
  const d2w = derivatives ? new Float64Array(12 * n) : undefined;
  const T = g.toIndex;
  const tw = new Float64Array(4);
  const tdw = new Float64Array(4);
  for (let q = 0; q < n; q++) {
    const x = world[3 * q];
    const y = world[3 * q + 1];
    const z = world[3 * q + 2];
    for (let a = 0; a < 3; a++) {
      const idx = T[a * 4] * x + T[a * 4 + 1] * y + T[a * 4 + 2] * z + T[a * 4 + 3];
      const gc = idx / g.spacingVox[a] + 1;
      let f = Math.floor(gc);
      // clamp into the grid (points on or just beyond the fixed image's last voxel)
      if (f < 1) f = 1;
      if (f > g.size[a] - 3) f = g.size[a] - 3;
      const t = gc - f;
      base[3 * q + a] = f - 1;
      cubicWeights(t, tw, tdw);
      for (let m = 0; m < 4; m++) {
        w[12 * q + 4 * a + m] = tw[m];
        if (dw) dw[12 * q + 4 * a + m] = tdw[m];
      }
      if (d2w) {
        // second derivatives of the 4 segment weights: (1 − t), 3t − 2, 1 − 3t… (β³″ pieces)
        d2w[12 * q + 4 * a] = 1 - t;
        d2w[12 * q + 4 * a + 1] = 3 * t - 2;
        d2w[12 * q + 4 * a + 2] = 1 - 3 * t;
        d2w[12 * q + 4 * a + 3] = t;
      }
    }
  }
  return { n, base, w, dw, d2w };
}

/** D(x) at the supported points → out (3 per point), coefficients component-major (3·N) */
export function displacement(g: ControlGrid, s: Support, coef: Float64Array, out: Float64Array): void {
  const [n0, n1] = g.size;
  const N = controlCount(g);
  for (let q = 0; q < s.n; q++) {
    const b0 = s.base[3 * q];
    const b1 = s.base[3 * q + 1];
    const b2 = s.base[3 * q + 2];
    const o = 12 * q;
    let d0 = 0;
    let d1 = 0;
    let d2 = 0;
    for (let k = 0; k < 4; k++) {
      const wz = s.w[o + 8 + k];
      for (let j = 0; j < 4; j++) {
        const wyz = s.w[o + 4 + j] * wz;
        const row = b0 + n0 * (b1 + j + n1 * (b2 + k));
        for (let i = 0; i < 4; i++) {
          const wt = s.w[o + i] * wyz;
          const c = row + i;
          d0 += wt * coef[c];
          d1 += wt * coef[N + c];
          d2 += wt * coef[2 * N + c];
        }
      }
    }
    out[3 * q] = d0;
    out[3 * q + 1] = d1;
    out[3 * q + 2] = d2;
  }
}

/** grad[a·N + c] += Σ_q v_a(q) β_c(x_q) (v: 3 per point; points with v = 0 skipped) */
export function accumulate(g: ControlGrid, s: Support, v: Float64Array, grad: Float64Array): void {
  const [n0, n1] = g.size;
  const N = controlCount(g);
  for (let q = 0; q < s.n; q++) {
    const v0 = v[3 * q];
    const v1 = v[3 * q + 1];
    const v2 = v[3 * q + 2];
    if (v0 === 0 && v1 === 0 && v2 === 0) continue;
    const b0 = s.base[3 * q];
    const b1 = s.base[3 * q + 1];
    const b2 = s.base[3 * q + 2];
    const o = 12 * q;
    for (let k = 0; k < 4; k++) {
      const wz = s.w[o + 8 + k];
      for (let j = 0; j < 4; j++) {
        const wyz = s.w[o + 4 + j] * wz;
        const row = b0 + n0 * (b1 + j + n1 * (b2 + k));
        for (let i = 0; i < 4; i++) {
          const wt = s.w[o + i] * wyz;
          const c = row + i;
          grad[c] += wt * v0;
          grad[N + c] += wt * v1;
          grad[2 * N + c] += wt * v2;
        }
      }
    }
  }
}

// the 6 second-derivative pairs (i ≤ j) and their multiplicity in Σ_ij
const PAIRS: [number, number, number][] = [
  [0, 0, 1],
  [1, 1, 1],
  [2, 2, 1],
  [0, 1, 2],
  [0, 2, 2],
  [1, 2, 2],
];

/**
 * Bending energy E_b (mm⁻²) at the supported points (support(…, true)) and its gradient
 * (added, times `weight`, to grad when given). Returns E_b.
 */
export function bendingEnergy(
  g: ControlGrid,
  s: Support,
  coef: Float64Array,
  weight = 1,
  grad?: Float64Array,
): number {
  const dw = s.dw;
  const d2w = s.d2w;
  if (!dw || !d2w) throw new Error("bendingEnergy needs a support with derivatives");
  const [n0, n1] = g.size;
  const N = controlCount(g);
  const h = g.spacingMm;
  // per pair p: derivative order along x, y, z, multiplicity × 1/(h_i h_j)
  const ord = PAIRS.map(([i, j]) => [0, 1, 2].map((a) => (a === i ? 1 : 0) + (a === j ? 1 : 0)));
  const sc = PAIRS.map(([i, j, m]) => [m, 1 / (h[i] * h[j])]);
  const W = [new Float64Array(12), new Float64Array(12), new Float64Array(12)]; // [order][axis·4 + m]
  const c = new Float64Array(192); // gathered coefficients [a][k][j][i]
  const idx = new Int32Array(64);
  const H = new Float64Array(18);
  const tmpY = new Float64Array(16);
  let e = 0;
  for (let q = 0; q < s.n; q++) {
    const b0 = s.base[3 * q];
    const b1 = s.base[3 * q + 1];
    const b2 = s.base[3 * q + 2];
    for (let m = 0; m < 12; m++) {
      W[0][m] = s.w[12 * q + m];
      W[1][m] = dw[12 * q + m];
      W[2][m] = d2w[12 * q + m];
    }
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 4; j++)
        for (let i = 0; i < 4; i++) idx[i + 4 * (j + 4 * k)] = b0 + i + n0 * (b1 + j + n1 * (b2 + k));
    for (let a = 0; a < 3; a++) for (let t = 0; t < 64; t++) c[64 * a + t] = coef[a * N + idx[t]];
    // H[a][p] = Σ_ijk c_ijk Wx[ox]_i Wy[oy]_j Wz[oz]_k / (h h), separably
    for (let p = 0; p < 6; p++) {
      const [ox, oy, oz] = ord[p];
      const wx = W[ox];
      const wy = W[oy];
      const wz = W[oz];
      for (let a = 0; a < 3; a++) {
        const base = 64 * a;
        for (let t = 0; t < 16; t++) {
          const o = base + 4 * t;
          tmpY[t] = c[o] * wx[0] + c[o + 1] * wx[1] + c[o + 2] * wx[2] + c[o + 3] * wx[3];
        }
        let acc = 0;
        for (let k = 0; k < 4; k++) {
          const o = 4 * k;
          acc +=
            (tmpY[o] * wy[4] + tmpY[o + 1] * wy[5] + tmpY[o + 2] * wy[6] + tmpY[o + 3] * wy[7]) * wz[8 + k];
        }
        H[6 * a + p] = acc * sc[p][1];
      }
    }
    for (let a = 0; a < 3; a++) for (let p = 0; p < 6; p++) e += sc[p][0] * H[6 * a + p] ** 2;
    if (grad) {
      const f = (2 * weight) / s.n;
      for (let p = 0; p < 6; p++) {
        const [ox, oy, oz] = ord[p];
        const wx = W[ox];
        const wy = W[oy];
        const wz = W[oz];
        const m = sc[p][0] * sc[p][1] * f;
        const h0 = H[p] * m;
        const h1 = H[6 + p] * m;
        const h2 = H[12 + p] * m;
        for (let k = 0; k < 4; k++)
          for (let j = 0; j < 4; j++) {
            const wyz = wy[4 + j] * wz[8 + k];
            for (let i = 0; i < 4; i++) {
              const wt = wx[i] * wyz;
              const cIdx = idx[i + 4 * (j + 4 * k)];
              grad[cIdx] += h0 * wt;
              grad[N + cIdx] += h1 * wt;
              grad[2 * N + cIdx] += h2 * wt;
            }
          }
      }
    }
  }
  return e / s.n;
}

/** coefficients on the grid of half the spacing that represent the same D exactly */
export function refine(g: ControlGrid, coef: Float64Array): { grid: ControlGrid; coef: Float64Array } {
  const ng = gridWithSpacing(g.fixed, [g.spacingVox[0] / 2, g.spacingVox[1] / 2, g.spacingVox[2] / 2]);
  let cur = coef;
  let size = [...g.size];
  // tensor-product subdivision, one axis at a time; new control j ↔ refined knot r = j + 1 of
  // the old spline (old control k sits at voxel (k − 1)·s, new j at (j − 1)·s/2), coefficients
  // beyond the old grid are 0 (the old D is exactly the sum over its own coefficients)
  for (let axis = 0; axis < 3; axis++) {
    const nOld = size[axis];
    const nNew = ng.size[axis];
    const newSize = [...size];
    newSize[axis] = nNew;
    const Nold = size[0] * size[1] * size[2];
    const Nnew = newSize[0] * newSize[1] * newSize[2];
    const next = new Float64Array(3 * Nnew);
    const stride = (sz: number[]) => (axis === 0 ? 1 : axis === 1 ? sz[0] : sz[0] * sz[1]);
    const stOld = stride(size);
    const stNew = stride(newSize);
    // the other two axes' index ranges
    const others = [0, 1, 2].filter((a) => a !== axis);
    for (let u = 0; u < size[others[0]]; u++)
      for (let w = 0; w < size[others[1]]; w++) {
        const pos = [0, 0, 0];
        pos[others[0]] = u;
        pos[others[1]] = w;
        const lineOld = pos[0] + size[0] * (pos[1] + size[1] * pos[2]);
        const lineNew = pos[0] + newSize[0] * (pos[1] + newSize[1] * pos[2]);
        for (let comp = 0; comp < 3; comp++) {
          const at = (k: number) => (k >= 0 && k < nOld ? cur[comp * Nold + lineOld + k * stOld] : 0);
          for (let j = 0; j < nNew; j++) {
            const r = j + 1;
            const k = r >> 1;
            const v = r % 2 === 0 ? (at(k - 1) + 6 * at(k) + at(k + 1)) / 8 : (at(k) + at(k + 1)) / 2;
            next[comp * Nnew + lineNew + j * stNew] = v;
          }
        }
      }
    cur = next;
    size = newSize;
  }
  return { grid: ng, coef: cur };
}

/**
 * Dense displacement field u(x) = A·x + D(x) − x on the fixed grid, component-major
 * (u_a of voxel v at a·n³ + v, the layout of a 5D NIfTI vector image), world mm.
 */
export function denseField(g: ControlGrid, coef: Float64Array, affine: ArrayLike<number>): Float32Array {
  const [nx, ny, nz] = g.fixed.dims;
  const n3 = nx * ny * nz;
  const out = new Float32Array(3 * n3);
  // one z-slice at a time keeps the support arrays small
  const world = new Float64Array(3 * nx * ny);
  const d = new Float64Array(3 * nx * ny);
  const F = g.fixed.affine;
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p = applyPoint(F, [i, j, k]);
        const q = i + nx * j;
        world[3 * q] = p[0];
        world[3 * q + 1] = p[1];
        world[3 * q + 2] = p[2];
      }
    displacement(g, support(g, world), coef, d);
    for (let q = 0; q < nx * ny; q++) {
      const x = [world[3 * q], world[3 * q + 1], world[3 * q + 2]];
      const y = applyPoint(affine, x);
      const v = q + nx * ny * k;
      for (let a = 0; a < 3; a++) out[a * n3 + v] = y[a] + d[3 * q + a] - x[a];
    }
  }
  return out;
}

/** u(x) = T(x) − x on the fixed grid for a 4×4 matrix T, component-major (as denseField) */
export function affineField(
  fixed: { dims: number[]; affine: ArrayLike<number> },
  T: ArrayLike<number>,
): Float32Array {
  const [nx, ny, nz] = fixed.dims;
  const n3 = nx * ny * nz;
  const out = new Float32Array(3 * n3);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const x = applyPoint(fixed.affine, [i, j, k]);
        const y = applyPoint(T, x);
        for (let a = 0; a < 3; a++) out[a * n3 + v] = y[a] - x[a];
      }
  return out;
}

/**
 * Jacobian determinant of T = A·x + D(x) at every fixed voxel: min and the fraction ≤ 0
 * (folding). ∂D/∂x_world = (∂D/∂g)·diag(1/s)·(world → index).
 */
export function jacobianStats(
  g: ControlGrid,
  coef: Float64Array,
  affine: ArrayLike<number>,
): { min: number; max: number; foldedFraction: number } {
  const [nx, ny, nz] = g.fixed.dims;
  const [n0, n1] = g.size;
  const N = controlCount(g);
  const T = g.toIndex;
  const F = g.fixed.affine;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let folded = 0;
  const world = new Float64Array(3 * nx);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const p = applyPoint(F, [i, j, k]);
        world[3 * i] = p[0];
        world[3 * i + 1] = p[1];
        world[3 * i + 2] = p[2];
      }
      const s = support(g, world, true);
      const dw = s.dw as Float64Array;
      for (let q = 0; q < nx; q++) {
        // dg[a][i] = ∂D_a/∂g_i
        const dg = new Float64Array(9);
        const b0 = s.base[3 * q];
        const b1 = s.base[3 * q + 1];
        const b2 = s.base[3 * q + 2];
        const o = 12 * q;
        for (let kk = 0; kk < 4; kk++)
          for (let jj = 0; jj < 4; jj++)
            for (let ii = 0; ii < 4; ii++) {
              const c = b0 + ii + n0 * (b1 + jj + n1 * (b2 + kk));
              const wx = s.w[o + ii];
              const wy = s.w[o + 4 + jj];
              const wz = s.w[o + 8 + kk];
              const gx = dw[o + ii] * wy * wz;
              const gy = wx * dw[o + 4 + jj] * wz;
              const gz = wx * wy * dw[o + 8 + kk];
              for (let a = 0; a < 3; a++) {
                const cv = coef[a * N + c];
                dg[3 * a] += gx * cv;
                dg[3 * a + 1] += gy * cv;
                dg[3 * a + 2] += gz * cv;
              }
            }
        const J = new Float64Array(9);
        for (let a = 0; a < 3; a++)
          for (let b = 0; b < 3; b++) {
            let acc = affine[a * 4 + b];
            for (let i = 0; i < 3; i++) acc += (dg[3 * a + i] / g.spacingVox[i]) * T[i * 4 + b];
            J[3 * a + b] = acc;
          }
        const det =
          J[0] * (J[4] * J[8] - J[5] * J[7]) -
          J[1] * (J[3] * J[8] - J[5] * J[6]) +
          J[2] * (J[3] * J[7] - J[4] * J[6]);
        if (det < min) min = det;
        if (det > max) max = det;
        if (!(det > 0)) folded++;
      }
    }
  return { min, max, foldedFraction: folded / (nx * ny * nz) };
}
