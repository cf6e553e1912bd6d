/**
 * Binary logistic regression as R `glm(y ~ x, family = binomial)`.
 *
 * IRLS / Fisher scoring (McCullagh & Nelder, 1989, §4.4): W = diag(μ(1 − μ)),
 * β ← (XᵀWX)⁻¹XᵀW z, z = η + (y − μ)/(μ(1 − μ)), replicating glm.fit step by step (start
 * μ = (y + ½)/2, stop when |Δdev|/(|dev| + 0.1) < 1e-8, covariance from the last WLS weights):
 * R's printed numbers carry glm's convergence error (~1e-7 relative in p-values), so the
 * same iteration is needed to match them to 1e-6; pass `epsilon` to converge further.
 * se = √diag((XᵀWX)⁻¹); Wald z = β/se, p = 2Φ(−|z|); OR = e^β with Wald CI e^{β ± z_{α/2}·se}.
 * Profile-likelihood CI (Venzon & Moolgavkar, 1988): the β_j where the constrained deviance
 * exceeds the minimum by χ²₁(1 − α), found by bisection (MASS::confint.glm interpolates the
 * same profile with a spline, so results agree to the interpolation error, ~1e-4).
 * Firth option (Firth, 1993, Biometrika 80:27; Heinze & Schemper, 2002): penalised score
 * U*(β) = Xᵀ(y − μ + h(½ − μ)), h = diag of the hat matrix W½X(XᵀWX)⁻¹XᵀW½, solved by
 * Newton steps with the Fisher information (as logistf, with step halving on the penalised
 * log-likelihood ℓ + ½ log|XᵀWX|); finite estimates under complete separation.
 * The intercept is named "(Intercept)" as R prints it. Linear algebra: ml-matrix.
 *
 * Estimability (`status`): "singular" when a predictor is aliased (constant or collinear:
 * rank.ts, R's tol 1e-7; R prints NA for it); "separation" when the ML estimate does not exist
 * (Albert & Anderson, 1984, Biometrika 71:1): fitted probabilities numerically 0 or 1 (glm's
 * warning) and the Newton step at the last iterate still a sizeable fraction of the
 * coefficients (the likelihood keeps rising along a direction, the criterion coxph uses for
 * infinite coefficients); "not-converged" when the iteration budget ran out. For any status
 * other than "converged" the terms hold the last iterate, which is NOT an estimate: callers
 * that print results must print nulls (cli/commands/stats.ts does). With `firth` the
 * penalised estimates exist under separation and the status is the Firth fit's.
 */
import { inverse, Matrix } from "ml-matrix";
import { InputError } from "../errors.js";
import type { FitResult } from "../fit/types.js";
import { chiSquareSf, normalQuantile, normalSf } from "./distributions.js";
import { aliasedColumns } from "./rank.js";

export type LogisticStatus = "converged" | "separation" | "singular" | "not-converged";

export interface LogisticTerm {
  name: string;
  coef: number;
  se: number;
  z: number;
  p: number;
  or: number;
  orCiLower: number;
  orCiUpper: number;
}

export interface LogisticResult {
  fit: FitResult;
  /** whether the terms are estimates (see the module header) */
  status: LogisticStatus;
  /** why, when status is not "converged" */
  message?: string;
  terms: LogisticTerm[];
  deviance: number;
  nullDeviance: number;
  /** likelihood-ratio test of all predictors */
  lrTest: { chisq: number; df: number; p: number };
  aic: number;
  n: number;
  vcov: number[][];
  /** fitted probabilities */
  fitted: Float64Array;
}

export interface LogisticOptions {
  names?: string[];
  firth?: boolean;
  confLevel?: number;
  maxIterations?: number;
  /** glm.control epsilon (default 1e-8, R's); smaller values converge further than R */
  epsilon?: number;
  /** fixed offset added to the linear predictor (used by the profile CI) */
  offset?: ArrayLike<number>;
}

