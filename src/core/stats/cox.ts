/**
 * Cox proportional-hazards regression with Efron's tie handling, as R `survival::coxph`
 * (default ties = "efron").
 *
 * Partial log-likelihood (Efron, 1977, JASA 72:557, eq. 3.3): at each distinct event time
 * with tied event set D (d events) and risk set R,
 *   ℓ += Σ_D η_i − Σ_{l=0}^{d−1} log(S0 − (l/d)·D0),
 * S_k = Σ_R w_i x_i^{⊗k}, D_k the same over D, w = exp(η), η = xᵀβ. Score and information
 * follow by differentiation: U += Σ_D x − Σ_l a_l, I += Σ_l (S2_l/S0_l − a_l a_lᵀ),
 * a_l = S1_l/S0_l. Newton–Raphson from β = 0 with step halving when ℓ decreases (as coxph),
 * iterated to |Δℓ| ≤ 1e-13·|ℓ| (tighter than coxph's 1e-9 so that R's own converged estimate
 * is matched to 1e-6). Covariates are centred internally (coefficients unchanged).
 * se = √diag(I⁻¹); Wald z = β/se, p = 2Φ(−|z|); HR = e^β, CI e^{β ± z_{α/2} se}.
 * Global tests: likelihood ratio 2(ℓ(β̂) − ℓ(0)), Wald β̂ᵀIβ̂, score U(0)ᵀI(0)⁻¹U(0), df = p.
 * Event coded 1/0. Linear algebra: ml-matrix.
 *
 * Estimability (`status`): "singular" when a covariate is constant or collinear (aliased,
 * rank.ts) or the information is singular; "separation" for a monotone likelihood (a covariate
 * orders the events perfectly; coefficient infinite), detected exactly as coxph.fit does:
 * |(I⁻¹U)_j| > eps and > √eps·|β_j| at the final iterate (eps = 1e-9, toler.inf = √eps);
 * "not-converged" when the iterations ran out. For any status other than "converged" the terms
 * hold the last iterate, NOT estimates: printing callers must print nulls.
 */
import { inverse, Matrix } from "ml-matrix";
import { InputError } from "../errors.js";
import type { FitResult } from "../fit/types.js";
import { chiSquareSf, normalQuantile, normalSf } from "./distributions.js";
import { aliasedColumns } from "./rank.js";

export type CoxStatus = "converged" | "separation" | "singular" | "not-converged";

export interface CoxTerm {
  name: string;
  coef: number;
  se: number;
  z: number;
  p: number;
  hr: number;
  hrCiLower: number;
  hrCiUpper: number;
}

export interface CoxResult {
  fit: FitResult;
  status: CoxStatus;
  message?: string;
  terms: CoxTerm[];
  logLik: number;
  logLikNull: number;
  nEvents: number;
  n: number;
  lrTest: { chisq: number; df: number; p: number };
  waldTest: { chisq: number; df: number; p: number };
  scoreTest: { chisq: number; df: number; p: number };
  /** inverse information (variance matrix of β̂) */
  vcov: number[][];
}

interface Eval {
  ll: number;
  u: Float64Array;
  info: Matrix;
}

/** Log partial likelihood, score and information at β (x centred, rows sorted by time). */
function evaluate(
  x: Float64Array[],
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  order: number[],
  beta: Float64Array,
): Eval {
  const p = beta.length;
  const n = order.length;
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  const u = new Float64Array(p);
  const info = new Float64Array(p * p);
  let s0 = 0;
  let ll = 0;
  const eta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = 0;
    for (let j = 0; j < p; j++) e += x[j][i] * beta[j];
    eta[i] = e;
  }
  // walk from the largest time down, adding each tie group to the risk set
  for (let k = n - 1; k >= 0; ) {
    const t = time[order[k]];
    let d = 0;
    let dd0 = 0;
    d1.fill(0);
    d2.fill(0);
    while (k >= 0 && time[order[k]] === t) {
      const i = order[k];
      const w = Math.exp(eta[i]);
      s0 += w;
      for (let a = 0; a < p; a++) {
        s1[a] += w * x[a][i];
        for (let b = 0; b <= a; b++) s2[a * p + b] += w * x[a][i] * x[b][i];
      }
      if (event[i]) {
        d++;
        dd0 += w;
        ll += eta[i];
        for (let a = 0; a < p; a++) {
          u[a] += x[a][i];
          d1[a] += w * x[a][i];
          for (let b = 0; b <= a; b++) d2[a * p + b] += w * x[a][i] * x[b][i];
        }
      }
      k--;
    }
    for (let l = 0; l < d; l++) {
      const f = l / d;
      const z0 = s0 - f * dd0;
      ll -= Math.log(z0);
      for (let a = 0; a < p; a++) {
        const aa = (s1[a] - f * d1[a]) / z0;
        u[a] -= aa;
        for (let b = 0; b <= a; b++) {
          const ab = (s1[b] - f * d1[b]) / z0;
          info[a * p + b] += (s2[a * p + b] - f * d2[a * p + b]) / z0 - aa * ab;
        }
      }
    }
  }
  const I = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b <= a; b++) {
      I.set(a, b, info[a * p + b]);
      I.set(b, a, info[a * p + b]);
    }
  }
  return { ll, u, info: I };
}

