import { describe, expect, it } from "vitest";
import { roiStatistics } from "../../../src/core/image/roiStats.js";
import {
  identityAffine,
  invertAffine,
  resampleLabelsNearest,
  type Volume,
} from "../../../src/core/image/volume.js";

describe("ROI statistics", () => {
  const labels: Volume = {
    dims: [4, 2, 1],
    spacingMm: [2, 2, 3],
    affine: identityAffine([2, 2, 3]),
    data: Float32Array.from([1, 1, 2, 0, 1, 2, 2, 0]),
  };
  const image: Volume = {
    dims: [4, 2, 1, 2],
    spacingMm: [2, 2, 3],
    affine: identityAffine([2, 2, 3]),
    data: Float32Array.from([1, 2, 10, 99, 3, 20, 30, 99, 2, 4, 20, 0, 6, 40, 60, 0]),
  };
  const s = roiStatistics(image, labels);
  it("mean, sample SD, min, max, voxels and volume per label and frame (hand-computed)", () => {
    const l1f0 = s.find((x) => x.label === 1 && x.frame === 0);
    expect(l1f0).toMatchObject({ mean: 2, min: 1, max: 3, voxels: 3, volume_mm3: 36 });
    expect(l1f0?.sd).toBeCloseTo(1, 12); // values 1, 2, 3
    const l2f1 = s.find((x) => x.label === 2 && x.frame === 1);
    expect(l2f1?.mean).toBeCloseTo(40, 12); // 20, 40, 60
    expect(l2f1?.sd).toBeCloseTo(20, 12);
    expect(s).toHaveLength(4);
  });
  it("resamples a label map on another grid by nearest neighbour through the affines", () => {
    // labels at 1 mm, image at 2 mm: image voxel (i, j) sits at label voxel (2i, 2j)
    const fine: Volume = {
      dims: [4, 4, 1],
      spacingMm: [1, 1, 1],
      affine: identityAffine([1, 1, 1]),
      data: Float32Array.from({ length: 16 }, (_, v) => (v % 4) + 1),
    };
    const out = resampleLabelsNearest(fine, { dims: [2, 2, 1], affine: identityAffine([2, 2, 1]) });
    expect(Array.from(out)).toEqual([1, 3, 1, 3]);
    const inv = invertAffine(Float64Array.from([0, -2, 0, 5, 1, 0, 0, -3, 0, 0, 4, 1, 0, 0, 0, 1]));
    expect(Array.from(inv).map((v) => Math.round(v * 1e12) / 1e12 + 0)).toEqual([
      0, 1, 0, 3, -0.5, 0, 0, 2.5, 0, 0, 0.25, -0.25, 0, 0, 0, 1,
    ]);
  });
});
