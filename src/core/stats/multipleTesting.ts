/**
 * Multiple-testing adjustments as R `p.adjust`.
 *  - Benjamini–Hochberg (1995): p̃_(i) = min_{j ≥ i} min(1, n·p_(j)/j) (step-up).
 *  - Holm (1979): p̃_(i) = max_{j ≤ i} min(1, (n − j + 1)·p_(j)) (step-down).
 * Results in the input order.
 */
export function benjaminiHochberg(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  const o = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b] - p[a]);
  const out = new Float64Array(n);
  let run = 1;
  o.forEach((idx, k) => {
    const rank = n - k;
    run = Math.min(run, (n * p[idx]) / rank);
    out[idx] = Math.min(1, run);
  });
  return out;
}

export function holm(p: ArrayLike<number>): Float64Array {
  const n = p.length;
  const o = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a] - p[b]);
  const out = new Float64Array(n);
  let run = 0;
  o.forEach((idx, k) => {
    run = Math.max(run, (n - k) * p[idx]);
    out[idx] = Math.min(1, run);
  });
  return out;
}
