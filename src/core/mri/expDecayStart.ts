/**
 * Log-linear start for mono-exponential decays S = S0·exp(−x·R): weighted least squares of
 * ln S on x over the samples with S > 0, weights S² (the delta-method variance of ln S is
 * σ²/S², so S² weights make the linearised fit approximately maximum likelihood; Salvador et
 * al., Hum Brain Mapp 2005;24:144 for DWI; the standard linear start in relaxometry).
 * Closed-form 2×2 normal equations, no allocation — it runs once per voxel before
 * Levenberg–Marquardt. Also used as the "log-linear" ADC estimator (weights optional).
 */

export interface LogLinearResult {
  /** intercept exp(a) */
  s0: number;
  /** decay rate (1/unit of x) */
  rate: number;
  /** number of samples used */
  n: number;
}

/**
 * Fit ln y = ln s0 − rate·x over samples i in [from, to) with y > 0 and x within [xMin, xMax].
 * `weighted`: S² weights (true) or ordinary least squares on ln S (false, the textbook
 * log-linear fit). Returns NaN values when fewer than 2 usable samples or all x are equal.
 */
export function logLinearDecay(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  yOffset = 0,
  weighted = true,
  xMin = Number.NEGATIVE_INFINITY,
  xMax = Number.POSITIVE_INFINITY,
  subtract = 0,
): LogLinearResult {
  let sw = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (!(xi >= xMin && xi <= xMax)) continue;
    const v = y[yOffset + i] - subtract;
    if (!(v > 0) || !Number.isFinite(v)) continue;
    const w = weighted ? v * v : 1;
    const l = Math.log(v);
    sw += w;
    sx += w * xi;
    sy += w * l;
    sxx += w * xi * xi;
    sxy += w * xi * l;
    n++;
  }
  const det = sw * sxx - sx * sx;
  if (n < 2 || !(Math.abs(det) > 1e-300 * Math.max(1, sw * sxx)))
    return { s0: Number.NaN, rate: Number.NaN, n };
  const slope = (sw * sxy - sx * sy) / det;
  const intercept = (sy - slope * sx) / sw;
  return { s0: Math.exp(intercept), rate: -slope, n };
}