function design(predictors: ArrayLike<number>[], n: number): Matrix {
  const X = new Matrix(n, predictors.length + 1);
  for (let i = 0; i < n; i++) {
    X.set(i, 0, 1);
    for (let j = 0; j < predictors.length; j++) X.set(i, j + 1, predictors[j][i]);
  }
  return X;
}

function logLik(y: ArrayLike<number>, mu: Float64Array): number {
  let ll = 0;
  for (let i = 0; i < mu.length; i++) ll += y[i] ? Math.log(mu[i]) : Math.log(1 - mu[i]);
  return ll;
}

interface CoreFit {
  beta: Float64Array;
  mu: Float64Array;
  info: Matrix;
  ll: number;
  status: FitResult["status"];
  iterations: number;
}

function expit(e: number): number {
  return e >= 0 ? 1 / (1 + Math.exp(-e)) : Math.exp(e) / (1 + Math.exp(e));
}

function clampMu(m: number): number {
  return Math.min(1 - 1e-15, Math.max(1e-15, m));
}

function muFor(X: Matrix, beta: Float64Array, offset?: ArrayLike<number>): Float64Array<ArrayBuffer> {
  const n = X.rows;
  const mu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let e = offset ? offset[i] : 0;
    for (let j = 0; j < beta.length; j++) e += X.get(i, j) * beta[j];
    mu[i] = clampMu(expit(e));
  }
  return mu;
}

function information(X: Matrix, mu: Float64Array): Matrix {
  const p = X.columns;
  const I = Matrix.zeros(p, p);
  for (let i = 0; i < X.rows; i++) {
    const w = mu[i] * (1 - mu[i]);
    for (let a = 0; a < p; a++) {
      const xa = X.get(i, a) * w;
      for (let b = 0; b <= a; b++) I.set(a, b, I.get(a, b) + xa * X.get(i, b));
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) I.set(b, a, I.get(a, b));
  return I;
}

function logDet(m: Matrix): number {
  // Cholesky of a symmetric positive-definite matrix
  const n = m.rows;
  const L = Matrix.zeros(n, n);
  let ld = 0;
  for (let j = 0; j < n; j++) {
    let s = m.get(j, j);
    for (let k = 0; k < j; k++) s -= L.get(j, k) ** 2;
    if (!(s > 0)) return Number.NEGATIVE_INFINITY;
    const d = Math.sqrt(s);
    L.set(j, j, d);
    ld += 2 * Math.log(d);
    for (let i = j + 1; i < n; i++) {
      let t = m.get(i, j);
      for (let k = 0; k < j; k++) t -= L.get(i, k) * L.get(j, k);
      L.set(i, j, t / d);
    }
  }
  return ld;
}

function fitCore(
  X: Matrix,
  y: ArrayLike<number>,
  firth: boolean,
  maxIt: number,
  offset?: ArrayLike<number>,
): CoreFit {
  const n = X.rows;
  const p = X.columns;
  let beta = new Float64Array(p);
  let status: FitResult["status"] = "max-iterations";
  // glm start: μ = (y + ½)/2 → one weighted LS step gives the first β
  let mu = Float64Array.from({ length: n }, (_, i) => (y[i] + 0.5) / 2);
  {
    const W = Float64Array.from(mu, (m) => m * (1 - m));
    const z = Float64Array.from(
      mu,
      (m, i) => Math.log(m / (1 - m)) - (offset ? offset[i] : 0) + (y[i] - m) / W[i],
    );
    const XtW = X.transpose().clone();
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) XtW.set(j, i, XtW.get(j, i) * W[i]);
    try {
      const b = inverse(XtW.mmul(X)).mmul(XtW.mmul(Matrix.columnVector(Array.from(z))));
      if (!firth) beta = Float64Array.from(b.getColumn(0));
    } catch {
      /* keep β = 0 */
    }
  }
  mu = muFor(X, beta, offset);
  let info = information(X, mu);
  const objective = (m: Float64Array, I: Matrix) => logLik(y, m) + (firth ? 0.5 * logDet(I) : 0);
  let obj = objective(mu, info);
  let it = 0;
  for (; it < maxIt; it++) {
    let inv: Matrix;
    try {
      inv = inverse(info);
    } catch {
      status = "singular";
      break;
    }
    const score = new Float64Array(p);
    if (firth) {
      // hat diagonal h_i = w_i x_iᵀ I⁻¹ x_i
      for (let i = 0; i < n; i++) {
        const w = mu[i] * (1 - mu[i]);
        let h = 0;
        for (let a = 0; a < p; a++) {
          let s = 0;
          for (let b = 0; b < p; b++) s += inv.get(a, b) * X.get(i, b);
          h += X.get(i, a) * s;
        }
        h *= w;
        const r = y[i] - mu[i] + h * (0.5 - mu[i]);
        for (let a = 0; a < p; a++) score[a] += X.get(i, a) * r;
      }
    } else {
      for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) score[a] += X.get(i, a) * (y[i] - mu[i]);
    }
    const step = inverse(info)
      .mmul(Matrix.columnVector(Array.from(score)))
      .getColumn(0);
    let scale = 1;
    let accepted = false;
    let nb = beta;
    let nmu = mu;
    let ninfo = info;
    let nobj = obj;
    for (let h = 0; h < 40; h++) {
      nb = Float64Array.from(beta, (b, j) => b + scale * step[j]);
      nmu = muFor(X, nb, offset);
      ninfo = information(X, nmu);
      nobj = objective(nmu, ninfo);
      if (Number.isFinite(nobj) && nobj >= obj - 1e-12 * Math.abs(obj)) {
        accepted = true;
        break;
      }
      scale /= 2;
    }
    if (!accepted) {
      status = "failed";
      break;
    }
    const change = Math.abs(nobj - obj);
    let maxStep = 0;
    for (let j = 0; j < p; j++) maxStep = Math.max(maxStep, Math.abs(nb[j] - beta[j]));
    beta = nb;
    mu = nmu;
    info = ninfo;
    obj = nobj;
    if (change <= 1e-14 * (Math.abs(obj) + 0.1) && maxStep < 1e-10) {
      status = "converged";
      break;
    }
  }
  return { beta, mu, info, ll: logLik(y, mu), status, iterations: it + 1 };
}

