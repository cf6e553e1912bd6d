/**
 * Cubic B-spline image interpolation (Unser, Aldroubi & Eden, IEEE TSP 41:821, 1993; Unser,
 * IEEE Signal Process. Mag. 16(6):22, 1999; ITK BSplineInterpolateImageFunction, order 3), as
 * elastix's "BSplineInterpolator" with BSplineInterpolationOrder 3:
 *   I(x) = Σ_k c_k β³(x − k),  β³(u) = (4 − 6u² + 3|u|³)/6 for |u| < 1, (2 − |u|)³/6 for |u| < 2
 * The coefficients c interpolate the samples (I(k) = s_k): per axis the recursive prefilter with
 * pole z = √3 − 2, gain 6, mirror (whole-sample symmetric) boundaries:
 *   c⁺_0 = Σ_k z^k s̃_k (exact mirror sum),  c⁺_k = s_k + z c⁺_{k−1}
 *   c⁻_{N−1} = z/(z² − 1)·(c⁺_{N−1} + z c⁺_{N−2}),  c⁻_k = z (c⁻_{k+1} − c⁺_k),  c = 6 c⁻
 * The interpolant is C², so its analytic gradient Σ c ∇β³ is continuous and is the exact
 * derivative of the interpolated value (unlike a trilinear value with a separately interpolated
 * central-difference gradient), which removes the grid-phase ripples of linear interpolation from
 * the similarity metrics (Thévenaz & Unser, IEEE TIP 9:2083, 2000).
 */

/** β³(u) */
export function bspline3(u: number): number {
  const a = u < 0 ? -u : u;
  if (a < 1) return (4 - 6 * a * a + 3 * a * a * a) / 6;
  if (a < 2) return ((2 - a) * (2 - a) * (2 - a)) / 6;
  return 0;
}

/** dβ³/du */
export function bspline3Deriv(u: number): number {
  const a = u < 0 ? -u : u;
  const sgn = u < 0 ? -1 : 1;
  if (a < 1) return sgn * (-2 * a + 1.5 * a * a);
  if (a < 2) return sgn * (-0.5 * (2 - a) * (2 - a));
  return 0;
}

/**
 * the four weights β³(t + 1 − m), m = 0…3, of the knots floor(x) − 1 … floor(x) + 2 at
 * fractional part t ∈ [0, 1), and their derivatives (uniform cubic B-spline segment)
 */
export function cubicWeights(t: number, w: Float64Array, dw?: Float64Array): void {
  const s = 1 - t;
  w[0] = (s * s * s) / 6;
  w[1] = (4 - 6 * t * t + 3 * t * t * t) / 6;
  w[2] = (4 - 6 * s * s + 3 * s * s * s) / 6;
  w[3] = (t * t * t) / 6;
  if (dw) {
    dw[0] = -0.5 * s * s;
    dw[1] = -2 * t + 1.5 * t * t;
    dw[2] = 2 * s - 1.5 * s * s;
    dw[3] = 0.5 * t * t;
  }
}

const POLE = Math.sqrt(3) - 2;

/** in-place 1D prefilter of `n` samples at data[off + k·stride] (mirror boundaries) */
function prefilterLine(c: Float64Array, n: number): void {
  if (n < 2) return;
  const z = POLE;
  // exact mirror-symmetric initial value (Unser 1999, eq. 13 for period 2N − 2)
  const zn = z ** (n - 1);
  let sum = c[0] + zn * c[n - 1];
  let z2n = zn * zn;
  let zk = z;
  z2n /= z;
  for (let k = 1; k < n - 1; k++) {
    sum += (zk + z2n) * c[k];
    zk *= z;
    z2n /= z;
  }
  c[0] = sum / (1 - zn * zn);
  for (let k = 1; k < n; k++) c[k] += z * c[k - 1];
  c[n - 1] = (z / (z * z - 1)) * (c[n - 1] + z * c[n - 2]);
  for (let k = n - 2; k >= 0; k--) c[k] = z * (c[k + 1] - c[k]);
  for (let k = 0; k < n; k++) c[k] *= 6;
}

