/**
 * Plug-flow transit through vessel networks:
 *  - a single straight vessel delays its input by exactly τ = V/Q: for τ a whole number of steps
 *    the output is the input shifted (exact); otherwise the output of each step is the exact
 *    average over [t_n − τ, t_{n+1} − τ] of the piecewise-constant input (integrated here
 *    independently, 1e-13); a smooth input (gamma variate, peak 1) is delayed to O(dt²) (1e-4);
 *  - two parallel paths with different delays mix flow-weighted at the junction (exact);
 *  - contrast mass balance in − out − EES − vessels = 0 to 1e-9 relative on random networks
 *    with exchange (fast-check, seed 42); the vessel amount per voxel sums to the total.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parkerAif } from "../../../../src/core/perfusion/aif.js";
import { simulateNetworkDce } from "../../../../src/core/transport/network/dceSimulation.js";
import type { VesselNetwork } from "../../../../src/core/transport/network/graph.js";
import { syntheticNetwork } from "../../../../src/core/transport/network/synthetic.js";
import { NetworkTransit } from "../../../../src/core/transport/network/transit.js";
import { segmentPieces } from "../../../../src/core/transport/network/voxelise.js";

const GRID = {
  dims: [4, 2, 2] as [number, number, number],
  spacingMm: [0.25, 0.25, 0.25] as [number, number, number],
};

function vessel(lengthMm: number, radiusUm: number): VesselNetwork {
  return {
    positionMm: Float64Array.from([0.01, 0.1, 0.1, 0.01 + lengthMm, 0.1, 0.1]),
    from: Int32Array.from([0]),
    to: Int32Array.from([1]),
    radiusUm: Float64Array.from([radiusUm]),
    lengthMm: Float64Array.from([lengthMm]),
    boundary: [
      { node: 0, kind: "inlet", pressureMmHg: 20 },
      { node: 1, kind: "outlet", pressureMmHg: 10 },
    ],
  };
}

/** run a network without exchange; returns the outflow concentration per step */
function run(net: VesselNetwork, q: number[], p: number[], dt: number, input: number[]): number[] {
  const tr = new NetworkTransit({
    net,
    flowMm3PerS: q,
    pressureMmHg: p,
    pieces: segmentPieces(net, GRID),
    haematocrit: 0.4,
    dtS: dt,
    nSteps: input.length,
  });
  const ci = new Float64Array(16);
  const ex = new Float64Array(16);
  return input.map((c) => tr.step(c, ci, ex).outNmol);
}

