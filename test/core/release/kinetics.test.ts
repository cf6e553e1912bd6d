import { describe, expect, it } from "vitest";
import { Rng } from "../../../src/core/random.js";
import {
  fitArrheniusKinetics,
  fitCurveK,
  fitTabulatedKinetics,
  type ReleaseCurve,
} from "../../../src/core/release/releaseKinetics.js";
import { compareWithMeasured, predictRelease } from "../../../src/core/release/releasePredict.js";
import { arrheniusK, tabulatedK } from "../../../src/core/release/releaseRate.js";

const R = 8.314462618;
/** k(T) written out independently: A·exp(−Ea/(R·T_K)) with A chosen so that k(41 °C) = 1e-3 /s */
const EA = 120e3;
const A = 1e-3 / Math.exp(-EA / (R * (41 + 273.15)));
const kTrue = (tc: number) => A * Math.exp(-EA / (R * (tc + 273.15)));
const TEMPS = [37, 39, 41, 43, 45];
const TIMES = Array.from({ length: 25 }, (_, i) => i * 150);

function synth(fInf: number, sd = 0, seed = 3): ReleaseCurve[] {
  const rng = new Rng(seed);
  return TEMPS.map((T) => ({
    temperatureC: T,
    timeS: TIMES,
    fraction: TIMES.map((t) => fInf * (1 - Math.exp(-kTrue(T) * t)) + (sd ? rng.normal(0, sd) : 0)),
  }));
}

describe("first-order release kinetics with temperature-dependent rate", () => {
  it("one curve: known k recovered to 1e-8 relative (noise-free), f∞ fixed and fitted", () => {
    const c = synth(1)[2];
    const f = fitCurveK(c);
    expect(Math.abs(f.kPerS - 1e-3) / 1e-3).toBeLessThan(1e-8);
    const c2 = { ...c, fraction: TIMES.map((t) => 0.8 * (1 - Math.exp(-1e-3 * t))) };
    const f2 = fitCurveK(c2, { fitPlateau: true });
    expect(Math.abs(f2.kPerS - 1e-3) / 1e-3).toBeLessThan(1e-8);
    expect(f2.fInf).toBeCloseTo(0.8, 9);
  });
  it("Arrhenius: k_ref and Ea recovered from noise-free curves at 5 temperatures", () => {
    const res = fitArrheniusKinetics(synth(0.9), { fitPlateau: true, tRefC: 41 });
    expect(res.status).toBe("converged");
    expect(Math.abs(res.rate.kRefPerS - 1e-3) / 1e-3).toBeLessThan(1e-7);
    expect(Math.abs(res.rate.eaKjPerMol - 120) / 120).toBeLessThan(1e-6);
    expect(res.fInf).toBeCloseTo(0.9, 8);
    for (const T of [36, 40, 44, 47])
      expect(Math.abs(arrheniusK(res.rate, T) - kTrue(T)) / kTrue(T)).toBeLessThan(1e-6);
  });
  it("Arrhenius from noisy curves (sd 0.01): Ea within 3 standard errors and 5 %", () => {
    const res = fitArrheniusKinetics(synth(1, 0.01, 11));
    expect(res.stderr.eaKjPerMol).not.toBeNull();
    const se = res.stderr.eaKjPerMol as number;
    expect(Math.abs(res.rate.eaKjPerMol - 120)).toBeLessThan(3 * se);
    expect(Math.abs(res.rate.eaKjPerMol - 120) / 120).toBeLessThan(0.05);
  });
  it("tabulated: per-temperature k exact; ln k interpolated between table temperatures", () => {
    const tab = fitTabulatedKinetics(synth(1).reverse());
    expect(tab.rate.temperatureC).toEqual(TEMPS);
    tab.rate.kPerS.forEach((k, i) =>
      expect(Math.abs(k - kTrue(TEMPS[i])) / kTrue(TEMPS[i])).toBeLessThan(1e-8),
    );
    const mid = tabulatedK(tab.rate, 42);
    expect(mid).toBeCloseTo(Math.sqrt(kTrue(41) * kTrue(43)), 12);
    expect(tabulatedK(tab.rate, 30)).toBe(tab.rate.kPerS[0]);
  });
  it("prediction under a measured temperature history (RK45) matches f∞(1 − exp(−∫k dt)) by Simpson quadrature", () => {
    const rate = { kind: "arrhenius" as const, kRefPerS: 1e-3, tRefC: 41, eaKjPerMol: 120 };
    const ht = [0, 120, 300, 900, 1200, 1800];
    const hT = [37, 37, 42, 42.5, 39, 37];
    const p = predictRelease(rate, ht, hT, { fInf: 0.95 });
    // independent reference: closed-form solution of the linear ODE with the integral of k(T(t))
    const integralK = (tEnd: number) => {
      let s = 0;
      for (let i = 1; i < ht.length && ht[i - 1] < tEnd; i++) {
        const a = ht[i - 1];
        const b = Math.min(ht[i], tEnd);
        const T = (t: number) => hT[i - 1] + ((hT[i] - hT[i - 1]) * (t - a)) / (ht[i] - ht[i - 1]);
        const n = 2000;
        const h = (b - a) / n;
        let acc = kTrue(T(a)) + kTrue(T(b));
        for (let k = 1; k < n; k++) acc += (k % 2 ? 4 : 2) * kTrue(T(a + k * h));
        s += (acc * h) / 3;
      }
      return s;
    };
    p.timeS.forEach((t, i) => {
      const ref = 0.95 * (1 - Math.exp(-integralK(t)));
      expect(Math.abs(p.fraction[i] - ref)).toBeLessThan(1e-7);
    });
    const agree = compareWithMeasured(
      p,
      ht,
      p.timeS.map((t) => 0.95 * (1 - Math.exp(-integralK(t))) + 0.01),
    );
    expect(agree.bias).toBeCloseTo(-0.01, 6);
    expect(agree.rmse).toBeCloseTo(0.01, 6);
  });
  it("rejects a single temperature for Arrhenius and duplicate temperatures for a table", () => {
    const one = synth(1).slice(0, 1);
    expect(() => fitArrheniusKinetics(one)).toThrow(/temperatures/);
    const dup = [synth(1)[0], synth(1)[0]];
    expect(() => fitTabulatedKinetics(dup)).toThrow(/one curve per temperature/);
  });
});
