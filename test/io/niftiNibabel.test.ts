import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readNifti } from "../../src/io/nifti.js";
import { REF } from "../helpers/cli.js";

const expected = JSON.parse(readFileSync(`${REF}/nibabel/expected.json`, "utf8")) as Record<
  string,
  { affine: number[][]; shape: number[]; voxels: Record<string, number>; frame_s?: number }
>;

describe("NIfTI reader follows nibabel conventions", () => {
  for (const [file, e] of Object.entries(expected)) {
    it(file, () => {
      const v = readNifti(`${REF}/nibabel/${file}`);
      expect(v.dims).toEqual(e.shape);
      e.affine.flat().forEach((x, i) => expect(v.affine[i]).toBeCloseTo(x, 5));
      for (const [ijk, val] of Object.entries(e.voxels)) {
        const [i, j, k, t = 0] = ijk.split(",").map(Number);
        const [nx, ny, nz] = v.dims;
        expect(v.data[i + nx * (j + ny * (k + nz * t))]).toBeCloseTo(val, 5);
      }
      if (e.frame_s) expect(v.frameS).toBeCloseTo(e.frame_s, 6);
    });
  }
});
