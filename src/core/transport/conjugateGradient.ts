/**
 * Jacobi-preconditioned conjugate gradients for the symmetric positive-definite systems of the
 * finite-volume solvers (Saad, "Iterative Methods for Sparse Linear Systems", 2nd ed., Alg. 9.1).
 * The operator is given as a matrix-free product. Hand-written: a few lines, no sparse-matrix
 * dependency needed in the pure core.
 */
import { AnalysisError } from "../errors.js";

export interface CgResult {
  x: Float64Array;
  iterations: number;
  relativeResidual: number;
}

export function conjugateGradient(
  apply: (x: Float64Array, out: Float64Array) => void,
  b: Float64Array,
  diagonal: Float64Array,
  opts: { tol?: number; maxIter?: number; x0?: Float64Array } = {},
): CgResult {
  const n = b.length;
  const tol = opts.tol ?? 1e-12;
  const maxIter = opts.maxIter ?? Math.max(1000, 20 * n);
  const x = opts.x0 ? Float64Array.from(opts.x0) : new Float64Array(n);
  const r = new Float64Array(n);
  const z = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  apply(x, q);
  let bnorm = 0;
  for (let i = 0; i < n; i++) {
    r[i] = b[i] - q[i];
    bnorm += b[i] * b[i];
  }
  bnorm = Math.sqrt(bnorm) || 1;
  let rz = 0;
  for (let i = 0; i < n; i++) {
    z[i] = r[i] / diagonal[i];
    p[i] = z[i];
    rz += r[i] * z[i];
  }
  let res = Math.sqrt(r.reduce((s, v) => s + v * v, 0)) / bnorm;
  let it = 0;
  while (res > tol && it < maxIter) {
    apply(p, q);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    if (!(pq > 0)) throw new AnalysisError("conjugate gradient: operator is not positive definite");
    const a = rz / pq;
    let rr = 0;
    let rzNew = 0;
    for (let i = 0; i < n; i++) {
      x[i] += a * p[i];
      r[i] -= a * q[i];
      rr += r[i] * r[i];
      z[i] = r[i] / diagonal[i];
      rzNew += r[i] * z[i];
    }
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
    res = Math.sqrt(rr) / bnorm;
    it++;
  }
  if (res > tol) throw new AnalysisError(`conjugate gradient: residual ${res} after ${it} iterations`);
  return { x, iterations: it, relativeResidual: res };
}
