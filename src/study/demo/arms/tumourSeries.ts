/** The per-tumour MRI series of the DSC and DWI arms: one 4D NIfTI (a volume per frame) and its tumour mask. */
import { writeVolume } from "./ferumoxytol.js";

export interface SeriesGeometry {
  dims: number[];
  spacingMm: [number, number, number];
  affine: Float64Array;
}

/**
 * Writes `<base>_<kind>.nii.gz` (float32, frames along the 4th axis, frame k at data[k·nvox + v];
 * frameS the frame interval when given) and `<base>_mask.nii.gz` (uint8, 1 where the tumour
 * class > 0); returns both paths.
 */
export function writeTumourSeries(
  dir: string,
  base: string,
  kind: string,
  geom: SeriesGeometry,
  series: { data: Float32Array; frames: number; frameS?: number; description: string },
  classes: ArrayLike<number>,
): [string, string] {
  const files: [string, string] = [`${base}_${kind}.nii.gz`, `${base}_mask.nii.gz`];
  writeVolume(
    dir,
    files[0],
    {
      ...geom,
      dims: [...geom.dims, series.frames],
      data: series.data,
      ...(series.frameS === undefined ? {} : { frameS: series.frameS }),
    },
    series.description,
  );
  writeVolume(
    dir,
    files[1],
    { ...geom, data: Float32Array.from(classes, (c) => (c > 0 ? 1 : 0)) },
    "tumour mask",
    true,
  );
  return files;
}
