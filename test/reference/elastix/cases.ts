/**
 * The registration validation cases shared by the tests (test/core/registration/), the bench
 * (bench/register.ts) and the elastix reference run (run.ts): multimodal phantom pairs of the
 * analytic atlas with a known fixed→moving transform. Fixed: contrast CT (HU, σ = 20 HU noise),
 * 28 × 22 × 48 voxels of 1 mm; moving: MR-T2-like contrast (σ = 15) or a second CT, 40 × 32 × 60
 * voxels of 1 mm covering the fixed field of view after the motion.
 */
import { CT_HU, MR_T2 } from "../../../src/core/segmentation/atlas.js";
import { affineTruth, multimodalPair, type Pair, rigidTruth } from "../../core/registration/phantom.js";

export interface Case {
  name: string;
  transform: "rigid" | "affine";
  metric: "mi" | "ncc";
  pair(): Pair;
}

const C: [number, number, number] = [1, -1, 5];
const DIMS: [number, number, number] = [28, 22, 48];

export const CASES: Case[] = [
  {
    name: "rigid-ct-mr-mi",
    transform: "rigid",
    metric: "mi",
    pair: () => multimodalPair(rigidTruth([5, -4, 7], [2.5, -1.8, 3.2], C), { dims: DIMS, seed: 1 }),
  },
  {
    name: "affine-ct-mr-mi",
    transform: "affine",
    metric: "mi",
    pair: () =>
      multimodalPair(affineTruth([1.06, 0.03, 0, -0.02, 0.95, 0.01, 0, 0.02, 1.03], [1.5, -2, 2], C), {
        dims: DIMS,
        seed: 2,
      }),
  },
  {
    name: "rigid-ct-ct-ncc",
    transform: "rigid",
    metric: "ncc",
    pair: () =>
      multimodalPair(rigidTruth([-6, 3, 4], [-2, 1.5, -3], C), { dims: DIMS, seed: 3, movingTable: CT_HU, movingNoise: 20 }),
  },
  {
    name: "affine-ct-ct-ncc",
    transform: "affine",
    metric: "ncc",
    pair: () =>
      multimodalPair(affineTruth([0.96, -0.02, 0.01, 0.03, 1.04, 0, -0.01, 0, 0.98], [-1, 2, -1.5], C), {
        dims: DIMS,
        seed: 4,
        movingTable: CT_HU,
        movingNoise: 20,
      }),
  },
];

export { MR_T2 };
