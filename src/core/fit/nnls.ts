/**
 * Non-negative least squares  min ‖Ax − b‖  subject to x ≥ 0  (Lawson & Hanson, "Solving Least
 * Squares Problems", 1974, ch. 23, algorithm NNLS): active-set method; the passive-set
 * subproblems are solved by pivoted QR (linearLeastSquares.ts). Used for spectral unmixing and
 * multi-exponential (e.g. relaxation-time) spectra.
 */
import { InputError } from "../errors.js";
import { linearLeastSquares } from "./linearLeastSquares.js";

export interface NnlsResult {
  x: Float64Array;
  rnorm: number;
  /** dual vector w = Aᵀ(b − Ax): ≤ 0 where x = 0 at the optimum (KKT) */
  dual: Float64Array;
  iterations: number;
  converged: boolean;
}

/** @param a row-major m × n */
export function nnls(
  a: ArrayLike<number>,
  m: number,
  n: number,
  b: ArrayLike<number>,
  opts: { maxIterations?: number; tolerance?: number } = {},
): NnlsResult {
  if (a.length !== m * n)
    throw new InputError({ field: "A", value: a.length, expected: `${m} × ${n} values` });
  if (b.length !== m) throw new InputError({ field: "b", value: b.length, expected: `${m} values` });
  const maxIter = opts.maxIterations ?? 3 * n + 30;
  let anorm = 0;
  for (let i = 0; i < a.length; i++) anorm = Math.max(anorm, Math.abs(a[i]));
  const tol = opts.tolerance ?? 10 * 2.22e-16 * anorm * Math.max(m, n);
  const x = new Float64Array(n);
  const passive = new Array<boolean>(n).fill(false);
  const w = new Float64Array(n);
  const residual = new Float64Array(m);
  const computeDual = () => {
    for (let i = 0; i < m; i++) {
      let s = b[i];
      for (let j = 0; j < n; j++) s -= a[i * n + j] * x[j];
      residual[i] = s;
    }
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let i = 0; i < m; i++) s += a[i * n + j] * residual[i];
      w[j] = s;
    }
  };
  const solvePassive = (): Float64Array => {
    const idx = passive.flatMap((p, j) => (p ? [j] : []));
    const sub = new Float64Array(m * idx.length);
    for (let i = 0; i < m; i++) idx.forEach((j, k) => (sub[i * idx.length + k] = a[i * n + j]));
    const fit = linearLeastSquares(sub, m, idx.length, b);
    const z = new Float64Array(n);
    idx.forEach((j, k) => (z[j] = fit.coefficients[k] ?? 0));
    return z;
  };
  let iterations = 0;
  let converged = false;
  computeDual();
  while (iterations < maxIter) {
    // most positive dual among the active (zero) set
    let jMax = -1;
    let wMax = tol;
    for (let j = 0; j < n; j++)
      if (!passive[j] && w[j] > wMax) {
        wMax = w[j];
        jMax = j;
      }
    if (jMax < 0) {
      converged = true;
      break;
    }
    passive[jMax] = true;
    // inner loop: keep the passive solution feasible
    for (;;) {
      iterations++;
      const z = solvePassive();
      let feasible = true;
      for (let j = 0; j < n; j++) if (passive[j] && z[j] <= 0) feasible = false;
      if (feasible) {
        x.set(z);
        break;
      }
      let alpha = Number.POSITIVE_INFINITY;
      for (let j = 0; j < n; j++) if (passive[j] && z[j] <= 0) alpha = Math.min(alpha, x[j] / (x[j] - z[j]));
      for (let j = 0; j < n; j++) {
        x[j] += alpha * (z[j] - x[j]);
        if (passive[j] && Math.abs(x[j]) <= tol) {
          passive[j] = false;
          x[j] = 0;
        }
      }
      if (iterations >= maxIter) break;
    }
    computeDual();
  }
  computeDual();
  let rn = 0;
  for (let i = 0; i < m; i++) rn += residual[i] ** 2;
  return { x, rnorm: Math.sqrt(rn), dual: w, iterations, converged };
}
