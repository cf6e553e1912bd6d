/**
 * Fisher's exact test of a 2×2 table [[a, b], [c, d]] (Fisher 1922; Agresti, Categorical Data
 * Analysis, 3rd ed., §3.5). With the margins fixed, a follows the hypergeometric law
 *
 *   P(a = x) = C(r₁, x)·C(r₂, c₁ − x) / C(n, c₁),   r₁ = a + b, r₂ = c + d, c₁ = a + c, n = r₁ + r₂,
 *
 * for max(0, c₁ − r₂) ≤ x ≤ min(r₁, c₁).
 *  - two-sided p: the sum of P(x) over every x with P(x) ≤ P(a)·(1 + 10⁻⁷), the relative
 *    tolerance of R's fisher.test (so tables tied with the observed one are not lost to
 *    rounding);
 *  - "greater": P(a' ≥ a) (association in the direction of a large a); "less": P(a' ≤ a);
 *  - the sample odds ratio (a·d)/(b·c) (scipy.stats.fisher_exact's "statistic"; R reports the
 *    conditional MLE instead): +∞ when b·c = 0 < a·d, NaN when both products are 0.
 * Probabilities from log-factorials (logGamma), exact to ~1e-12 relative for n in the thousands.
 */
import { InputError } from "../errors.js";
import { logGamma } from "./distributions.js";

export interface FisherExactResult {
  /** sample odds ratio a·d/(b·c) */
  oddsRatio: number;
  /** two-sided p-value */
  p: number;
  /** one-sided P(a' ≥ a) */
  pGreater: number;
  /** one-sided P(a' ≤ a) */
  pLess: number;
}

const logChoose = (n: number, k: number) => logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);

export function fisherExact(table: [[number, number], [number, number]]): FisherExactResult {
  const [[a, b], [c, d]] = table;
  for (const [name, v] of [
    ["a", a],
    ["b", b],
    ["c", c],
    ["d", d],
  ] as const)
    if (!(Number.isInteger(v) && v >= 0))
      throw new InputError({ field: `2×2 table cell ${name}`, value: v, expected: "a count (integer ≥ 0)" });
  const r1 = a + b;
  const r2 = c + d;
  const c1 = a + c;
  const n = r1 + r2;
  const lo = Math.max(0, c1 - r2);
  const hi = Math.min(r1, c1);
  const logDen = logChoose(n, c1);
  const pmf = (x: number) => Math.exp(logChoose(r1, x) + logChoose(r2, c1 - x) - logDen);
  const pObs = pmf(a);
  let two = 0;
  let greater = 0;
  let less = 0;
  for (let x = lo; x <= hi; x++) {
    const px = pmf(x);
    if (px <= pObs * (1 + 1e-7)) two += px;
    if (x >= a) greater += px;
    if (x <= a) less += px;
  }
  const ad = a * d;
  const bc = b * c;
  return {
    oddsRatio: bc > 0 ? ad / bc : ad > 0 ? Number.POSITIVE_INFINITY : Number.NaN,
    p: Math.min(1, two),
    pGreater: Math.min(1, greater),
    pLess: Math.min(1, less),
  };
}
