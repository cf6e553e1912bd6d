/**
 * Areas under sampled concentration curves (Phoenix WinNonlin conventions).
 * Linear trapezoid: AUC = (C1+C2)/2·Δt, AUMC = (t1·C1 + t2·C2)/2·Δt.
 * Log trapezoid (used by "linlog" only when C2 < C1 and both > 0), with k = ln(C1/C2)/Δt:
 *   AUC = (C1 − C2)/k,  AUMC = (C1·t1 − C2·t2)/k + (C1 − C2)/k².
 * When C1 and C2 differ by less than 1e-9 relative the two rules agree to ~1e-19 and the
 * log formulas lose precision (k → 0), so the linear rule is used.
 */
export type AucMethod = "linear" | "linlog";

function useLog(method: AucMethod, c1: number, c2: number): boolean {
  return method === "linlog" && c2 > 0 && c1 - c2 > 1e-9 * c1;
}

export function intervalAuc(t1: number, c1: number, t2: number, c2: number, method: AucMethod): number {
  const dt = t2 - t1;
  if (useLog(method, c1, c2)) return ((c1 - c2) * dt) / Math.log(c1 / c2);
  return ((c1 + c2) * dt) / 2;
}

export function intervalAumc(t1: number, c1: number, t2: number, c2: number, method: AucMethod): number {
  const dt = t2 - t1;
  if (useLog(method, c1, c2)) {
    const k = Math.log(c1 / c2) / dt;
    return (c1 * t1 - c2 * t2) / k + (c1 - c2) / (k * k);
  }
  return ((t1 * c1 + t2 * c2) * dt) / 2;
}

/** AUC and AUMC from t[0] to t[end] (index inclusive). */
export function cumulativeAuc(
  t: ArrayLike<number>,
  c: ArrayLike<number>,
  end: number,
  method: AucMethod,
): { auc: number; aumc: number } {
  let auc = 0;
  let aumc = 0;
  for (let i = 0; i < end; i++) {
    auc += intervalAuc(t[i], c[i], t[i + 1], c[i + 1], method);
    aumc += intervalAumc(t[i], c[i], t[i + 1], c[i + 1], method);
  }
  return { auc, aumc };
}

/** Concentration at time x inside [t1, t2] by linear or (declining, positive) log interpolation. */
export function interpolateConc(
  t1: number,
  c1: number,
  t2: number,
  c2: number,
  x: number,
  method: AucMethod,
): number {
  if (x === t1) return c1;
  if (x === t2) return c2;
  const f = (x - t1) / (t2 - t1);
  if (useLog(method, c1, c2)) return Math.exp(Math.log(c1) + f * Math.log(c2 / c1));
  return c1 + f * (c2 - c1);
}

/** Partial AUC over [from, to] with interpolation at the ends (within the sampled range). */
export function partialAuc(
  t: ArrayLike<number>,
  c: ArrayLike<number>,
  from: number,
  to: number,
  method: AucMethod,
): number {
  let auc = 0;
  for (let i = 0; i + 1 < t.length; i++) {
    const a = Math.max(from, t[i]);
    const b = Math.min(to, t[i + 1]);
    if (b <= a) continue;
    const ca = interpolateConc(t[i], c[i], t[i + 1], c[i + 1], a, method);
    const cb = interpolateConc(t[i], c[i], t[i + 1], c[i + 1], b, method);
    auc += intervalAuc(a, ca, b, cb, method);
  }
  return auc;
}
