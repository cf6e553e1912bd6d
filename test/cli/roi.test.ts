import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { writeNifti } from "../../src/io/nifti.js";
import { expectCleanFailure, runCli, runCliJson, tempDir } from "../helpers/cli.js";

describe("eprscope roi stats", () => {
  const dir = tempDir("roi-");
  const affine = identityAffine([2, 2, 2]);
  writeNifti(join(dir, "img.nii.gz"), {
    dims: [2, 2, 1, 2],
    spacingMm: [2, 2, 2],
    affine,
    data: Float32Array.from([1, 3, 5, 100, 2, 6, 10, 0]),
  });
  writeNifti(
    join(dir, "lab.nii.gz"),
    { dims: [2, 2, 1], spacingMm: [2, 2, 2], affine, data: Float32Array.from([1, 1, 2, 0]) },
    { datatype: "uint8" },
  );
  it("reports { label, frame, mean, sd, min, max, voxels, volume_mm3 } per label and frame", () => {
    const out = runCliJson<Record<string, number>[]>([
      "roi",
      "stats",
      join(dir, "img.nii.gz"),
      join(dir, "lab.nii.gz"),
    ]);
    expect(out).toEqual([
      { label: 1, frame: 0, mean: 2, sd: Math.SQRT2, min: 1, max: 3, voxels: 2, volume_mm3: 16 },
      { label: 2, frame: 0, mean: 5, sd: null, min: 5, max: 5, voxels: 1, volume_mm3: 8 },
      { label: 1, frame: 1, mean: 4, sd: 2 * Math.SQRT2, min: 2, max: 6, voxels: 2, volume_mm3: 16 },
      { label: 2, frame: 1, mean: 10, sd: null, min: 10, max: 10, voxels: 1, volume_mm3: 8 },
    ]);
  });
  it("exit 2 for a missing or corrupt image", () => {
    const r = runCli(["roi", "stats", join(dir, "missing.nii"), join(dir, "lab.nii.gz")]);
    expectCleanFailure(r, 2, /missing\.nii/);
  });
});
