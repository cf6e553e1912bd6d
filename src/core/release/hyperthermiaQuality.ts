/**
 * Hyperthermia quality over a target ROI (ESHO quality-assurance conventions; Dewhirst et al.
 * 2003, "Basic principles of thermal dosimetry and thermal thresholds for tissue damage from
 * hyperthermia", Int J Hyperthermia 19:267–294):
 *   T_X = the temperature reached or exceeded in X % of the ROI voxels, i.e. the (100 − X)th
 *   percentile of the voxel temperatures (linear interpolation between order statistics,
 *   Hyndman & Fan 1996 type 7 = numpy's default). So T90 ≤ T50 ≤ T10.
 * Per frame of a series, and of the per-voxel time-averaged temperature over a window; also the
 * ROI's mean time in 40–43 °C and the fraction of voxels whose CEM43 reaches a threshold.
 */
import { InputError } from "../errors.js";
import { cem43Segment, segmentTimeInBand } from "./cem43.js";

/** type-7 quantile of finite values (p in [0, 1]); NaN when none */
export function quantileType7(values: ArrayLike<number>, p: number): number {
  const v = Array.from(values)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (v.length === 0) return Number.NaN;
  const h = (v.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(v.length - 1, lo + 1);
  return v[lo] + (h - lo) * (v[hi] - v[lo]);
}

export interface TemperatureIndices {
  T10_C: number;
  T50_C: number;
  T90_C: number;
  n: number;
}

export function temperatureIndices(tempC: ArrayLike<number>): TemperatureIndices {
  let n = 0;
  for (let i = 0; i < tempC.length; i++) if (Number.isFinite(tempC[i])) n++;
  return {
    T10_C: quantileType7(tempC, 0.9),
    T50_C: quantileType7(tempC, 0.5),
    T90_C: quantileType7(tempC, 0.1),
    n,
  };
}

export interface RoiHyperthermiaQuality {
  /** indices at every frame */
  perFrame: (TemperatureIndices & { time_s: number })[];
  /** indices of the per-voxel mean temperature over [fromS, toS] (piecewise-linear average) */
  timeAveraged: TemperatureIndices;
  /** mean over the ROI voxels of the time in 40–43 °C (s) */
  meanTime_40_43C_s: number;
  /** fraction of ROI voxels with CEM43 ≥ cem43ThresholdMin */
  fractionAboveDose: number;
  cem43ThresholdMin: number;
}

/**
 * @param tempC ROI voxels' temperature series, [voxel][frame] row-major (°C)
 */
export function roiHyperthermiaQuality(
  tempC: ArrayLike<number>,
  timeS: ArrayLike<number>,
  opts: { fromS?: number; toS?: number; cem43ThresholdMin?: number } = {},
): RoiHyperthermiaQuality {
  const nf = timeS.length;
  if (nf < 2 || tempC.length % nf !== 0 || tempC.length === 0)
    throw new InputError({
      field: "temperatures",
      value: tempC.length,
      expected: `a multiple of ${nf} frames (≥ 2)`,
    });
  const nv = tempC.length / nf;
  const from = opts.fromS ?? timeS[0];
  const to = opts.toS ?? timeS[nf - 1];
  if (!(to > from)) throw new InputError({ field: "window", value: [from, to], expected: "toS > fromS" });
  const thr = opts.cem43ThresholdMin ?? 240;
  const perFrame = [];
  const frame = new Float64Array(nv);
  for (let t = 0; t < nf; t++) {
    for (let v = 0; v < nv; v++) frame[v] = tempC[v * nf + t];
    perFrame.push({ time_s: timeS[t], ...temperatureIndices(frame) });
  }
  const avg = new Float64Array(nv);
  let band = 0;
  let above = 0;
  for (let v = 0; v < nv; v++) {
    let integral = 0;
    let dose = 0;
    let inBand = 0;
    for (let t = 1; t < nf; t++) {
      const t0 = timeS[t - 1];
      const t1 = timeS[t];
      const y0 = tempC[v * nf + t - 1];
      const y1 = tempC[v * nf + t];
      dose += cem43Segment(t1 - t0, y0, y1);
      inBand += segmentTimeInBand(t1 - t0, y0, y1, 40, 43);
      const a = Math.max(t0, from);
      const b = Math.min(t1, to);
      if (b > a) {
        const ya = y0 + ((y1 - y0) * (a - t0)) / (t1 - t0);
        const yb = y0 + ((y1 - y0) * (b - t0)) / (t1 - t0);
        integral += ((ya + yb) / 2) * (b - a);
      }
    }
    avg[v] = integral / (to - from);
    band += inBand / nv;
    if (dose >= thr) above++;
  }
  return {
    perFrame,
    timeAveraged: temperatureIndices(avg),
    meanTime_40_43C_s: band,
    fractionAboveDose: above / nv,
    cem43ThresholdMin: thr,
  };
}
