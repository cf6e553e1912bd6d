import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CompartmentCount, concentration, type DosingRoute } from "../../../src/core/pk/compartment.js";
import { fitCompartmentModel } from "../../../src/core/pk/compartmentFit.js";
import { Rng } from "../../../src/core/random.js";
import { REF } from "../../helpers/cli.js";

/** Independent check: integrate the compartment ODEs (amounts) with classical RK4, tiny steps. */
function simulateOde(
  n: CompartmentCount,
  route: DosingRoute,
  p: number[],
  dose: number,
  tinf: number,
  tEnd: number,
  h = 1e-3,
): (t: number) => number {
  const [cl, v1] = p;
  const q = [p[2], p[4]].slice(0, n - 1);
  const v = [p[3], p[5]].slice(0, n - 1);
  const ka = route === "ev" ? p[2 * n] : 0;
  // the infusion rate is held at its value at the start of each step; tinf falls on a step boundary
  let stepStart = 0;
  const rate = () => (route === "iv-infusion" && stepStart < tinf - h / 2 ? dose / tinf : 0);
  const deriv = (_t: number, a: number[]): number[] => {
    const c1 = a[1] / v1;
    const d = new Array(a.length).fill(0);
    d[0] = -ka * a[0];
    d[1] = ka * a[0] + rate() - cl * c1;
    for (let k = 0; k < n - 1; k++) {
      const flux = q[k] * (c1 - a[2 + k] / v[k]);
      d[1] -= flux;
      d[2 + k] = flux;
    }
    return d;
  };
  let a = new Array(n + 1).fill(0);
  if (route === "ev") a[0] = dose;
  if (route === "iv-bolus") a[1] = dose;
  const samples: number[] = [a[1] / v1];
  let t = 0;
  const steps = Math.round(tEnd / h);
  for (let s = 0; s < steps; s++) {
    stepStart = s * h;
    const k1 = deriv(t, a);
    const k2 = deriv(
      t + h / 2,
      a.map((x, i) => x + (h / 2) * k1[i]),
    );
    const k3 = deriv(
      t + h / 2,
      a.map((x, i) => x + (h / 2) * k2[i]),
    );
    const k4 = deriv(
      t + h,
      a.map((x, i) => x + h * k3[i]),
    );
    a = a.map((x, i) => x + (h / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
    t += h;
    samples.push(a[1] / v1);
  }
  return (tq: number) => samples[Math.round(tq / h)];
}

describe("compartment models: closed form vs ODE integration", () => {
  const cases: [CompartmentCount, DosingRoute, number[]][] = [
    [1, "iv-bolus", [2, 10]],
    [2, "iv-bolus", [2, 10, 5, 30]],
    [3, "iv-bolus", [2, 10, 5, 30, 0.5, 80]],
    [2, "iv-infusion", [2, 10, 5, 30]],
    [3, "ev", [2, 10, 5, 30, 0.5, 80, 1.3]],
    [1, "ev", [2, 10, 0.9]],
  ];
  for (const [n, route, p] of cases) {
    it(`${n}-compartment ${route}`, () => {
      const ode = simulateOde(n, route, p, 100, 2, 24);
      const t = [0.5, 1, 2, 3, 6, 12, 24];
      const c = concentration(n, route, p, [{ timeH: 0, amount: 100, durationH: 2 }], t);
      t.forEach((tt, i) => expect(Math.abs(c[i] - ode(tt)) / ode(tt)).toBeLessThan(1e-8));
    });
  }
  it("mass balance: AUC of an IV bolus equals Dose/CL (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 5, max: 20, noNaN: true }),
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 10, max: 50, noNaN: true }),
        (cl, v1, q, v2) => {
          const t = Array.from({ length: 40001 }, (_, i) => i * 0.05);
          const c = concentration(2, "iv-bolus", [cl, v1, q, v2], [{ timeH: 0, amount: 100 }], t);
          let auc = 0;
          for (let i = 1; i < t.length; i++) auc += ((c[i] + c[i - 1]) / 2) * 0.05;
          return Math.abs(auc - 100 / cl) / (100 / cl) < 1e-3;
        },
      ),
      { numRuns: 20 },
    );
  });
  it("multiple doses superpose", () => {
    const t = [1, 13, 25];
    const one = concentration(2, "ev", [2, 10, 5, 30, 1], [{ timeH: 0, amount: 50 }], t);
    const two = concentration(
      2,
      "ev",
      [2, 10, 5, 30, 1],
      [
        { timeH: 0, amount: 50 },
        { timeH: 12, amount: 50 },
      ],
      t,
    );
    const shifted = concentration(
      2,
      "ev",
      [2, 10, 5, 30, 1],
      [{ timeH: 0, amount: 50 }],
      [1 - 12, 13 - 12, 25 - 12],
    );
    t.forEach((_, i) => expect(two[i]).toBeCloseTo(one[i] + (i === 0 ? 0 : shifted[i]), 12));
  });
});

