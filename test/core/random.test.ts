/**
 * Poisson deviates: mean and variance equal the parameter at small, medium (the 708–1000 range
 * where Knuth's method underflows) and large means; the distribution matches the Poisson pmf
 * (χ² goodness of fit); reproducible for a seed.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import { chiSquareSf, logGamma } from "../../src/core/stats/distributions.js";

describe("Rng.poisson", () => {
  it.each([0.5, 4, 29, 30, 75, 708, 850, 1000, 5000, 1e6])(
    "mean %d: sample mean and variance within 4 SE",
    (mu) => {
      const rng = new Rng(12345);
      const n = 20000;
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const k = rng.poisson(mu);
        expect(Number.isInteger(k) && k >= 0).toBe(true);
        s += k;
        s2 += k * k;
      }
      const mean = s / n;
      const variance = s2 / n - mean * mean;
      expect(Math.abs(mean - mu)).toBeLessThan(4 * Math.sqrt(mu / n));
      // SE of the sample variance ≈ sqrt((μ4 − σ⁴)/n) = sqrt((μ + 2μ²)/n) for Poisson
      expect(Math.abs(variance - mu)).toBeLessThan(4 * Math.sqrt((mu + 2 * mu * mu) / n));
    },
  );

  it("matches the Poisson pmf at mean 850 (χ² goodness of fit, p > 0.001)", () => {
    const rng = new Rng(7);
    const mu = 850;
    const n = 50000;
    const lo = 760;
    const hi = 940;
    const bins = new Float64Array(hi - lo + 3);
    for (let i = 0; i < n; i++) {
      const k = rng.poisson(mu);
      bins[k < lo ? 0 : k > hi ? bins.length - 1 : k - lo + 1]++;
    }
    const pmf = (k: number) => Math.exp(-mu + k * Math.log(mu) - logGamma(k + 1));
    const expected = new Float64Array(bins.length);
    let inner = 0;
    for (let k = lo; k <= hi; k++) {
      expected[k - lo + 1] = n * pmf(k);
      inner += pmf(k);
    }
    let below = 0;
    for (let k = 0; k < lo; k++) below += pmf(k);
    expected[0] = n * below;
    expected[bins.length - 1] = n * (1 - inner - below);
    let chi = 0;
    let df = -1;
    for (let i = 0; i < bins.length; i++) {
      if (expected[i] < 5) continue;
      chi += (bins[i] - expected[i]) ** 2 / expected[i];
      df++;
    }
    expect(chiSquareSf(chi, df)).toBeGreaterThan(0.001);
  });

  it("is reproducible for a seed", () => {
    const a = new Rng(3);
    const b = new Rng(3);
    for (let i = 0; i < 100; i++) expect(a.poisson(400)).toBe(b.poisson(400));
  });
});