/** B-spline coefficients of a 3D image (x fastest), so that the cubic spline interpolates it */
export function cubicCoefficients(data: ArrayLike<number>, dims: number[]): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float64Array(nx * ny * nz);
  for (let i = 0; i < out.length; i++) out[i] = data[i];
  const sizes = [nx, ny, nz];
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = sizes[axis];
    if (n < 2) continue;
    const st = strides[axis];
    const line = new Float64Array(n);
    const total = out.length / n;
    for (let l = 0; l < total; l++) {
      // base index of the l-th line along `axis`
      let base: number;
      if (axis === 0) base = l * nx;
      else if (axis === 1) base = (l % nx) + Math.floor(l / nx) * nx * ny;
      else base = l;
      for (let k = 0; k < n; k++) line[k] = out[base + k * st];
      prefilterLine(line, n);
      for (let k = 0; k < n; k++) out[base + k * st] = line[k];
    }
  }
  return Float32Array.from(out);
}

/** mirror an index into [0, n − 1] (whole-sample symmetric, as the prefilter) */
export function mirrorIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n - 2;
  let m = i % period;
  if (m < 0) m += period;
  return m < n ? m : period - m;
}

/** scratch buffers of one evaluator (not re-entrant across threads; JS is single-threaded) */
export interface CubicSampler {
  /** value at continuous voxel index (u, v, w); NaN outside [−0.5, n − 0.5]; fills grad (voxel units) */
  sample(u: number, v: number, w: number, grad?: Float64Array): number;
}

export function cubicSampler(coef: ArrayLike<number>, dims: number[]): CubicSampler {
  const [nx, ny, nz] = dims;
  const wx = new Float64Array(4);
  const wy = new Float64Array(4);
  const wz = new Float64Array(4);
  const dx = new Float64Array(4);
  const dy = new Float64Array(4);
  const dz = new Float64Array(4);
  const ix = new Int32Array(4);
  const iy = new Int32Array(4);
  const iz = new Int32Array(4);
  const sxy = nx * ny;
  return {
    sample(u, v, w, grad) {
      if (!(u >= -0.5 && v >= -0.5 && w >= -0.5 && u <= nx - 0.5 && v <= ny - 0.5 && w <= nz - 0.5))
        return Number.NaN;
      const fu = Math.floor(u);
      const fv = Math.floor(v);
      const fw = Math.floor(w);
      cubicWeights(u - fu, wx, dx);
      cubicWeights(v - fv, wy, dy);
      cubicWeights(w - fw, wz, dz);
      for (let m = 0; m < 4; m++) {
        ix[m] = mirrorIndex(fu - 1 + m, nx);
        iy[m] = mirrorIndex(fv - 1 + m, ny) * nx;
        iz[m] = mirrorIndex(fw - 1 + m, nz) * sxy;
      }
      let val = 0;
      let gx = 0;
      let gy = 0;
      let gz = 0;
      for (let c = 0; c < 4; c++) {
        let pv = 0;
        let px = 0;
        let py = 0;
        for (let b = 0; b < 4; b++) {
          const row = iz[c] + iy[b];
          const c0 = coef[row + ix[0]];
          const c1 = coef[row + ix[1]];
          const c2 = coef[row + ix[2]];
          const c3 = coef[row + ix[3]];
          const s = c0 * wx[0] + c1 * wx[1] + c2 * wx[2] + c3 * wx[3];
          const sd = c0 * dx[0] + c1 * dx[1] + c2 * dx[2] + c3 * dx[3];
          pv += s * wy[b];
          py += s * dy[b];
          px += sd * wy[b];
        }
        val += pv * wz[c];
        gx += px * wz[c];
        gy += py * wz[c];
        gz += pv * dz[c];
      }
      if (grad) {
        grad[0] = gx;
        grad[1] = gy;
        grad[2] = gz;
      }
      return val;
    },
  };
}
