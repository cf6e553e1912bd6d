/**
 * CEUS time–intensity curve models (linearised intensity I, time t in s, τ = t − t0, I = 0 for
 * τ ≤ 0) and their closed-form derived quantities (SCIENCE.md §5, §12):
 *  - lognormal  I = AUC/(√(2π)·σ·τ)·exp(−(ln τ − μ)²/(2σ²))                p = [AUC, μ, σ, t0]
 *      AUC (∫I dt), MTT = exp(μ + σ²/2) (first moment from t0), TTP = t0 + exp(μ − σ²) (mode),
 *      peak = AUC/(√(2π)σ)·exp(σ²/2 − μ).
 *  - gamma      I = peak·(τ/tp)^α·exp(α·(1 − τ/tp))  (gamma variate K·τ^α·e^{−τ/β} with
 *      β = tp/α, K = peak·e^α·tp^{−α}; Madsen, Phys Med Biol 1992;37:1597)   p = [peak, α, tp, t0]
 *      TTP = t0 + tp, AUC = K·Γ(α+1)·β^{α+1}, MTT = (α+1)·β (first moment from t0).
 *  - ldrw       I = AUC·e^λ·√(λ/(2π·μ·τ))·exp(−(λ/2)·(μ/τ + τ/μ))  (local density random walk;
 *      Strouthos et al., IEEE TUFFC 2010;57:1296; Mischi et al., Phys Med Biol 2008)  p = [AUC, μ, λ, t0]
 *      it is τ/μ times an inverse-Gaussian density (mean μ, shape λμ), so ∫I = AUC and the first
 *      moment from t0 is MTT = μ·(1 + 1/λ); mode τm = μ·(√(1 + 4λ²) − 1)/(2λ).
 *  - replenishment (destruction–replenishment, Wei et al., Circulation 1998;97:473)
 *      I = A·(1 − exp(−β·t)), t from the destruction pulse; flow index A·β.     p = [A, β]
 * Each model may add a constant baseline `offset` as a last parameter. Analytic Jacobians for the
 * project's Levenberg–Marquardt.
 */

import type { CurveModel } from "../fit/types.js";
import { logGamma } from "../stats/distributions.js";

export const CEUS_MODELS = ["lognormal", "gamma", "ldrw", "replenishment"] as const;
export type CeusModelName = (typeof CEUS_MODELS)[number];
export type BolusModelName = Exclude<CeusModelName, "replenishment">;

const SQRT_2PI = Math.sqrt(2 * Math.PI);

/** value and ∂/∂p of the bolus shape at one time (no offset); writes d (length 4) when given */
export function bolusValue(model: BolusModelName, p: ArrayLike<number>, t: number, d?: Float64Array): number {
  const tau = t - p[3];
  if (!(tau > 0)) {
    if (d) d.fill(0, 0, 4);
    return 0;
  }
  if (model === "lognormal") {
    const [auc, mu, sigma] = [p[0], p[1], p[2]];
    const z = (Math.log(tau) - mu) / sigma;
    const unit = Math.exp(-0.5 * z * z) / (SQRT_2PI * sigma * tau);
    const g = auc * unit;
    if (d) {
      d[0] = unit;
      d[1] = (g * z) / sigma;
      d[2] = (g * (z * z - 1)) / sigma;
      d[3] = (g * (1 + z / sigma)) / tau;
    }
    return g;
  }
  if (model === "gamma") {
    const [peak, alpha, tp] = [p[0], p[1], p[2]];
    const r = tau / tp;
    const base = Math.exp(alpha * (Math.log(r) + 1 - r));
    const g = peak * base;
    if (d) {
      d[0] = base;
      d[1] = g * (Math.log(r) + 1 - r);
      d[2] = (g * alpha * (tau - tp)) / (tp * tp);
      d[3] = -g * alpha * (1 / tau - 1 / tp);
    }
    return g;
  }
  // ldrw
  const [auc, mu, lambda] = [p[0], p[1], p[2]];
  const shape = Math.exp(
    lambda + 0.5 * Math.log(lambda / (2 * Math.PI * mu * tau)) - 0.5 * lambda * (mu / tau + tau / mu),
  );
  const g = auc * shape;
  if (d) {
    d[0] = shape;
    d[1] = g * (-0.5 / mu - 0.5 * lambda * (1 / tau - tau / (mu * mu)));
    d[2] = g * (1 + 0.5 / lambda - 0.5 * (mu / tau + tau / mu));
    d[3] = -g * (-0.5 / tau - 0.5 * lambda * (1 / mu - mu / (tau * tau)));
  }
  return g;
}

