/**
 * Release predicted under a measured temperature history, and its comparison with the release
 * measured by MR (releasedFraction.ts):
 *   df/dt = k(T(t))·(f∞ − f),  f(t0) = f0,
 * T(t) piecewise linear between the history samples (held at the end values outside), k(T) from
 * releaseRate.ts (Arrhenius or tabulated). Integrated by the numerical core's Dormand–Prince
 * RK45 (ode/solve.ts) with the history's sample times as stop points (events) so no step
 * straddles a kink of T(t); reported at the history times (or `tEval`). Comparison: RMSE, bias
 * (mean predicted − measured) and maximum absolute error at the measured times (prediction
 * interpolated linearly between its report times when they differ).
 */
import { InputError } from "../errors.js";
import { solveOde } from "../ode/solve.js";
import { checkTabulatedRate, type ReleaseRate, releaseK } from "./releaseRate.js";

export interface PredictOptions {
  fInf?: number;
  f0?: number;
  /** report times (default: the history times) */
  tEval?: number[];
  rtol?: number;
  atol?: number;
}

export interface ReleasePrediction {
  timeS: number[];
  fraction: number[];
  steps: number;
}

export function interpolateLinear(t: ArrayLike<number>, y: ArrayLike<number>, at: number): number {
  const n = t.length;
  if (at <= t[0]) return y[0];
  if (at >= t[n - 1]) return y[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (t[mid] <= at) lo = mid;
    else hi = mid;
  }
  return y[lo] + ((y[hi] - y[lo]) * (at - t[lo])) / (t[hi] - t[lo]);
}

export function predictRelease(
  rate: ReleaseRate,
  historyTimeS: ArrayLike<number>,
  historyTempC: ArrayLike<number>,
  opts: PredictOptions = {},
): ReleasePrediction {
  const n = historyTimeS.length;
  if (n < 2 || historyTempC.length !== n)
    throw new InputError({
      field: "temperature history",
      value: historyTempC.length,
      expected: `${n} (≥ 2) temperatures, one per time`,
    });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(historyTempC[i]))
      throw new InputError({
        field: `temperature[${i}]`,
        value: historyTempC[i],
        expected: "a finite temperature (°C)",
      });
    if (i > 0 && !(historyTimeS[i] > historyTimeS[i - 1]))
      throw new InputError({
        field: `time_s[${i}]`,
        value: historyTimeS[i],
        expected: "strictly increasing times",
      });
  }
  if (rate.kind === "tabulated") checkTabulatedRate(rate);
  const fInf = opts.fInf ?? 1;
  const f0 = opts.f0 ?? 0;
  const t0 = historyTimeS[0];
  const tEnd = historyTimeS[n - 1];
  const tEval = opts.tEval ?? Array.from(historyTimeS);
  const events = [];
  for (let i = 1; i < n - 1; i++) events.push({ time: historyTimeS[i], apply: () => {} });
  const sol = solveOde(
    (t, y, d) => {
      d[0] = releaseK(rate, interpolateLinear(historyTimeS, historyTempC, t)) * (fInf - y[0]);
    },
    t0,
    [f0],
    tEnd,
    { method: "rk45", rtol: opts.rtol ?? 1e-8, atol: opts.atol ?? 1e-10, tEval, events, maxSteps: 1_000_000 },
  );
  return { timeS: sol.t, fraction: sol.y.map((y) => y[0]), steps: sol.steps };
}

export interface ReleaseAgreement {
  n: number;
  rmse: number;
  bias: number;
  maxAbsError: number;
}

/** prediction vs measured release at the measured times (NaN measurements skipped) */
export function compareWithMeasured(
  pred: ReleasePrediction,
  measuredTimeS: ArrayLike<number>,
  measuredFraction: ArrayLike<number>,
): ReleaseAgreement {
  let n = 0;
  let ss = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < measuredTimeS.length; i++) {
    if (!Number.isFinite(measuredFraction[i])) continue;
    const e = interpolateLinear(pred.timeS, pred.fraction, measuredTimeS[i]) - measuredFraction[i];
    n++;
    ss += e * e;
    sum += e;
    max = Math.max(max, Math.abs(e));
  }
  if (n === 0) return { n, rmse: Number.NaN, bias: Number.NaN, maxAbsError: Number.NaN };
  return { n, rmse: Math.sqrt(ss / n), bias: sum / n, maxAbsError: max };
}
