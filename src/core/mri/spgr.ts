/**
 * Spoiled gradient echo (SPGR) signal and its uses (SCIENCE.md §4):
 *   S(α) = M0·sin α·(1 − E1)/(1 − cos α·E1),  E1 = exp(−TR·R1).
 *  - VFA T1 mapping: linear (S/sin α = E1·S/tan α + M0(1 − E1); Gupta 1977, Fram et al. 1987)
 *    and nonlinear least squares on S(α) (Levenberg–Marquardt, R1 and M0);
 *  - signal → R1 → concentration with the OSIPI code-collection convention (baseline = mean of
 *    pre-contrast samples 2..n, M0 from the baseline and T1,0; R1(t) = −ln E/TR with
 *    E = (1 − x)/(1 − x cos α), x = S/(M0 sin α); C = (R1 − R1,0)/r1), or the linear
 *    approximation C = (S/S0 − 1)·R1,0/r1 as an option.
 */
import { InputError } from "../errors.js";
import { createLmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { CurveModel, FitStatus } from "../fit/types.js";

const DEG = Math.PI / 180;

export function spgrSignal(m0: number, r1PerS: number, trS: number, faDeg: number): number {
  const e = Math.exp(-trS * r1PerS);
  const a = faDeg * DEG;
  return (m0 * Math.sin(a) * (1 - e)) / (1 - Math.cos(a) * e);
}

export interface T1Fit {
  t1S: number;
  r1PerS: number;
  m0: number;
  converged: boolean;
  /** "not-estimable": fewer than 2 distinct flip angles — T1 is not identifiable (NaN values) */
  status: FitStatus | "not-estimable";
}

/** number of distinct flip angles (relative tolerance 1e-9) */
export function distinctAngles(faDeg: ArrayLike<number>): number {
  const seen: number[] = [];
  for (let i = 0; i < faDeg.length; i++)
    if (!seen.some((a) => Math.abs(a - faDeg[i]) <= 1e-9 * Math.max(Math.abs(a), 1))) seen.push(faDeg[i]);
  return seen.length;
}

const NOT_ESTIMABLE: T1Fit = {
  t1S: Number.NaN,
  r1PerS: Number.NaN,
  m0: Number.NaN,
  converged: false,
  status: "not-estimable",
};

/** Linearised VFA: regression of S/sin α on S/tan α gives slope E1 and intercept M0(1 − E1). */
export function vfaLinear(signal: ArrayLike<number>, faDeg: ArrayLike<number>, trS: number): T1Fit {
  const n = signal.length;
  if (n !== faDeg.length || n < 2)
    throw new InputError({
      field: "flip angles",
      value: faDeg.length,
      expected: `one flip angle per signal value (${n}), at least 2`,
    });
  if (distinctAngles(faDeg) < 2) return { ...NOT_ESTIMABLE };
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const a = faDeg[i] * DEG;
    const x = signal[i] / Math.tan(a);
    const y = signal[i] / Math.sin(a);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const e1 = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  const m0 = (sy - e1 * sx) / n / (1 - e1);
  const r1 = -Math.log(e1) / trS;
  const ok = e1 > 0 && e1 < 1 && Number.isFinite(r1) && Number.isFinite(m0);
  return {
    t1S: ok ? 1 / r1 : Number.NaN,
    r1PerS: ok ? r1 : Number.NaN,
    m0: ok ? m0 : Number.NaN,
    converged: ok,
    status: ok ? "converged" : "failed",
  };
}

/**
 * Nonlinear VFA fit of (M0, R1), started from the linear estimate. With a B1 map value the
 * actual flip angles are B1·α (B1 = 1: no correction).
 */
export function vfaNonlinear(
  signal: ArrayLike<number>,
  faDegNominal: ArrayLike<number>,
  trS: number,
  b1 = 1,
): T1Fit {
  const n = signal.length;
  const faDeg = Array.from(faDegNominal, (a) => a * b1);
  const lin = vfaLinear(signal, faDeg, trS);
  if (lin.status === "not-estimable") return lin;
  // scale the signal to O(1) so the solver's tolerances are scale-free
  let smax = 0;
  for (let i = 0; i < n; i++) smax = Math.max(smax, Math.abs(signal[i]));
  if (!(smax > 0))
    return { t1S: Number.NaN, r1PerS: Number.NaN, m0: Number.NaN, converged: false, status: "invalid-input" };
  const y = Float64Array.from(signal, (v) => v / smax);
  const sinA = Float64Array.from(faDeg, (d) => Math.sin(d * DEG));
  const cosA = Float64Array.from(faDeg, (d) => Math.cos(d * DEG));
  const model: CurveModel = {
    nParams: 2,
    nPoints: n,
    evaluate(p, out) {
      const e = Math.exp(-trS * p[1]);
      for (let i = 0; i < n; i++) out[i] = (p[0] * sinA[i] * (1 - e)) / (1 - cosA[i] * e);
    },
    jacobian(p, _f, jac) {
      const e = Math.exp(-trS * p[1]);
      const de = -trS * e;
      for (let i = 0; i < n; i++) {
        const den = 1 - cosA[i] * e;
        jac[2 * i] = (sinA[i] * (1 - e)) / den;
        // d/dR1 of M0 sin(1−E)/(1−cos E) = M0 sin·dE·(−den + (1−E)cos)/den²
        jac[2 * i + 1] = (p[0] * sinA[i] * de * (-den + (1 - e) * cosA[i])) / (den * den);
      }
    },
  };
  const r1Start = lin.converged ? lin.r1PerS : 1;
  const m0Start = lin.converged ? lin.m0 / smax : 5;
  const r = levenbergMarquardt(
    model,
    y,
    Float64Array.of(m0Start, r1Start),
    { lower: Float64Array.of(0, 1e-6), upper: Float64Array.of(Number.POSITIVE_INFINITY, 1e3) },
    createLmWorkspace(2, n),
  );
  return {
    t1S: 1 / r.params[1],
    r1PerS: r.params[1],
    m0: r.params[0] * smax,
    converged: r.converged,
    status: r.status,
  };
}

export interface SignalToConcentrationOptions {
  faDeg: number;
  trS: number;
  t10S: number;
  /** relaxivity (1/s/mM) */
  r1: number;
  /** number of pre-contrast samples; the baseline is their mean excluding the first (OSIPI) */
  baselineSamples: number;
  method?: "spgr" | "linear";
}

export function signalToConcentration(
  signal: ArrayLike<number>,
  o: SignalToConcentrationOptions,
  out: Float64Array = new Float64Array(signal.length),
): Float64Array {
  const n = o.baselineSamples;
  if (!(n >= 2 && n <= signal.length))
    throw new InputError({ field: "baseline samples", value: n, expected: `2 to ${signal.length}` });
  let sb = 0;
  for (let i = 1; i < n; i++) sb += signal[i];
  sb /= n - 1;
  const r10 = 1 / o.t10S;
  if (o.method === "linear") {
    for (let i = 0; i < signal.length; i++) out[i] = ((signal[i] / sb - 1) * r10) / o.r1;
    return out;
  }
  const a = o.faDeg * DEG;
  const e0 = Math.exp(-o.trS * r10);
  const m0 = (sb * (1 - Math.cos(a) * e0)) / (Math.sin(a) * (1 - e0));
  for (let i = 0; i < signal.length; i++) {
    const x = signal[i] / (m0 * Math.sin(a));
    const e = (1 - x) / (1 - x * Math.cos(a));
    const r1t = -Math.log(e) / o.trS;
    out[i] = (r1t - r10) / o.r1;
  }
  return out;
}
