/**
 * Displacement fields on disk: u(x) = T(x) − x on the fixed grid as a 5D NIfTI vector image
 * (nx × ny × nz × 1 × 3, intent_code 1007 NIFTI_INTENT_VECTOR, float32; component c of voxel v at
 * c·n³ + v), in mm along the RAS+ world axes of the NIfTI/nibabel convention (ITK and ANTs expect
 * LPS: negate the x and y components for them). Written by `register --out-transform`, read by
 * `resample --field` / a bspline `--transform` JSON.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { InputError } from "../core/errors.js";
import type { Volume } from "../core/image/volume.js";
import type { Grid } from "../core/registration/resample.js";
import { readNifti, writeNifti } from "./nifti.js";

export const NIFTI_INTENT_VECTOR = 1007;

export function writeDisplacementField(
  path: string,
  fixed: Grid,
  field: Float32Array,
  description: string,
): void {
  const [nx, ny, nz] = fixed.dims;
  const v: Volume = {
    dims: [nx, ny, nz, 1, 3],
    spacingMm: [0, 1, 2].map((c) =>
      Math.hypot(fixed.affine[c], fixed.affine[4 + c], fixed.affine[8 + c]),
    ) as [number, number, number],
    affine: Float64Array.from(fixed.affine),
    data: field,
  };
  mkdirSync(dirname(path), { recursive: true });
  writeNifti(path, v, {
    datatype: "float32",
    description,
    intentCode: NIFTI_INTENT_VECTOR,
    intentName: "DISPLACEMENT_RAS",
  });
}

/**
 * A displacement field for the grid `like` (dims equal, affines within 1e-3 mm), component-major
 * 3·n³ mm RAS; otherwise an InputError naming the file.
 */
export function readDisplacementField(path: string, like: Grid, likeFile: string): Float32Array {
  const f = readNifti(path);
  const [nx, ny, nz] = like.dims;
  const d = f.dims;
  const vector5d = d.length === 5 && d[3] === 1 && d[4] === 3;
  if (!vector5d || d[0] !== nx || d[1] !== ny || d[2] !== nz)
    throw new InputError({
      file: path,
      field: "dim",
      value: d,
      expected: `a displacement field ${nx}×${ny}×${nz}×1×3 on the grid of ${likeFile} (register --out-transform)`,
    });
  for (let i = 0; i < 12; i++)
    if (!(Math.abs(f.affine[i] - like.affine[i]) <= 1e-3))
      throw new InputError({
        file: path,
        field: "affine",
        value: Array.from(f.affine.slice(0, 12)),
        expected: `the affine of ${likeFile} (the field lives on the fixed grid)`,
      });
  const out = Float32Array.from(f.data);
  for (let i = 0; i < out.length; i++)
    if (!Number.isFinite(out[i]))
      throw new InputError({
        file: path,
        field: "data",
        value: out[i],
        expected: "finite displacements (mm)",
      });
  return out;
}
