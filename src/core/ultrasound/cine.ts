/**
 * CEUS time–intensity curves from a cine (a 2D/3D image per frame, x fastest, frames last) and a
 * label map on the same grid: per positive label and frame the ROI mean of *linear* intensity
 *   TIC_l(t_f) = (1/|ROI_l|)·Σ_{v ∈ ROI_l} I(v, f) − baseline_l,
 * where I is the stored value, or its log-compression inverse 10^((DR·D/Dmax − G)/q) applied per
 * pixel before averaging (cineLinearise.ts; Peronneau et al. 2010, Rognin et al. 2010). The
 * optional baseline is the mean of the TIC over the first `baselineFrames` kept frames (the
 * pre-contrast tissue signal; linear echo power is additive, so it is subtracted).
 * With rejection, frames of an ROI that fail the motion criteria of cineRejection.ts are set to
 * NaN (excluded from fits and listed, never interpolated); the correlation region is the ROI's
 * bounding box grown by `marginVoxels` (default 2) in every spatial direction.
 * Display values at 0 or Dmax are clipped by the scanner; their fraction of the ROI samples is
 * reported (clipped samples bias the linearised mean).
 */
import { InputError } from "../errors.js";
import { isClipped, type LogCompression, lineariser } from "./cineLinearise.js";
import {
  type FrameRejectionOptions,
  frameCorrelations,
  type RejectedFrame,
  rejectFrames,
} from "./cineRejection.js";

export interface CineGrid {
  /** spatial dims [nx, ny, nz] */
  dims: [number, number, number];
  nFrames: number;
  /** stored values, frame f of voxel v at f·nx·ny·nz + v */
  data: ArrayLike<number>;
}

export interface CineTicOptions {
  /** frame times (s), strictly increasing, one per frame */
  timesS: ArrayLike<number>;
  /** invert this log compression before averaging (stored values are display values) */
  logCompression?: LogCompression;
  /** reject motion frames per ROI (absent: keep every frame) */
  rejection?: FrameRejectionOptions & { marginVoxels?: number };
  /** subtract the mean of the first N kept frames from each ROI's curve */
  baselineFrames?: number;
  /** names for messages */
  file?: string;
  labelFile?: string;
}

export interface RoiTic {
  label: number;
  voxels: number;
  /** linear ROI mean per frame minus the baseline; NaN at rejected frames */
  intensity: Float64Array;
  /** correlation with the reference per frame (rejection only) */
  correlation?: Float64Array;
  rejected: RejectedFrame[];
  baseline: number;
  /** fraction of ROI samples at display 0 or Dmax (log-compressed input; else 0) */
  clippedFraction: number;
}

export interface CineTic {
  timesS: Float64Array;
  rois: RoiTic[];
}

function checkTimes(t: ArrayLike<number>, nFrames: number, file?: string): Float64Array {
  if (t.length !== nFrames)
    throw new InputError({
      file,
      field: "frame times",
      value: t.length,
      expected: `${nFrames} times, one per frame of the cine`,
    });
  const out = Float64Array.from(t);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]))
      throw new InputError({ field: `time_s[${i}]`, value: out[i], expected: "a finite time (s)" });
    if (i > 0 && !(out[i] > out[i - 1]))
      throw new InputError({
        field: `time_s[${i}]`,
        value: out[i],
        expected: "strictly increasing frame times",
      });
  }
  return out;
}

/** positive labels in increasing order with their voxel indices */
export function labelVoxels(labels: ArrayLike<number>, file?: string): Map<number, number[]> {
  const byLabel = new Map<number, number[]>();
  for (let v = 0; v < labels.length; v++) {
    const l = labels[v];
    if (!(Number.isInteger(l) && l >= 0))
      throw new InputError({ file, field: `label at voxel ${v}`, value: l, expected: "integer labels ≥ 0" });
    if (l === 0) continue;
    const list = byLabel.get(l);
    if (list) list.push(v);
    else byLabel.set(l, [v]);
  }
  if (byLabel.size === 0)
    throw new InputError({ file, field: "labels", expected: "at least one voxel with a label > 0 (an ROI)" });
  return new Map([...byLabel].sort((a, b) => a[0] - b[0]));
}

