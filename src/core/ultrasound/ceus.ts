/**
 * Fitting CEUS time–intensity curves (models and closed forms in ceusModels.ts) by the project's
 * bounded Levenberg–Marquardt from several data-driven starts (onset from the last pre-peak
 * sample below 5 % of the peak; shape starts matched to the observed time to peak and peak
 * height), keeping the best converged optimum. Derived quantities of bolus models: AUC, peak,
 * TTP_s (on the input's time axis), MTT_s (first moment from the fitted onset t0_s), wash-in rate
 * (max dI/dt before the peak) and wash-out rate (max −dI/dt after it), both in intensity/s, from
 * the analytic slope on a 2000-point grid refined by golden-section search. Replenishment:
 * A, beta_per_s, flow_index = A·β.
 */
import { InputError } from "../errors.js";
import { createLmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { FitResult, FitStatus, LmOptions } from "../fit/types.js";
import {
  BolusCurve,
  type BolusModelName,
  bolusDerived,
  bolusSlope,
  CEUS_MODELS,
  type CeusModelName,
  ReplenishmentCurve,
} from "./ceusModels.js";

export interface CeusFitOptions {
  /** fit a constant baseline (default false) */
  offset?: boolean;
  maxIterations?: number;
}

export interface BolusFit {
  model: BolusModelName;
  AUC: number;
  peak: number;
  TTP_s: number;
  MTT_s: number;
  t0_s: number;
  wash_in_rate: number;
  wash_out_rate: number;
  /** model parameters: lognormal {mu, sigma}, gamma {alpha, beta_s}, ldrw {mu_s, lambda} */
  params: Record<string, number>;
  offset?: number;
  rss: number;
  converged: boolean;
  status: FitStatus;
  message?: string;
}

export interface ReplenishmentFit {
  model: "replenishment";
  A: number;
  beta_per_s: number;
  flow_index: number;
  offset?: number;
  rss: number;
  converged: boolean;
  status: FitStatus;
  message?: string;
}

function check(t: ArrayLike<number>, y: ArrayLike<number>, need: number): void {
  if (t.length !== y.length)
    throw new InputError({
      field: "intensity",
      value: y.length,
      expected: `${t.length} samples (one per time)`,
    });
  if (t.length < need)
    throw new InputError({ field: "time_s", value: t.length, expected: `at least ${need} samples` });
  for (let i = 1; i < t.length; i++)
    if (!(t[i] > t[i - 1]))
      throw new InputError({ field: `time_s[${i}]`, value: t[i], expected: "strictly increasing times" });
}

function better(f: FitResult, best: FitResult | undefined): boolean {
  if (!best) return true;
  if (f.converged !== best.converged) return f.converged;
  return f.rss < best.rss;
}

export function fitBolus(
  model: BolusModelName,
  timeS: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: CeusFitOptions = {},
): BolusFit {
  if (!(CEUS_MODELS as readonly string[]).includes(model) || model === ("replenishment" as string))
    throw new InputError({ field: "model", value: model, expected: "lognormal | gamma | ldrw" });
  const offset = opts.offset === true;
  check(timeS, intensity, offset ? 6 : 5);
  const t = Float64Array.from(timeS);
  const y = Float64Array.from(intensity);
  const n = t.length;
  const bad = (status: FitStatus, message: string, rss = Number.NaN): BolusFit => ({
    model,
    AUC: Number.NaN,
    peak: Number.NaN,
    TTP_s: Number.NaN,
    MTT_s: Number.NaN,
    t0_s: Number.NaN,
    wash_in_rate: Number.NaN,
    wash_out_rate: Number.NaN,
    params: {},
    rss,
    converged: false,
    status,
    message,
  });
  if (!y.every(Number.isFinite)) return bad("invalid-input", "non-finite intensity");
  let base = 0;
  if (offset) {
    const k = Math.max(1, Math.floor(n / 10));
    base = y.slice(0, k).reduce((a, b) => a + b, 0) / k;
  }
  let ip = 0;
  for (let i = 1; i < n; i++) if (y[i] > y[ip]) ip = i;
  const ymax = y[ip] - base;
  if (!(ymax > 0)) return bad("invalid-input", "no enhancement above baseline");
  if (ip === 0) return bad("invalid-input", "the curve peaks at its first sample: no wash-in to fit");
  let iOn = 0;
  for (let i = ip; i >= 0; i--)
    if (y[i] - base < 0.05 * ymax) {
      iOn = i;
      break;
    }
  const tPeak = t[ip];
  const span = t[n - 1] - t[0];
  const t0Guesses = [t[iOn], t[iOn] - 0.3 * (tPeak - t[iOn]) - 1e-3 * span];
  const curve = new BolusCurve(model, t, offset);
  const np = curve.nParams;
  const ws = createLmWorkspace(np, n);
  const lower = new Float64Array(np);
  const upper = new Float64Array(np).fill(Number.POSITIVE_INFINITY);
  // t0 below the observed peak; shape parameters in physically meaningful ranges
  lower[3] = t[0] - span;
  upper[3] = tPeak - 1e-6 * span;
  if (model === "lognormal") {
    lower[1] = -50;
    upper[1] = 50;
    lower[2] = 0.01;
    upper[2] = 5;
  } else if (model === "gamma") {
    lower[1] = 0.05;
    upper[1] = 200;
    lower[2] = 1e-6 * span;
    upper[2] = 10 * span;
  } else {
    lower[1] = 1e-6 * span;
    upper[1] = 100 * span;
    lower[2] = 0.01;
    upper[2] = 1e4;
  }
  if (offset) {
    lower[4] = Number.NEGATIVE_INFINITY;
    upper[4] = Number.POSITIVE_INFINITY;
  }
  const lmOpts: LmOptions = { lower, upper, maxIterations: opts.maxIterations ?? 500 };
  const shapes = model === "lognormal" ? [0.3, 0.6, 1.0] : model === "gamma" ? [1.5, 3, 6] : [1, 3, 10];
  const p0 = new Float64Array(np);
  let best: FitResult | undefined;
  for (const t0 of t0Guesses) {
    const m = tPeak - t0; // time from onset to peak
    if (!(m > 0)) continue;
    for (const sh of shapes) {
      if (model === "lognormal") {
        const mu = Math.log(m) + sh * sh;
        p0[0] = ymax * Math.sqrt(2 * Math.PI) * sh * Math.exp(mu - 0.5 * sh * sh);
        p0[1] = mu;
        p0[2] = sh;
      } else if (model === "gamma") {
        p0[0] = ymax;
        p0[1] = sh;
        p0[2] = m;
      } else {
        const mu = (2 * sh * m) / (Math.sqrt(1 + 4 * sh * sh) - 1);
        const unit = Math.exp(
          sh + 0.5 * Math.log(sh / (2 * Math.PI * mu * m)) - 0.5 * sh * (mu / m + m / mu),
        );
        p0[0] = ymax / unit;
        p0[1] = mu;
        p0[2] = sh;
      }
      p0[3] = t0;
      if (offset) p0[4] = base;
      const f = levenbergMarquardt(curve, y, p0, lmOpts, ws);
      if (better(f, best)) best = f;
    }
  }
  if (!best?.converged)
    return bad(best?.status ?? "failed", best?.message ?? "no start converged", best?.rss);
  const p = best.params;
  const d = bolusDerived(model, p);
  const rates = washRates(model, p, d.TTP_s, t[n - 1]);
  const params: Record<string, number> =
    model === "lognormal"
      ? { mu: p[1], sigma: p[2] }
      : model === "gamma"
        ? { alpha: p[1], beta_s: p[2] / p[1] }
        : { mu_s: p[1], lambda: p[2] };
  return {
    model,
    ...d,
    ...rates,
    params,
    ...(offset ? { offset: p[4] } : {}),
    rss: best.rss,
    converged: true,
    status: "converged",
  };
}

/** max dI/dt on (t0, TTP) and max −dI/dt on (TTP, tEnd] from the analytic slope */
export function washRates(
  model: BolusModelName,
  p: ArrayLike<number>,
  ttp: number,
  tEnd: number,
): { wash_in_rate: number; wash_out_rate: number } {
  const scratch = new Float64Array(4);
  const slope = (t: number) => bolusSlope(model, p, t, scratch);
  const t0 = p[3];
  const maxOn = (a: number, b: number, sign: number): number => {
    if (!(b > a)) return Number.NaN;
    const N = 2000;
    let bi = 0;
    let bv = Number.NEGATIVE_INFINITY;
    for (let k = 1; k < N; k++) {
      const v = sign * slope(a + ((b - a) * k) / N);
      if (v > bv) {
        bv = v;
        bi = k;
      }
    }
    // golden-section refinement in the bracketing cells
    let lo = a + ((b - a) * (bi - 1)) / N;
    let hi = a + ((b - a) * (bi + 1)) / N;
    const gr = (Math.sqrt(5) - 1) / 2;
    for (let it = 0; it < 60; it++) {
      const c = hi - gr * (hi - lo);
      const e = lo + gr * (hi - lo);
      if (sign * slope(c) > sign * slope(e)) hi = e;
      else lo = c;
    }
    return Math.max(bv, sign * slope(0.5 * (lo + hi)));
  };
  return {
    wash_in_rate: maxOn(t0, ttp, 1),
    wash_out_rate: maxOn(ttp, Math.max(tEnd, ttp + 10 * (ttp - t0)), -1),
  };
}

/** Destruction–replenishment A·(1 − e^{−βt}) with t from the destruction pulse. */
export function fitReplenishment(
  timeS: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: CeusFitOptions = {},
): ReplenishmentFit {
  const offset = opts.offset === true;
  check(timeS, intensity, offset ? 4 : 3);
  const t = Float64Array.from(timeS);
  const y = Float64Array.from(intensity);
  const n = t.length;
  const bad = (status: FitStatus, message: string): ReplenishmentFit => ({
    model: "replenishment",
    A: Number.NaN,
    beta_per_s: Number.NaN,
    flow_index: Number.NaN,
    rss: Number.NaN,
    converged: false,
    status,
    message,
  });
  if (!y.every(Number.isFinite)) return bad("invalid-input", "non-finite intensity");
  if (t[0] < 0) return bad("invalid-input", "times must start at the destruction pulse (t ≥ 0)");
  const curve = new ReplenishmentCurve(t, offset);
  const np = curve.nParams;
  const ws = createLmWorkspace(np, n);
  const lower = new Float64Array(np);
  const upper = new Float64Array(np).fill(Number.POSITIVE_INFINITY);
  if (offset) lower[2] = Number.NEGATIVE_INFINITY;
  const lmOpts: LmOptions = { lower, upper, maxIterations: opts.maxIterations ?? 500 };
  const yEnd = Math.max(...y.slice(Math.floor(0.8 * n)));
  if (!(yEnd > 0)) return bad("invalid-input", "no replenishment signal");
  // β start: time at which the curve reaches 63 % of its plateau
  let i63 = n - 1;
  for (let i = 0; i < n; i++)
    if (y[i] >= 0.632 * yEnd) {
      i63 = i;
      break;
    }
  const span = t[n - 1] - t[0];
  let best: FitResult | undefined;
  for (const scale of [1, 0.3, 3]) {
    const p0 = Float64Array.of(
      yEnd,
      scale / Math.max(t[i63], 1e-3 * span),
      ...(offset ? [Math.min(...y)] : []),
    );
    const f = levenbergMarquardt(curve, y, p0, lmOpts, ws);
    if (better(f, best)) best = f;
  }
  if (!best?.converged)
    return {
      ...bad(best?.status ?? "failed", best?.message ?? "not converged"),
      rss: best?.rss ?? Number.NaN,
    };
  const [A, beta] = best.params;
  return {
    model: "replenishment",
    A,
    beta_per_s: beta,
    flow_index: A * beta,
    ...(offset ? { offset: best.params[2] } : {}),
    rss: best.rss,
    converged: true,
    status: "converged",
  };
}

export function fitCeus(
  model: CeusModelName,
  timeS: ArrayLike<number>,
  intensity: ArrayLike<number>,
  opts: CeusFitOptions = {},
): BolusFit | ReplenishmentFit {
  if (model === "replenishment") return fitReplenishment(timeS, intensity, opts);
  return fitBolus(model, timeS, intensity, opts);
}
