/**
 * Particle transport solver vs analytic solutions:
 *  - pure diffusion into a sphere with constant surface concentration (Crank, "The Mathematics of
 *    Diffusion", 2nd ed., eq. 6.18): c/c₀ = 1 + (2R/(πr))·Σ (−1)ⁿ/n·sin(nπr/R)·exp(−Dn²π²t/R²);
 *  - steady 1D convection–diffusion on [0, L], c(0) = 1, c(L) = 0:
 *    c(x) = (e^{Pe·x/L} − e^{Pe})/(1 − e^{Pe}), Pe = vL/D;
 *  - mass balance (amount = initial + source − lymph − surface outflow) to 1e-9, fast-check.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gridMesh, radialSphereMesh } from "../../../src/core/transport/fvMesh.js";
import { solveIfp } from "../../../src/core/transport/ifpSolver.js";
import { solveTransport } from "../../../src/core/transport/particleTransport.js";

function crankSphere(r: number, t: number, R: number, D: number): number {
  if (r === 0) {
    // limit r → 0: 1 + 2Σ(−1)ⁿ exp(−Dn²π²t/R²)
    let s = 0;
    for (let n = 1; n < 2000; n++) s += (-1) ** n * Math.exp((-D * n * n * Math.PI ** 2 * t) / (R * R));
    return 1 + 2 * s;
  }
  let s = 0;
  for (let n = 1; n < 2000; n++)
    s +=
      ((-1) ** n / n) * Math.sin((n * Math.PI * r) / R) * Math.exp((-D * n * n * Math.PI ** 2 * t) / (R * R));
  return 1 + ((2 * R) / (Math.PI * r)) * s;
}

describe("pure diffusion into a sphere vs Crank eq. 6.18", () => {
  const R = 0.1; // cm
  const D = 1e-6; // cm²/s
  const tau = (R * R) / D;
  const run = (nodes: number) => {
    const mesh = radialSphereMesh(R, nodes);
    const times = [0.02 * tau, 0.1 * tau, 0.3 * tau];
    const sol = solveTransport({
      mesh,
      diffusionCm2PerS: D,
      exteriorConcentration: 1,
      reportTimesS: times,
      keepFields: true,
    });
    let err = 0;
    for (const f of sol.fields)
      for (let i = 0; i < mesh.nCells; i++)
        err = Math.max(err, Math.abs(f.free[i] - crankSphere(mesh.centreCm[3 * i], f.timeS, R, D)));
    return { err, sol };
  };
  it("max error < 3e-4·c₀ with 101 nodes (measured 1.2e-4) and order ≈ 2 (explicit step tied to h²)", () => {
    const e50 = run(51).err;
    const e100 = run(101);
    expect(e100.err).toBeLessThan(3e-4);
    expect(Math.log2(e50 / e100.err)).toBeLessThan(2.3);
    expect(Math.log2(e50 / e100.err)).toBeGreaterThan(1.7);
    expect(e100.sol.maxBalanceRelError).toBeLessThan(1e-9);
  });
});

describe("steady 1D convection–diffusion vs closed form", () => {
  for (const Pe of [-3, 0.5, 5, 40]) {
    it(`Pe = ${Pe}: nodal values exact to 1e-12 (exponential fitting; measured ≤ 2e-14), mass balance 1e-9`, () => {
      const n = 40;
      const L = 0.1; // cm
      const D = 1e-6;
      const v = (Pe * D) / L;
      const mesh = gridMesh(new Uint8Array(n).fill(1), [n, 1, 1], [(L / n) * 10, 1, 1]);
      const area = mesh.bAreaCm2[0];
      const faceFlow = new Float64Array(mesh.faceA.length).fill(v * area);
      const bFlow = Float64Array.from(mesh.bSide, (s) => s * v * area);
      const ext = Float64Array.from(mesh.bSide, (s) => (s < 0 ? 1 : 0));
      const tEnd = (40 * L * L) / D / (1 + Math.abs(Pe));
      const sol = solveTransport({
        mesh,
        diffusionCm2PerS: D,
        faceFlowCm3PerS: faceFlow,
        boundaryFlowCm3PerS: bFlow,
        exteriorConcentration: ext,
        reportTimesS: [tEnd / 2, tEnd],
      });
      const c = sol.fields[0].free;
      let err = 0;
      for (let i = 0; i < n; i++) {
        const x = mesh.centreCm[3 * i];
        const ref = (Math.exp((Pe * x) / L) - Math.exp(Pe)) / (1 - Math.exp(Pe));
        err = Math.max(err, Math.abs(c[i] - ref));
      }
      expect(err).toBeLessThan(1e-12);
      expect(sol.maxBalanceRelError).toBeLessThan(1e-9);
    });
  }
});

describe("mass balance with sources, convection, lymphatics and binding (fast-check)", () => {
  it("amount = initial + source − lymph − surface outflow to 1e-9 relative", () => {
    fc.assert(
      fc.property(
        fc.record({
          geometry: fc.constantFrom("sphere", "grid"),
          n: fc.integer({ min: 4, max: 9 }),
          D: fc.double({ min: 1e-8, max: 1e-6, noNaN: true }),
          a: fc.double({ min: 0, max: 1e-3, noNaN: true }),
          k: fc.double({ min: 0, max: 1e-3, noNaN: true }),
          kl: fc.double({ min: 0, max: 1e-4, noNaN: true }),
          kon: fc.double({ min: 0, max: 1e-2, noNaN: true }),
          koff: fc.double({ min: 0, max: 1e-3, noNaN: true }),
          ext: fc.double({ min: 0, max: 2, noNaN: true }),
          c0: fc.double({ min: 0, max: 1, noNaN: true }),
          halfLifeS: fc.double({ min: 60, max: 1e5, noNaN: true }),
          pv: fc.double({ min: 5, max: 30, noNaN: true }),
        }),
        (p) => {
          let mesh: ReturnType<typeof radialSphereMesh>;
          if (p.geometry === "sphere") mesh = radialSphereMesh(0.05, 3 * p.n);
          else {
            const mask = new Uint8Array(p.n * p.n * 3);
            for (let i = 0; i < mask.length; i++) mask[i] = (i * 7919) % 5 === 0 ? 0 : 1;
            mask[0] = 1;
            mesh = gridMesh(mask, [p.n, p.n, 3], [0.1, 0.1, 0.1]);
          }
          const ifp = solveIfp({ mesh, kCm2PerMmHgS: 4.13e-8, lpSvPerMmHgS: 5.6e-5, peMmHg: p.pv });
          const sol = solveTransport({
            mesh,
            diffusionCm2PerS: p.D,
            faceFlowCm3PerS: ifp.faceFlowCm3PerS,
            boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
            uptakePerS: p.a,
            backfluxPerS: p.k,
            availableFraction: 0.3,
            lymphPerS: p.kl,
            konPerS: p.kon,
            koffPerS: p.koff,
            exteriorConcentration: p.ext,
            initialFree: new Float64Array(mesh.nCells).fill(p.c0),
            plasma: (t) => Math.exp((-Math.LN2 * t) / p.halfLifeS),
            reportTimesS: [600, 3600, 6 * 3600],
            maxDtS: 120,
          });
          return (
            sol.maxBalanceRelError < 1e-9 && sol.reports.every((r) => r.amountFree >= 0 && r.amountBound >= 0)
          );
        },
      ),
      { numRuns: 40 },
    );
  });
  it("the counterexample found in CI (subnormal uptake rate, no initial mass) balances", () => {
    const mesh = radialSphereMesh(0.05, 12);
    const ifp = solveIfp({ mesh, kCm2PerMmHgS: 4.13e-8, lpSvPerMmHgS: 5.6e-5, peMmHg: 5 });
    const sol = solveTransport({
      mesh,
      diffusionCm2PerS: 1e-8,
      faceFlowCm3PerS: ifp.faceFlowCm3PerS,
      boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
      uptakePerS: 5e-324,
      backfluxPerS: 0,
      availableFraction: 0.3,
      lymphPerS: 0,
      konPerS: 0,
      koffPerS: 0,
      exteriorConcentration: 0,
      initialFree: new Float64Array(mesh.nCells).fill(0),
      plasma: (t) => Math.exp((-Math.LN2 * t) / 2998.69),
      reportTimesS: [600, 3600, 6 * 3600],
      maxDtS: 120,
    });
    expect(sol.maxBalanceRelError).toBeLessThan(1e-9);
  });
});
