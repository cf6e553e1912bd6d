/**
 * Label maps must be label maps and lie on the image (issue 11, class 5): non-integer or
 * negative labels are refused (never rounded); labelled voxels outside the image's field of
 * view are an error naming both files. Geometry by hand: identity affines with 2 mm voxels, the
 * image grid covers centres 0, 2 mm (x, y, z ∈ [−1, 3) mm).
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { invalidLabel, labelledVoxelsOutside, roiStatistics } from "../../../src/core/image/roiStats.js";
import { identityAffine, type Volume } from "../../../src/core/image/volume.js";

const vol = (
  dims: number[],
  data: number[],
  spacing: [number, number, number] = [2, 2, 2],
  dx = 0,
): Volume => {
  const affine = identityAffine(spacing);
  affine[3] = dx;
  return { dims, spacingMm: spacing, affine, data: Float32Array.from(data) };
};
const image = vol([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]);

describe("label map checks", () => {
  it("non-integer and negative labels are found", () => {
    expect(invalidLabel(vol([2, 1, 1], [1, 2]))).toBeNull();
    expect(invalidLabel(vol([2, 1, 1], [1, 2.5]))).toEqual({ index: 1, value: 2.5 });
    expect(invalidLabel(vol([2, 1, 1], [-1, 2]))).toEqual({ index: 0, value: -1 });
    expect(invalidLabel(vol([2, 1, 1], [Number.NaN, 2]))?.index).toBe(0);
  });
  it("roiStatistics refuses a fractional label naming the file and voxel", () => {
    expect(() =>
      roiStatistics(image, vol([2, 2, 2], [1, 0, 0, 0, 0, 0, 0, 0.5]), {
        labelFile: "lab.nii",
        imageFile: "img.nii",
      }),
    ).toThrow(/lab\.nii: label at voxel \(1, 1, 1\): got 0\.5/);
  });
  it("counts labelled voxels outside the field of view (half-voxel rule)", () => {
    // shifted by 2 mm: label voxel i=1 sits at x = 4 mm, outside [−1, 3)
    expect(labelledVoxelsOutside(vol([2, 1, 1], [1, 1], [2, 2, 2], 2), image)).toEqual({
      count: 1,
      labelled: 2,
    });
    // shifted by 0.9 mm: x = 2.9 mm, within half a voxel of the last centre (2 mm)
    expect(labelledVoxelsOutside(vol([2, 1, 1], [1, 1], [2, 2, 2], 0.9), image).count).toBe(0);
    // a finer 1 mm grid: centres 0..4 mm; x = 3 mm is on the field-of-view edge (inside),
    // x = 4 mm is outside
    expect(labelledVoxelsOutside(vol([5, 1, 1], [1, 1, 1, 1, 1], [1, 1, 1]), image)).toEqual({
      count: 1,
      labelled: 5,
    });
    // unlabelled voxels outside do not matter
    expect(labelledVoxelsOutside(vol([5, 1, 1], [1, 1, 1, 1, 0], [1, 1, 1]), image).count).toBe(0);
  });
  it("roiStatistics: labels outside the image → InputError naming both files; inside → statistics", () => {
    const outside = vol([2, 2, 2], [1, 1, 1, 1, 0, 0, 0, 0], [2, 2, 2], 100);
    try {
      roiStatistics(image, outside, { imageFile: "img.nii", labelFile: "lab.nii" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as Error).message).toMatch(
        /lab\.nii: field of view: got "4 of 4 labelled voxels outside img\.nii"/,
      );
    }
    // a 1 mm label at the origin resamples onto image voxel (0, 0, 0)
    const inside = vol([2, 2, 2], [1, 0, 0, 0, 0, 0, 0, 0], [1, 1, 1]);
    const s = roiStatistics(image, inside);
    expect(s).toEqual([expect.objectContaining({ label: 1, frame: 0, mean: 1, voxels: 1 })]);
  });
});
