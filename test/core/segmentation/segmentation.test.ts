/**
 * Segmentation on noisy phantoms of the analytic atlas (reference: the atlas's exact organ
 * shapes rendered at the voxel centres through the same known transform, independent of the
 * segmentation code): CT thresholds, region growing, random walker from scribbles, atlas-based
 * initialisation and label propagation between time points (Dice ≥ 0.9 per organ). Plus
 * analytic cases for components, morphology and Dice.
 */
import { describe, expect, it } from "vitest";
import type { Volume } from "../../../src/core/image/volume.js";
import { register } from "../../../src/core/registration/register.js";
import { ATLAS_ORGANS, CT_HU, renderIntensity, renderLabels } from "../../../src/core/segmentation/atlas.js";
import { atlasSegment, refineRandomWalker } from "../../../src/core/segmentation/atlasSegment.js";
import { connectedComponents, largestComponent } from "../../../src/core/segmentation/components.js";
import { close, dilate, erode, fillHoles, open } from "../../../src/core/segmentation/morphology.js";
import { dice, propagateLabels } from "../../../src/core/segmentation/propagate.js";
import { randomWalker } from "../../../src/core/segmentation/randomWalker.js";
import { growConfidence, growInterval } from "../../../src/core/segmentation/regionGrow.js";
import { CT_CLASSES, ctClasses } from "../../../src/core/segmentation/threshold.js";
import { addNoise, affineTruth, grid, rigidTruth } from "../registration/phantom.js";

const ID = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);

/**
 * subject grid (default: whole body at 0.8 mm; `zRange` crops), pose `toAtlas` (subject world →
 * atlas)
 */
function subject(
  toAtlas: Float64Array,
  seed: number,
  spacing = 0.8,
  zRange: [number, number] = [-50.6, 48.6],
) {
  const dims: [number, number, number] = [
    Math.round(28.8 / spacing),
    Math.round(22.4 / spacing),
    Math.round((zRange[1] - zRange[0]) / spacing),
  ];
  const g = grid(dims, spacing, [0, 0, (zRange[0] + zRange[1]) / 2]);
  const ct = addNoise(renderIntensity(g, toAtlas, CT_HU, 2), 20, seed);
  return { ct, truth: renderLabels(g, toAtlas) };
}

const ORGANS = [1, 2, 3, 4, 5, 7, 8, 9];
/** organs inside the trunk crop z ∈ [−24, 12] mm */
const TRUNK = [3, 4, 5, 7, 8];

describe("CT thresholds and region growing", () => {
  const s = subject(ID, 11);
  const dims = s.ct.dims;
  it("lung class (gas inside the body) Dice ≥ 0.9; outside air is never lung", () => {
    const cls = ctClasses(s.ct.data, dims);
    const lung = Uint8Array.from(cls, (c) => (c === CT_CLASSES.lung ? 1 : 0));
    expect(
      dice(
        lung,
        Uint8Array.from(s.truth.data, (l) => (l === 2 ? 1 : 0)),
      ),
    ).toBeGreaterThan(0.9);
    expect(cls[0]).toBe(CT_CLASSES.air);
  });
  it("interval region growing from one lung seed per lung finds both lungs (Dice ≥ 0.9)", () => {
    const seeds: [number, number, number][] = [
      [Math.round((-6 + 14) / 0.8), Math.round((1 + 10.8) / 0.8), Math.round((24 + 50.2) / 0.8)],
      [Math.round((6 + 14) / 0.8), Math.round((1 + 10.8) / 0.8), Math.round((24 + 50.2) / 0.8)],
    ];
    const g = growInterval(s.ct.data, dims, seeds, -850, -250);
    expect(
      dice(
        g,
        Uint8Array.from(s.truth.data, (l) => (l === 2 ? 1 : 0)),
      ),
    ).toBeGreaterThan(0.9);
    const c = growConfidence(s.ct.data, dims, seeds, { k: 3 });
    expect(
      dice(
        c,
        Uint8Array.from(s.truth.data, (l) => (l === 2 ? 1 : 0)),
      ),
    ).toBeGreaterThan(0.85);
  });
});

describe("random walker from scribbles", () => {
  it("organs of a noisy contrast CT (0.5 mm, trunk crop): Dice ≥ 0.9 from eroded scribbles (Grady 2006)", () => {
    const s = subject(ID, 12, 0.5, [-24, 12]);
    const dims = s.ct.dims;
    const n = s.ct.data.length;
    const seeds = new Float32Array(n);
    for (const l of [...ORGANS, 6, 10, 0]) {
      const m = Uint8Array.from(s.truth.data, (v) => (v === l ? 1 : 0));
      const core = erode(m, dims, s.ct.spacingMm, 1.2);
      for (let v = 0; v < n; v++) if (core[v]) seeds[v] = l === 0 ? 99 : l;
    }
    const rw = randomWalker(s.ct.data, dims, seeds, { beta: 1 });
    expect(rw.converged).toBe(true);
    {
      const d = TRUNK.map((l) => [ATLAS_ORGANS[l], dice(rw.labels, s.truth.data, l).toFixed(3)]);
      console.log(JSON.stringify(d));
      for (const l of TRUNK) expect(dice(rw.labels, s.truth.data, l), ATLAS_ORGANS[l]).toBeGreaterThan(0.9);
    }
  }, 60_000);
});

