import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  cem43,
  cem43Segment,
  cumulativeCem43,
  segmentTimeInBand,
  thermalSummary,
} from "../../../src/core/release/cem43.js";

/** closed form of ∫ R^(43 − T(t)) dt over a linear ramp T0 → T1 (one side of 43 °C), minutes */
const rampClosedForm = (dtMin: number, t0: number, t1: number, r: number) =>
  t0 === t1
    ? dtMin * r ** (43 - t0)
    : (dtMin * (r ** (43 - t0) - r ** (43 - t1))) / ((t1 - t0) * Math.log(r));

/** composite Simpson of R^(43 − T(t)) for a piecewise-linear T (independent numerical check) */
function simpson(timeS: number[], tempC: number[], perSegment = 20000): number {
  let s = 0;
  for (let i = 1; i < timeS.length; i++) {
    const a = timeS[i - 1];
    const b = timeS[i];
    const T = (t: number) => tempC[i - 1] + ((tempC[i] - tempC[i - 1]) * (t - a)) / (b - a);
    const g = (t: number) => {
      const x = T(t);
      return (x >= 43 ? 0.5 : 0.25) ** (43 - x);
    };
    const h = (b - a) / perSegment;
    let acc = g(a) + g(b);
    for (let k = 1; k < perSegment; k++) acc += (k % 2 ? 4 : 2) * g(a + k * h);
    s += (acc * h) / 3 / 60;
  }
  return s;
}

describe("CEM43 (Sapareto & Dewey 1984), exact piecewise-linear integration", () => {
  it("constant temperatures: 43 °C for 60 min = 60; 44 °C for 10 min = 20; 42 °C for 60 min = 15", () => {
    expect(cem43([0, 3600], [43, 43])).toBeCloseTo(60, 12);
    expect(cem43([0, 600], [44, 44])).toBeCloseTo(20, 12);
    expect(cem43([0, 3600], [42, 42])).toBeCloseTo(15, 12);
    expect(cem43([0, 1800, 3600], [37, 37, 37])).toBeCloseTo(60 * 0.25 ** 6, 14);
  });
  it("linear ramps below and above 43 °C match the closed form to 1e-12 relative", () => {
    for (const [t0, t1, r] of [
      [37, 42.5, 0.25],
      [42.9, 40, 0.25],
      [43, 50, 0.5],
      [48, 43.5, 0.5],
    ]) {
      const got = cem43([0, 900], [t0, t1]);
      const ref = rampClosedForm(15, t0, t1, r);
      expect(Math.abs(got - ref) / ref).toBeLessThan(1e-12);
    }
  });
  it("a ramp crossing 43 °C is split at the crossing (closed form of both parts)", () => {
    // 41 → 45 °C in 10 min: 43 °C at 5 min
    const ref = rampClosedForm(5, 41, 43, 0.25) + rampClosedForm(5, 43, 45, 0.5);
    expect(Math.abs(cem43([0, 600], [41, 45]) - ref) / ref).toBeLessThan(1e-12);
    // 46 → 37 °C in 8 min: 43 °C after 1/3 of it
    const down = rampClosedForm(8 / 3, 46, 43, 0.5) + rampClosedForm(16 / 3, 43, 37, 0.25);
    expect(Math.abs(cem43([0, 480], [46, 37]) - down) / down).toBeLessThan(1e-12);
  });
  it("a finely sampled ramp sums to the single-segment closed form; a heating profile matches Simpson quadrature", () => {
    const times = Array.from({ length: 61 }, (_, i) => i * 10);
    const temps = times.map((t) => 40 + (6 * t) / 600);
    const ref = rampClosedForm(5, 40, 43, 0.25) + rampClosedForm(5, 43, 46, 0.5);
    expect(Math.abs(cem43(times, temps) - ref) / ref).toBeLessThan(1e-12);
    const t = [0, 60, 180, 420, 600, 900];
    const T = [37, 41, 44.5, 44, 42.2, 38];
    const q = simpson(t, T);
    expect(Math.abs(cem43(t, T) - q) / q).toBeLessThan(1e-9);
    const cum = cumulativeCem43(t, T);
    expect(cum[0]).toBe(0);
    expect(cum[5]).toBeCloseTo(cem43(t, T), 12);
  });
  it("near-flat segments stay exact (expm1 form)", () => {
    const ref = rampClosedForm(1, 42, 42 + 1e-7, 0.25);
    expect(Math.abs(cem43Segment(60, 42, 42 + 1e-7) - ref) / ref).toBeLessThan(1e-9);
  });
  it("time in 40–43 °C is exact for linear segments; summary keys", () => {
    expect(segmentTimeInBand(800, 38, 46, 40, 43)).toBeCloseTo(300, 10);
    expect(segmentTimeInBand(100, 41, 41, 40, 43)).toBe(100);
    expect(segmentTimeInBand(100, 44, 46, 40, 43)).toBe(0);
    const s = thermalSummary([0, 800, 1600], [38, 46, 38]);
    expect(s.time_40_43C_s).toBeCloseTo(600, 10);
    expect(s.Tmax_C).toBe(46);
    // 38 → 46 °C over 800 s reaches 43 °C at 5/8 of the segment; the way down mirrors it
    const minutes = 800 / 60;
    const half =
      rampClosedForm((5 / 8) * minutes, 38, 43, 0.25) + rampClosedForm((3 / 8) * minutes, 43, 46, 0.5);
    expect(Math.abs(s.CEM43_min - 2 * half) / (2 * half)).toBeLessThan(1e-12);
  });
  it("property: CEM43 is monotone in temperature (raising any sample never lowers the dose)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 30, max: 55, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.nat({ max: 11 }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (temps, idx, delta) => {
          const times = temps.map((_, i) => 30 * i);
          const raised = temps.slice();
          raised[idx % temps.length] += delta;
          const base = cem43(times, temps);
          expect(cem43(times, raised)).toBeGreaterThanOrEqual(base * (1 - 1e-12));
          expect(
            cem43(
              times,
              temps.map((x) => x + delta),
            ),
          ).toBeGreaterThanOrEqual(base * (1 - 1e-12));
        },
      ),
      { numRuns: 300 },
    );
  });
});
