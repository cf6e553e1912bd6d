/**
 * Structured grid kernel (core/transport/gridKernel.ts):
 *  - bit-identical fields (Object.is per cell, every report time) and reports within 1e-12
 *    relative of the generic face-list kernel, on random masks with holes, 1D/2D/3D boxes,
 *    anisotropic voxels, IFP-driven convection, lymphatics, binding, per-face exterior values and
 *    initial fields (fast-check, seed 42);
 *  - independent reference: 3D diffusion in a box with zero surface concentration from
 *    c₀ = Π sin(πxᵢ/L), exact c = exp(−3π²Dt/L²)·Π sin(πxᵢ/L) — error < 1.5e-3 at 16³ and
 *    second order under refinement (explicit step tied to h²);
 *  - slab splitting: any split of the z-planes gives the same numbers as one sweep.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type FvMesh, gridMesh, radialSphereMesh } from "../../../src/core/transport/fvMesh.js";
import {
  advancePlanes,
  buildGridKernel,
  gridFields,
  gridScratch,
  planeSlabs,
  reducePartials,
} from "../../../src/core/transport/gridKernel.js";
import { solveIfp } from "../../../src/core/transport/ifpSolver.js";
import {
  prepareTransport,
  solveTransport,
  type TransportProblem,
  type TransportSolution,
} from "../../../src/core/transport/particleTransport.js";

function randomMask(dims: [number, number, number], seed: number, holes: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const m = new Uint8Array(nx * ny * nz);
  const c = [(nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2];
  const r = Math.max(nx, ny, nz) / 2 + 0.3;
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const inside = Math.hypot(i - c[0], j - c[1], k - c[2]) <= r;
        const hole = holes > 0 && ((v * 7919 + seed * 104729) >>> 0) % holes === 0;
        m[v] = inside && !hole ? 1 : 0;
      }
  m[Math.floor(m.length / 2)] = 1;
  return m;
}

function expectSame(g: TransportSolution, s: TransportSolution): void {
  expect(s.kernel).toBe("grid");
  expect(g.kernel).toBe("generic");
  expect(s.steps).toBe(g.steps);
  expect(s.fields.length).toBe(g.fields.length);
  let mismatches = 0;
  for (let f = 0; f < g.fields.length; f++)
    for (let i = 0; i < g.fields[f].free.length; i++)
      if (g.fields[f].free[i] !== s.fields[f].free[i] || g.fields[f].bound[i] !== s.fields[f].bound[i])
        mismatches++;
  expect(mismatches).toBe(0);
  for (let r = 0; r < g.reports.length; r++)
    for (const key of [
      "amountFree",
      "amountBound",
      "cumulativeSource",
      "cumulativeLymph",
      "cumulativeSurfaceOut",
      "meanConc",
      "rimMeanConc",
      "coreMeanConc",
      "penetrationDepthUm",
    ] as const) {
      const a = g.reports[r][key];
      const b = s.reports[r][key];
      if (Number.isNaN(a)) expect(b).toBeNaN();
      else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(Math.abs(a), 1e-300));
    }
  expect(s.maxBalanceRelError).toBeLessThan(1e-9);
}

describe("structured grid kernel = generic kernel", () => {
  it("bit-identical fields, reports ≤ 1e-12 relative (fast-check, 30 random problems)", () => {
    fc.assert(
      fc.property(
        fc.record({
          dims: fc.constantFrom<[number, number, number]>(
            [9, 7, 6],
            [12, 1, 1],
            [8, 9, 1],
            [1, 6, 7],
            [5, 5, 5],
          ),
          spacing: fc.constantFrom<[number, number, number]>([0.2, 0.2, 0.2], [0.1, 0.25, 0.4]),
          holes: fc.constantFrom(0, 5, 13),
          seed: fc.integer({ min: 0, max: 1000 }),
          D: fc.double({ min: 1e-8, max: 1e-6, noNaN: true }),
          pv: fc.double({ min: 5, max: 30, noNaN: true }),
          a: fc.double({ min: 0, max: 1e-3, noNaN: true }),
          kl: fc.constantFrom(0, 1e-5),
          kon: fc.constantFrom(0, 1e-3),
          koff: fc.constantFrom(0, 1e-4),
          ext: fc.double({ min: 0, max: 2, noNaN: true }),
          c0: fc.double({ min: 0, max: 1, noNaN: true }),
        }),
        (q) => {
          const mesh = gridMesh(randomMask(q.dims, q.seed, q.holes), q.dims, q.spacing);
          const ifp = solveIfp({ mesh, kCm2PerMmHgS: 4.13e-8, lpSvPerMmHgS: 5.6e-5, peMmHg: q.pv });
          const n = mesh.nCells;
          const prob = (kernel: "generic" | "grid"): TransportProblem => ({
            mesh,
            kernel,
            diffusionCm2PerS: q.D,
            faceFlowCm3PerS: ifp.faceFlowCm3PerS,
            boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
            uptakePerS: Float64Array.from({ length: n }, (_, i) => q.a * (1 + Math.sin(i))),
            backfluxPerS: q.a / 3,
            availableFraction: 0.3,
            lymphPerS: q.kl,
            konPerS: q.kon,
            koffPerS: q.koff,
            exteriorConcentration: Float64Array.from(mesh.bCell, (_, f) => q.ext * (f % 3)),
            initialFree: Float64Array.from({ length: n }, (_, i) => q.c0 * ((i % 4) / 3)),
            initialBound: Float64Array.from({ length: n }, (_, i) => q.c0 * ((i % 3) / 5)),
            plasma: (t) => Math.exp((-Math.LN2 * t) / 7200),
            reportTimesS: [300, 1800, 5400],
            keepFields: true,
            maxDtS: 90,
          });
          expectSame(solveTransport(prob("generic")), solveTransport(prob("grid")));
        },
      ),
      { numRuns: 30, seed: 42 },
    );
  });
  it("auto selects the structured kernel for grid meshes, the generic one for spheres", () => {
    const grid = gridMesh(new Uint8Array(27).fill(1), [3, 3, 3], [1, 1, 1]);
    const sphere = radialSphereMesh(0.1, 11);
    const base = { diffusionCm2PerS: 1e-7, reportTimesS: [60] };
    expect(solveTransport({ ...base, mesh: grid }).kernel).toBe("grid");
    expect(solveTransport({ ...base, mesh: sphere }).kernel).toBe("generic");
    expect(() => solveTransport({ ...base, mesh: sphere, kernel: "grid" })).toThrow(/grid mesh/);
  });
});

describe("3D diffusion in a box vs the exact separable solution", () => {
  const L = 0.2; // cm
  const D = 1e-6; // cm²/s
  const tEnd = (0.05 * L * L) / D;
  const run = (N: number) => {
    const h = L / N;
    const mesh: FvMesh = gridMesh(new Uint8Array(N * N * N).fill(1), [N, N, N], [h * 10, h * 10, h * 10]);
    const s = (i: number) => Math.sin((Math.PI * (i + 0.5)) / N);
    const c0 = new Float64Array(mesh.nCells);
    for (let k = 0; k < N; k++)
      for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) c0[i + N * (j + N * k)] = s(i) * s(j) * s(k);
    const sol = solveTransport({ mesh, diffusionCm2PerS: D, initialFree: c0, reportTimesS: [tEnd] });
    const decay = Math.exp((-3 * Math.PI ** 2 * D * tEnd) / (L * L));
    let err = 0;
    for (let i = 0; i < mesh.nCells; i++)
      err = Math.max(err, Math.abs(sol.fields[0].free[i] - decay * c0[i]));
    return { err, sol };
  };
  it("max error < 1.5e-3·c₀ at 16³ (measured 8.6e-4), order 2 ± 0.3 from 8³ to 16³, mass balance 1e-9", () => {
    const e8 = run(8).err;
    const e16 = run(16);
    expect(e16.sol.kernel).toBe("grid");
    expect(e16.err).toBeLessThan(1.5e-3);
    const order = Math.log2(e8 / e16.err);
    expect(order).toBeGreaterThan(1.7);
    expect(order).toBeLessThan(2.3);
    expect(e16.sol.maxBalanceRelError).toBeLessThan(1e-9);
  });
});

describe("slabs", () => {
  it("advancing any split of the z-planes gives the numbers of one sweep", () => {
    const dims: [number, number, number] = [7, 6, 9];
    const mesh = gridMesh(randomMask(dims, 3, 7), dims, [0.2, 0.2, 0.2]);
    const ifp = solveIfp({ mesh, kCm2PerMmHgS: 4.13e-8, lpSvPerMmHgS: 5.6e-5, peMmHg: 12 });
    const prob: TransportProblem = {
      mesh,
      diffusionCm2PerS: 2e-7,
      faceFlowCm3PerS: ifp.faceFlowCm3PerS,
      boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
      uptakePerS: 1e-4,
      backfluxPerS: 1e-5,
      konPerS: 1e-4,
      koffPerS: 1e-5,
      initialFree: Float64Array.from({ length: mesh.nCells }, (_, i) => (i % 5) / 4),
      reportTimesS: [1],
    };
    const steps = 40;
    const runSplit = (bounds: number[]) => {
      const k = buildGridKernel(prepareTransport(prob));
      if (!k) throw new Error("not a grid");
      const parts = new Float64Array(4 * k.nz * steps);
      const scratch = bounds.slice(1).map(() => gridScratch(k));
      let parity: 0 | 1 = 0;
      for (let s = 0; s < steps; s++) {
        // slabs in reverse order: the result must not depend on it
        for (let b = bounds.length - 2; b >= 0; b--)
          advancePlanes(k, scratch[b], bounds[b], bounds[b + 1], 20, 1 + s / 10, parity, parts, s);
        parity = parity === 0 ? 1 : 0;
      }
      const sums = Array.from({ length: steps }, (_, s) => {
        const x = new Float64Array(4);
        reducePartials(k, parts, s, x);
        return Array.from(x);
      });
      const f = gridFields(k, parity, new Float64Array(k.n), new Float64Array(k.n));
      return { sums, free: Array.from(f.free), bound: Array.from(f.bound), k };
    };
    const one = runSplit([0, 9]);
    for (const split of [
      [0, 4, 9],
      [0, 1, 2, 8, 9],
      [0, 3, 3, 6, 9],
    ]) {
      const r = runSplit(split);
      expect(r.free).toEqual(one.free);
      expect(r.bound).toEqual(one.bound);
      expect(r.sums).toEqual(one.sums);
    }
    const b = planeSlabs(one.k, 3);
    expect(b[0]).toBe(0);
    expect(b[3]).toBe(9);
    expect(Array.from(b).every((z, i) => i === 0 || z >= b[i - 1])).toBe(true);
  });
});
