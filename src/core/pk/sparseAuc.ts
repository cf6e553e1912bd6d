/**
 * Sparse (destructive) sampling AUC — one animal per time point — by Bailer's method
 * (Bailer, J Pharmacokinet Biopharm 1988;16:303): with per-time means C̄_i, sample variances
 * s_i² and counts n_i, the linear-trapezoid AUC is a weighted sum
 *   AUC = Σ w_i·C̄_i,  w_0 = (t_1 − t_0)/2, w_i = (t_{i+1} − t_{i−1})/2, w_k = (t_k − t_{k−1})/2,
 *   Var(AUC) = Σ w_i²·s_i²/n_i.
 * CI: normal (Bailer) or t with Satterthwaite degrees of freedom (Nedelman et al.,
 * Pharm Res 1995;12:124): df = (Σ a_i)² / Σ a_i²/(n_i − 1), a_i = w_i²·s_i²/n_i.
 */
import { InputError } from "../errors.js";
import { normalQuantile, tQuantile } from "../stats/distributions.js";

export interface SparseTimePoint {
  time: number;
  values: number[];
}

export interface SparseAucResult {
  auc: number;
  se: number;
  df: number | null;
  ciLower: number;
  ciUpper: number;
  /** per-time summary */
  points: { time: number; n: number; mean: number; sd: number | null }[];
}

export function sparseAuc(
  points: SparseTimePoint[],
  opts: { level?: number; ci?: "normal" | "satterthwaite" } = {},
): SparseAucResult {
  const level = opts.level ?? 0.95;
  if (points.length < 2)
    throw new InputError({
      field: "time points",
      value: points.length,
      expected: "at least 2 sampling times",
    });
  const pts = [...points].sort((a, b) => a.time - b.time);
  for (let i = 1; i < pts.length; i++) {
    if (pts[i].time === pts[i - 1].time)
      throw new InputError({
        field: "time",
        value: pts[i].time,
        expected: "distinct sampling times (group animals by time)",
      });
  }
  const summary = pts.map((p) => {
    const v = p.values.filter((x) => Number.isFinite(x));
    if (v.length === 0)
      throw new InputError({ field: `time ${p.time}`, expected: "at least one measured value" });
    const mean = v.reduce((a, x) => a + x, 0) / v.length;
    const sd = v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / (v.length - 1)) : null;
    return { time: p.time, n: v.length, mean, sd };
  });
  const k = summary.length - 1;
  let auc = 0;
  let variance = 0;
  let dfDen = 0;
  for (let i = 0; i <= k; i++) {
    const w =
      i === 0
        ? (summary[1].time - summary[0].time) / 2
        : i === k
          ? (summary[k].time - summary[k - 1].time) / 2
          : (summary[i + 1].time - summary[i - 1].time) / 2;
    auc += w * summary[i].mean;
    const s2 = summary[i].sd === null ? 0 : (summary[i].sd as number) ** 2;
    const a = (w * w * s2) / summary[i].n;
    variance += a;
    if (summary[i].n > 1) dfDen += (a * a) / (summary[i].n - 1);
  }
  const se = Math.sqrt(variance);
  const df = dfDen > 0 ? (variance * variance) / dfDen : null;
  const alpha = 1 - level;
  const q =
    opts.ci === "satterthwaite" && df !== null ? tQuantile(1 - alpha / 2, df) : normalQuantile(1 - alpha / 2);
  return { auc, se, df, ciLower: auc - q * se, ciUpper: auc + q * se, points: summary };
}
