/**
 * Terminal rate constant λz by log-linear least squares (ln C on t) over the last n ≥ 3
 * positive points, choosing the candidate with the largest adjusted R²
 * (R²adj = 1 − (1 − R²)(n − 1)/(n − 2)); among candidates within 1e-4 of the best, the one
 * with the most points (Phoenix WinNonlin "best fit"; Gabrielsson & Weiner 2000).
 */
export interface LambdaZFit {
  lambdaZ: number;
  intercept: number;
  r2: number;
  r2adj: number;
  corrXY: number;
  nPoints: number;
  tLower: number;
  tUpper: number;
}

export type LambdaZResult = { ok: true; fit: LambdaZFit } | { ok: false; reason: string };

/** OLS of ln c on t for the given points (all c > 0). */
export function logLinearFit(t: ArrayLike<number>, c: ArrayLike<number>, idx: number[]): LambdaZFit {
  const n = idx.length;
  let sx = 0;
  let sy = 0;
  for (const i of idx) {
    sx += t[i];
    sy += Math.log(c[i]);
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const i of idx) {
    const dx = t[i] - mx;
    const dy = Math.log(c[i]) - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  const slope = sxy / sxx;
  const r2 = syy > 0 ? (sxy * sxy) / (sxx * syy) : 1;
  const corr = syy > 0 ? sxy / Math.sqrt(sxx * syy) : -1;
  return {
    lambdaZ: -slope,
    intercept: my - slope * mx,
    r2,
    r2adj: 1 - ((1 - r2) * (n - 1)) / (n - 2),
    corrXY: corr,
    nPoints: n,
    tLower: t[idx[0]],
    tUpper: t[idx[n - 1]],
  };
}

export interface LambdaZOptions {
  /** first index allowed to start a candidate */
  firstIndex: number;
  /** manual selection: use exactly the positive points with tLower ≤ t ≤ tUpper */
  manual?: { tLower: number; tUpper: number };
  /** tie tolerance on adjusted R² (WinNonlin: 1e-4) */
  tolerance?: number;
}

export function bestLambdaZ(
  t: ArrayLike<number>,
  c: ArrayLike<number>,
  lastIndex: number,
  opts: LambdaZOptions,
): LambdaZResult {
  const positive: number[] = [];
  for (let i = opts.firstIndex; i <= lastIndex; i++) if (c[i] > 0) positive.push(i);
  if (opts.manual) {
    const { tLower, tUpper } = opts.manual;
    const idx = positive.filter((i) => t[i] >= tLower && t[i] <= tUpper);
    if (idx.length < 2)
      return {
        ok: false,
        reason: `manual λz range ${tLower}–${tUpper} holds ${idx.length} positive points (need ≥ 2)`,
      };
    const fit =
      idx.length === 2 ? { ...logLinearFit(t, c, idx), r2adj: Number.NaN } : logLinearFit(t, c, idx);
    if (!(fit.lambdaZ > 0)) return { ok: false, reason: "terminal phase is not declining (λz ≤ 0)" };
    return { ok: true, fit };
  }
  if (positive.length < 3)
    return { ok: false, reason: `fewer than 3 positive terminal points after Cmax (${positive.length})` };
  const tol = opts.tolerance ?? 1e-4;
  const fits: LambdaZFit[] = [];
  for (let n = 3; n <= positive.length; n++) {
    const fit = logLinearFit(t, c, positive.slice(positive.length - n));
    if (fit.lambdaZ > 0 && Number.isFinite(fit.r2adj)) fits.push(fit);
  }
  if (fits.length === 0)
    return { ok: false, reason: "terminal phase is not declining (λz ≤ 0 for every candidate)" };
  const best = Math.max(...fits.map((f) => f.r2adj));
  const within = fits.filter((f) => f.r2adj >= best - tol);
  within.sort((a, b) => b.nPoints - a.nPoints);
  return { ok: true, fit: within[0] };
}