describe("compartment fits", () => {
  it("recover known 2-compartment parameters from noise-free data to 1e-6", () => {
    const truth = [2, 10, 5, 30];
    const t = [0.083, 0.25, 0.5, 1, 2, 4, 6, 8, 12, 24, 36, 48];
    const y = concentration(2, "iv-bolus", truth, [{ timeH: 0, amount: 100 }], t);
    const r = fitCompartmentModel(t, y, {
      compartments: 2,
      route: "iv-bolus",
      doses: [{ timeH: 0, amount: 100 }],
    });
    expect(r.converged).toBe(true);
    ["CL", "V1", "Q2", "V2"].forEach((nm, j) =>
      expect(Math.abs(r.params[nm] - truth[j]) / truth[j]).toBeLessThan(1e-6),
    );
  });
  it("recover 1-compartment EV parameters from noisy data (1/y² weights) within 3 SE", () => {
    const rng = new Rng(3);
    const truth = { CL: 3, V1: 30, ka: 1.2 };
    const t = [0.25, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 24];
    const y = concentration(1, "ev", [truth.CL, truth.V1, truth.ka], [{ timeH: 0, amount: 320 }], t).map(
      (c) => c * (1 + 0.05 * rng.normal()),
    );
    const r = fitCompartmentModel(t, y, {
      compartments: 1,
      route: "ev",
      doses: [{ timeH: 0, amount: 320 }],
      weight: "1/y2",
    });
    expect(r.converged).toBe(true);
    for (const [k, v] of Object.entries(truth))
      expect(Math.abs(r.params[k] - v)).toBeLessThan(3 * (r.stderr?.[k] ?? 0));
    expect(r.aic).toBeLessThan(r.bic + 1e9);
    expect(r.curve.conc.length).toBe(201);
  });
  it("Theoph: matches scipy curve_fit / R SSfol (1-compartment first-order absorption) to 1e-5", () => {
    const ref = JSON.parse(readFileSync(`${REF}/scipy/theoph_1c_ev.json`, "utf8")) as Record<
      string,
      Record<string, number>
    >;
    const rows = readFileSync(`${REF}/pk/Theoph.csv`, "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((l) => l.split(",").map(Number));
    for (const sid of Object.keys(ref)) {
      const d = rows.filter((r) => r[0] === Number(sid));
      const r = fitCompartmentModel(
        d.map((x) => x[3]),
        d.map((x) => x[4]),
        { compartments: 1, route: "ev", doses: [{ timeH: 0, amount: d[0][2] }] },
      );
      const e = ref[sid];
      expect(Math.abs(r.params.CL - e.CL) / e.CL, `subject ${sid} CL`).toBeLessThan(1e-5);
      expect(Math.abs(r.params.V1 - e.V) / e.V, `subject ${sid} V`).toBeLessThan(1e-5);
      expect(Math.abs(r.params.ka - e.ka) / e.ka, `subject ${sid} ka`).toBeLessThan(1e-5);
      expect(Math.abs(r.rss - e.rss) / e.rss).toBeLessThan(1e-8);
      // delta method: SE(CL) = CL·SE(log CL)
      expect(Math.abs((r.stderr?.CL ?? 0) - e.CL * e.se_lCl) / (e.CL * e.se_lCl)).toBeLessThan(1e-3);
    }
  });
});
