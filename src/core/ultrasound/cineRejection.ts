/**
 * Frame rejection for CEUS ROI statistics robust to motion (probe or breathing motion moves the
 * ROI onto other tissue for a few frames; those frames are excluded, never interpolated).
 * Two criteria per ROI, each frame judged against its temporal neighbours (so the bolus itself,
 * which changes the image from frame to frame, is not mistaken for motion):
 *  1. correlation: r_f = max over the frames j with 1 ≤ |j − f| ≤ w of the Pearson correlation
 *     between frames f and j over the ROI's bounding box grown by a margin, on the stored
 *     (display) values — a frame that matches none of its neighbours has moved. With a fixed
 *     reference frame, r_f is the correlation with that frame instead. Rejected when
 *     r_f < minCorrelation.
 *  2. intensity: a spike or dip of the ROI mean (linear intensity) y_f against its 2w nearest
 *     kept neighbours (w on each side, spanning at most 4w + 1 frames): with lo ≤ hi the middle
 *     two of the sorted neighbour values and m = (lo + hi)/2 their median,
 *       excess = lo − y (dip) or y − hi (spike), else 0,
 *     rejected when excess > k·σ with the local robust noise level
 *       σ = max(1.4826·MAD{y_q − m_q : tested frames q within ±10 frames}, 0.01·|m|).
 *     On a monotone stretch (wash-in, wash-out) y_f lies between its w earlier and w later
 *     neighbours, hence between lo and hi: only jumps are flagged, runs of up to w adjacent
 *     motion frames included. The worst frame is removed and the test repeated. The first and
 *     last w kept frames are not tested for intensity.
 * MAD = median absolute deviation from the median; 1.4826·MAD estimates a Gaussian SD
 * (Rousseeuw & Croux, JASA 1993;88:1273). Defaults: minCorrelation 0.5, k = 5, w = 2.
 * Limitation: frames displaced together by the same shift correlate with each other; a run of
 * such frames is caught only by the intensity test or with a fixed reference frame.
 */

import { InputError } from "../errors.js";
import { centredProducts } from "../stats/correlation.js";

export interface FrameRejectionOptions {
  /** absolute floor of the correlation with the reference (default 0.5) */
  minCorrelation?: number;
  /** robust-z limit of both criteria (default 5) */
  outlierK?: number;
  /** temporal neighbours on each side of the moving median reference (default 3) */
  window?: number;
  /** compare every frame with this frame (0-based) instead of the moving median */
  referenceFrame?: number;
}

export type RejectionReason = "correlation" | "intensity";

export interface RejectedFrame {
  frame: number;
  reason: RejectionReason;
  /** correlation with the reference */
  correlation: number;
  /** correlation: minCorrelation − r; intensity: excess/σ (robust SD units) */
  deviation: number;
}

const MAD_SCALE = 1.4826;
/** intensity test: frames on each side whose residuals set the local noise level */
const NOISE_WINDOW = 10;
/** intensity test: noise floor relative to the local level */
const RELATIVE_FLOOR = 0.01;

export function median(values: ArrayLike<number>): number {
  const a = Float64Array.from(values).sort();
  const n = a.length;
  if (n === 0) return Number.NaN;
  return n % 2 ? a[(n - 1) / 2] : 0.5 * (a[n / 2 - 1] + a[n / 2]);
}

export interface CheckedRejectionOptions {
  minCorrelation: number;
  outlierK: number;
  window: number;
  referenceFrame?: number;
}

export function checkRejectionOptions(o: FrameRejectionOptions, nFrames: number): CheckedRejectionOptions {
  const minCorrelation = o.minCorrelation ?? 0.5;
  const outlierK = o.outlierK ?? 5;
  const window = o.window ?? 2;
  if (!(minCorrelation >= -1 && minCorrelation <= 1))
    throw new InputError({
      field: "--min-correlation",
      value: minCorrelation,
      expected: "a correlation in [−1, 1]",
    });
  if (!(outlierK > 0))
    throw new InputError({ field: "--outlier-k", value: outlierK, expected: "a number > 0" });
  if (!(Number.isInteger(window) && window >= 1))
    throw new InputError({ field: "--window", value: window, expected: "an integer ≥ 1 (frames)" });
  const r = o.referenceFrame;
  if (r !== undefined && !(Number.isInteger(r) && r >= 0 && r < nFrames))
    throw new InputError({
      field: "--reference-frame",
      value: r,
      expected: `a frame index from 0 to ${nFrames - 1}`,
    });
  return { minCorrelation, outlierK, window, ...(r !== undefined ? { referenceFrame: r } : {}) };
}