/**
 * glm.fit's IRLS exactly (R stats): start μ = (y + ½)/2, η = logit μ; each iteration solves the
 * weighted LS of z = η + (y − μ)/(μ(1 − μ)) with weights μ(1 − μ), then updates μ; stops when
 * |dev − dev_old|/(|dev| + 0.1) < epsilon (glm.control default 1e-8). The covariance uses the
 * weights of the last WLS (as summary.glm via the QR of the final iteration), so R's reported
 * coefficients and SEs are reproduced including their convergence error.
 */
function glmIrls(
  X: Matrix,
  y: ArrayLike<number>,
  epsilon: number,
  maxIt: number,
  offset?: ArrayLike<number>,
): CoreFit {
  const n = X.rows;
  const p = X.columns;
  const off = (i: number) => (offset ? offset[i] : 0);
  let mu = Float64Array.from({ length: n }, (_, i) => (y[i] + 0.5) / 2);
  let eta = Float64Array.from(mu, (m) => Math.log(m / (1 - m)));
  const deviance = (m: Float64Array) => -2 * logLik(y, m);
  let devOld = deviance(mu);
  let beta = new Float64Array(p);
  let info = Matrix.eye(p);
  let status: FitResult["status"] = "max-iterations";
  let it = 0;
  for (; it < maxIt; it++) {
    const w = Float64Array.from(mu, (m) => m * (1 - m));
    const XtWX = Matrix.zeros(p, p);
    const XtWz = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const z = eta[i] - off(i) + (y[i] - mu[i]) / w[i];
      for (let a = 0; a < p; a++) {
        const xa = X.get(i, a) * w[i];
        XtWz[a] += xa * z;
        for (let b = 0; b <= a; b++) XtWX.set(a, b, XtWX.get(a, b) + xa * X.get(i, b));
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) XtWX.set(b, a, XtWX.get(a, b));
    try {
      beta = Float64Array.from(
        inverse(XtWX)
          .mmul(Matrix.columnVector(Array.from(XtWz)))
          .getColumn(0),
      );
    } catch {
      status = "singular";
      break;
    }
    info = XtWX;
    eta = Float64Array.from({ length: n }, (_, i) => {
      let e = off(i);
      for (let j = 0; j < p; j++) e += X.get(i, j) * beta[j];
      return e;
    });
    mu = Float64Array.from(eta, (e) => clampMu(expit(e)));
    const dev = deviance(mu);
    if (!Number.isFinite(dev)) {
      status = "non-finite";
      break;
    }
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < epsilon) {
      status = "converged";
      break;
    }
    devOld = dev;
  }
  return { beta, mu, info, ll: logLik(y, mu), status, iterations: it + 1 };
}

