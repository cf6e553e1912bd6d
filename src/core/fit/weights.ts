/**
 * Weighting schemes for least squares (WinNonlin/ADAPT conventions): weights multiply the
 * squared residuals, w = 1, 1/y, 1/y² (observed y) or 1/σ² (given SDs). Observations that cannot
 * carry the weight (y ≤ 0 under 1/y or 1/y², σ ≤ 0) get weight 0 and are thereby excluded.
 */
export type WeightScheme = "1" | "1/y" | "1/y2" | "1/sigma2";

export function weightsFor(
  y: ArrayLike<number>,
  scheme: WeightScheme,
  sigma?: ArrayLike<number>,
): Float64Array {
  const w = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) {
    if (scheme === "1") w[i] = 1;
    else if (scheme === "1/sigma2") {
      const s = sigma ? sigma[i] : Number.NaN;
      w[i] = s > 0 ? 1 / (s * s) : 0;
    } else if (!(y[i] > 0)) w[i] = 0;
    else w[i] = scheme === "1/y" ? 1 / y[i] : 1 / (y[i] * y[i]);
  }
  return w;
}
