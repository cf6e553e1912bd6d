import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linearLeastSquares } from "../../../src/core/fit/linearLeastSquares.js";
import { nnls } from "../../../src/core/fit/nnls.js";

/** Brute force: the best feasible unconstrained LSQ over every subset of columns. */
function bruteForce(a: number[], m: number, n: number, b: number[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let mask = 0; mask < 1 << n; mask++) {
    const idx = [...Array(n).keys()].filter((j) => mask & (1 << j));
    let rss: number;
    if (idx.length === 0) rss = b.reduce((s, v) => s + v * v, 0);
    else {
      const sub = Float64Array.from(
        { length: m * idx.length },
        (_, q) => a[Math.floor(q / idx.length) * n + idx[q % idx.length]],
      );
      const fit = linearLeastSquares(sub, m, idx.length, b);
      if (fit.coefficients.some((c) => c === null || c < 0)) continue;
      rss = fit.rss;
    }
    best = Math.min(best, rss);
  }
  return Math.sqrt(best);
}

describe("NNLS (Lawson–Hanson)", () => {
  it("unmixes non-negative spectra exactly", () => {
    // three "spectra" over 6 wavelengths, true abundances (2, 0, 0.5)
    const E = [1, 0, 0.2, 0.8, 0.1, 0.3, 0.5, 0.4, 0.5, 0.2, 0.9, 0.6, 0.1, 0.8, 0.2, 0, 0.3, 0.9];
    const truth = [2, 0, 0.5];
    const b = [0, 1, 2, 3, 4, 5].map(
      (i) => E[i * 3] * truth[0] + E[i * 3 + 1] * truth[1] + E[i * 3 + 2] * truth[2],
    );
    const r = nnls(E, 6, 3, b);
    expect(r.converged).toBe(true);
    truth.forEach((v, j) => expect(r.x[j]).toBeCloseTo(v, 10));
  });
  it("satisfies KKT and matches brute force on random problems (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 4, max: 8 }),
        fc.array(
          fc.integer({ min: -1000, max: 1000 }).map((v) => v / 1000),
          { minLength: 32, maxLength: 32 },
        ),
        fc.array(
          fc.integer({ min: -2000, max: 2000 }).map((v) => v / 1000),
          { minLength: 8, maxLength: 8 },
        ),
        (n, m, av, bv) => {
          const a = av.slice(0, m * n);
          const b = bv.slice(0, m);
          const r = nnls(a, m, n, b);
          const feasible = Array.from(r.x).every((v) => v >= 0);
          const kkt = Array.from(r.x).every((v, j) =>
            v > 0 ? Math.abs(r.dual[j]) < 1e-7 : r.dual[j] < 1e-7,
          );
          return feasible && kkt && r.rnorm <= bruteForce(a, m, n, b) + 1e-9;
        },
      ),
      { numRuns: 200 },
    );
  });
});
