/**
 * Integrals of sampled curves: trapezoid (cumulative or total) and the log-trapezoid for
 * declining positive segments (exact for mono-exponential decay; Phoenix "linear-up/log-down"
 * applies it only where C falls — see core/pk/auc.ts for that rule).
 */
export function trapezoid(t: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < t.length; i++) s += ((y[i] + y[i - 1]) * (t[i] - t[i - 1])) / 2;
  return s;
}

/** ∫_{t0}^{t_i} y dt for every i (0 at t0) */
export function cumulativeTrapezoid(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  out: Float64Array<ArrayBufferLike> = new Float64Array(t.length),
): Float64Array<ArrayBufferLike> {
  out[0] = 0;
  for (let i = 1; i < t.length; i++) out[i] = out[i - 1] + ((y[i] + y[i - 1]) * (t[i] - t[i - 1])) / 2;
  return out;
}

/** log-trapezoid of one segment (y1, y2 > 0): Δt·(y1 − y2)/ln(y1/y2); linear when y1 ≈ y2 */
export function logTrapezoidSegment(t1: number, y1: number, t2: number, y2: number): number {
  if (!(y1 > 0 && y2 > 0) || Math.abs(y1 - y2) <= 1e-9 * Math.max(y1, y2)) return ((y1 + y2) * (t2 - t1)) / 2;
  return ((y1 - y2) * (t2 - t1)) / Math.log(y1 / y2);
}

export function logTrapezoid(t: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let i = 1; i < t.length; i++) s += logTrapezoidSegment(t[i - 1], y[i - 1], t[i], y[i]);
  return s;
}
