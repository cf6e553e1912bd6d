/**
 * Building blocks of the B-spline registration against independent references:
 *  - cubic B-spline image interpolation (cubic.ts) against scipy.ndimage.map_coordinates
 *    (order 3, mirror boundaries; test/reference/elastix/scipy_cubic.json, scipy_cubic.py),
 *    its analytic gradient against central differences;
 *  - the free-form deformation (bspline.ts): exact grid refinement (B-spline subdivision; a
 *    fast-check property), the bending energy of a quadratic field against its analytic value
 *    4α²/h⁴, the identity of a zero deformation (field = affine, Jacobian = det A);
 *  - the analytic cost gradients with respect to the control points (NCC, Mattes MI, bending
 *    energy) against central finite differences of the cost values.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accumulate,
  affineField,
  bendingEnergy,
  controlCount,
  controlGrid,
  denseField,
  displacement,
  jacobianStats,
  refine,
  support,
} from "../../../src/core/registration/bspline.js";
import { cubicCoefficients, cubicSampler } from "../../../src/core/registration/cubic.js";
import { bendingPoints } from "../../../src/core/registration/deformable.js";
import { fixedSamples } from "../../../src/core/registration/fixedSampling.js";
import { mattesBinning, mattesCost } from "../../../src/core/registration/mattes.js";
import { nccCost } from "../../../src/core/registration/ncc.js";
import { mapWorld, movingLevel } from "../../../src/core/registration/sampler.js";
import { deformPair, MR_T2 } from "./deformPhantom.js";
import { grid } from "./phantom.js";

const ref = JSON.parse(
  readFileSync(new URL("../../reference/elastix/scipy_cubic.json", import.meta.url), "utf8"),
) as { dims: number[]; data: number[]; points: number[][]; values: number[] };

describe("cubic B-spline interpolation", () => {
  const s = cubicSampler(cubicCoefficients(ref.data, ref.dims), ref.dims);
  it("matches scipy map_coordinates(order=3, mode=mirror) to 1e-4 (data ≈ N(50, 100²))", () => {
    let worst = 0;
    ref.points.forEach((p, q) => {
      worst = Math.max(worst, Math.abs(s.sample(p[0], p[1], p[2]) - ref.values[q]));
    });
    // float32 coefficients: measured 2.5e-5
    expect(worst).toBeLessThan(1e-4);
  });
  it("its gradient is the derivative of its value (central differences)", () => {
    const g = new Float64Array(3);
    const h = 1e-4;
    for (const p of ref.points.slice(0, 40)) {
      const inside = p.map((c, a) => Math.min(ref.dims[a] - 0.5 - h, Math.max(-0.5 + h, c)));
      s.sample(inside[0], inside[1], inside[2], g);
      for (let a = 0; a < 3; a++) {
        const up = [...inside];
        const dn = [...inside];
        up[a] += h;
        dn[a] -= h;
        const fd = (s.sample(up[0], up[1], up[2]) - s.sample(dn[0], dn[1], dn[2])) / (2 * h);
        expect(g[a]).toBeCloseTo(fd, 2);
      }
    }
  });
});

const G = grid([14, 12, 16], 0.8, [1, -2, 3]);

function randomPoints(n: number, seed: number): Float64Array {
  let st = seed;
  const r = () => {
    st = (st * 16807) % 2147483647;
    return st / 2147483647;
  };
  const out = new Float64Array(3 * n);
  for (let q = 0; q < n; q++)
    for (let a = 0; a < 3; a++) {
      const idx = r() * (G.dims[a] - 1);
      out[3 * q + a] = G.affine[a * 4 + a] * idx + G.affine[a * 4 + 3];
    }
  return out;
}

describe("B-spline free-form deformation", () => {
  it("refinement to half the spacing represents the same displacement exactly", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (vals) => {
          const g = controlGrid(G, 5);
          const coef = new Float64Array(3 * controlCount(g)).map((_, i) => vals[i % 8] * Math.sin(i));
          const { grid: g2, coef: c2 } = refine(g, coef);
          expect(g2.spacingMm[0]).toBeCloseTo(2.5, 12);
          const pts = randomPoints(60, 7);
          const d1 = new Float64Array(pts.length);
          const d2 = new Float64Array(pts.length);
          displacement(g, support(g, pts), coef, d1);
          displacement(g2, support(g2, pts), c2, d2);
          for (let i = 0; i < d1.length; i++) expect(d2[i]).toBeCloseTo(d1[i], 10);
        },
      ),
      { numRuns: 20, seed: 42 },
    );
  });

  it("bending energy of D_x = α·g² is 4α²/h⁴ (analytic)", () => {
    const g = controlGrid(G, 4);
    const N = controlCount(g);
    const alpha = 0.3;
    const coef = new Float64Array(3 * N);
    const n0 = g.size[0];
    // Σ_k (k² − 1/3) β³(g − k) = g² (the cubic B-spline has variance 1/3)
    for (let c = 0; c < N; c++) {
      const k = c % n0;
      coef[c] = alpha * (k * k - 1 / 3);
    }
    const sup = support(g, bendingPoints(g), true);
    const e = bendingEnergy(g, sup, coef);
    expect(e).toBeCloseTo((4 * alpha ** 2) / g.spacingMm[0] ** 4, 10);
  });

  it("zero coefficients: the field is the affine map's and the Jacobian is det A", () => {
    const g = controlGrid(G, 4);
    const A = Float64Array.from([1.05, 0.02, 0, 1, -0.03, 0.97, 0.01, -2, 0, 0.02, 1.01, 0.5, 0, 0, 0, 1]);
    const coef = new Float64Array(3 * controlCount(g));
    const u = denseField(g, coef, A);
    const ua = affineField(G, A);
    for (let i = 0; i < u.length; i += 37) expect(u[i]).toBeCloseTo(ua[i], 4);
    const det =
      A[0] * (A[5] * A[10] - A[6] * A[9]) -
      A[1] * (A[4] * A[10] - A[6] * A[8]) +
      A[2] * (A[4] * A[9] - A[5] * A[8]);
    const j = jacobianStats(g, coef, A);
    expect(j.min).toBeCloseTo(det, 10);
    expect(j.max).toBeCloseTo(det, 10);
    expect(j.foldedFraction).toBe(0);
  });
});

describe("analytic gradients with respect to the control points", () => {
  const p = deformPair({ fixedDims: [16, 14, 16], movingTable: MR_T2, texture: 60 });
  const g = controlGrid(p.fixed, 4);
  const N = controlCount(g);
  const s = fixedSamples(p.fixed, {
    centre: [0, 0, 0],
    maxSamples: 1e9,
    seed: 3,
    jitter: true,
    interpolation: "cubic",
  });
  const mv = movingLevel(p.moving, undefined, "cubic");
  const bn = mattesBinning(s, mv, 32, 64);
  const sup = support(g, s.x);
  const bsup = support(g, bendingPoints(g), true);
  const A = p.affine;
  let st = 5;
  const coef = new Float64Array(3 * N).map(() => {
    st = (st * 16807) % 2147483647;
    return st / 2147483647 - 0.5;
  });
  const cost = (kind: string, c: Float64Array, grad?: Float64Array) => {
    if (kind === "bending") return bendingEnergy(g, bsup, c, 1, grad);
    const d = new Float64Array(3 * s.n);
    displacement(g, sup, c, d);
    const y = new Float64Array(3 * s.n);
    for (let q = 0; q < s.n; q++)
      for (let a = 0; a < 3; a++)
        y[3 * q + a] =
          A[a * 4] * s.x[3 * q] +
          A[a * 4 + 1] * s.x[3 * q + 1] +
          A[a * 4 + 2] * s.x[3 * q + 2] +
          A[a * 4 + 3] +
          d[3 * q + a];
    const mp = mapWorld(y, mv);
    const r = kind === "mi" ? mattesCost(s, mp, bn, !!grad) : nccCost(s, mp, !!grad);
    if (grad && r.dEdm) {
      const v = new Float64Array(3 * s.n);
      for (let q = 0; q < s.n; q++)
        if (mp.valid[q]) for (let a = 0; a < 3; a++) v[3 * q + a] = r.dEdm[q] * mp.dm[3 * q + a];
      accumulate(g, sup, v, grad);
    }
    return r.value;
  };
  for (const kind of ["ncc", "mi", "bending"])
    it(`${kind}: ∂E/∂φ matches central differences (relative 1e-4)`, () => {
      const grad = new Float64Array(3 * N);
      cost(kind, coef, grad);
      let gmax = 0;
      for (const v of grad) gmax = Math.max(gmax, Math.abs(v));
      for (const i of [5, 77, N + 100, 2 * N + 150, 2 * N + 33, Math.floor(N / 2) + 7]) {
        const h = 1e-4;
        const cp = Float64Array.from(coef);
        const cm = Float64Array.from(coef);
        cp[i] += h;
        cm[i] -= h;
        const fd = (cost(kind, cp) - cost(kind, cm)) / (2 * h);
        expect(Math.abs(grad[i] - fd)).toBeLessThan(1e-4 * gmax + 1e-12);
      }
    });
});
