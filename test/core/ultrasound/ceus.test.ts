/**
 * CEUS TIC models. References: analytic closed forms checked against direct numerical quadrature
 * of the model (Simpson on 10⁶ intervals: ∫I, ∫τI/∫I, argmax) — log-normal MTT = e^{μ+σ²/2},
 * mode e^{μ−σ²}; gamma-variate moments Γ(α+1)β^{α+1}K and (α+1)β; LDRW normalisation and
 * first moment μ(1+1/λ); and noise-free curves whose parameters must be recovered (1e-6).
 */
import { describe, expect, it } from "vitest";
import { fitBolus, fitCeus, fitReplenishment } from "../../../src/core/ultrasound/ceus.js";
import { type BolusModelName, bolusDerived, bolusValue } from "../../../src/core/ultrasound/ceusModels.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

function quad(model: BolusModelName, p: number[], tEnd: number) {
  const N = 1_000_000;
  const t0 = p[3];
  const h = (tEnd - t0) / N;
  let m0 = 0;
  let m1 = 0;
  let best = 0;
  let tBest = t0;
  for (let k = 0; k <= N; k++) {
    const t = t0 + k * h;
    const w = k === 0 || k === N ? 1 : k % 2 ? 4 : 2;
    const v = bolusValue(model, p, t);
    m0 += w * v;
    m1 += w * v * (t - t0);
    if (v > best) {
      best = v;
      tBest = t;
    }
  }
  return { auc: (m0 * h) / 3, mtt: m1 / m0, peak: best, ttp: tBest };
}

describe("closed forms vs quadrature", () => {
  const cases: [BolusModelName, number[]][] = [
    ["lognormal", [500, Math.log(8), 0.5, 3]],
    ["lognormal", [120, 2.5, 0.9, 0]],
    ["gamma", [40, 2.5, 6, 4]],
    ["gamma", [10, 0.8, 3, 1]],
    ["ldrw", [300, 12, 2, 5]],
    ["ldrw", [80, 6, 8, 2]],
  ];
  for (const [model, p] of cases) {
    it(`${model} ${p.join(",")}: AUC, MTT, TTP, peak`, () => {
      const d = bolusDerived(model, p);
      const q = quad(model, p, p[3] + 4000);
      expect(rel(d.AUC, q.auc)).toBeLessThan(1e-6);
      expect(rel(d.MTT_s, q.mtt)).toBeLessThan(1e-5);
      expect(Math.abs(d.TTP_s - q.ttp)).toBeLessThan(1e-2);
      expect(rel(d.peak, q.peak)).toBeLessThan(1e-6); // grid max (4 ms step) vs exact
    });
  }
  it("log-normal MTT and TTP are the SCIENCE.md §12 formulas", () => {
    const d = bolusDerived("lognormal", [1, 2, 0.4, 1.5]);
    expect(d.MTT_s).toBeCloseTo(Math.exp(2 + 0.08), 12);
    expect(d.TTP_s).toBeCloseTo(1.5 + Math.exp(2 - 0.16), 12);
  });
  it("gamma variate: TTP = t0 + αβ, MTT = (α+1)β, AUC = KΓ(α+1)β^{α+1}", () => {
    const [alpha, beta, K, t0] = [3, 2, 0.7, 1];
    const tp = alpha * beta;
    const peak = K * tp ** alpha * Math.exp(-alpha);
    const d = bolusDerived("gamma", [peak, alpha, tp, t0]);
    expect(d.TTP_s).toBeCloseTo(t0 + 6, 12);
    expect(d.MTT_s).toBeCloseTo(8, 12);
    expect(d.AUC).toBeCloseTo(K * 6 * 2 ** 4, 9); // Γ(4) = 6
  });
});

describe("noise-free recovery", () => {
  const t = Array.from({ length: 241 }, (_, i) => 0.25 * i); // 0–60 s
  const cases: [BolusModelName, number[]][] = [
    ["lognormal", [500, Math.log(8), 0.5, 3]],
    ["lognormal", [300, 2.2, 0.3, 7]],
    ["gamma", [40, 2.5, 6, 4]],
    ["gamma", [25, 5, 10, 2.5]],
    ["ldrw", [300, 12, 2, 5]],
    ["ldrw", [200, 8, 6, 3]],
  ];
  for (const [model, p] of cases) {
    it(`${model} ${p.join(",")}`, () => {
      const y = t.map((x) => bolusValue(model, p, x));
      const f = fitBolus(model, t, y);
      expect(f.status).toBe("converged");
      const d = bolusDerived(model, p);
      for (const k of ["AUC", "peak", "TTP_s", "MTT_s", "t0_s"] as const)
        expect(rel(f[k], d[k]), k).toBeLessThan(1e-6);
      expect(f.wash_in_rate).toBeGreaterThan(0);
      expect(f.wash_out_rate).toBeGreaterThan(0);
    });
  }
  it("with a baseline offset", () => {
    const p = [500, Math.log(8), 0.5, 3];
    const y = t.map((x) => bolusValue("lognormal", p, x) + 12);
    const f = fitBolus("lognormal", t, y, { offset: true });
    expect(f.status).toBe("converged");
    expect(f.offset).toBeCloseTo(12, 6);
    expect(rel(f.MTT_s, Math.exp(Math.log(8) + 0.125))).toBeLessThan(1e-6);
  });
  it("replenishment recovers A, β and A·β", () => {
    const tt = Array.from({ length: 60 }, (_, i) => 0.5 * i);
    const f = fitReplenishment(
      tt,
      tt.map((x) => 80 * (1 - Math.exp(-0.35 * x))),
    );
    expect(f.status).toBe("converged");
    expect(rel(f.A, 80)).toBeLessThan(1e-8);
    expect(rel(f.beta_per_s, 0.35)).toBeLessThan(1e-8);
    expect(rel(f.flow_index, 28)).toBeLessThan(1e-8);
  });
  it("wash-in rate is the maximum slope (log-normal: numeric derivative check)", () => {
    const p = [500, Math.log(8), 0.5, 3];
    const y = t.map((x) => bolusValue("lognormal", p, x));
    const f = fitBolus("lognormal", t, y);
    let maxSlope = 0;
    for (let x = 3.0001; x < f.TTP_s; x += 1e-4) {
      const s = (bolusValue("lognormal", p, x + 1e-6) - bolusValue("lognormal", p, x - 1e-6)) / 2e-6;
      maxSlope = Math.max(maxSlope, s);
    }
    expect(rel(f.wash_in_rate, maxSlope)).toBeLessThan(1e-6);
  });
});

describe("contracts", () => {
  it("a flat curve is invalid input with NaN values", () => {
    const f = fitCeus("gamma", [0, 1, 2, 3, 4, 5], [1, 1, 1, 1, 1, 1]);
    expect(f.converged).toBe(false);
    expect(Number.isNaN((f as { AUC: number }).AUC)).toBe(true);
  });
  it("non-increasing times are rejected", () => {
    expect(() => fitCeus("lognormal", [0, 1, 1, 2, 3], [0, 1, 2, 1, 0])).toThrow(/increasing/);
  });
});
