/**
 * Mann–Whitney U (Wilcoxon rank-sum) test choosing the p-value as R's
 * `wilcox.test(x, y)` does by default:
 *  - exact when both groups have fewer than 50 values and there are no ties: the null
 *    distribution of U = Σ ranks(x) − n₁(n₁+1)/2 (all C(n₁+n₂, n₁) rank assignments equally
 *    likely), two-sided p = min(1, 2·P(U ≥ u)) if u > n₁n₂/2, else min(1, 2·P(U ≤ u))
 *    (R's `pwilcox` branch in wilcox.test.default);
 *  - otherwise the tie-corrected normal approximation with continuity correction
 *    (`mannWhitney` in groupTests.ts).
 * The exact distribution is counted by dynamic programming over ranks: adding rank j as an
 * x-value with k x-values already placed adds (j − 1 − k) to U (the y-values below it), so
 * the counts are sums only (no cancellation, exact in doubles up to ~2^53 per cell and
 * accurate relative to the total beyond). Hand-written because the test must run in the
 * pure core (no R). Reference: Mann & Whitney (1947), Ann Math Stat 18:50; Hollander &
 * Wolfe, Nonparametric Statistical Methods (1973), §4.1.
 */
import { InputError } from "../errors.js";
import { mannWhitney } from "./groupTests.js";

export interface MannWhitneyTest {
  /** U of the first group (R's W) */
  u: number;
  p: number;
  method: "exact" | "normal";
}

/** P(U = u) for u = 0..mn under H0, group sizes m and n. */
export function mannWhitneyNullDistribution(m: number, n: number): Float64Array {
  const maxU = m * n;
  // dp[k][u]: ways to place k x-values among the ranks seen so far with U = u
  let dp: Float64Array[] = Array.from({ length: m + 1 }, () => new Float64Array(maxU + 1));
  dp[0][0] = 1;
  for (let j = 1; j <= m + n; j++) {
    const next = Array.from({ length: m + 1 }, () => new Float64Array(maxU + 1));
    for (let k = 0; k <= Math.min(m, j - 1); k++) {
      const yBefore = j - 1 - k;
      if (yBefore > n) continue;
      const row = dp[k];
      // rank j is a y-value
      if (yBefore + 1 <= n) {
        const t = next[k];
        for (let u = 0; u <= maxU; u++) t[u] += row[u];
      }
      // rank j is an x-value
      if (k + 1 <= m) {
        const t = next[k + 1];
        for (let u = 0; u + yBefore <= maxU; u++) t[u + yBefore] += row[u];
      }
    }
    dp = next;
  }
  const counts = dp[m];
  let total = 0;
  for (let u = 0; u <= maxU; u++) total += counts[u];
  const out = new Float64Array(maxU + 1);
  for (let u = 0; u <= maxU; u++) out[u] = counts[u] / total;
  return out;
}

/** Two-sided exact p-value of U = u (R's wilcox.test, exact = TRUE). */
export function mannWhitneyExactP(u: number, m: number, n: number): number {
  const pmf = mannWhitneyNullDistribution(m, n);
  let p = 0;
  if (u > (m * n) / 2) {
    for (let k = Math.ceil(u); k <= m * n; k++) p += pmf[k];
  } else {
    for (let k = 0; k <= Math.floor(u); k++) p += pmf[k];
  }
  return Math.min(1, 2 * p);
}

function hasTies(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  const all = [...Array.from(x), ...Array.from(y)].sort((a, b) => a - b);
  for (let i = 1; i < all.length; i++) if (all[i] === all[i - 1]) return true;
  return false;
}

/** Mann–Whitney test of x vs y, exact or normal as R's default. */
export function mannWhitneyTest(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyTest {
  if (x.length < 1 || y.length < 1)
    throw new InputError({ field: "groups", value: [x.length, y.length], expected: "non-empty groups" });
  const approx = mannWhitney(x, y);
  if (x.length < 50 && y.length < 50 && !hasTies(x, y)) {
    return { u: approx.w, p: mannWhitneyExactP(approx.w, x.length, y.length), method: "exact" };
  }
  return { u: approx.w, p: approx.p, method: "normal" };
}
