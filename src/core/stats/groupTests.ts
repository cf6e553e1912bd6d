/**
 * Two-group comparisons as R's `t.test` (Welch) and `wilcox.test` (normal approximation).
 *  - Welch: t = (x̄₁ − x̄₂)/√(s₁²/n₁ + s₂²/n₂), Welch–Satterthwaite df
 *    (s₁²/n₁ + s₂²/n₂)² / ((s₁²/n₁)²/(n₁−1) + (s₂²/n₂)²/(n₂−1)) (Welch, 1947), two-sided p,
 *    CI of the difference with t_{α/2,df}.
 *  - Mann–Whitney: W = Σ ranks(group 1) − n₁(n₁+1)/2 (mid-ranks for ties);
 *    z = (W − n₁n₂/2 − ½·sign)/σ with the tie-corrected
 *    σ² = n₁n₂/12·((n + 1) − Σ(t³ − t)/(n(n − 1))) and continuity correction, as
 *    wilcox.test(exact = FALSE, correct = TRUE). R uses the exact distribution for n < 50
 *    without ties: documented deviation (the normal approximation is always used here).
 */
import { InputError } from "../errors.js";
import { normalSf, tQuantile, tTwoSided } from "./distributions.js";

export interface WelchResult {
  t: number;
  df: number;
  p: number;
  meanDifference: number;
  ciLower: number;
  ciUpper: number;
}

function meanVar(a: ArrayLike<number>): [number, number] {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i];
  m /= a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i] - m) ** 2;
  return [m, v / (a.length - 1)];
}

export function welchTTest(x: ArrayLike<number>, y: ArrayLike<number>, confLevel = 0.95): WelchResult {
  if (x.length < 2 || y.length < 2) {
    throw new InputError({
      field: "groups",
      value: [x.length, y.length],
      expected: "at least 2 values per group",
    });
  }
  const [mx, vx] = meanVar(x);
  const [my, vy] = meanVar(y);
  const a = vx / x.length;
  const b = vy / y.length;
  const se = Math.sqrt(a + b);
  const df = (a + b) ** 2 / (a ** 2 / (x.length - 1) + b ** 2 / (y.length - 1));
  const t = (mx - my) / se;
  const q = tQuantile(1 - (1 - confLevel) / 2, df);
  return {
    t,
    df,
    p: tTwoSided(t, df),
    meanDifference: mx - my,
    ciLower: mx - my - q * se,
    ciUpper: mx - my + q * se,
  };
}

export interface MannWhitneyResult {
  w: number;
  z: number;
  p: number;
}

export function mannWhitney(x: ArrayLike<number>, y: ArrayLike<number>): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 < 1 || n2 < 1)
    throw new InputError({ field: "groups", value: [n1, n2], expected: "non-empty groups" });
  const all = [...Array.from(x, (v) => ({ v, g: 0 })), ...Array.from(y, (v) => ({ v, g: 1 }))].sort(
    (a, b) => a.v - b.v,
  );
  const n = n1 + n2;
  let r1 = 0;
  let ties = 0;
  for (let k = 0; k < n; ) {
    let e = k;
    while (e + 1 < n && all[e + 1].v === all[k].v) e++;
    const t = e - k + 1;
    ties += t ** 3 - t;
    const avg = (k + e) / 2 + 1;
    for (let q = k; q <= e; q++) if (all[q].g === 0) r1 += avg;
    k = e + 1;
  }
  const w = r1 - (n1 * (n1 + 1)) / 2;
  const d = w - (n1 * n2) / 2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  const z = (d - 0.5 * Math.sign(d)) / sigma;
  return { w, z, p: Math.min(1, 2 * normalSf(Math.abs(z))) };
}
