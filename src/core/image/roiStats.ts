/**
 * ROI statistics per label and frame: mean, sample SD (n − 1), min, max, voxel count,
 * volume (voxels × voxel volume from the affine, mm³) and sum (total, e.g. activity × volume
 * when multiplied by the voxel volume in mL). One pass over the data per frame (Welford's
 * algorithm for mean/variance, numerically stable).
 */
import { InputError } from "../errors.js";
import { frameCount, resampleLabelsNearest, type Volume, voxelCount3d, voxelVolumeMm3 } from "./volume.js";

export interface RoiStat {
  label: number;
  frame: number;
  mean: number;
  sd: number | null;
  min: number;
  max: number;
  voxels: number;
  volume_mm3: number;
  sum: number;
}

function sameGrid(a: Volume, b: Volume): boolean {
  return (
    a.dims[0] === b.dims[0] &&
    a.dims[1] === b.dims[1] &&
    a.dims[2] === b.dims[2] &&
    Array.from(a.affine).every((v, i) => Math.abs(v - b.affine[i]) < 1e-4)
  );
}

export function roiStatistics(image: Volume, labels: Volume): RoiStat[] {
  if (frameCount(labels) !== 1)
    throw new InputError({ field: "labels", value: labels.dims, expected: "a 3D label map" });
  const nvox = voxelCount3d(image);
  const lab = sameGrid(image, labels)
    ? Int32Array.from(labels.data, (v) => Math.round(v))
    : resampleLabelsNearest(labels, image);
  const ids = [...new Set(lab)].filter((v) => v > 0).sort((a, b) => a - b);
  if (ids.length === 0)
    throw new InputError({
      field: "labels",
      expected: "at least one voxel with a label > 0 inside the image",
    });
  const index = new Map(ids.map((v, k) => [v, k]));
  const vv = voxelVolumeMm3(image.affine);
  const out: RoiStat[] = [];
  const L = ids.length;
  const n = new Float64Array(L);
  const mean = new Float64Array(L);
  const m2 = new Float64Array(L);
  const mn = new Float64Array(L);
  const mx = new Float64Array(L);
  const sum = new Float64Array(L);
  for (let f = 0; f < frameCount(image); f++) {
    n.fill(0);
    mean.fill(0);
    m2.fill(0);
    sum.fill(0);
    mn.fill(Number.POSITIVE_INFINITY);
    mx.fill(Number.NEGATIVE_INFINITY);
    const off = f * nvox;
    for (let v = 0; v < nvox; v++) {
      const l = lab[v];
      if (l <= 0) continue;
      const k = index.get(l) as number;
      const x = image.data[off + v];
      if (!Number.isFinite(x)) continue;
      n[k]++;
      const d = x - mean[k];
      mean[k] += d / n[k];
      m2[k] += d * (x - mean[k]);
      sum[k] += x;
      if (x < mn[k]) mn[k] = x;
      if (x > mx[k]) mx[k] = x;
    }
    for (let k = 0; k < L; k++) {
      out.push({
        label: ids[k],
        frame: f,
        mean: mean[k],
        sd: n[k] > 1 ? Math.sqrt(m2[k] / (n[k] - 1)) : null,
        min: mn[k],
        max: mx[k],
        voxels: n[k],
        volume_mm3: n[k] * vv,
        sum: sum[k],
      });
    }
  }
  return out;
}