/** Pearson r of two equally long vectors (1 when both are constant, 0 when one is) */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const { sxy, sxx, syy } = centredProducts(x, y);
  if (sxx === 0 && syy === 0) return 1;
  if (sxx === 0 || syy === 0) return 0;
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * r_f of every frame (criterion 1). `region` holds the region's values frame after frame
 * (frame f at f·nRegion).
 */
export function frameCorrelations(
  region: Float64Array,
  nFrames: number,
  nRegion: number,
  o: FrameRejectionOptions = {},
): Float64Array {
  const opt = checkRejectionOptions(o, nFrames);
  const frame = (f: number) => region.subarray(f * nRegion, (f + 1) * nRegion);
  const r = new Float64Array(nFrames);
  if (opt.referenceFrame !== undefined) {
    const ref = frame(opt.referenceFrame);
    for (let f = 0; f < nFrames; f++) r[f] = pearson(frame(f), ref);
    return r;
  }
  // pairwise correlations of frames up to w apart, each computed once
  const w = opt.window;
  const pair = new Float64Array(nFrames * w).fill(Number.NaN); // pair[f·w + d − 1] = r(f, f + d)
  for (let f = 0; f < nFrames; f++)
    for (let d = 1; d <= w && f + d < nFrames; d++) pair[f * w + d - 1] = pearson(frame(f), frame(f + d));
  for (let f = 0; f < nFrames; f++) {
    let best = Number.NEGATIVE_INFINITY;
    for (let d = 1; d <= w; d++) {
      if (f + d < nFrames) best = Math.max(best, pair[f * w + d - 1]);
      if (f - d >= 0) best = Math.max(best, pair[(f - d) * w + d - 1]);
    }
    r[f] = nFrames === 1 ? 1 : best;
  }
  return r;
}

/**
 * Frames to exclude from one ROI's time–intensity curve: `correlation` from frameCorrelations,
 * `roiMean` the ROI mean of linear intensity per frame. Sorted by frame.
 */
export function rejectFrames(
  correlation: Float64Array,
  roiMean: Float64Array,
  o: FrameRejectionOptions = {},
): RejectedFrame[] {
  const n = correlation.length;
  const opt = checkRejectionOptions(o, n);
  const k = opt.outlierK;
  const out: RejectedFrame[] = [];
  const kept = new Uint8Array(n).fill(1);
  for (let f = 0; f < n; f++)
    if (!(correlation[f] >= opt.minCorrelation)) {
      kept[f] = 0;
      out.push({
        frame: f,
        reason: "correlation",
        correlation: correlation[f],
        deviation: opt.minCorrelation - correlation[f],
      });
    }
  const w = opt.window;
  const resid = new Float64Array(n);
  const mid = new Float64Array(n);
  const excess = new Float64Array(n);
  const tested = new Uint8Array(n);
  const nb = new Float64Array(2 * w);
  for (let iter = 0; iter < n; iter++) {
    const idx: number[] = [];
    for (let f = 0; f < n; f++) if (kept[f]) idx.push(f);
    tested.fill(0);
    for (let p = w; p < idx.length - w; p++) {
      const f = idx[p];
      if (idx[p + w] - idx[p - w] > 4 * w) continue;
      for (let d = 1; d <= w; d++) {
        nb[d - 1] = roiMean[idx[p - d]];
        nb[w + d - 1] = roiMean[idx[p + d]];
      }
      nb.sort();
      const lo = nb[w - 1];
      const hi = nb[w];
      const y = roiMean[f];
      mid[f] = 0.5 * (lo + hi);
      resid[f] = y - mid[f];
      excess[f] = y < lo ? lo - y : y > hi ? y - hi : 0;
      tested[f] = 1;
    }
    let worst = -1;
    let worstZ = 0;
    const local: number[] = [];
    for (let f = 0; f < n; f++) {
      if (!tested[f] || !(excess[f] > 0)) continue;
      local.length = 0;
      for (let q = Math.max(0, f - NOISE_WINDOW); q <= Math.min(n - 1, f + NOISE_WINDOW); q++)
        if (tested[q]) local.push(resid[q]);
      const m = median(local);
      const sigma = Math.max(
        MAD_SCALE * median(local.map((v) => Math.abs(v - m))),
        RELATIVE_FLOOR * Math.abs(mid[f]),
        Number.MIN_VALUE,
      );
      const z = excess[f] / sigma;
      if (z > worstZ) {
        worstZ = z;
        worst = f;
      }
    }
    if (worst < 0 || !(worstZ > k)) break;
    kept[worst] = 0;
    out.push({ frame: worst, reason: "intensity", correlation: correlation[worst], deviation: worstZ });
  }
  return out.sort((a, b) => a.frame - b.frame);
}