describe("atlas initialisation and propagation across time points", () => {
  const C: [number, number, number] = [0, 0, 0];
  const pose0 = affineTruth([1.05, 0.02, 0, -0.01, 0.96, 0.01, 0, 0.01, 1.03], [1.2, -0.8, 1.5], C);
  const s0 = subject(pose0, 21);
  it("atlas → subject CT (affine MI) + random-walker refinement: every organ Dice ≥ 0.9", () => {
    const a = atlasSegment(s0.ct, { refine: true });
    {
      const d = ORGANS.map((l) => [ATLAS_ORGANS[l], dice(a.labels.data, s0.truth.data, l).toFixed(3)]);
      console.log(JSON.stringify(d));
      for (const l of ORGANS)
        expect(dice(a.labels.data, s0.truth.data, l), ATLAS_ORGANS[l]).toBeGreaterThan(0.9);
    }
  }, 60_000);
  it("labels of time point 0 propagated to a repositioned time point 1 (rigid NCC, then refined): Dice ≥ 0.9", () => {
    const move = rigidTruth([4, -3, 6], [1.5, 2, -2], [0, 0, 0]);
    // time point 1: the same mouse moved: subject1 world → subject0 world = move
    const pose1 = Float64Array.from(multiply(pose0, move));
    const s1 = subject(pose1, 22);
    const r = register(s1.ct, s0.ct, { transform: "rigid", metric: "ncc" });
    const lab = refineRandomWalker(s1.ct, propagateLabels(s0.truth as Volume, s1.ct, r.matrix), 1.2);
    {
      const d = ORGANS.map((l) => [ATLAS_ORGANS[l], dice(lab.data, s1.truth.data, l).toFixed(3)]);
      console.log(JSON.stringify(d));
      for (const l of ORGANS) expect(dice(lab.data, s1.truth.data, l), ATLAS_ORGANS[l]).toBeGreaterThan(0.9);
    }
  }, 60_000);
});

function multiply(a: Float64Array, b: Float64Array): number[] {
  const out: number[] = [];
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) out.push([0, 1, 2, 3].reduce((s, k) => s + a[r * 4 + k] * b[k * 4 + c], 0));
  return out;
}

describe("components, morphology, Dice (analytic)", () => {
  const dims = [9, 9, 9];
  const at = (i: number, j: number, k: number) => i + 9 * (j + 9 * k);
  it("6- vs 26-connectivity of two diagonal voxels; sizes", () => {
    const m = new Uint8Array(729);
    m[at(1, 1, 1)] = 1;
    m[at(2, 2, 2)] = 1;
    m[at(6, 6, 6)] = 1;
    m[at(6, 6, 7)] = 1;
    expect(connectedComponents(m, dims, 6).sizes).toEqual([1, 1, 2]);
    expect(connectedComponents(m, dims, 26).sizes).toEqual([2, 2]);
    expect(largestComponent(m, dims, 6).reduce((a, b) => a + b, 0)).toBe(2);
  });
  it("ball radius 3 eroded by radius 1 is the radius-2 ball (voxel-centre geometry); dilation back contains it", () => {
    const ballOf = (r: number) => {
      const m = new Uint8Array(729);
      for (let k = 0; k < 9; k++)
        for (let j = 0; j < 9; j++)
          for (let i = 0; i < 9; i++)
            if ((i - 4) ** 2 + (j - 4) ** 2 + (k - 4) ** 2 <= r * r) m[at(i, j, k)] = 1;
      return m;
    };
    const b3 = ballOf(3);
    const e = erode(b3, dims, [1, 1, 1], 1);
    expect(e.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(ballOf(2.45).reduce((a, b) => a + b, 0));
    expect(e.every((v, i) => !v || b3[i])).toBe(true);
    const o = open(b3, dims, [1, 1, 1], 1);
    expect(o.every((v, i) => !v || b3[i])).toBe(true);
    const c = close(b3, dims, [1, 1, 1], 1);
    expect(b3.every((v, i) => !v || c[i])).toBe(true);
    const d = dilate(ballOf(2), dims, [1, 1, 1], 1);
    expect(ballOf(2).every((v, i) => !v || d[i])).toBe(true);
  });
  it("fillHoles fills an enclosed cavity but not a tunnel to the border", () => {
    const m = new Uint8Array(729).fill(0);
    for (let k = 2; k <= 6; k++) for (let j = 2; j <= 6; j++) for (let i = 2; i <= 6; i++) m[at(i, j, k)] = 1;
    m[at(4, 4, 4)] = 0;
    expect(fillHoles(m, dims)[at(4, 4, 4)]).toBe(1);
    for (let i = 0; i <= 4; i++) m[at(i, 4, 4)] = 0;
    expect(fillHoles(m, dims)[at(4, 4, 4)]).toBe(0);
  });
  it("Dice: 2|A∩B|/(|A|+|B|)", () => {
    expect(dice([1, 1, 0, 0], [1, 0, 1, 0])).toBeCloseTo(0.5, 12);
    expect(dice([2, 2, 1], [2, 1, 1], 2)).toBeCloseTo(2 / 3, 12);
    expect(Number.isNaN(dice([0, 0], [0, 0]))).toBe(true);
  });
});
