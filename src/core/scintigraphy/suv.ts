/**
 * Lesion SUV statistics on a PET/SPECT volume already in SUV units (or any concentration):
 *  - SUVmax: the highest voxel in the lesion mask;
 *  - SUVmean: the mean over the mask;
 *  - SUVpeak: the highest mean over a 1 cm³ sphere (radius r = (3/(4π))^(1/3) cm = 6.2035 mm)
 *    centred on a voxel of the lesion; the sphere holds the voxels of the whole image whose
 *    centres lie within r of its centre (PERCIST 1.0, Wahl et al. J Nucl Med 2009;50:122S,
 *    which defines SUVpeak on a 1 cm³ spherical VOI; the voxel-centre inclusion rule is the
 *    common discrete implementation, stated here because vendors differ).
 *  - lesion-to-blood ratio: SUVmean(lesion)/SUVmean(blood VOI) when a blood mask is given.
 * Layout: x fastest, then y, then z; spacing in mm.
 */
import { InputError } from "../errors.js";

export const SUV_PEAK_RADIUS_MM = 10 * Math.cbrt(3 / (4 * Math.PI));

export interface VolumeGrid {
  dims: [number, number, number];
  spacingMm: [number, number, number];
}

export interface LesionSuv {
  voxels: number;
  volume_ml: number;
  suv_max: number;
  suv_mean: number;
  suv_peak: number;
  /** voxel index (x, y, z) of the SUVpeak sphere centre */
  peak_centre: [number, number, number];
  peak_voxels: number;
}

export function lesionSuv(values: ArrayLike<number>, grid: VolumeGrid, mask: ArrayLike<number>): LesionSuv {
  const [nx, ny, nz] = grid.dims;
  const [sx, sy, sz] = grid.spacingMm;
  if (values.length !== nx * ny * nz || mask.length !== values.length)
    throw new InputError({
      field: "volume",
      value: { values: values.length, mask: mask.length },
      expected: `${nx * ny * nz} voxels in values and mask`,
    });
  const r = SUV_PEAK_RADIUS_MM;
  const rx = Math.floor(r / sx);
  const ry = Math.floor(r / sy);
  const rz = Math.floor(r / sz);
  const offsets: [number, number, number][] = [];
  for (let dz = -rz; dz <= rz; dz++)
    for (let dy = -ry; dy <= ry; dy++)
      for (let dx = -rx; dx <= rx; dx++)
        if ((dx * sx) ** 2 + (dy * sy) ** 2 + (dz * sz) ** 2 <= r * r + 1e-9) offsets.push([dx, dy, dz]);
  let n = 0;
  let sum = 0;
  let max = Number.NEGATIVE_INFINITY;
  let peak = Number.NEGATIVE_INFINITY;
  let centre: [number, number, number] = [0, 0, 0];
  let peakN = 0;
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const i = x + nx * (y + ny * z);
        if (!mask[i]) continue;
        const v = values[i];
        n++;
        sum += v;
        if (v > max) max = v;
        let s = 0;
        let k = 0;
        for (const [dx, dy, dz] of offsets) {
          const X = x + dx;
          const Y = y + dy;
          const Z = z + dz;
          if (X < 0 || Y < 0 || Z < 0 || X >= nx || Y >= ny || Z >= nz) continue;
          s += values[X + nx * (Y + ny * Z)];
          k++;
        }
        if (k > 0 && s / k > peak) {
          peak = s / k;
          centre = [x, y, z];
          peakN = k;
        }
      }
  if (n === 0) throw new InputError({ field: "lesion mask", expected: "at least one lesion voxel" });
  return {
    voxels: n,
    volume_ml: (n * sx * sy * sz) / 1000,
    suv_max: max,
    suv_mean: sum / n,
    suv_peak: peak,
    peak_centre: centre,
    peak_voxels: peakN,
  };
}

export function maskMean(values: ArrayLike<number>, mask: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++)
    if (mask[i]) {
      s += values[i];
      n++;
    }
  return n > 0 ? s / n : Number.NaN;
}
