/**
 * Residence time (MIRD; Loevinger, Budinger & Watson, MIRD Primer 1991; MIRD Pamphlet 16 §
 * "Integration of time–activity data"): τ = ∫₀^∞ A(t) dt / A₀ (hours), with A(t) the activity
 * in the source region INCLUDING physical decay (not decay-corrected) and A₀ the injected
 * activity; equivalently τ = ∫ f(t) dt with f the fraction of injected activity.
 *
 * Numerical integration of the measured points:
 *  - segments between points: linear trapezoid, or "log-down" (log-trapezoid
 *    (f_i − f_{i+1})·Δt / ln(f_i/f_{i+1}) on decreasing segments, exact for an exponential);
 *  - before the first point: "zero" (f(0) = 0, triangle — uptake organs), "first" (f held at
 *    f(t₁) from 0), or "extrapolate" (the exponential through the first two points back to 0);
 *  - after the last point: "physical" (the activity then only decays physically,
 *    f_last/λ_phys — MIRD's conservative choice), "fit" (f_last/λ, λ the log-linear slope of
 *    the last `tailPoints` points; λ ≤ 0 falls back to physical decay), or "none".
 * Closed form used in the tests: f(t) = a·e^(−λ_eff·t) ⇒ τ = a/λ_eff.
 */
import { InputError } from "../errors.js";
import { getNuclide } from "../nuclide/nuclides.js";

export type Integration = "linear" | "log-down";
export type StartRule = "zero" | "first" | "extrapolate";
export type TailRule = "physical" | "fit" | "none";

export interface ResidenceOptions {
  nuclide: string;
  integration?: Integration;
  start?: StartRule;
  tail?: TailRule;
  /** points used for the tail fit (≥ 2, default 2) */
  tailPoints?: number;
}

export interface ResidenceResult {
  residence_time_h: number;
  /** contributions: before the first point, between points, after the last point */
  start_h: number;
  measured_h: number;
  tail_h: number;
  tail_lambda_per_h: number | null;
  tail_rule: TailRule;
  /** share of τ from the extrapolated tail (a large share means the sampling is too short) */
  tail_fraction: number;
}

function segment(t0: number, f0: number, t1: number, f1: number, method: Integration): number {
  const dt = t1 - t0;
  if (method === "log-down" && f1 < f0 && f1 > 0 && f0 > 0) return ((f0 - f1) * dt) / Math.log(f0 / f1);
  return ((f0 + f1) * dt) / 2;
}

/** log-linear least-squares slope −λ of ln f over the points (all f > 0) */
function logSlope(t: number[], f: number[]): number {
  const n = t.length;
  const y = f.map(Math.log);
  const mt = t.reduce((s, v) => s + v, 0) / n;
  const my = y.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (t[i] - mt) * (y[i] - my);
    sxx += (t[i] - mt) ** 2;
  }
  return -sxy / sxx;
}

/** τ (h) from times (h after injection) and fractions of injected activity (physical decay included) */
export function residenceTimeH(
  timesH: ArrayLike<number>,
  fraction: ArrayLike<number>,
  o: ResidenceOptions,
): ResidenceResult {
  const t = Array.from(timesH);
  const f = Array.from(fraction);
  if (t.length < 1 || t.length !== f.length)
    throw new InputError({
      field: "time–activity points",
      value: t.length,
      expected: "≥ 1 time with one activity each",
    });
  for (let i = 0; i < t.length; i++) {
    if (!(Number.isFinite(t[i]) && t[i] >= 0))
      throw new InputError({ field: `time_h[${i}]`, value: t[i], expected: "a time ≥ 0 h after injection" });
    if (i > 0 && !(t[i] > t[i - 1]))
      throw new InputError({ field: `time_h[${i}]`, value: t[i], expected: "strictly increasing times" });
    if (!(Number.isFinite(f[i]) && f[i] >= 0))
      throw new InputError({ field: `fraction[${i}]`, value: f[i], expected: "an activity fraction ≥ 0" });
  }
  const method = o.integration ?? "log-down";
  const start = o.start ?? "zero";
  const tailRule = o.tail ?? "physical";
  const lambdaPhys = Math.LN2 / (getNuclide(o.nuclide).halfLifeS / 3600);
  // before the first point
  let startH = 0;
  if (t[0] > 0) {
    if (start === "zero") startH = (f[0] * t[0]) / 2;
    else if (start === "first") startH = f[0] * t[0];
    else {
      if (t.length < 2 || !(f[0] > 0) || !(f[1] > 0))
        throw new InputError({
          field: "start",
          value: start,
          expected: "two positive first points to extrapolate back to t = 0",
        });
      // f(t) = f₁·e^(−λ(t − t₁)) on [0, t₁], λ from the first two points
      const lam = Math.log(f[0] / f[1]) / (t[1] - t[0]);
      startH = Math.abs(lam * t[0]) < 1e-12 ? f[0] * t[0] : (f[0] * Math.expm1(lam * t[0])) / lam;
    }
  }
  let measuredH = 0;
  for (let i = 0; i + 1 < t.length; i++) measuredH += segment(t[i], f[i], t[i + 1], f[i + 1], method);
  let tailH = 0;
  let tailLambda: number | null = null;
  const last = f[f.length - 1];
  if (tailRule === "physical") {
    tailLambda = lambdaPhys;
    tailH = last / lambdaPhys;
  } else if (tailRule === "fit") {
    const k = Math.max(2, o.tailPoints ?? 2);
    if (t.length < k)
      throw new InputError({
        field: "tail",
        value: tailRule,
        expected: `at least ${k} points for a tail fit`,
      });
    const tt = t.slice(-k);
    const ff = f.slice(-k);
    const lam = ff.every((v) => v > 0) ? logSlope(tt, ff) : Number.NaN;
    tailLambda = Number.isFinite(lam) && lam > 0 ? lam : lambdaPhys;
    tailH = last / tailLambda;
  }
  const tau = startH + measuredH + tailH;
  return {
    residence_time_h: tau,
    start_h: startH,
    measured_h: measuredH,
    tail_h: tailH,
    tail_lambda_per_h: tailLambda,
    tail_rule: tailRule,
    tail_fraction: tau > 0 ? tailH / tau : 0,
  };
}
