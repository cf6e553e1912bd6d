import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cumulativeTrapezoid, logTrapezoid, trapezoid } from "../../../src/core/fit/integrate.js";
import { createLmWorkspace, levenbergMarquardt } from "../../../src/core/fit/levenbergMarquardt.js";
import { polynomialDesign } from "../../../src/core/fit/linearLeastSquares.js";
import { multiStartFit } from "../../../src/core/fit/multiStart.js";
import { huberRegression } from "../../../src/core/fit/robust.js";
import type { CurveModel } from "../../../src/core/fit/types.js";
import { weightsFor } from "../../../src/core/fit/weights.js";

const t = Float64Array.from({ length: 40 }, (_, i) => i * 0.25);
const biexp = (tt: Float64Array): CurveModel => ({
  nParams: 4,
  nPoints: tt.length,
  evaluate(p, out) {
    for (let i = 0; i < tt.length; i++)
      out[i] = p[0] * Math.exp(-p[1] * tt[i]) + p[2] * Math.exp(-p[3] * tt[i]);
  },
  jacobian(p, _f, j) {
    for (let i = 0; i < tt.length; i++) {
      const e1 = Math.exp(-p[1] * tt[i]);
      const e2 = Math.exp(-p[3] * tt[i]);
      j.set([e1, -p[0] * tt[i] * e1, e2, -p[2] * tt[i] * e2], 4 * i);
    }
  },
});

describe("fit helpers", () => {
  it("LM recovers noise-free bi-exponential parameters to 1e-8 from a nearby start (property)", () => {
    const ws = createLmWorkspace(4, t.length);
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.double({ min: 1.5, max: 4, noNaN: true }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (a1, k1, a2, k2) => {
          const m = biexp(t);
          const y = new Float64Array(t.length);
          m.evaluate(Float64Array.of(a1, k1, a2, k2), y);
          const r = levenbergMarquardt(
            m,
            y,
            Float64Array.of(a1 * 1.3, k1 * 0.8, a2 * 0.7, k2 * 1.25),
            { lower: new Float64Array(4) },
            ws,
          );
          return r.converged && [a1, k1, a2, k2].every((v, j) => Math.abs(r.params[j] - v) / v < 1e-8);
        },
      ),
      { numRuns: 50 },
    );
  });
  it("LM honours bounds and fixed parameters", () => {
    const m = biexp(t);
    const y = new Float64Array(t.length);
    m.evaluate(Float64Array.of(5, 2, 1, 0.2), y);
    const r = levenbergMarquardt(m, y, Float64Array.of(4, 1, 1, 0.1), {
      upper: Float64Array.of(10, 1.5, 10, 10),
      fixed: [false, false, true, false],
    });
    expect(r.params[1]).toBeLessThanOrEqual(1.5);
    expect(r.params[2]).toBe(1);
    expect(r.stderr?.[2]).toBe(0);
    const bad = levenbergMarquardt(
      m,
      Float64Array.from(y, (v, i) => (i === 3 ? Number.NaN : v)),
      Float64Array.of(4, 1, 1, 0.1),
    );
    expect(bad.status).toBe("invalid-input");
    expect(bad.converged).toBe(false);
  });
  it("multi-start escapes a poor start", () => {
    const m = biexp(t);
    const y = new Float64Array(t.length);
    m.evaluate(Float64Array.of(5, 3, 1, 0.2), y);
    const r = multiStartFit(m, y, [Float64Array.of(1, 0.01, 1, 0.011)], {
      lower: new Float64Array(4),
      random: 12,
      seed: 3,
    });
    expect(r.converged).toBe(true);
    expect(r.rss).toBeLessThan(1e-16);
    expect(r.starts).toBe(13);
  });
  it("Huber regression downweights an outlier that ordinary LSQ follows", () => {
    const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const y = x.map((v) => 2 + 0.5 * v);
    y[9] = 40; // gross outlier
    const r = huberRegression(polynomialDesign(x, 1), 10, 2, y);
    expect(r.converged).toBe(true);
    expect(r.coefficients[1]).toBeCloseTo(0.5, 2);
    expect(r.weights[9]).toBeLessThan(0.1);
  });
  it("weights: 1/y, 1/y², 1/σ²; unusable observations get weight 0", () => {
    expect(Array.from(weightsFor([2, 4, 0], "1/y"))).toEqual([0.5, 0.25, 0]);
    expect(Array.from(weightsFor([2, 4], "1/y2"))).toEqual([0.25, 0.0625]);
    expect(Array.from(weightsFor([2, 4], "1/sigma2", [0.5, 0]))).toEqual([4, 0]);
  });
  it("integrals: trapezoid exact for lines, log-trapezoid exact for exponentials", () => {
    const tt = [0, 1, 3, 6];
    expect(
      trapezoid(
        tt,
        tt.map((v) => 2 * v + 1),
      ),
    ).toBeCloseTo(42, 12);
    expect(
      Array.from(
        cumulativeTrapezoid(
          tt,
          tt.map(() => 2),
        ),
      ),
    ).toEqual([0, 2, 6, 12]);
    const e = tt.map((v) => 3 * Math.exp(-0.4 * v));
    expect(logTrapezoid(tt, e)).toBeCloseTo((3 / 0.4) * (1 - Math.exp(-2.4)), 12);
  });
});

describe("linearised initial guesses", () => {
  it("curve stripping finds both phases of a well-separated bi-exponential within 10 %", async () => {
    const { exponentialPeeling } = await import("../../../src/core/fit/initialGuess.js");
    const tt = [0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 4, 6, 8, 12, 16, 24];
    const y = tt.map((v) => 20 * Math.exp(-3 * v) + 5 * Math.exp(-0.1 * v));
    const g = exponentialPeeling(tt, y, 2);
    expect(g).toHaveLength(2);
    expect(Math.abs(g[1].rate - 0.1) / 0.1).toBeLessThan(0.1);
    expect(Math.abs(g[0].rate - 3) / 3).toBeLessThan(0.1);
    expect(Math.abs(g[1].amplitude - 5) / 5).toBeLessThan(0.1);
  });
});