/**
 * Separation at an unpenalised fit: some fitted probability numerically equals its outcome and
 * the Newton step δ = I⁻¹U at the last iterate is still > 1e-3 of the coefficients on the
 * standardised scale (at a true optimum δ is ~0 after glm's stopping rule).
 */
function separated(X: Matrix, y: ArrayLike<number>, core: CoreFit): boolean {
  const n = X.rows;
  const p = X.columns;
  let extreme = false;
  for (let i = 0; i < n; i++) if (Math.abs(y[i] - core.mu[i]) < 1e-8) extreme = true;
  if (!extreme) return false;
  const u = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) u[a] += X.get(i, a) * (y[i] - core.mu[i]);
  let step: number[];
  try {
    step = inverse(information(X, core.mu))
      .mmul(Matrix.columnVector(Array.from(u)))
      .getColumn(0);
  } catch {
    return true;
  }
  for (let j = 0; j < p; j++) {
    let m = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) m += X.get(i, j);
    m /= n;
    for (let i = 0; i < n; i++) ss += (X.get(i, j) - m) ** 2;
    const sd = j === 0 ? 1 : Math.sqrt(ss / Math.max(1, n - 1)) || 1;
    const d = Math.abs(step[j]) * sd;
    if (!Number.isFinite(d) || d > 1e-3 * Math.max(1, Math.abs(core.beta[j]) * sd)) return true;
  }
  return false;
}

function checkBinary(y: ArrayLike<number>): void {
  let n1 = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 0 && y[i] !== 1) {
      throw new InputError({ field: `outcome, row ${i + 1}`, value: y[i], expected: "0 or 1" });
    }
    n1 += y[i];
  }
  if (n1 === 0 || n1 === y.length) {
    throw new InputError({
      field: "outcome",
      value: `all ${n1 === 0 ? 0 : 1}`,
      expected: "both 0 and 1 present",
    });
  }
}

