/**
 * Registration accuracy on the multimodal phantoms with a known transform (cases in
 * test/reference/elastix/cases.ts), against the truth and against Debian elastix 5.0.1's result
 * on the same pairs (committed in test/reference/elastix/elastix_results.json, run.ts).
 * Criterion: max displacement error over the fixed grid (its 8 corners: exact for affine maps),
 * voxels of 1 mm: the issue's goal ≤ 0.3 voxel in every case (measured 0.05 / 0.21 / 0.03 / 0.06;
 * elastix 0.04 / 0.81 / 0.03 / 0.05), and no worse than elastix beyond 0.05 voxel (our result
 * moves by ±0.01–0.03 voxel with the sample seed, as elastix's does). Over 7 noise seeds of the
 * affine CT↔MR geometry the error is 0.26 ± 0.04 voxel (max 0.33): see bench/register.ts.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { register } from "../../../src/core/registration/register.js";
import { maxDisplacementMm } from "../../../src/core/registration/transform.js";
import { CASES } from "../../reference/elastix/cases.js";

const ref = JSON.parse(
  readFileSync(new URL("../../reference/elastix/elastix_results.json", import.meta.url), "utf8"),
) as { cases: Record<string, { maxDisplacementErrorMm: number }> };

/** bounds (voxels): the 0.3-voxel goal */
const GOAL: Record<string, number> = {
  "rigid-ct-mr-mi": 0.3,
  "affine-ct-mr-mi": 0.3,
  "rigid-ct-ct-ncc": 0.3,
  "affine-ct-ct-ncc": 0.3,
};

describe("registration recovers known motions (vs elastix)", () => {
  for (const c of CASES) {
    it(`${c.name}: max displacement error ≤ ${GOAL[c.name]} voxel and ≤ elastix + 0.05`, () => {
      const p = c.pair();
      const r = register(p.fixed, p.moving, { transform: c.transform, metric: c.metric });
      const err = maxDisplacementMm(r.matrix, p.truth, p.fixed);
      expect(err).toBeLessThanOrEqual(GOAL[c.name]);
      expect(err).toBeLessThanOrEqual(ref.cases[c.name].maxDisplacementErrorMm + 0.05);
      expect(r.validSampleFraction).toBeGreaterThan(0.95);
    });
  }
});
