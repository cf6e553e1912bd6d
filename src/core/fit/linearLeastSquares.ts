/**
 * Dense linear least squares  min ‖W^{½}(y − Xβ)‖  by Householder QR with column pivoting
 * (Businger & Golub 1965; Golub & Van Loan, Matrix Computations 4th ed., Alg. 5.4.1) after
 * equilibrating the columns to unit norm. Rank is decided as in LINPACK/R's lm: a pivot
 * |R_kk| ≤ tol·|R_11| (default tol = 1e-10 on the equilibrated matrix) ends the numerical rank;
 * dependent columns are reported (coefficient null, status "rank-deficient"), never silently
 * given a value. The condition number of the equilibrated problem is estimated from R's
 * diagonal; `illConditioned` is set when it exceeds 1e10 (≈ 6 digits lost).
 * Inference: σ² = RSS/(n − rank), Cov(β) = σ²(RᵀR)⁻¹, R² (centred if an intercept column of
 * ones is present, else uncentred as R's lm).
 *
 * Written here because ml-matrix's QR has no column pivoting or rank detection.
 */
import { InputError } from "../errors.js";

export interface LinearFit {
  /** coefficient per column; null for columns dropped as linearly dependent */
  coefficients: (number | null)[];
  standardErrors: (number | null)[];
  rank: number;
  rss: number;
  residualSd: number;
  r2: number;
  df: number;
  /** estimate of cond(X D⁻¹) from the pivoted R diagonal */
  condition: number;
  illConditioned: boolean;
  status: "ok" | "rank-deficient";
  residuals: Float64Array;
}

export interface LinearOptions {
  weights?: ArrayLike<number>;
  tolerance?: number;
}

/**
 * @param x design matrix, row-major n × p (x[i*p + j])
 */
