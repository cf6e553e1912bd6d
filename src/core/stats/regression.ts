/**
 * Ordinary least-squares linear and multiple regression as R `lm` + `summary.lm`.
 *   β̂ = (XᵀX)⁻¹Xᵀy (intercept column first, named "(Intercept)"), σ̂² = RSS/(n − p),
 *   se = σ̂·√diag((XᵀX)⁻¹), t = β/se on n − p df, R² = 1 − RSS/TSS,
 *   adjusted R² = 1 − (1 − R²)(n − 1)/(n − p), overall F = ((TSS − RSS)/(p − 1))/σ̂².
 * Confidence band of the mean response at x₀: ŷ ± t_{α/2,n−p}·σ̂·√(x₀ᵀ(XᵀX)⁻¹x₀)
 * (Draper & Smith, 1998, §3.5). Linear algebra: ml-matrix (solved via the inverse of the
 * p×p normal matrix, adequate for the few, centred-scale predictors used here).
 */
import { inverse, Matrix } from "ml-matrix";
import { InputError } from "../errors.js";
import type { FitResult } from "../fit/types.js";
import { fSf, tQuantile, tTwoSided } from "./distributions.js";

export interface RegressionTerm {
  name: string;
  coef: number;
  se: number;
  t: number;
  p: number;
  ciLower: number;
  ciUpper: number;
}

export interface LinearRegression {
  fit: FitResult;
  terms: RegressionTerm[];
  n: number;
  df: number;
  sigma: number;
  rSquared: number;
  adjRSquared: number;
  fStatistic: number;
  fP: number;
  /** (XᵀX)⁻¹, for prediction bands */
  xtxInv: number[][];
  fitted: Float64Array;
}

export function linearRegression(
  y: ArrayLike<number>,
  predictors: ArrayLike<number>[],
  opts: { names?: string[]; confLevel?: number } = {},
): LinearRegression {
  const n = y.length;
  const p = predictors.length + 1;
  if (n <= p)
    throw new InputError({ field: "n", value: n, expected: `more observations than the ${p} coefficients` });
  const X = new Matrix(n, p);
  for (let i = 0; i < n; i++) {
    X.set(i, 0, 1);
    for (let j = 1; j < p; j++) X.set(i, j, predictors[j - 1][i]);
  }
  const Y = Matrix.columnVector(Array.from(y));
  let xtxInv: Matrix;
  try {
    xtxInv = inverse(X.transpose().mmul(X));
  } catch {
    throw new InputError({ field: "predictors", expected: "linearly independent predictors" });
  }
  const beta = xtxInv.mmul(X.transpose().mmul(Y)).getColumn(0);
  let rss = 0;
  let my = 0;
  for (let i = 0; i < n; i++) my += y[i];
  my /= n;
  let tss = 0;
  const fitted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < p; j++) f += X.get(i, j) * beta[j];
    fitted[i] = f;
    rss += (y[i] - f) ** 2;
    tss += (y[i] - my) ** 2;
  }
  const df = n - p;
  const s2 = rss / df;
  const tq = tQuantile(1 - (1 - (opts.confLevel ?? 0.95)) / 2, df);
  const names = ["(Intercept)", ...(opts.names ?? predictors.map((_, j) => `x${j + 1}`))];
  const se = Float64Array.from({ length: p }, (_, j) => Math.sqrt(s2 * xtxInv.get(j, j)));
  const terms = names.map((name, j) => {
    const t = beta[j] / se[j];
    return {
      name,
      coef: beta[j],
      se: se[j],
      t,
      p: se[j] > 0 ? tTwoSided(t, df) : 0,
      ciLower: beta[j] - tq * se[j],
      ciUpper: beta[j] + tq * se[j],
    };
  });
  const r2 = tss > 0 ? 1 - rss / tss : 0;
  const fStat = p > 1 && s2 > 0 ? (tss - rss) / (p - 1) / s2 : Number.POSITIVE_INFINITY;
  return {
    fit: { params: Float64Array.from(beta), stderr: se, rss, converged: true, status: "converged" },
    terms,
    n,
    df,
    sigma: Math.sqrt(s2),
    rSquared: r2,
    adjRSquared: 1 - ((1 - r2) * (n - 1)) / df,
    fStatistic: fStat,
    fP: p > 1 && Number.isFinite(fStat) ? fSf(fStat, p - 1, df) : 0,
    xtxInv: xtxInv.to2DArray(),
    fitted,
  };
}

/** Mean response and its confidence band at design row x0 (without the leading 1). */
export function predictMean(
  model: LinearRegression,
  x0: number[],
  confLevel = 0.95,
): { fit: number; lower: number; upper: number } {
  const row = [1, ...x0];
  let f = 0;
  let q = 0;
  for (let a = 0; a < row.length; a++) {
    f += row[a] * model.terms[a].coef;
    for (let b = 0; b < row.length; b++) q += row[a] * model.xtxInv[a][b] * row[b];
  }
  const half = tQuantile(1 - (1 - confLevel) / 2, model.df) * model.sigma * Math.sqrt(q);
  return { fit: f, lower: f - half, upper: f + half };
}
