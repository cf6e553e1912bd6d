/**
 * IFP solver vs the Baxter & Jain (1989) closed form, implemented here independently from the
 * paper's formula p(r) = pe·[1 − sinh(αr/R)/((r/R)·sinh α)], α = R·√(Lp·S/V/K).
 */
import { describe, expect, it } from "vitest";
import {
  baxterJainAlpha,
  baxterJainPressureMmHg,
  baxterJainVelocityCmPerS,
} from "../../../src/core/transport/baxterJain.js";
import { gridMesh, radialSphereMesh } from "../../../src/core/transport/fvMesh.js";
import { radialIfpProfile, solveIfp } from "../../../src/core/transport/ifpSolver.js";

// Baxter & Jain (1989) Table 1 tumour values; R = 0.25 cm (α ≈ 9.2) and R = 1 cm (α ≈ 36.8)
const BJ = { Lp: 2.8e-7, SV: 200, K: 4.13e-8, pv: 15.6, sigma: 0.82, piv: 20, pii: 15 };
const pe = BJ.pv - BJ.sigma * (BJ.piv - BJ.pii);

function paperP(r: number, R: number): number {
  const a = R * Math.sqrt((BJ.Lp * BJ.SV) / BJ.K);
  if (r === 0) return pe * (1 - a / Math.sinh(a));
  return pe * (1 - Math.sinh((a * r) / R) / ((r / R) * Math.sinh(a)));
}
function paperV(r: number, R: number): number {
  // v = −K dp/dr, derivative of the closed form by hand
  const a = R * Math.sqrt((BJ.Lp * BJ.SV) / BJ.K);
  if (r === 0) return 0;
  return (
    ((BJ.K * pe) / Math.sinh(a)) * ((a / r) * Math.cosh((a * r) / R) - (R / (r * r)) * Math.sinh((a * r) / R))
  );
}

function numerical(R: number, nodes: number) {
  const mesh = radialSphereMesh(R, nodes);
  const sol = solveIfp({ mesh, kCm2PerMmHgS: BJ.K, lpSvPerMmHgS: BJ.Lp * BJ.SV, peMmHg: pe });
  return { ...radialIfpProfile(mesh, sol, BJ.K), sol };
}

function maxErr(R: number, nodes: number): { p: number; v: number } {
  const s = numerical(R, nodes);
  let ep = 0;
  let ev = 0;
  const vScale = Math.abs(paperV(R, R));
  for (let i = 0; i < s.rCm.length; i++) {
    ep = Math.max(ep, Math.abs(s.pMmHg[i] - paperP(s.rCm[i], R)) / pe);
    ev = Math.max(ev, Math.abs(s.vCmPerS[i] - paperV(s.rCm[i], R)) / vScale);
  }
  return { p: ep, v: ev };
}

describe("Baxter–Jain closed form in core", () => {
  it("matches the paper's formula (1e-12) including large α", () => {
    for (const R of [0.05, 0.25, 1, 3]) {
      const inp = {
        radiusCm: R,
        lpCmPerMmHgS: BJ.Lp,
        svPerCm: BJ.SV,
        kCm2PerMmHgS: BJ.K,
        pvMmHg: BJ.pv,
        sigma: BJ.sigma,
        pivMmHg: BJ.piv,
        piiMmHg: BJ.pii,
      };
      expect(baxterJainAlpha(inp)).toBeCloseTo(R * 36.822, 2);
      for (const x of [0, 0.1, 0.5, 0.9, 0.99, 1]) {
        const ref = R <= 1 ? paperP(x * R, R) : null; // sinh overflows in the naive formula beyond α ≈ 700; α = 110 is fine
        const got = baxterJainPressureMmHg(inp, x * R);
        expect(Math.abs(got - (ref ?? paperP(x * R, R)))).toBeLessThan(1e-12 * pe + 1e-12);
        if (x > 0)
          expect(Math.abs(baxterJainVelocityCmPerS(inp, x * R) - paperV(x * R, R))).toBeLessThan(
            1e-9 * Math.abs(paperV(R, R)),
          );
      }
    }
  });
});

describe("finite-volume IFP solver vs Baxter–Jain", () => {
  it("400 nodes: max |p − p_BJ| < 1e-3·pe for α ≈ 9.2 and α ≈ 36.8", () => {
    const e1 = maxErr(0.25, 400);
    const e2 = maxErr(1, 400);
    expect(e1.p).toBeLessThan(2e-5); // measured 9.4e-6
    expect(e2.p).toBeLessThan(2e-4); // measured 1.34e-4
    expect(e2.p).toBeLessThan(1e-3);
    expect(e1.v).toBeLessThan(2e-3);
  });

  it("second-order convergence under refinement (observed order 1.9–2.1)", () => {
    const Ns = [51, 101, 201, 401, 801];
    const errs = Ns.map((N) => maxErr(1, N).p);
    const orders = errs.slice(1).map((e, i) => Math.log2(errs[i] / e));
    for (const o of orders.slice(1)) expect(o).toBeGreaterThan(1.9);
    for (const o of orders.slice(1)) expect(o).toBeLessThan(2.1);
  });

  it("fluid balance: filtration − lymph = surface outflow (1e-9)", () => {
    const s = numerical(0.25, 200);
    expect(s.sol.fluidBalanceRelError).toBeLessThan(1e-9);
  });

  it("3D grid sphere mask (staircase surface): max error < 0.1·pe at 40³, first-order convergence", () => {
    const R = 0.25;
    const errs: number[] = [];
    for (const n of [20, 40]) {
      const h = (2 * R) / n; // cm
      const mask = new Uint8Array(n * n * n);
      for (let k = 0; k < n; k++)
        for (let j = 0; j < n; j++)
          for (let i = 0; i < n; i++) {
            const x = (i + 0.5) * h - R;
            const y = (j + 0.5) * h - R;
            const z = (k + 0.5) * h - R;
            if (x * x + y * y + z * z <= R * R) mask[i + n * (j + n * k)] = 1;
          }
      const mesh = gridMesh(mask, [n, n, n], [h * 10, h * 10, h * 10]);
      const sol = solveIfp({ mesh, kCm2PerMmHgS: BJ.K, lpSvPerMmHgS: BJ.Lp * BJ.SV, peMmHg: pe });
      let e = 0;
      for (let c = 0; c < mesh.nCells; c++) {
        const r = Math.hypot(
          mesh.centreCm[3 * c] - R,
          mesh.centreCm[3 * c + 1] - R,
          mesh.centreCm[3 * c + 2] - R,
        );
        e = Math.max(e, Math.abs(sol.pressureMmHg[c] - paperP(r, R)) / pe);
      }
      expect(sol.fluidBalanceRelError).toBeLessThan(1e-9);
      errs.push(e);
    }
    // staircase boundary: first order (measured 0.156 → 0.088 → 0.043 at 20³/40³/80³)
    expect(Math.log2(errs[0] / errs[1])).toBeGreaterThan(0.7);
    expect(errs[1]).toBeLessThan(0.1);
  });
});