/** dI/dt of the bolus shape (analytic: −∂I/∂t0) */
export function bolusSlope(
  model: BolusModelName,
  p: ArrayLike<number>,
  t: number,
  scratch: Float64Array,
): number {
  bolusValue(model, p, t, scratch);
  return -scratch[3];
}

export interface BolusDerived {
  AUC: number;
  peak: number;
  TTP_s: number;
  MTT_s: number;
  t0_s: number;
}

/** closed-form AUC, peak, TTP (on the data's time axis), MTT (from t0) */
export function bolusDerived(model: BolusModelName, p: ArrayLike<number>): BolusDerived {
  const t0 = p[3];
  if (model === "lognormal") {
    const [auc, mu, s] = [p[0], p[1], p[2]];
    return {
      AUC: auc,
      peak: (auc / (SQRT_2PI * s)) * Math.exp(0.5 * s * s - mu),
      TTP_s: t0 + Math.exp(mu - s * s),
      MTT_s: Math.exp(mu + 0.5 * s * s),
      t0_s: t0,
    };
  }
  if (model === "gamma") {
    const [peak, alpha, tp] = [p[0], p[1], p[2]];
    const beta = tp / alpha;
    // AUC = K·Γ(α+1)·β^{α+1}, K = peak·e^α·tp^{−α}
    const logAuc =
      Math.log(peak) + alpha - alpha * Math.log(tp) + logGamma(alpha + 1) + (alpha + 1) * Math.log(beta);
    return { AUC: Math.exp(logAuc), peak, TTP_s: t0 + tp, MTT_s: (alpha + 1) * beta, t0_s: t0 };
  }
  const [auc, mu, lambda] = [p[0], p[1], p[2]];
  const mode = (mu * (Math.sqrt(1 + 4 * lambda * lambda) - 1)) / (2 * lambda);
  return {
    AUC: auc,
    peak: bolusValue("ldrw", p, t0 + mode),
    TTP_s: t0 + mode,
    MTT_s: mu * (1 + 1 / lambda),
    t0_s: t0,
  };
}

/** CurveModel of a bolus shape on fixed times, with an optional constant offset (5th parameter) */
export class BolusCurve implements CurveModel {
  readonly nParams: number;
  readonly nPoints: number;
  private readonly d = new Float64Array(4);
  constructor(
    readonly model: BolusModelName,
    private readonly t: Float64Array,
    readonly offset: boolean,
  ) {
    this.nParams = offset ? 5 : 4;
    this.nPoints = t.length;
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    const c = this.offset ? p[4] : 0;
    for (let i = 0; i < this.t.length; i++) out[i] = bolusValue(this.model, p, this.t[i]) + c;
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    const np = this.nParams;
    for (let i = 0; i < this.t.length; i++) {
      bolusValue(this.model, p, this.t[i], this.d);
      for (let j = 0; j < 4; j++) jac[i * np + j] = this.d[j];
      if (this.offset) jac[i * np + 4] = 1;
    }
  }
}

/** A·(1 − e^{−βt}) [+ offset]; p = [A, β, offset?] */
export class ReplenishmentCurve implements CurveModel {
  readonly nParams: number;
  readonly nPoints: number;
  constructor(
    private readonly t: Float64Array,
    readonly offset: boolean,
  ) {
    this.nParams = offset ? 3 : 2;
    this.nPoints = t.length;
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    const c = this.offset ? p[2] : 0;
    for (let i = 0; i < this.t.length; i++) out[i] = p[0] * (1 - Math.exp(-p[1] * this.t[i])) + c;
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    const np = this.nParams;
    for (let i = 0; i < this.t.length; i++) {
      const e = Math.exp(-p[1] * this.t[i]);
      jac[i * np] = 1 - e;
      jac[i * np + 1] = p[0] * this.t[i] * e;
      if (this.offset) jac[i * np + 2] = 1;
    }
  }
}