describe("transit delay of a single vessel", () => {
  const L = 0.9;
  const r = 10;
  const V = Math.PI * (r * 1e-3) ** 2 * L;
  const dt = 0.2;
  const input = Array.from({ length: 80 }, (_, n) => Math.sin(n / 5) ** 2 + (n % 7) / 10);
  // outflow amount per step / plasma volume per step (Hct 0.4)
  const conc = (out: number[], Q: number, step = dt) => out.map((a) => a / (0.6 * Q * step));

  it("τ = V/Q a whole number of steps: output = input shifted by τ/dt steps (exact)", () => {
    const Q = V / (7 * dt);
    const c = conc(run(vessel(L, r), [Q], [20, 10], dt, input), Q);
    for (let n = 0; n < input.length; n++) {
      const ref = n >= 7 ? input[n - 7] : 0;
      expect(Math.abs(c[n] - ref)).toBeLessThanOrEqual(1e-14 * Math.max(1, ref));
    }
  });

  it("any τ: output = average of the delayed piecewise-constant input over each step (1e-13)", () => {
    for (const steps of [0.3, 1, 4.75, 7.31]) {
      const tau = steps * dt;
      const Q = V / tau;
      const c = conc(run(vessel(L, r), [Q], [20, 10], dt, input), Q);
      for (let n = 0; n < input.length; n++) {
        // ∫ over [n·dt − τ, (n+1)·dt − τ] of h(t) = input[floor(t/dt)], divided by dt
        const a = n * dt - tau;
        const b = a + dt;
        let integral = 0;
        for (let k = Math.floor(a / dt) - 1; k <= Math.floor(b / dt) + 1; k++) {
          if (k < 0 || k >= input.length) continue;
          const lo = Math.max(a, k * dt);
          const hi = Math.min(b, (k + 1) * dt);
          if (hi > lo) integral += input[k] * (hi - lo);
        }
        expect(Math.abs(c[n] - integral / dt)).toBeLessThan(1e-13);
      }
    }
  });

  it("a smooth input (gamma variate) sampled at mid-step arrives τ later (to O(dt²))", () => {
    const dts = 0.05;
    const tau = 2.37;
    const Q = V / tau;
    const n = 1200;
    // first-pass bolus c(t) = (t/tp)³·e^{3(1 − t/tp)}, tp = 6 s (smooth at t = 0)
    const g = (t: number) => (t > 0 ? (t / 6) ** 3 * Math.exp(3 * (1 - t / 6)) : 0);
    const h = Array.from({ length: n }, (_, k) => g((k + 0.5) * dts));
    const c = conc(run(vessel(L, r), [Q], [20, 10], dts, h), Q, dts);
    let worst = 0;
    for (let k = 0; k < n; k++) worst = Math.max(worst, Math.abs(c[k] - g((k + 0.5) * dts - tau)));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe("flow-weighted mixing at junctions", () => {
  it("two parallel paths with delays of 3 and 8 steps rejoin as (Q₁·h(t − τ₁) + Q₂·h(t − τ₂))/(Q₁ + Q₂)", () => {
    // 0 → 1 (short), 1 → 2 by two tubes, 2 → 3 (short); delays set through the flows
    const dt = 0.5;
    const r = 8;
    const A = Math.PI * (r * 1e-3) ** 2;
    const net: VesselNetwork = {
      positionMm: Float64Array.from([0.01, 0.1, 0.1, 0.2, 0.1, 0.1, 0.6, 0.1, 0.1, 0.8, 0.1, 0.1]),
      from: Int32Array.from([0, 1, 1, 2]),
      to: Int32Array.from([1, 2, 2, 3]),
      radiusUm: Float64Array.from([r, r, r, r]),
      lengthMm: Float64Array.from([0.19, 0.4, 0.4, 0.2]),
      boundary: [
        { node: 0, kind: "inlet", pressureMmHg: 30 },
        { node: 3, kind: "outlet", pressureMmHg: 10 },
      ],
    };
    const q1 = (A * 0.4) / (3 * dt);
    const q2 = (A * 0.4) / (8 * dt);
    const Q = q1 + q2;
    // the feeding and draining tubes: 2 steps each
    net.lengthMm[0] = (Q * 2 * dt) / A;
    net.lengthMm[3] = (Q * 2 * dt) / A;
    net.positionMm[3] = 0.01 + net.lengthMm[0];
    net.positionMm[9] = net.positionMm[6] + net.lengthMm[3];
    const input = Array.from({ length: 40 }, (_, n) => (n < 6 ? n + 1 : 0));
    const out = run(net, [Q, q1, q2, Q], [30, 25, 15, 10], dt, input).map((a) => a / (0.6 * Q * dt));
    for (let n = 0; n < input.length; n++) {
      const h = (k: number) => (k >= 0 ? input[k] : 0);
      const ref = (q1 * h(n - 7) + q2 * h(n - 12)) / Q;
      expect(Math.abs(out[n] - ref)).toBeLessThan(1e-13);
    }
  });
});

describe("contrast mass balance with exchange", () => {
  it("in − out − EES − vessels = 0 to 1e-9 relative, at every frame (fast-check)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.double({ min: 0.05, max: 0.6, noNaN: true }),
        fc.double({ min: 0, max: 0.6, noNaN: true }),
        fc.constantFrom(0.1, 0.15, 0.3),
        fc.constantFrom(0.5, 1, 3),
        (seed, ps, ve, hct, voxel, frame) => {
          const net = syntheticNetwork({
            boxMm: [0.4, 0.3, 0.3],
            seed,
            inletPressureMmHg: 25,
            outletPressureMmHg: 10,
          });
          const dims = [0.4, 0.3, 0.3].map((l) => Math.ceil(l / voxel - 1e-9)) as [number, number, number];
          const r = simulateNetworkDce({
            net,
            grid: { dims, spacingMm: [voxel, voxel, voxel] },
            viscosity: { kind: "pries-vitro", plasmaViscosityMPaS: 1.2, haematocrit: hct },
            haematocrit: hct,
            permeability: { kind: "ps-per-min", psPerMin: ps },
            ve,
            durationS: 30,
            frameS: frame,
            aif: (t) => parkerAif([t], 2)[0],
          });
          expect(r.balance.maxRelError).toBeLessThan(1e-9);
          expect(r.balance.inNmol).toBeGreaterThan(0);
          expect(r.balance.tissueNmol).toBeGreaterThan(0);
          // the last frame's voxel totals = tissue + vessels inside the grid (the whole network here)
          const nv = dims[0] * dims[1] * dims[2];
          const f = r.frameTimesS.length - 1;
          let total = 0;
          for (let v = 0; v < nv; v++) total += r.ctMM[f * nv + v] * voxel ** 3;
          expect(
            Math.abs(total - r.balance.tissueNmol - r.balance.vesselNmol) / r.balance.inNmol,
          ).toBeLessThan(1e-6);
        },
      ),
      { seed: 42, numRuns: 12 },
    );
  });
});