export interface CoxOptions {
  names?: string[];
  confLevel?: number;
  maxIterations?: number;
}

/**
 * Fit a Cox model. `covariates[j]` is covariate j over subjects; `event` 1 = event, 0 = censored.
 */
export function coxph(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  covariates: ArrayLike<number>[],
  opts: CoxOptions = {},
): CoxResult {
  const n = time.length;
  const p = covariates.length;
  const names = opts.names ?? covariates.map((_, j) => `x${j + 1}`);
  let nEvents = 0;
  for (let i = 0; i < n; i++) if (event[i]) nEvents++;
  if (nEvents === 0) throw new InputError({ field: "event", value: 0, expected: "at least one event" });
  if (p === 0) throw new InputError({ field: "covariates", expected: "at least one covariate" });
  const x = covariates.map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i];
    m /= n;
    return Float64Array.from({ length: n }, (_, i) => c[i] - m);
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  let beta = new Float64Array(p);
  const ev0 = evaluate(x, time, event, order, beta);
  let cur = ev0;
  let status: FitResult["status"] = "max-iterations";
  let iter = 0;
  const maxIt = opts.maxIterations ?? 50;
  for (; iter < maxIt; iter++) {
    let step: Matrix;
    try {
      step = inverse(cur.info).mmul(Matrix.columnVector(Array.from(cur.u)));
    } catch {
      status = "singular";
      break;
    }
    let scale = 1;
    let next: Eval | null = null;
    let nb = beta;
    for (let h = 0; h < 30; h++) {
      nb = Float64Array.from(beta, (b, j) => b + scale * step.get(j, 0));
      const e = evaluate(x, time, event, order, nb);
      if (Number.isFinite(e.ll) && e.ll >= cur.ll - 1e-12 * Math.abs(cur.ll)) {
        next = e;
        break;
      }
      scale /= 2;
    }
    if (!next) {
      status = "failed";
      break;
    }
    const change = Math.abs(next.ll - cur.ll);
    beta = nb;
    cur = next;
    if (change <= 1e-13 * Math.abs(cur.ll) || change < 1e-300) {
      status = "converged";
      break;
    }
  }
  let vcov: Matrix;
  try {
    vcov = inverse(cur.info);
  } catch {
    vcov = Matrix.zeros(p, p).fill(Number.NaN);
    status = "singular";
  }
  let estimable: CoxStatus =
    status === "converged" ? "converged" : status === "singular" ? "singular" : "not-converged";
  let message: string | undefined;
  const aliased = aliasedColumns(x, false);
  if (aliased.length > 0) {
    estimable = "singular";
    message = `covariate${aliased.length > 1 ? "s" : ""} ${aliased.map((j) => names[j]).join(", ")} constant or collinear with the others (aliased): no unique estimate`;
  } else if (estimable === "singular") message = "singular information matrix: no unique estimate";
  else if (estimable === "not-converged") message = `no convergence (${status}) after ${iter + 1} iterations`;
  else {
    const infs: number[] = [];
    const step = Array.from({ length: p }, (_, j) => {
      let s = 0;
      for (let k = 0; k < p; k++) s += vcov.get(j, k) * cur.u[k];
      return Math.abs(s);
    });
    step.forEach((d, j) => {
      if (!Number.isFinite(d) || (d > 1e-9 && d > Math.sqrt(1e-9) * Math.abs(beta[j]))) infs.push(j);
    });
    if (infs.length > 0) {
      estimable = "separation";
      message = `monotone likelihood: the coefficient of ${infs.map((j) => names[j]).join(", ")} is infinite (the covariate orders the events perfectly)`;
    }
  }
  const z = normalQuantile(1 - (1 - (opts.confLevel ?? 0.95)) / 2);
  const se = Float64Array.from({ length: p }, (_, j) => Math.sqrt(vcov.get(j, j)));
  const terms: CoxTerm[] = names.map((name, j) => {
    const zz = beta[j] / se[j];
    return {
      name,
      coef: beta[j],
      se: se[j],
      z: zz,
      p: 2 * normalSf(Math.abs(zz)),
      hr: Math.exp(beta[j]),
      hrCiLower: Math.exp(beta[j] - z * se[j]),
      hrCiUpper: Math.exp(beta[j] + z * se[j]),
    };
  });
  const b = Matrix.columnVector(Array.from(beta));
  const wald = b.transpose().mmul(cur.info).mmul(b).get(0, 0);
  const u0 = Matrix.columnVector(Array.from(ev0.u));
  let score = Number.NaN;
  try {
    score = u0.transpose().mmul(inverse(ev0.info)).mmul(u0).get(0, 0);
  } catch {
    /* singular null information: score test unavailable */
  }
  const lr = 2 * (cur.ll - ev0.ll);
  const test = (chisq: number) => ({ chisq, df: p, p: chiSquareSf(chisq, p) });
  return {
    fit: {
      params: beta,
      stderr: se,
      rss: -2 * cur.ll,
      converged: estimable === "converged",
      status: estimable === "separation" ? "failed" : status,
      iterations: iter + 1,
      message,
    },
    status: estimable,
    message,
    terms,
    logLik: cur.ll,
    logLikNull: ev0.ll,
    nEvents,
    n,
    lrTest: test(lr),
    waldTest: test(wald),
    scoreTest: test(score),
    vcov: vcov.to2DArray(),
  };
}
