/**
 * Poiseuille network flow vs hand-derived resistance networks, and the Pries in-vitro viscosity
 * law vs values computed with numpy from the published equations (test/reference/network):
 *  - series chain, series–parallel (two parallel tubes) and an unbalanced Wheatstone bridge,
 *    resistances R = 8μL/(πr⁴) written out here: pressures and flows exact to 1e-12;
 *  - mass conservation at every interior node of random graphs (fast-check, seed 42): 1e-12
 *    relative to the total inflow; flow runs from high to low pressure;
 *  - a component without a boundary node carries no flow.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { VesselNetwork } from "../../../../src/core/transport/network/graph.js";
import { nodeNetOutflow, solveNetworkFlow } from "../../../../src/core/transport/network/poiseuille.js";
import { syntheticNetwork } from "../../../../src/core/transport/network/synthetic.js";
import {
  bloodViscosityPaS,
  priesRelativeViscosity,
} from "../../../../src/core/transport/network/viscosity.js";
import { REF } from "../../../helpers/cli.js";

const MU = 3.5e-3; // Pa·s
const MMHG = 133.322387415; // Pa
const constant = { kind: "constant" as const, viscosityMPaS: 3.5 };

/** hydraulic resistance of a tube, Pa·s/m³ (SI, independent of the code's mm units) */
const resistance = (rUm: number, lMm: number) => (8 * MU * lMm * 1e-3) / (Math.PI * (rUm * 1e-6) ** 4);
/** flow in mm³/s from a pressure drop in mmHg over a resistance in SI */
const flowMm3 = (dpMmHg: number, R: number) => ((dpMmHg * MMHG) / R) * 1e9;