export function logisticRegression(
  y: ArrayLike<number>,
  predictors: ArrayLike<number>[],
  opts: LogisticOptions = {},
): LogisticResult {
  checkBinary(y);
  const n = y.length;
  const X = design(predictors, n);
  const names = ["(Intercept)", ...(opts.names ?? predictors.map((_, j) => `x${j + 1}`))];
  const core = opts.firth
    ? fitCore(X, y, true, opts.maxIterations ?? 100, opts.offset)
    : glmIrls(X, y, opts.epsilon ?? 1e-8, opts.maxIterations ?? 25, opts.offset);
  let vc: Matrix;
  let status = core.status;
  try {
    vc = inverse(core.info);
  } catch {
    vc = Matrix.zeros(X.columns, X.columns);
    status = "singular";
  }
  const aliased = aliasedColumns(predictors, true);
  let estimable: LogisticStatus =
    status === "converged" ? "converged" : status === "singular" ? "singular" : "not-converged";
  let message: string | undefined;
  if (aliased.length > 0) {
    estimable = "singular";
    message = `predictor${aliased.length > 1 ? "s" : ""} ${aliased.map((j) => names[j + 1]).join(", ")} constant or collinear with the others (aliased): no unique estimate`;
  } else if (estimable === "singular") {
    message = "singular information matrix: no unique estimate";
  } else if (estimable === "not-converged") {
    message = `no convergence (${status}) after ${core.iterations} iterations`;
  } else if (!opts.firth && separated(X, y, core)) {
    estimable = "separation";
    message =
      "complete or quasi-complete separation: the maximum-likelihood estimate does not exist (fitted probabilities 0 or 1); use --firth for finite penalised estimates";
  }
  const zq = normalQuantile(1 - (1 - (opts.confLevel ?? 0.95)) / 2);
  const se = Float64Array.from({ length: X.columns }, (_, j) => Math.sqrt(vc.get(j, j)));
  const terms = names.map((name, j) => {
    const b = core.beta[j];
    const z = b / se[j];
    return {
      name,
      coef: b,
      se: se[j],
      z,
      p: 2 * normalSf(Math.abs(z)),
      or: Math.exp(b),
      orCiLower: Math.exp(b - zq * se[j]),
      orCiUpper: Math.exp(b + zq * se[j]),
    };
  });
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i];
  ybar /= n;
  const nullDev = -2 * n * (ybar * Math.log(ybar) + (1 - ybar) * Math.log(1 - ybar));
  const dev = -2 * core.ll;
  const df = predictors.length;
  return {
    fit: {
      params: core.beta,
      stderr: se,
      rss: dev,
      converged: estimable === "converged",
      status: estimable === "separation" ? "failed" : status,
      iterations: core.iterations,
      message,
    },
    status: estimable,
    message,
    terms,
    deviance: dev,
    nullDeviance: nullDev,
    lrTest: { chisq: nullDev - dev, df, p: chiSquareSf(nullDev - dev, df) },
    aic: dev + 2 * X.columns,
    n,
    vcov: vc.to2DArray(),
    fitted: core.mu,
  };
}

/** Profile-likelihood CI of coefficient j (0 = intercept) for the unpenalised model. */
export function profileCi(
  y: ArrayLike<number>,
  predictors: ArrayLike<number>[],
  j: number,
  confLevel = 0.95,
): [number, number] {
  checkBinary(y);
  const n = y.length;
  const X = design(predictors, n);
  const full = fitCore(X, y, false, 100);
  const crit = chiSquareQuantile1(confLevel);
  const others = Array.from({ length: X.columns }, (_, k) => k).filter((k) => k !== j);
  const Xr = new Matrix(n, others.length);
  for (let i = 0; i < n; i++) for (let k = 0; k < others.length; k++) Xr.set(i, k, X.get(i, others[k]));
  const devGap = (b: number): number => {
    const off = Float64Array.from({ length: n }, (_, i) => X.get(i, j) * b);
    let ll: number;
    if (others.length === 0) {
      ll = logLik(
        y,
        Float64Array.from(off, (e) => clampMu(expit(e))),
      );
    } else {
      ll = fitCore(Xr, y, false, 100, off).ll;
    }
    return 2 * (full.ll - ll) - crit;
  };
  const se = Math.sqrt(inverse(full.info).get(j, j));
  const bHat = full.beta[j];
  const root = (dir: number): number => {
    let inner = bHat;
    let outer = bHat + dir * 2 * se;
    for (let k = 0; k < 60 && devGap(outer) < 0; k++) outer = bHat + 2 * (outer - bHat);
    for (let k = 0; k < 80; k++) {
      const mid = (inner + outer) / 2;
      if (devGap(mid) < 0) inner = mid;
      else outer = mid;
    }
    return (inner + outer) / 2;
  };
  return [root(-1), root(1)];
}

/** χ²₁ quantile: (Φ⁻¹((1 + p)/2))². */
function chiSquareQuantile1(p: number): number {
  return normalQuantile((1 + p) / 2) ** 2;
}
