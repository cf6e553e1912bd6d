/**
 * Accuracy-row arithmetic (core/phantom/accuracy.ts) against hand-computed values and the
 * identity RMSE² = bias² + SD²·(n−1)/n; failed realisations (NaN) are counted, not used.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accuracyRow } from "../../../src/core/phantom/accuracy.js";

describe("accuracyRow", () => {
  it("hand-computed example with one failed fit", () => {
    // estimates 1, 2, 3 (and one failure) of a truth 2.5: mean 2, bias −0.5, SD 1,
    // RMSE √((1.5² + 0.5² + 0.5²)/3) = √(2.75/3)
    const r = accuracyRow("x", 10, 2.5, [1, Number.NaN, 2, 3], "m");
    expect(r.parameter).toBe("x");
    expect(r.method).toBe("m");
    expect(r.snr).toBe(10);
    expect(r.n_ok).toBe(3);
    expect(r.n_failed).toBe(1);
    expect(r.mean).toBeCloseTo(2, 14);
    expect(r.bias).toBeCloseTo(-0.5, 14);
    expect(r.bias_pct).toBeCloseTo(-20, 12);
    expect(r.sd).toBeCloseTo(1, 14);
    expect(r.cov_pct).toBeCloseTo(40, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(2.75 / 3), 14);
  });

  it("all failed → null statistics, counts kept; no method key when none is given", () => {
    const r = accuracyRow("y", 5, 1, [Number.NaN, Number.NaN]);
    expect(r).toEqual({
      parameter: "y",
      snr: 5,
      truth: 1,
      mean: null,
      bias: null,
      bias_pct: null,
      sd: null,
      cov_pct: null,
      rmse: null,
      n_ok: 0,
      n_failed: 2,
    });
    expect(accuracyRow("z", 5, 0, [1, 2]).bias_pct).toBeNull();
  });

  it("property: RMSE² = bias² + SD²·(n_ok − 1)/n_ok and n_ok + n_failed = n", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constant(Number.NaN)), {
          minLength: 2,
          maxLength: 60,
        }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        (xs, truth) => {
          const r = accuracyRow("p", 1, truth, xs);
          expect(r.n_ok + r.n_failed).toBe(xs.length);
          if (r.n_ok < 2) return;
          const n = r.n_ok;
          const lhs = (r.rmse as number) ** 2;
          const rhs = (r.bias as number) ** 2 + ((r.sd as number) ** 2 * (n - 1)) / n;
          expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-9 * Math.max(1, lhs));
        },
      ),
      { seed: 42 },
    );
  });
});