function line(
  points: number[][],
  segs: [number, number, number, number][],
  bc: [number, "inlet" | "outlet", number][],
): VesselNetwork {
  return {
    positionMm: Float64Array.from(points.flat()),
    from: Int32Array.from(segs.map((s) => s[0])),
    to: Int32Array.from(segs.map((s) => s[1])),
    radiusUm: Float64Array.from(segs.map((s) => s[2])),
    lengthMm: Float64Array.from(segs.map((s) => s[3])),
    boundary: bc.map(([node, kind, pressureMmHg]) => ({ node, kind, pressureMmHg })),
  };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("Poiseuille network vs analytic resistance networks", () => {
  it("series chain: Q = Δp/ΣR, node pressures by the resistance divider", () => {
    const net = line(
      [
        [0, 0, 0],
        [1, 0, 0],
        [1.5, 0, 0],
        [3.5, 0, 0],
      ],
      [
        [0, 1, 20, 1],
        [1, 2, 8, 0.5],
        [2, 3, 12, 2],
      ],
      [
        [0, "inlet", 40],
        [3, "outlet", 12],
      ],
    );
    const sol = solveNetworkFlow(net, constant);
    const R = [resistance(20, 1), resistance(8, 0.5), resistance(12, 2)];
    const Q = flowMm3(28, R[0] + R[1] + R[2]);
    for (let s = 0; s < 3; s++) expect(rel(sol.flowMm3PerS[s], Q)).toBeLessThan(1e-12);
    const p1 = 40 - (28 * R[0]) / (R[0] + R[1] + R[2]);
    const p2 = 40 - (28 * (R[0] + R[1])) / (R[0] + R[1] + R[2]);
    expect(rel(sol.pressureMmHg[1], p1)).toBeLessThan(1e-12);
    expect(rel(sol.pressureMmHg[2], p2)).toBeLessThan(1e-12);
    expect(rel(sol.totalInflowMm3PerS, Q)).toBeLessThan(1e-12);
  });

  it("series–parallel: two parallel tubes share the flow as 1/R", () => {
    const net = line(
      [
        [0, 0, 0],
        [1, 0, 0],
        [2, 0, 0],
        [3, 0, 0],
      ],
      [
        [0, 1, 15, 1],
        [1, 2, 6, 1],
        [1, 2, 9, 1.3],
        [2, 3, 15, 1],
      ],
      [
        [0, "inlet", 50],
        [3, "outlet", 5],
      ],
    );
    const sol = solveNetworkFlow(net, constant);
    const [Ra, Rb, Rc, Rd] = [resistance(15, 1), resistance(6, 1), resistance(9, 1.3), resistance(15, 1)];
    const Rp = 1 / (1 / Rb + 1 / Rc);
    const Q = flowMm3(45, Ra + Rp + Rd);
    expect(rel(sol.flowMm3PerS[0], Q)).toBeLessThan(1e-12);
    expect(rel(sol.flowMm3PerS[1], (Q * Rp) / Rb)).toBeLessThan(1e-12);
    expect(rel(sol.flowMm3PerS[2], (Q * Rp) / Rc)).toBeLessThan(1e-12);
    expect(rel(sol.flowMm3PerS[3], Q)).toBeLessThan(1e-12);
  });

  it("unbalanced Wheatstone bridge (not series–parallel): Kirchhoff solved by Cramer's rule", () => {
    // nodes: 0 inlet, 1 and 2 the bridge nodes, 3 outlet; bridge segment 1–2
    const segs: [number, number, number, number][] = [
      [0, 1, 10, 1],
      [0, 2, 7, 1],
      [1, 3, 8, 1.2],
      [2, 3, 11, 0.8],
      [1, 2, 5, 0.6],
    ];
    const net = line(
      [
        [0, 0, 0],
        [1, 1, 0],
        [1, -1, 0],
        [2, 0, 0],
      ],
      segs,
      [
        [0, "inlet", 30],
        [3, "outlet", 0],
      ],
    );
    const sol = solveNetworkFlow(net, constant);
    const g = segs.map((s) => 1 / resistance(s[2], s[3]));
    // g01(p0 − p1) + g21(p2 − p1) = g13 p1 ; g02(p0 − p2) + g12(p1 − p2) = g23 p2 (p3 = 0)
    const p0 = 30;
    const a11 = g[0] + g[4] + g[2];
    const a12 = -g[4];
    const a22 = g[1] + g[4] + g[3];
    const b1 = g[0] * p0;
    const b2 = g[1] * p0;
    const det = a11 * a22 - a12 * a12;
    const p1 = (b1 * a22 - a12 * b2) / det;
    const p2 = (a11 * b2 - a12 * b1) / det;
    expect(rel(sol.pressureMmHg[1], p1)).toBeLessThan(1e-12);
    expect(rel(sol.pressureMmHg[2], p2)).toBeLessThan(1e-12);
    const qBridge = (p1 - p2) * MMHG * g[4] * 1e9;
    expect(rel(sol.flowMm3PerS[4], qBridge)).toBeLessThan(1e-11);
    expect(sol.flowBalanceRelError).toBeLessThan(1e-12);
  });

  it("a component without a boundary node carries no flow (pressures NaN)", () => {
    const net = line(
      [
        [0, 0, 0],
        [1, 0, 0],
        [5, 0, 0],
        [6, 0, 0],
      ],
      [
        [0, 1, 10, 1],
        [2, 3, 10, 1],
      ],
      [
        [0, "inlet", 20],
        [1, "outlet", 10],
      ],
    );
    const sol = solveNetworkFlow(net, constant);
    expect(sol.flowMm3PerS[1]).toBe(0);
    expect(Number.isNaN(sol.pressureMmHg[2])).toBe(true);
    expect(sol.floatingNodes).toBe(2);
  });

  it("mass conservation at every node of random graphs, at the rounding floor; flow runs downhill", () => {
    // |Σ Q| at a node ≤ max(1e-12·Q_total, 16·ε·Σ_j G_ij·(|p_i − p_ref| + |p_j − p_ref|)): the floor of
    // evaluating Q = G·Δp in doubles when conductances differ by 10⁷ (short wide next to long thin tubes)
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (n, extra, seed) => {
          let st = seed;
          const rnd = () => {
            st = (st * 1103515245 + 12345) % 2147483648;
            return st / 2147483648;
          };
          const pts: number[][] = Array.from({ length: n }, () => [rnd(), rnd(), rnd()]);
          const segs: [number, number, number, number][] = [];
          const add = (a: number, b: number) => {
            const l = Math.hypot(pts[a][0] - pts[b][0], pts[a][1] - pts[b][1], pts[a][2] - pts[b][2]);
            segs.push([a, b, 2 + 40 * rnd() ** 2, Math.max(l, 0.01)]);
          };
          for (let i = 1; i < n; i++) add(i, Math.floor(rnd() * i));
          for (let e = 0; e < extra; e++) {
            const a = Math.floor(rnd() * n);
            const b = Math.floor(rnd() * n);
            if (a !== b) add(a, b);
          }
          const net = line(pts, segs, [
            [0, "inlet", 40 + 20 * rnd()],
            [n - 1, "outlet", 10 * rnd()],
            ...(n > 5 ? ([[2, "outlet", 15 * rnd()]] as [number, "outlet", number][]) : []),
          ]);
          const sol = solveNetworkFlow(net, {
            kind: "pries-vitro",
            plasmaViscosityMPaS: 1.2,
            haematocrit: 0.45,
          });
          const out = nodeNetOutflow(net, sol.flowMm3PerS);
          const bc = new Set(net.boundary.map((b) => b.node));
          const pRef = Math.min(...net.boundary.map((b) => b.pressureMmHg));
          const floor = new Float64Array(n);
          segs.forEach(([a, b], q) => {
            const x =
              sol.conductance[q] *
              (Math.abs(sol.pressureMmHg[a] - pRef) + Math.abs(sol.pressureMmHg[b] - pRef));
            floor[a] += x;
            floor[b] += x;
          });
          for (let i = 0; i < n; i++)
            if (!bc.has(i))
              expect(Math.abs(out[i])).toBeLessThanOrEqual(
                Math.max(1e-12 * sol.totalInflowMm3PerS, 16 * Number.EPSILON * floor[i]),
              );
          for (let s = 0; s < segs.length; s++) {
            const dp = sol.pressureMmHg[segs[s][0]] - sol.pressureMmHg[segs[s][1]];
            expect(sol.flowMm3PerS[s] * dp).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });
});

describe("flow in the synthetic tumour network", () => {
  it("conserves mass at every node to 1e-12 of the total inflow", () => {
    for (const seed of [1, 2, 3]) {
      const net = syntheticNetwork({
        boxMm: [0.8, 0.6, 0.5],
        seed,
        inletPressureMmHg: 30,
        outletPressureMmHg: 10,
      });
      const sol = solveNetworkFlow(net, { kind: "pries-vitro", plasmaViscosityMPaS: 1.2, haematocrit: 0.45 });
      expect(sol.flowBalanceRelError).toBeLessThan(1e-12);
      expect(sol.floatingNodes).toBe(0);
      expect(sol.totalInflowMm3PerS).toBeGreaterThan(0);
      // inflow = outflow at the two boundary nodes
      expect(
        Math.abs(sol.boundaryInflowMm3PerS[0] + sol.boundaryInflowMm3PerS[1]) / sol.totalInflowMm3PerS,
      ).toBeLessThan(1e-12);
    }
  });
});

describe("Pries et al. 1992 in-vitro viscosity law", () => {
  const ref = JSON.parse(readFileSync(`${REF}/network/pries_vitro.json`, "utf8")) as {
    values: { diameter_um: number; haematocrit: number; eta_rel: number }[];
    minimum_eta45: { diameter_um: number; eta_rel: number };
  };
  it("equals the published equations evaluated with numpy (1e-12 relative)", () => {
    expect(ref.values.length).toBe(120);
    for (const r of ref.values)
      expect(rel(priesRelativeViscosity(r.diameter_um, r.haematocrit), r.eta_rel)).toBeLessThan(1e-12);
  });
  it("plasma at H = 0; Fåhræus–Lindqvist minimum near 6.9 µm (η ≈ 1.25); η → 3.2 for wide tubes at H = 0.45", () => {
    for (const d of [4, 10, 100]) expect(priesRelativeViscosity(d, 0)).toBeCloseTo(1, 14);
    const m = ref.minimum_eta45;
    expect(m.diameter_um).toBeGreaterThan(6);
    expect(m.diameter_um).toBeLessThan(8);
    expect(priesRelativeViscosity(m.diameter_um, 0.45)).toBeCloseTo(m.eta_rel, 12);
    for (const d of [m.diameter_um * 0.9, m.diameter_um * 1.1])
      expect(priesRelativeViscosity(d, 0.45)).toBeGreaterThan(m.eta_rel);
    expect(Math.abs(priesRelativeViscosity(1e5, 0.45) - 3.2)).toBeLessThan(1e-6);
    // apparent viscosity = plasma × relative
    expect(
      bloodViscosityPaS({ kind: "pries-vitro", plasmaViscosityMPaS: 1.2, haematocrit: 0.45 }, 5),
    ).toBeCloseTo(1.2e-3 * priesRelativeViscosity(10, 0.45), 15);
  });
});