export function linearLeastSquares(
  x: ArrayLike<number>,
  n: number,
  p: number,
  y: ArrayLike<number>,
  opts: LinearOptions = {},
): LinearFit {
  if (x.length !== n * p)
    throw new InputError({
      field: "design matrix",
      value: x.length,
      expected: `${n} × ${p} = ${n * p} values`,
    });
  if (y.length !== n) throw new InputError({ field: "y", value: y.length, expected: `${n} values` });
  if (n < p) throw new InputError({ field: "rows", value: n, expected: `at least ${p} observations` });
  const tol = opts.tolerance ?? 1e-10;
  // column-major copy, weighted rows, equilibrated columns
  const a = new Float64Array(n * p);
  const b = new Float64Array(n);
  const sw = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = opts.weights ? opts.weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(y[i]))
      throw new InputError({
        field: `row ${i}`,
        value: Number.isFinite(y[i]) ? w : y[i],
        expected: "finite y and a non-negative weight",
      });
    sw[i] = Math.sqrt(w);
    b[i] = sw[i] * y[i];
  }
  const scale = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = sw[i] * x[i * p + j];
      if (!Number.isFinite(v))
        throw new InputError({ field: `x[${i}][${j}]`, value: x[i * p + j], expected: "a finite value" });
      a[j * n + i] = v;
      ss += v * v;
    }
    scale[j] = ss > 0 ? Math.sqrt(ss) : 1;
    for (let i = 0; i < n; i++) a[j * n + i] /= scale[j];
  }
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  const colNorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let ss = 0;
    for (let i = 0; i < n; i++) ss += a[j * n + i] ** 2;
    colNorm[j] = ss;
  }
  const rdiag = new Float64Array(p);
  let rank = p;
  for (let k = 0; k < p; k++) {
    // pivot: remaining column with the largest norm (recomputed exactly for robustness)
    let best = k;
    let bestNorm = -1;
    for (let j = k; j < p; j++) {
      let ss = 0;
      for (let i = k; i < n; i++) ss += a[j * n + i] ** 2;
      colNorm[j] = ss;
      if (ss > bestNorm) {
        bestNorm = ss;
        best = j;
      }
    }
    if (best !== k) {
      for (let i = 0; i < n; i++) {
        const t = a[k * n + i];
        a[k * n + i] = a[best * n + i];
        a[best * n + i] = t;
      }
      const tp = perm[k];
      perm[k] = perm[best];
      perm[best] = tp;
    }
    let norm = Math.sqrt(bestNorm);
    if (k > 0 && norm <= tol * Math.abs(rdiag[0])) {
      rank = k;
      break;
    }
    if (norm === 0) {
      rank = k;
      break;
    }
    if (a[k * n + k] > 0) norm = -norm;
    for (let i = k; i < n; i++) a[k * n + i] /= -norm;
    a[k * n + k] += 1;
    for (let j = k + 1; j < p; j++) {
      let s = 0;
      for (let i = k; i < n; i++) s += a[k * n + i] * a[j * n + i];
      s = -s / a[k * n + k];
      for (let i = k; i < n; i++) a[j * n + i] += s * a[k * n + i];
    }
    let s = 0;
    for (let i = k; i < n; i++) s += a[k * n + i] * b[i];
    s = -s / a[k * n + k];
    for (let i = k; i < n; i++) b[i] += s * a[k * n + i];
    rdiag[k] = norm;
  }
  // solve R[0:rank,0:rank] z = (Qᵀb)[0:rank] (b already holds Qᵀb)
  const solveR = (qtb: Float64Array, out: Float64Array) => {
    for (let k = rank - 1; k >= 0; k--) {
      let s = qtb[k];
      for (let j = k + 1; j < rank; j++) s -= a[j * n + k] * out[j];
      out[k] = s / rdiag[k];
    }
  };
  const z = new Float64Array(rank);
  solveR(b, z);
  const coefficients: (number | null)[] = new Array(p).fill(null);
  for (let k = 0; k < rank; k++) coefficients[perm[k]] = z[k] / scale[perm[k]];
  const residuals = new Float64Array(n);
  let rss = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += (coefficients[j] ?? 0) * x[i * p + j];
    residuals[i] = y[i] - f;
    rss += opts.weights ? opts.weights[i] * residuals[i] ** 2 : residuals[i] ** 2;
  }
  const df = n - rank;
  const sigma2 = df > 0 ? rss / df : Number.NaN;
  // (RᵀR)⁻¹ diagonal via R⁻¹ (upper triangular, diagonal rdiag)
  const rinv = new Float64Array(rank * rank);
  for (let k = rank - 1; k >= 0; k--) {
    rinv[k * rank + k] = 1 / rdiag[k];
    for (let j = k + 1; j < rank; j++) {
      let s = 0;
      for (let l = k + 1; l <= j; l++) s += a[l * n + k] * rinv[l * rank + j];
      rinv[k * rank + j] = -s / rdiag[k];
    }
  }
  const standardErrors: (number | null)[] = new Array(p).fill(null);
  for (let k = 0; k < rank; k++) {
    let s = 0;
    for (let j = k; j < rank; j++) s += rinv[k * rank + j] ** 2;
    standardErrors[perm[k]] = df > 0 ? Math.sqrt(sigma2 * s) / scale[perm[k]] : null;
  }
  // R²: centred when a column of ones is present
  let hasIntercept = false;
  for (let j = 0; j < p && !hasIntercept; j++) {
    hasIntercept = true;
    for (let i = 0; i < n; i++) if (x[i * p + j] !== 1) hasIntercept = false;
  }
  let tss = 0;
  let wsum = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    const w = opts.weights ? opts.weights[i] : 1;
    my += w * y[i];
    wsum += w;
  }
  my /= wsum;
  for (let i = 0; i < n; i++)
    tss += (opts.weights ? opts.weights[i] : 1) * (hasIntercept ? y[i] - my : y[i]) ** 2;
  const condition = rank > 0 ? Math.abs(rdiag[0]) / Math.abs(rdiag[rank - 1]) : Number.POSITIVE_INFINITY;
  return {
    coefficients,
    standardErrors,
    rank,
    rss,
    residualSd: Math.sqrt(sigma2),
    r2: tss > 0 ? 1 - rss / tss : 1,
    df,
    condition,
    illConditioned: condition > 1e10 || rank < p,
    status: rank < p ? "rank-deficient" : "ok",
    residuals,
  };
}

/** Design matrix of a polynomial of the given degree (with intercept), row-major. */
export function polynomialDesign(xs: ArrayLike<number>, degree: number): Float64Array {
  const p = degree + 1;
  const out = new Float64Array(xs.length * p);
  for (let i = 0; i < xs.length; i++) {
    let v = 1;
    for (let j = 0; j < p; j++) {
      out[i * p + j] = v;
      v *= xs[i];
    }
  }
  return out;
}
