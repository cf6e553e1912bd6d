import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expConvolve, expConvolveWithDerivative } from "../../../src/core/fit/expConvolution.js";

describe("recursive exponential convolution", () => {
  it("is exact for a ramp on a non-uniform grid (piecewise-linear input)", () => {
    const t = [0, 0.3, 0.5, 1.7, 2, 3.5, 6];
    const k = 0.7;
    const y = expConvolve(t, t, k);
    t.forEach((ti, i) => expect(y[i]).toBeCloseTo(ti / k - (1 - Math.exp(-k * ti)) / (k * k), 13));
  });
  it("converges to the analytic convolution of an exponential input (O(Δ²))", () => {
    const a = 0.2;
    const k = 1.3;
    const t = Array.from({ length: 2001 }, (_, i) => i * 0.005);
    const y = expConvolve(
      t,
      t.map((v) => Math.exp(-a * v)),
      k,
    );
    const exact = (v: number) => (Math.exp(-a * v) - Math.exp(-k * v)) / (k - a);
    for (const i of [200, 1000, 2000]) expect(Math.abs(y[i] - exact(t[i])) / exact(t[i])).toBeLessThan(1e-5);
  });
  it("is continuous through the small-kΔ series branch and k = 0 gives the integral", () => {
    const t = [0, 1, 2, 3];
    const x = [0, 2, 1, 3];
    const y0 = expConvolve(t, x, 0);
    expect(Array.from(y0)).toEqual([0, 1, 2.5, 4.5]);
    const yA = expConvolve(t, x, 0.99e-3);
    const yB = expConvolve(t, x, 1.01e-3);
    yA.forEach((v, i) => expect(Math.abs(v - yB[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(v))));
  });
  it("analytic ∂y/∂k matches central differences (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-4, max: 5, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 5, maxLength: 20 }),
        (k, xs) => {
          const t = xs.map((_, i) => i * 0.37 + (i % 3) * 0.05);
          const y = new Float64Array(t.length);
          const dy = new Float64Array(t.length);
          expConvolveWithDerivative(t, xs, k, y, dy);
          const h = 1e-6 * Math.max(k, 1e-3);
          const yp = expConvolve(t, xs, k + h);
          const ym = expConvolve(t, xs, k - h);
          return Array.from(dy).every(
            (d, i) => Math.abs(d - (yp[i] - ym[i]) / (2 * h)) <= 1e-5 * (1 + Math.abs(d)),
          );
        },
      ),
    );
  });
});
