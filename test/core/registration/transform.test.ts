/**
 * Transform algebra and resampling invariants (fast-check properties), and the analytic metric
 * gradients against central finite differences (independent reference: the metric values).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mattesBinning, mattesMI } from "../../../src/core/registration/mattes.js";
import { ncc } from "../../../src/core/registration/ncc.js";
import { gaussianSmooth } from "../../../src/core/registration/pyramid.js";
import { resampleLinear, resampleNearest } from "../../../src/core/registration/resample.js";
import { mapSamples, movingLevel } from "../../../src/core/registration/sampler.js";
import {
  applyPoint,
  identity4,
  invert4,
  matrixToAffineParameters,
  matrixToRigidParameters,
  multiply4,
  parameterGradient,
  parametersToMatrix,
} from "../../../src/core/registration/transform.js";
import { CT_HU } from "../../../src/core/segmentation/atlas.js";
import { affineTruth, multimodalPair } from "./phantom.js";

const angle = fc.double({ min: -0.6, max: 0.6, noNaN: true });
const shift = fc.double({ min: -20, max: 20, noNaN: true });
const near1 = fc.double({ min: 0.8, max: 1.2, noNaN: true });
const small = fc.double({ min: -0.15, max: 0.15, noNaN: true });

describe("transforms", () => {
  it("a rigid or affine transform composed with its inverse is the identity", () => {
    fc.assert(
      fc.property(
        fc.tuple(angle, angle, angle, shift, shift, shift),
        fc.tuple(near1, small, small, small, near1, small, small, small, near1),
        fc.tuple(shift, shift, shift),
        (rp, m, c) => {
          for (const mat of [
            parametersToMatrix("rigid", rp, c),
            parametersToMatrix("affine", [...m, rp[3], rp[4], rp[5]], c),
          ]) {
            const id = multiply4(mat, invert4(mat));
            const id2 = multiply4(invert4(mat), mat);
            const I = identity4();
            for (let i = 0; i < 16; i++) {
              expect(id[i]).toBeCloseTo(I[i], 9);
              expect(id2[i]).toBeCloseTo(I[i], 9);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("matrix → parameters → matrix round-trips (rigid Euler angles, affine)", () => {
    fc.assert(
      fc.property(
        fc.tuple(angle, angle, angle, shift, shift, shift),
        fc.tuple(shift, shift, shift),
        (rp, c) => {
          const mat = parametersToMatrix("rigid", rp, c);
          const back = parametersToMatrix("rigid", matrixToRigidParameters(mat, c), c);
          const aff = parametersToMatrix("affine", matrixToAffineParameters(mat, c), c);
          for (let i = 0; i < 16; i++) {
            expect(back[i]).toBeCloseTo(mat[i], 9);
            expect(aff[i]).toBeCloseTo(mat[i], 9);
          }
          // the centre maps to centre + t
          const y = applyPoint(mat, c);
          expect(y[0]).toBeCloseTo(c[0] + rp[3], 9);
        },
      ),
    );
  });

  it("resampling through the identity onto the same grid is exact (linear and nearest)", () => {
    fc.assert(
      fc.property(
        fc.tuple(
          fc.integer({ min: 2, max: 7 }),
          fc.integer({ min: 2, max: 7 }),
          fc.integer({ min: 2, max: 7 }),
        ),
        fc.tuple(fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: 0.3, max: 3, noNaN: true })),
        fc.tuple(shift, shift, shift),
        fc.integer({ min: 1, max: 1000 }),
        (dims, sp, origin, seed) => {
          const n = dims[0] * dims[1] * dims[2];
          let s = seed;
          const data = Float32Array.from({ length: n }, () => {
            s = (s * 16807) % 2147483647;
            return (s % 1000) - 500;
          });
          const affine = Float64Array.from([
            sp[0],
            0.1,
            0,
            origin[0],
            0,
            sp[1],
            0,
            origin[1],
            0,
            0,
            sp[0],
            origin[2],
            0,
            0,
            0,
            1,
          ]);
          const v = { dims, spacingMm: [sp[0], sp[1], sp[0]] as [number, number, number], affine, data };
          const lin = resampleLinear(v, v, identity4());
          const nn = resampleNearest(v, v, identity4());
          expect(Array.from(lin.data)).toEqual(Array.from(data));
          expect(Array.from(nn.data)).toEqual(Array.from(data));
        },
      ),
      { numRuns: 100 },
    );
  });

  it("linear resampling of a linear ramp through an affine is exact inside the image", () => {
    const dims = [10, 9, 8];
    const affine = Float64Array.from([1.5, 0, 0, -7, 0, 1, 0, -4, 0, 0, 2, -8, 0, 0, 0, 1]);
    const ramp = (x: number[]) => 3 * x[0] - 2 * x[1] + 0.5 * x[2] + 7;
    const data = new Float32Array(720);
    for (let k = 0; k < 8; k++)
      for (let j = 0; j < 9; j++)
        for (let i = 0; i < 10; i++) data[i + 10 * (j + 9 * k)] = ramp(applyPoint(affine, [i, j, k]));
    const v = { dims, spacingMm: [1.5, 1, 2] as [number, number, number], affine, data };
    const T = parametersToMatrix("rigid", [0.1, -0.05, 0.2, 0.3, -0.4, 0.2], [0, 0, 0]);
    const target = {
      dims: [6, 5, 4],
      affine: Float64Array.from([1, 0, 0, -3, 0, 1, 0, -2, 0, 0, 1, -2, 0, 0, 0, 1]),
    };
    const out = resampleLinear(v, target, T);
    for (let k = 0; k < 4; k++)
      for (let j = 0; j < 5; j++)
        for (let i = 0; i < 6; i++) {
          const y = applyPoint(T, applyPoint(target.affine, [i, j, k]));
          expect(out.data[i + 6 * (j + 5 * k)]).toBeCloseTo(ramp(y), 3);
        }
  });
});

describe("metric gradients", () => {
  const C: [number, number, number] = [1, -1, 5];
  const truth = affineTruth([1.04, 0.02, 0, -0.01, 0.97, 0.01, 0, 0.01, 1.02], [1, -1, 1], C);
  const p = multimodalPair(truth, {
    dims: [20, 16, 24],
    movingDims: [30, 26, 36],
    fixedNoise: 0,
    movingNoise: 0,
  });
  // smooth moving image so that the interpolated metric is differentiable enough for differences
  const [nx, ny, nz] = p.fixed.dims;
  const n = nx * ny * nz;
  const x = new Float64Array(3 * n);
  const f = new Float64Array(n);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const q = i + nx * (j + ny * k);
        const w = applyPoint(p.fixed.affine, [i, j, k]);
        for (let a = 0; a < 3; a++) x[3 * q + a] = w[a] - C[a];
        f[q] = p.fixed.data[q];
      }
  const s = { n, x, f };
  const smooth = (v: typeof p.moving) => ({ ...v, data: gaussianSmooth(v.data, v.dims, [1.5, 1.5, 1.5]) });
  const mv = movingLevel(smooth(p.moving));
  const bn = mattesBinning(s, mv, 32);
  const p0 = matrixToAffineParameters(truth, C).map((v, i) => v + (i < 9 ? 0.04 : 1.5) * (i % 2 ? 1 : -1));
  for (const [name, fn] of [
    ["NCC", (q: number[], g: boolean) => ncc(s, mapSamples("affine", q, C, s, mv), g)],
    ["Mattes MI", (q: number[], g: boolean) => mattesMI(s, mapSamples("affine", q, C, s, mv), bn, g)],
  ] as const) {
    it(`${name}: analytic parameter gradient ≈ central differences (within 15 % of the norm)`, () => {
      const an = parameterGradient("affine", p0, fn(p0, true).gradient);
      const h = 1e-4;
      const num = p0.map((_, i) => {
        const a = p0.slice();
        a[i] += h;
        const b = p0.slice();
        b[i] -= h;
        return (fn(a, false).value - fn(b, false).value) / (2 * h);
      });
      const norm = Math.hypot(...num);
      const diff = Math.hypot(...an.map((v, i) => v - num[i]));
      expect(diff / norm).toBeLessThan(0.15);
    });
  }
  it("rigid gradient: chain rule through the Euler angles ≈ central differences", () => {
    const ct = multimodalPair(truth, { dims: [20, 16, 24], movingDims: [30, 26, 36], movingTable: CT_HU });
    const mvc = movingLevel(smooth(ct.moving));
    const sc = { n, x, f: Float64Array.from(ct.fixed.data) };
    const q0 = [0.05, -0.04, 0.08, 1, -0.5, 0.7];
    const fn = (q: number[], g: boolean) => ncc(sc, mapSamples("rigid", q, C, sc, mvc), g);
    const an = parameterGradient("rigid", q0, fn(q0, true).gradient);
    const num = q0.map((_, i) => {
      const a = q0.slice();
      a[i] += 1e-4;
      const b = q0.slice();
      b[i] -= 1e-4;
      return (fn(a, false).value - fn(b, false).value) / 2e-4;
    });
    expect(Math.hypot(...an.map((v, i) => v - num[i])) / Math.hypot(...num)).toBeLessThan(0.15);
  });
});
