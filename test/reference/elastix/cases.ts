/**
 * The registration validation cases shared by the tests (test/core/registration/), the bench
 * (bench/register.ts) and the elastix reference run (run.ts): multimodal phantom pairs of the
 * analytic atlas with a known fixed→moving transform. Fixed: contrast CT (HU, σ = 20 HU noise),
 * 28 × 22 × 48 voxels of 1 mm; moving: MR-T2-like contrast (σ = 15) or a second CT, 40 × 32 × 60
 * voxels of 1 mm covering the fixed field of view after the motion. Partial volume: the adaptive
 * renderer of phantom.ts (default since the B-spline work), or `{ render: "uniform2" }` — the
 * original 2³ supersampling, kept for the before/after comparison in bench/register.ts (it places
 * edges only to ≈ 0.2 voxel, a floor for any registration of those pairs).
 */
import { CT_HU, MR_T2 } from "../../../src/core/segmentation/atlas.js";
import { type DeformPair, deformPair } from "../../core/registration/deformPhantom.js";
import { affineTruth, multimodalPair, type Pair, rigidTruth } from "../../core/registration/phantom.js";

export interface Case {
  name: string;
  transform: "rigid" | "affine";
  metric: "mi" | "ncc";
  pair(o?: PairOptions): Pair;
}

export interface PairOptions {
  render?: "uniform2" | "adaptive";
  /** noise seed (default: the case's) */
  seed?: number;
}

const C: [number, number, number] = [1, -1, 5];
const DIMS: [number, number, number] = [28, 22, 48];

export const CASES: Case[] = [
  {
    name: "rigid-ct-mr-mi",
    transform: "rigid",
    metric: "mi",
    pair: (o = {}) =>
      multimodalPair(rigidTruth([5, -4, 7], [2.5, -1.8, 3.2], C), { dims: DIMS, seed: 1, ...o }),
  },
  {
    name: "affine-ct-mr-mi",
    transform: "affine",
    metric: "mi",
    pair: (o = {}) =>
      multimodalPair(affineTruth([1.06, 0.03, 0, -0.02, 0.95, 0.01, 0, 0.02, 1.03], [1.5, -2, 2], C), {
        dims: DIMS,
        seed: 2,
        ...o,
      }),
  },
  {
    name: "rigid-ct-ct-ncc",
    transform: "rigid",
    metric: "ncc",
    pair: (o = {}) =>
      multimodalPair(rigidTruth([-6, 3, 4], [-2, 1.5, -3], C), {
        dims: DIMS,
        seed: 3,
        movingTable: CT_HU,
        movingNoise: 20,
        ...o,
      }),
  },
  {
    name: "affine-ct-ct-ncc",
    transform: "affine",
    metric: "ncc",
    pair: (o = {}) =>
      multimodalPair(affineTruth([0.96, -0.02, 0.01, 0.03, 1.04, 0, -0.01, 0, 0.98], [-1, 2, -1.5], C), {
        dims: DIMS,
        seed: 4,
        movingTable: CT_HU,
        movingNoise: 20,
        ...o,
      }),
  },
];

export { MR_T2 };

export interface BSplineCase {
  name: string;
  metric: "mi" | "ncc";
  pair(): DeformPair;
}

/**
 * Deformable cases (test/core/registration/deformPhantom.ts): the known affine + 3 Gaussian
 * bumps (≤ 2.8 voxels), 36 × 28 × 36 voxels of 0.75 mm; CT↔CT (time points, NCC) with and
 * without tissue texture, CT↔MR-like (MI) with texture.
 */
export const BSPLINE_CASES: BSplineCase[] = [
  { name: "bspline-ct-ct-ncc", metric: "ncc", pair: () => deformPair({ texture: 60, seed: 1 }) },
  { name: "bspline-ct-ct-ncc-untextured", metric: "ncc", pair: () => deformPair({ texture: 0, seed: 1 }) },
  {
    name: "bspline-ct-mr-mi",
    metric: "mi",
    pair: () => deformPair({ texture: 60, movingTable: MR_T2, movingNoise: 15, seed: 1 }),
  },
];
