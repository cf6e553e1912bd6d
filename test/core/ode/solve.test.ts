import { describe, expect, it } from "vitest";
import { solveOde } from "../../../src/core/ode/solve.js";
import { concentration } from "../../../src/core/pk/compartment.js";

describe("ODE solvers", () => {
  it("rk45: exponential decay to 1e-8 relative, with dense output", () => {
    const tEval = [0.5, 1, 2.5, 7, 10];
    const s = solveOde((_t, y, d) => (d[0] = -0.3 * y[0]), 0, [5], 10, { rtol: 1e-11, atol: 1e-14, tEval });
    tEval.forEach((t, i) =>
      expect(Math.abs(s.y[i][0] - 5 * Math.exp(-0.3 * t)) / (5 * Math.exp(-0.3 * t))).toBeLessThan(1e-8),
    );
  });
  it("rk45 and rosenbrock: two-compartment PK with a second dose as an event match the closed form", () => {
    const [cl, v1, q, v2] = [2, 10, 5, 30];
    const rhs = (_t: number, a: Float64Array, d: Float64Array) => {
      const c1 = a[0] / v1;
      const c2 = a[1] / v2;
      d[0] = -cl * c1 - q * (c1 - c2);
      d[1] = q * (c1 - c2);
    };
    const tEval = [1, 6, 12.5, 18, 24];
    const dose = { time: 12, apply: (a: Float64Array) => (a[0] += 100) };
    const exact = concentration(
      2,
      "iv-bolus",
      [cl, v1, q, v2],
      [
        { timeH: 0, amount: 100 },
        { timeH: 12, amount: 100 },
      ],
      tEval,
    );
    const rk = solveOde(rhs, 0, [100, 0], 24, { rtol: 1e-11, atol: 1e-12, tEval, events: [dose] });
    tEval.forEach((_, i) => expect(Math.abs(rk.y[i][0] / v1 - exact[i]) / exact[i]).toBeLessThan(1e-8));
    const ro = solveOde(rhs, 0, [100, 0], 24, {
      method: "rosenbrock",
      rtol: 1e-8,
      atol: 1e-10,
      tEval,
      events: [{ ...dose }],
    });
    tEval.forEach((_, i) => expect(Math.abs(ro.y[i][0] / v1 - exact[i]) / exact[i]).toBeLessThan(1e-5));
  });
  it("rosenbrock: Robertson's stiff chemical kinetics to t = 1e5 in a sensible number of steps", () => {
    const rhs = (_t: number, y: Float64Array, d: Float64Array) => {
      d[0] = -0.04 * y[0] + 1e4 * y[1] * y[2];
      d[1] = 0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] ** 2;
      d[2] = 3e7 * y[1] ** 2;
    };
    const s = solveOde(rhs, 0, [1, 0, 0], 40, { method: "rosenbrock", rtol: 1e-6, atol: 1e-10, tEval: [40] });
    // reference at t = 40 (Hairer & Wanner, Solving ODEs II, §IV.1; many codes agree to 1e-6)
    expect(s.y[0][0]).toBeCloseTo(0.7158270687, 4);
    expect(s.y[0][1] / 9.185534764e-6).toBeCloseTo(1, 3);
    expect(s.y[0][2]).toBeCloseTo(0.2841637457, 4);
    const long = solveOde(rhs, 0, [1, 0, 0], 1e5, { method: "rosenbrock", rtol: 1e-6, atol: 1e-10 });
    expect(long.steps).toBeLessThan(2000);
    const last = long.y[long.y.length - 1];
    expect(last[0] + last[1] + last[2]).toBeCloseTo(1, 8); // mass conservation
    // the explicit method needs far more steps on the stiff problem
    expect(() => solveOde(rhs, 0, [1, 0, 0], 1e5, { rtol: 1e-6, atol: 1e-10, maxSteps: 20_000 })).toThrow(
      /more than 20000 steps/,
    );
  });
  it("rejects a backwards interval", () => {
    expect(() => solveOde((_t, _y, d) => d.fill(0), 1, [0], 0)).toThrow(/a time after t0/);
  });
});
