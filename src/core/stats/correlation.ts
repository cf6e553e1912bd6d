/**
 * Correlation as R `cor.test`.
 *  - Pearson r; t = r·√((n − 2)/(1 − r²)) on n − 2 df, two-sided p; CI by Fisher's z:
 *    tanh(atanh r ± z_{α/2}/√(n − 3)) (Fisher, 1921).
 *  - Spearman ρ = Pearson r of mid-ranks (ties averaged). p from the t approximation above
 *    (R uses the exact AS 89 distribution for n < 1290 without ties: documented deviation);
 *    CI by Fisher's z with Bonett & Wright's (2000, Psychometrika 65:23) variance
 *    (1 + ρ²/2)/(n − 3).
 */
import { InputError } from "../errors.js";
import { normalQuantile, tTwoSided } from "./distributions.js";

export interface CorrelationResult {
  method: "pearson" | "spearman";
  r: number;
  ciLower: number;
  ciUpper: number;
  p: number;
  n: number;
}

/** Mid-ranks (1-based, ties get their average rank, as R's rank()). */
export function ranks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && v[idx[e + 1]] === v[idx[k]]) e++;
    const avg = (k + e) / 2 + 1;
    for (let q = k; q <= e; q++) r[idx[q]] = avg;
    k = e + 1;
  }
  return r;
}

/** centred cross- and auto-products Σ(x−x̄)(y−ȳ), Σ(x−x̄)², Σ(y−ȳ)² */
export function centredProducts(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { sxy: number; sxx: number; syy: number } {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return { sxy, sxx, syy };
}

export function pearsonR(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const { sxy, sxx, syy } = centredProducts(x, y);
  return sxy / Math.sqrt(sxx * syy);
}

export function correlation(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  method: "pearson" | "spearman" = "pearson",
  confLevel = 0.95,
): CorrelationResult {
  const n = x.length;
  if (y.length !== n) throw new InputError({ field: "y", value: y.length, expected: `length ${n} like x` });
  if (n < 4) throw new InputError({ field: "n", value: n, expected: "at least 4 complete pairs" });
  const r = method === "spearman" ? pearsonR(ranks(x), ranks(y)) : pearsonR(x, y);
  if (!Number.isFinite(r)) throw new InputError({ field: "x/y", expected: "non-constant variables" });
  const df = n - 2;
  const t = Math.abs(r) >= 1 ? Number.POSITIVE_INFINITY : r * Math.sqrt(df / (1 - r * r));
  const p = Number.isFinite(t) ? tTwoSided(t, df) : 0;
  const zq = normalQuantile(1 - (1 - confLevel) / 2);
  const se = method === "spearman" ? Math.sqrt((1 + (r * r) / 2) / (n - 3)) : 1 / Math.sqrt(n - 3);
  const zr = Math.atanh(r);
  return { method, r, ciLower: Math.tanh(zr - zq * se), ciUpper: Math.tanh(zr + zq * se), p, n };
}
