/**
 * Label maps across images and time points, and overlap measures.
 *  - propagateLabels: labels of a source image carried to a target image through the
 *    registration T (target world → source world, the matrix `register(target, source)`
 *    returns), nearest neighbour so label values are never mixed;
 *  - propagateLabelsField: the same through a dense displacement field on the target grid
 *    (y = x + u(x), world mm; the B-spline registration's bsplineField);
 *  - dice(A, B) = 2|A ∩ B|/(|A| + |B|) per label (Dice 1945), NaN when both are empty.
 */
import type { Volume } from "../image/volume.js";
import { type Grid, resampleNearest, resampleNearestField } from "../registration/resample.js";

export function propagateLabels(labels: Volume, target: Grid, targetToSource: ArrayLike<number>): Volume {
  return resampleNearest(labels, target, targetToSource);
}

export function propagateLabelsField(labels: Volume, target: Grid, field: ArrayLike<number>): Volume {
  return resampleNearestField(labels, target, field);
}

export function dice(a: ArrayLike<number>, b: ArrayLike<number>, label?: number): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let v = 0; v < a.length; v++) {
    const x = label === undefined ? a[v] > 0 : a[v] === label;
    const y = label === undefined ? b[v] > 0 : b[v] === label;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return na + nb === 0 ? Number.NaN : (2 * inter) / (na + nb);
}

/** Dice per label present in either map */
export function dicePerLabel(a: ArrayLike<number>, b: ArrayLike<number>): Map<number, number> {
  const set = new Set<number>();
  for (let v = 0; v < a.length; v++) {
    if (a[v] > 0) set.add(a[v]);
    if (b[v] > 0) set.add(b[v]);
  }
  const out = new Map<number, number>();
  for (const l of [...set].sort((x, y) => x - y)) out.set(l, dice(a, b, l));
  return out;
}
