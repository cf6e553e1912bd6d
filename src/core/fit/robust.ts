/**
 * Robust linear regression with Huber's M-estimator by iteratively reweighted least squares
 * (Huber 1964; Holland & Welsch 1977): ψ(u) = u for |u| ≤ k, k·sign(u) otherwise, with
 * u = r/s, s = MAD/0.6745 re-estimated each iteration, k = 1.345 (95 % efficiency at the normal),
 * weights w = ψ(u)/u. Matches R's MASS::rlm(method = "M", psi = psi.huber) up to its scale
 * update details (rlm uses the same MAD scale by default).
 */
import { type LinearFit, linearLeastSquares } from "./linearLeastSquares.js";

export interface RobustFit extends LinearFit {
  weights: Float64Array;
  scale: number;
  iterations: number;
  converged: boolean;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

export function huberRegression(
  x: ArrayLike<number>,
  n: number,
  p: number,
  y: ArrayLike<number>,
  opts: { k?: number; maxIterations?: number; tolerance?: number } = {},
): RobustFit {
  const k = opts.k ?? 1.345;
  const w = new Float64Array(n).fill(1);
  let fit = linearLeastSquares(x, n, p, y);
  let scale = 0;
  let converged = false;
  let it = 0;
  for (it = 1; it <= (opts.maxIterations ?? 50); it++) {
    const r = Array.from(fit.residuals);
    scale = median(r.map(Math.abs)) / 0.6745;
    if (!(scale > 0)) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) {
      const u = Math.abs(r[i] / scale);
      w[i] = u <= k ? 1 : k / u;
    }
    const next = linearLeastSquares(x, n, p, y, { weights: w });
    const change = Math.max(
      ...next.coefficients.map(
        (c, j) => Math.abs((c ?? 0) - (fit.coefficients[j] ?? 0)) / Math.max(1e-12, Math.abs(c ?? 0)),
      ),
    );
    fit = next;
    if (change < (opts.tolerance ?? 1e-10)) {
      converged = true;
      break;
    }
  }
  return { ...fit, weights: w, scale, iterations: it, converged };
}
