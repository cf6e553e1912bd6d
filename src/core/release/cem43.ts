/**
 * Thermal dose as cumulative equivalent minutes at 43 °C (Sapareto & Dewey 1984, "Thermal dose
 * determination in cancer therapy", Int J Radiat Oncol Biol Phys 10:787–800):
 *   CEM43 = ∫ R^(43 − T(t)) dt  (minutes),  R = 0.5 for T ≥ 43 °C, R = 0.25 for T < 43 °C.
 * The temperature is taken as piecewise linear between samples (SCIENCE.md §12) and every segment
 * is integrated EXACTLY: on a segment of duration Δt from T0 to T1 (same side of 43 °C)
 *   ∫ R^(43−T) dt = Δt·R^(43−T0)·expm1(x)/x,  x = −(T1 − T0)·ln R
 * (= Δt·(R^(43−T0) − R^(43−T1))/((T1 − T0)·ln R); the expm1 form stays exact as T1 → T0).
 * A segment crossing 43 °C is split at the crossing time. Also here: the exact time spent in a
 * temperature band (40–43 °C by default) and the maximum temperature — the per-curve summary of
 * hyperthermia quality. Hand-written: a few lines of closed-form calculus.
 */
import { InputError } from "../errors.js";

const LN_HIGH = Math.log(0.5);
const LN_LOW = Math.log(0.25);

/** R^(43 − T) integrated over a linear segment that stays on one side of 43 °C (minutes). */
function segmentDose(dtMin: number, t0C: number, t1C: number, lnR: number): number {
  const x = -(t1C - t0C) * lnR;
  const base = Math.exp(lnR * (43 - t0C));
  const factor = Math.abs(x) < 1e-12 ? 1 + x / 2 : Math.expm1(x) / x;
  return dtMin * base * factor;
}

/** Exact CEM43 (min) of one linear segment of duration dtS seconds from t0C to t1C. */
export function cem43Segment(dtS: number, t0C: number, t1C: number): number {
  const dtMin = dtS / 60;
  if (!(dtMin > 0)) return 0;
  const above0 = t0C >= 43;
  const above1 = t1C >= 43;
  if (above0 === above1) return segmentDose(dtMin, t0C, t1C, above0 ? LN_HIGH : LN_LOW);
  // split at the crossing T = 43 °C
  const s = (43 - t0C) / (t1C - t0C);
  const d0 = segmentDose(dtMin * s, t0C, 43, above0 ? LN_HIGH : LN_LOW);
  const d1 = segmentDose(dtMin * (1 - s), 43, t1C, above1 ? LN_HIGH : LN_LOW);
  return d0 + d1;
}

function checkSeries(timeS: ArrayLike<number>, tempC: ArrayLike<number>): void {
  if (timeS.length !== tempC.length)
    throw new InputError({
      field: "temperature",
      value: tempC.length,
      expected: `${timeS.length} samples (one per time)`,
    });
  if (timeS.length < 2)
    throw new InputError({ field: "time_s", value: timeS.length, expected: "at least 2 samples" });
  for (let i = 1; i < timeS.length; i++)
    if (!(timeS[i] > timeS[i - 1]))
      throw new InputError({ field: `time_s[${i}]`, value: timeS[i], expected: "strictly increasing times" });
}

/** Cumulative CEM43 (min) at every sample (0 at the first). Non-finite temperatures give NaN onwards. */
export function cumulativeCem43(timeS: ArrayLike<number>, tempC: ArrayLike<number>): Float64Array {
  checkSeries(timeS, tempC);
  const out = new Float64Array(timeS.length);
  for (let i = 1; i < timeS.length; i++)
    out[i] = out[i - 1] + cem43Segment(timeS[i] - timeS[i - 1], tempC[i - 1], tempC[i]);
  return out;
}

/** Total CEM43 (min) of a sampled temperature curve; no allocation, no checks (voxel loops). */
export function cem43Unchecked(timeS: ArrayLike<number>, tempC: ArrayLike<number>, offsetC = 0): number {
  let s = 0;
  for (let i = 1; i < timeS.length; i++)
    s += cem43Segment(timeS[i] - timeS[i - 1], tempC[i - 1] + offsetC, tempC[i] + offsetC);
  return s;
}

export function cem43(timeS: ArrayLike<number>, tempC: ArrayLike<number>): number {
  checkSeries(timeS, tempC);
  return cem43Unchecked(timeS, tempC);
}

/** Exact time (s) a linear segment spends with lowC ≤ T ≤ highC. */
export function segmentTimeInBand(
  dtS: number,
  t0C: number,
  t1C: number,
  lowC: number,
  highC: number,
): number {
  if (!(dtS > 0)) return 0;
  if (t0C === t1C) return t0C >= lowC && t0C <= highC ? dtS : 0;
  // T(s) = t0 + (t1 − t0)s, s ∈ [0, 1]: the band is an interval of s
  const sa = (lowC - t0C) / (t1C - t0C);
  const sb = (highC - t0C) / (t1C - t0C);
  const lo = Math.max(0, Math.min(sa, sb));
  const hi = Math.min(1, Math.max(sa, sb));
  return hi > lo ? (hi - lo) * dtS : 0;
}

export interface ThermalSummary {
  CEM43_min: number;
  Tmax_C: number;
  /** time spent in [bandLowC, bandHighC] (default 40–43 °C), seconds */
  time_40_43C_s: number;
}

/** CEM43, maximum and time in the 40–43 °C band (or another band) of one temperature curve. */
export function thermalSummary(
  timeS: ArrayLike<number>,
  tempC: ArrayLike<number>,
  band: { lowC?: number; highC?: number } = {},
): ThermalSummary {
  checkSeries(timeS, tempC);
  const lowC = band.lowC ?? 40;
  const highC = band.highC ?? 43;
  let dose = 0;
  let inBand = 0;
  let tmax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < timeS.length; i++) {
    if (!Number.isFinite(tempC[i]))
      return { CEM43_min: Number.NaN, Tmax_C: Number.NaN, time_40_43C_s: Number.NaN };
    tmax = Math.max(tmax, tempC[i]);
    if (i === 0) continue;
    const dt = timeS[i] - timeS[i - 1];
    dose += cem43Segment(dt, tempC[i - 1], tempC[i]);
    inBand += segmentTimeInBand(dt, tempC[i - 1], tempC[i], lowC, highC);
  }
  return { CEM43_min: dose, Tmax_C: tmax, time_40_43C_s: inBand };
}
