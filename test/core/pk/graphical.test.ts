import { describe, expect, it } from "vitest";
import { logan, patlak } from "../../../src/core/pk/graphical.js";

// input function Cp = 10·e^{−0.05 t} (t in min), sampled finely so trapezoids are accurate
const t = Array.from({ length: 1801 }, (_, i) => i * 0.05);
const cp = t.map((x) => 10 * Math.exp(-0.05 * x));

describe("graphical analysis on analytic tissue curves", () => {
  it("Patlak recovers Ki = K1·k3/(k2+k3) of an irreversible two-tissue model", () => {
    // Ct = K1/(k2+k3)·[k3·∫Cp + k2·(Cp ⊗ e^{−(k2+k3)t})], Cp ⊗ e^{−kt} = 10(e^{−αt} − e^{−kt})/(k − α)
    const [K1, k2, k3, a] = [0.3, 0.2, 0.05, 0.05];
    const k = k2 + k3;
    const ct = t.map(
      (x) =>
        (K1 / k) *
        (k3 * (10 / a) * (1 - Math.exp(-a * x)) +
          k2 * ((10 * (Math.exp(-a * x) - Math.exp(-k * x))) / (k - a))),
    );
    const r = patlak(t, cp, ct, { maxErrPct: 0.5 });
    expect(Math.abs(r.slope - (K1 * k3) / k) / ((K1 * k3) / k)).toBeLessThan(2e-3);
    expect(r.tStar).toBeGreaterThan(5);
  });
  it("Logan recovers VT = K1/k2 of a one-tissue model (exactly linear)", () => {
    const [K1, k2] = [0.4, 0.1];
    const ct = t.map((x) => (K1 * 10 * (Math.exp(-0.05 * x) - Math.exp(-k2 * x))) / (k2 - 0.05));
    const r = logan(t, cp, ct, { tStar: 10 });
    expect(Math.abs(r.slope - K1 / k2) / (K1 / k2)).toBeLessThan(1e-4);
    expect(r.intercept).toBeCloseTo(-1 / k2, 2);
  });
  it("rejects non-increasing time and too few points", () => {
    expect(() => patlak([0, 2, 1], [1, 1, 1], [1, 1, 1])).toThrow(/strictly increasing/);
    expect(() => logan([1, 2, 3], [1, 1, 1], [1, 1, 1], { tStar: 2.5 })).toThrow(/at least 3/);
  });
});