export function cineTimeIntensity(cine: CineGrid, labels: ArrayLike<number>, o: CineTicOptions): CineTic {
  const [nx, ny, nz] = cine.dims;
  const nvox = nx * ny * nz;
  const nF = cine.nFrames;
  if (cine.data.length !== nvox * nF)
    throw new InputError({
      file: o.file,
      field: "data",
      value: cine.data.length,
      expected: `${nvox}×${nF} values`,
    });
  if (labels.length !== nvox)
    throw new InputError({
      file: o.labelFile,
      field: "dims",
      value: labels.length,
      expected: `a label map on the cine's grid (${nx}×${ny}×${nz} = ${nvox} voxels)`,
    });
  const timesS = checkTimes(o.timesS, nF, o.file);
  const nb = o.baselineFrames ?? 0;
  if (!(Number.isInteger(nb) && nb >= 0 && nb < nF))
    throw new InputError({
      field: "--baseline-frames",
      value: nb,
      expected: `an integer from 0 to ${nF - 1} (frames before the contrast arrives)`,
    });
  const lin = o.logCompression ? lineariser(o.logCompression, o.file ?? "cine") : null;
  const rois: RoiTic[] = [];
  for (const [label, voxels] of labelVoxels(labels, o.labelFile)) {
    const n = voxels.length;
    const mean = new Float64Array(nF);
    let clipped = 0;
    for (let f = 0; f < nF; f++) {
      let s = 0;
      const off = f * nvox;
      for (const v of voxels) {
        const d = cine.data[off + v];
        if (!Number.isFinite(d))
          throw new InputError({
            file: o.file,
            field: `frame ${f}, voxel ${v}`,
            value: d,
            expected: "finite pixel values",
          });
        if (lin) {
          s += lin(d);
          if (isClipped(d, o.logCompression as LogCompression)) clipped++;
        } else s += d;
      }
      mean[f] = s / n;
    }
    let rejected: RejectedFrame[] = [];
    let correlation: Float64Array | undefined;
    if (o.rejection) {
      const region = boundingRegion(voxels, cine.dims, o.rejection.marginVoxels ?? 2);
      const vals = new Float64Array(nF * region.length);
      for (let f = 0; f < nF; f++)
        for (let k = 0; k < region.length; k++) vals[f * region.length + k] = cine.data[f * nvox + region[k]];
      correlation = frameCorrelations(vals, nF, region.length, o.rejection);
      rejected = rejectFrames(correlation, mean, o.rejection);
    }
    const intensity = Float64Array.from(mean);
    for (const r of rejected) intensity[r.frame] = Number.NaN;
    let baseline = 0;
    if (nb > 0) {
      const kept = [...intensity.subarray(0, nb)].filter(Number.isFinite);
      if (kept.length === 0)
        throw new InputError({
          field: "--baseline-frames",
          value: nb,
          expected: `at least one kept frame among the first ${nb} (label ${label}: all were rejected)`,
        });
      baseline = kept.reduce((a, b) => a + b, 0) / kept.length;
      for (let f = 0; f < nF; f++) intensity[f] -= baseline;
    }
    rois.push({
      label,
      voxels: n,
      intensity,
      ...(correlation ? { correlation } : {}),
      rejected,
      baseline,
      clippedFraction: lin ? clipped / (n * nF) : 0,
    });
  }
  return { timesS, rois };
}

/** voxel indices of the bounding box of `voxels` grown by `margin`, clipped to the grid */
function boundingRegion(voxels: number[], dims: [number, number, number], margin: number): number[] {
  if (!(Number.isInteger(margin) && margin >= 0))
    throw new InputError({ field: "--margin-voxels", value: margin, expected: "an integer ≥ 0" });
  const [nx, ny, nz] = dims;
  const lo = [nx, ny, nz];
  const hi = [-1, -1, -1];
  for (const v of voxels) {
    const c = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let a = 0; a < 3; a++) {
      lo[a] = Math.min(lo[a], c[a]);
      hi[a] = Math.max(hi[a], c[a]);
    }
  }
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, lo[a] - margin);
    hi[a] = Math.min(dims[a] - 1, hi[a] + margin);
  }
  const out: number[] = [];
  for (let k = lo[2]; k <= hi[2]; k++)
    for (let j = lo[1]; j <= hi[1]; j++) for (let i = lo[0]; i <= hi[0]; i++) out.push(i + nx * (j + ny * k));
  return out;
}
