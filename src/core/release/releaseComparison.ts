/**
 * Summary and comparison of released-fraction curves, e.g. temperature-sensitive (TSL) vs
 * non-temperature-sensitive liposomes under the same heating: final and maximal fraction, the
 * time to 50 % release (linear interpolation at the first upward crossing of f = 0.5; null when
 * never reached), and the area under f(t) (linear trapezoid, fraction·s) and its time average.
 * Differences are TSL − reference.
 */
import { InputError } from "../errors.js";

export interface ReleaseSummary {
  final_fraction: number;
  max_fraction: number;
  t50_s: number | null;
  auc_fraction_s: number;
  mean_fraction: number;
}

export function summariseRelease(timeS: ArrayLike<number>, fraction: ArrayLike<number>): ReleaseSummary {
  const n = timeS.length;
  if (n < 2 || fraction.length !== n)
    throw new InputError({
      field: "fraction",
      value: fraction.length,
      expected: `${n} samples (≥ 2), one per time`,
    });
  let auc = 0;
  let max = Number.NEGATIVE_INFINITY;
  let t50: number | null = null;
  for (let i = 0; i < n; i++) {
    max = Math.max(max, fraction[i]);
    if (i === 0) continue;
    const dt = timeS[i] - timeS[i - 1];
    if (!(dt > 0))
      throw new InputError({ field: `time_s[${i}]`, value: timeS[i], expected: "strictly increasing" });
    auc += ((fraction[i] + fraction[i - 1]) / 2) * dt;
    if (t50 === null && fraction[i - 1] < 0.5 && fraction[i] >= 0.5)
      t50 = timeS[i - 1] + ((0.5 - fraction[i - 1]) / (fraction[i] - fraction[i - 1])) * dt;
  }
  if (t50 === null && fraction[0] >= 0.5) t50 = timeS[0];
  return {
    final_fraction: fraction[n - 1],
    max_fraction: max,
    t50_s: t50,
    auc_fraction_s: auc,
    mean_fraction: auc / (timeS[n - 1] - timeS[0]),
  };
}

export interface ReleaseComparison {
  test: ReleaseSummary;
  reference: ReleaseSummary;
  difference: { final_fraction: number; max_fraction: number; auc_fraction_s: number; t50_s: number | null };
}

export function compareRelease(
  timeS: ArrayLike<number>,
  testFraction: ArrayLike<number>,
  referenceFraction: ArrayLike<number>,
): ReleaseComparison {
  const a = summariseRelease(timeS, testFraction);
  const b = summariseRelease(timeS, referenceFraction);
  return {
    test: a,
    reference: b,
    difference: {
      final_fraction: a.final_fraction - b.final_fraction,
      max_fraction: a.max_fraction - b.max_fraction,
      auc_fraction_s: a.auc_fraction_s - b.auc_fraction_s,
      t50_s: a.t50_s !== null && b.t50_s !== null ? a.t50_s - b.t50_s : null,
    },
  };
}
