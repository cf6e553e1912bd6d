/**
 * Cross-validation index helpers (seeded, reproducible).
 *  - kFold: Fisher–Yates shuffle with the seeded `Rng`, then k folds of sizes differing by
 *    at most one; `stratify` (binary labels) deals each class round-robin so folds keep the
 *    class balance.
 *  - leaveOneOut: n folds of one.
 *  - crossValidatedPredictions: out-of-fold predictions from a caller's fit/predict pair.
 */
import { InputError } from "../errors.js";
import { Rng } from "../random.js";

export interface Fold {
  train: number[];
  test: number[];
}

function shuffled(idx: number[], rng: Rng): number[] {
  const a = idx.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

export function kFold(
  n: number,
  k: number,
  opts: { seed?: number; stratify?: ArrayLike<number> } = {},
): Fold[] {
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new InputError({ field: "k", value: k, expected: `an integer between 2 and n = ${n}` });
  }
  const rng = new Rng(opts.seed ?? 1);
  const assign = new Int32Array(n);
  if (opts.stratify) {
    const labels = opts.stratify;
    const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
    let offset = 0;
    for (const c of classes) {
      const members = shuffled(
        Array.from({ length: n }, (_, i) => i).filter((i) => labels[i] === c),
        rng,
      );
      members.forEach((i, q) => {
        assign[i] = (q + offset) % k;
      });
      offset = (offset + members.length) % k;
    }
  } else {
    shuffled(
      Array.from({ length: n }, (_, i) => i),
      rng,
    ).forEach((i, q) => {
      assign[i] = q % k;
    });
  }
  return Array.from({ length: k }, (_, f) => {
    const test: number[] = [];
    const train: number[] = [];
    for (let i = 0; i < n; i++) (assign[i] === f ? test : train).push(i);
    return { train, test };
  });
}

export function leaveOneOut(n: number): Fold[] {
  return Array.from({ length: n }, (_, i) => ({
    test: [i],
    train: Array.from({ length: n - 1 }, (_, q) => (q < i ? q : q + 1)),
  }));
}

/** Out-of-fold predictions: fit(train rows) returns a predictor applied to the test rows. */
export function crossValidatedPredictions(
  n: number,
  folds: Fold[],
  fitFold: (train: number[]) => (row: number) => number,
): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  for (const f of folds) {
    const predict = fitFold(f.train);
    for (const i of f.test) out[i] = predict(i);
  }
  return out;
}
