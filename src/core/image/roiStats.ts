/**
 * ROI statistics per label and frame: mean, sample SD (n − 1), min, max, voxel count,
 * volume (voxels × voxel volume from the affine, mm³) and sum (total, e.g. activity × volume
 * when multiplied by the voxel volume in mL). One pass over the data per frame with shifted
 * sums (Σ(x − K), Σ(x − K)², K = the ROI's first value: Chan, Golub & LeVeque 1983), which is
 * numerically stable for image data and has no division per voxel.
 *
 * The label map must be a label map and must lie on the image: labels are integers ≥ 0
 * (a label map holding 1.5 is refused, never rounded), finite, 3D; when the grids differ the
 * labels are resampled through the affines (nearest neighbour), and every labelled voxel of the
 * label map must fall inside the image's field of view (its centre within half a voxel of the
 * image grid) — otherwise the statistics would silently describe only part of each ROI, so it is
 * an InputError naming both files and how many labelled voxels fall outside.
 */
import { InputError } from "../errors.js";
import {
  frameCount,
  invertAffine,
  resampleLabelsNearest,
  type Volume,
  voxelCount3d,
  voxelVolumeMm3,
} from "./volume.js";

export interface RoiInputs {
  /** names for messages */
  imageFile?: string;
  labelFile?: string;
}

/** First non-integer or negative label value, or null. */
export function invalidLabel(labels: Volume): { index: number; value: number } | null {
  const d = labels.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (!(v >= 0) || !Number.isInteger(v)) return { index: i, value: v };
  }
  return null;
}

/** Labelled voxels (label > 0) of `labels` whose centres lie outside `image`'s grid. */
export function labelledVoxelsOutside(labels: Volume, image: Volume): { count: number; labelled: number } {
  const [lx, ly, lz] = labels.dims;
  const [nx, ny, nz] = image.dims;
  const m = invertAffine(image.affine);
  const a = labels.affine;
  const c = new Float64Array(12);
  for (let r = 0; r < 3; r++)
    for (let col = 0; col < 4; col++) {
      let s = 0;
      for (let k = 0; k < 4; k++) s += m[r * 4 + k] * a[k * 4 + col];
      c[r * 4 + col] = s;
    }
  let count = 0;
  let labelled = 0;
  const eps = 1e-6;
  for (let k = 0; k < lz; k++)
    for (let j = 0; j < ly; j++)
      for (let i = 0; i < lx; i++) {
        if (!(labels.data[i + lx * (j + ly * k)] > 0)) continue;
        labelled++;
        const u = c[0] * i + c[1] * j + c[2] * k + c[3];
        const v = c[4] * i + c[5] * j + c[6] * k + c[7];
        const w = c[8] * i + c[9] * j + c[10] * k + c[11];
        if (
          !(u > -0.5 - eps && u < nx - 0.5 + eps && v > -0.5 - eps && v < ny - 0.5 + eps) ||
          !(w > -0.5 - eps && w < nz - 0.5 + eps)
        )
          count++;
      }
  return { count, labelled };
}

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

export function roiStatistics(image: Volume, labels: Volume, names: RoiInputs = {}): RoiStat[] {
  const labelFile = names.labelFile ?? "labels";
  const imageFile = names.imageFile ?? "image";
  if (frameCount(labels) !== 1)
    throw new InputError({
      file: names.labelFile,
      field: "labels",
      value: labels.dims,
      expected: "a 3D label map",
    });
  const bad = invalidLabel(labels);
  if (bad) {
    const [lx, ly] = labels.dims;
    const ijk = [bad.index % lx, Math.floor(bad.index / lx) % ly, Math.floor(bad.index / (lx * ly))];
    throw new InputError({
      file: names.labelFile,
      field: `label at voxel (${ijk.join(", ")})`,
      value: Number.isFinite(bad.value) ? bad.value : String(bad.value),
      expected: "integer labels ≥ 0 (0 = background): a label map, not an image (labels are never rounded)",
    });
  }
  const nvox = voxelCount3d(image);
  const same = sameGrid(image, labels);
  if (!same) {
    const out = labelledVoxelsOutside(labels, image);
    if (out.count > 0)
      throw new InputError({
        file: labelFile,
        field: "field of view",
        value: `${out.count} of ${out.labelled} labelled voxels outside ${imageFile}`,
        expected: `a label map whose labelled voxels all lie inside the image ${imageFile} (another grid or field of view: resample the labels onto the image first)`,
      });
  }
  const lab = same ? Int32Array.from(labels.data) : resampleLabelsNearest(labels, image);
  const seen = new Set<number>();
  for (let v = 0; v < lab.length; v++) if (lab[v] > 0) seen.add(lab[v]);
  const ids = [...seen].sort((a, b) => a - b);
  if (ids.length === 0)
    throw new InputError({
      file: names.labelFile,
      field: "labels",
      expected: "at least one voxel with a label > 0 inside the image",
    });
  // dense label → index table (labels are small positive integers in practice)
  const maxLabel = ids[ids.length - 1];
  const dense = maxLabel <= 1 << 20 ? new Int32Array(maxLabel + 1).fill(-1) : null;
  const index = new Map(ids.map((v, k) => [v, k]));
  if (dense) ids.forEach((v, k) => (dense[v] = k));
  const vv = voxelVolumeMm3(image.affine);
  const out: RoiStat[] = [];
  const L = ids.length;
  const n = new Float64Array(L);
  const shift = new Float64Array(L);
  const s1 = new Float64Array(L);
  const s2 = new Float64Array(L);
  const mn = new Float64Array(L);
  const mx = new Float64Array(L);
  const data = image.data;
  // voxels inside any ROI and their ROI index, computed once for all frames (ROIs usually
  // cover a small part of the field of view, so each frame visits only those voxels)
  let inside = 0;
  for (let v = 0; v < nvox; v++) if (lab[v] > 0) inside++;
  const vox = new Int32Array(inside);
  const roiOf = new Int32Array(inside);
  for (let v = 0, j = 0; v < nvox; v++) {
    const l = lab[v];
    if (l <= 0) continue;
    vox[j] = v;
    roiOf[j++] = dense ? dense[l] : (index.get(l) as number);
  }
  const nf = frameCount(image);
  for (let f = 0; f < nf; f++) {
    n.fill(0);
    s1.fill(0);
    s2.fill(0);
    mn.fill(Number.POSITIVE_INFINITY);
    mx.fill(Number.NEGATIVE_INFINITY);
    const off = f * nvox;
    for (let j = 0; j < inside; j++) {
      const k = roiOf[j];
      const x = data[off + vox[j]];
      if (x - x !== 0) continue; // NaN or ±Infinity
      if (n[k] === 0) shift[k] = x;
      const d = x - shift[k];
      n[k]++;
      s1[k] += d;
      s2[k] += d * d;
      if (x < mn[k]) mn[k] = x;
      if (x > mx[k]) mx[k] = x;
    }
    for (let k = 0; k < L; k++) {
      const cnt = n[k];
      const mean = shift[k] + s1[k] / cnt;
      const variance = cnt > 1 ? Math.max(0, (s2[k] - (s1[k] * s1[k]) / cnt) / (cnt - 1)) : Number.NaN;
      out.push({
        label: ids[k],
        frame: f,
        mean,
        sd: cnt > 1 ? Math.sqrt(variance) : null,
        min: mn[k],
        max: mx[k],
        voxels: cnt,
        volume_mm3: cnt * vv,
        sum: shift[k] * cnt + s1[k],
      });
    }
  }
  return out;
}
