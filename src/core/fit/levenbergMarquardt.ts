/**
 * Levenberg–Marquardt nonlinear least squares with box bounds:
 *   minimise F(p) = ½ Σ w_i (y_i − f_i(p))²  subject to lower ≤ p ≤ upper.
 *
 * Method (Moré 1978 "The Levenberg–Marquardt algorithm: implementation and theory"; damping
 * update of Nielsen 1999 / Madsen, Nielsen & Tingleff 2004, Alg. 3.16):
 *  - step h solves min ‖J h − r‖² + μ‖D h‖²: by Cholesky of the damped normal equations when
 *    they are well conditioned (cond < 1e10; cheap for the small problems of voxelwise fitting),
 *    otherwise through a Householder QR of the augmented matrix [J; √μ·D] (ill-conditioned
 *    problems such as NIST Lanczos or Thurber keep their digits). The step only steers the
 *    iteration; the optimum is defined by the directly computed gradient Jᵀr. D = diag of the
 *    largest column norms of J seen so far (MINPACK's scale invariance);
 *  - gain ratio ρ = (F − F_new)/(½ hᵀ(μD²h + g)); accepted steps update μ ← μ·max(⅓, 1 − (2ρ − 1)³),
 *    rejected ones μ ← μ·ν, ν ← 2ν;
 *  - bounds by projection: the trial point is clipped to the box and parameters sitting on a
 *    bound whose gradient points outward are held for that iteration (active set);
 *  - convergence (MINPACK meanings): ftol on the actual and predicted relative reduction of F,
 *    xtol on the relative step, gtol on the cosine between r and the columns of J;
 *  - standard errors from s²(JᵀJ)⁻¹ with s² = Σ w r² / (n − p_free), by Cholesky when well
 *    conditioned, else via R⁻¹ of J's QR.
 *
 * Written here (not taken from a library) because no maintained TypeScript package offers
 * bounded LM with analytic Jacobians, QR-based steps and an allocation-free workspace for
 * millions of small fits (ml-levenberg-marquardt solves normal equations and allocates per
 * iteration).
 */
import type { CurveModel, FitResult, FitStatus, LmOptions } from "./types.js";

export interface LmWorkspace {
  readonly nParams: number;
  readonly nPoints: number;
  f: Float64Array;
  r: Float64Array;
  rTrial: Float64Array;
  jac: Float64Array; // n × p (model Jacobian ∂f/∂p, row-major)
  a: Float64Array; // (n + p) × q augmented matrix, column-major for Householder
  rhs: Float64Array; // n + p
  h: Float64Array; // p
  p: Float64Array;
  pTrial: Float64Array;
  diag: Float64Array; // D
  g: Float64Array; // Jᵀr (free parameters)
  sqrtW: Float64Array;
  free: Int32Array;
  cols: Int32Array;
  rdiag: Float64Array;
  rinv: Float64Array;
  fd: Float64Array; // finite-difference scratch (n)
  jtj: Float64Array; // JᵀJ of the free parameters (p × p), for the normal-equation step
  chol: Float64Array;
}

export function createLmWorkspace(nParams: number, nPoints: number): LmWorkspace {
  const n = nPoints;
  const p = nParams;
  return {
    nParams: p,
    nPoints: n,
    f: new Float64Array(n),
    r: new Float64Array(n),
    rTrial: new Float64Array(n),
    jac: new Float64Array(n * p),
    a: new Float64Array((n + p) * p),
    rhs: new Float64Array(n + p),
    h: new Float64Array(p),
    p: new Float64Array(p),
    pTrial: new Float64Array(p),
    diag: new Float64Array(p),
    g: new Float64Array(p),
    sqrtW: new Float64Array(n),
    free: new Int32Array(p),
    cols: new Int32Array(p),
    rdiag: new Float64Array(p),
    rinv: new Float64Array(p * p),
    fd: new Float64Array(n),
    jtj: new Float64Array(p * p),
    chol: new Float64Array(p * p),
  };
}

/**
 * Step from the damped normal equations (JᵀJ + μD²)h = Jᵀr by Cholesky, used when no bound is
 * active: O(p³) instead of the O(n·p²) QR. The step only steers the iteration (the optimum is
 * defined by the gradient Jᵀr, computed directly), so its conditioning matters for progress, not
 * for the final accuracy; when the factor is ill-conditioned (pivot ratio < 1e-10) the caller
 * falls back to the QR step.
 */
function choleskyStep(ws: LmWorkspace, q: number, mu: number): boolean {
  const { jtj, chol, cols, diag, g, h } = ws;
  const p = ws.nParams;
  for (let a = 0; a < q; a++) {
    for (let b = 0; b <= a; b++) {
      let v = jtj[cols[a] * p + cols[b]];
      if (a === b) v += mu * diag[cols[a]] * diag[cols[a]];
      for (let k = 0; k < b; k++) v -= chol[a * p + k] * chol[b * p + k];
      if (a === b) {
        if (!(v > 0)) return false;
        chol[a * p + a] = Math.sqrt(v);
      } else chol[a * p + b] = v / chol[b * p + b];
    }
  }
  let dmin = Number.POSITIVE_INFINITY;
  let dmax = 0;
  for (let a = 0; a < q; a++) {
    dmin = Math.min(dmin, chol[a * p + a]);
    dmax = Math.max(dmax, chol[a * p + a]);
  }
  if (dmin < 1e-5 * dmax) return false; // cond(A) = (dmax/dmin)² > 1e10: use QR
  for (let a = 0; a < q; a++) {
    let v = g[cols[a]];
    for (let k = 0; k < a; k++) v -= chol[a * p + k] * h[k];
    h[a] = v / chol[a * p + a];
  }
  for (let a = q - 1; a >= 0; a--) {
    let v = h[a];
    for (let k = a + 1; k < q; k++) v -= chol[k * p + a] * h[k];
    h[a] = v / chol[a * p + a];
  }
  return true;
}

const EPS = 2.220446049250313e-16;

/** Residuals r = √w (y − f(p)) into ws.r (or out); returns ½ Σ r² (NaN if the model is not finite). */
function residuals(
  model: CurveModel,
  y: Float64Array,
  p: Float64Array,
  ws: LmWorkspace,
  out: Float64Array,
): number {
  model.evaluate(p, ws.f);
  let s = 0;
  for (let i = 0; i < ws.nPoints; i++) {
    const v = ws.sqrtW[i] * (y[i] - ws.f[i]);
    out[i] = v;
    s += v * v;
  }
  return Number.isFinite(s) ? 0.5 * s : Number.NaN;
}

/** ∂f/∂p into ws.jac (analytic when available, else forward differences respecting bounds). */
function jacobian(
  model: CurveModel,
  p: Float64Array,
  ws: LmWorkspace,
  lower: Float64Array | undefined,
  upper: Float64Array | undefined,
  central = false,
  typical?: Float64Array,
): void {
  const n = ws.nPoints;
  const np = ws.nParams;
  // ws.f already holds f(p): the residuals were evaluated at p before every Jacobian request
  if (model.jacobian) {
    model.jacobian(p, ws.f, ws.jac);
    return;
  }
  if (central) {
    for (let j = 0; j < np; j++) {
      const pj = p[j];
      let step = Math.cbrt(EPS) * Math.max(Math.abs(pj), typical ? typical[j] : 1e-8);
      let hi = pj + step;
      let lo = pj - step;
      if (upper && hi > upper[j]) hi = pj;
      if (lower && lo < lower[j]) lo = pj;
      step = hi - lo;
      p[j] = hi;
      model.evaluate(p, ws.fd);
      for (let i = 0; i < n; i++) ws.jac[i * np + j] = ws.fd[i];
      p[j] = lo;
      model.evaluate(p, ws.fd);
      p[j] = pj;
      const inv = 1 / step;
      for (let i = 0; i < n; i++) ws.jac[i * np + j] = (ws.jac[i * np + j] - ws.fd[i]) * inv;
    }
    model.evaluate(p, ws.f);
    return;
  }
  for (let j = 0; j < np; j++) {
    const pj = p[j];
    let step = Math.sqrt(EPS) * Math.max(Math.abs(pj), typical ? typical[j] : 1e-8);
    if (upper && pj + step > upper[j]) step = -step;
    if (lower && pj + step < lower[j]) step = Math.abs(step);
    p[j] = pj + step;
    model.evaluate(p, ws.fd);
    p[j] = pj;
    const inv = 1 / step;
    for (let i = 0; i < n; i++) ws.jac[i * np + j] = (ws.fd[i] - ws.f[i]) * inv;
  }
  model.evaluate(p, ws.f);
}

/**
 * Householder QR of the m × q column-major matrix a (in place) applied to rhs; returns false if
 * rank-deficient. R's diagonal is stored in rdiag, the rest above the diagonal of a.
 */
function householderSolve(
  a: Float64Array,
  m: number,
  q: number,
  rhs: Float64Array,
  rdiag: Float64Array,
  x: Float64Array,
): boolean {
  for (let k = 0; k < q; k++) {
    const col = k * m;
    let ss = 0;
    for (let i = k; i < m; i++) ss += a[col + i] * a[col + i];
    let norm = Math.sqrt(ss);
    if (!(norm > 1e-150 && norm < 1e150)) {
      // rescaled norm when the plain sum of squares under- or overflows
      let amax = 0;
      for (let i = k; i < m; i++) amax = Math.max(amax, Math.abs(a[col + i]));
      if (amax === 0 || !Number.isFinite(amax)) return false;
      ss = 0;
      for (let i = k; i < m; i++) ss += (a[col + i] / amax) ** 2;
      norm = amax * Math.sqrt(ss);
    }
    if (a[col + k] > 0) norm = -norm;
    for (let i = k; i < m; i++) a[col + i] /= -norm;
    a[col + k] += 1;
    for (let j = k + 1; j < q; j++) {
      const cj = j * m;
      let s = 0;
      for (let i = k; i < m; i++) s += a[col + i] * a[cj + i];
      s = -s / a[col + k];
      for (let i = k; i < m; i++) a[cj + i] += s * a[col + i];
    }
    let s = 0;
    for (let i = k; i < m; i++) s += a[col + i] * rhs[i];
    s = -s / a[col + k];
    for (let i = k; i < m; i++) rhs[i] += s * a[col + i];
    rdiag[k] = norm;
  }
  // back substitution R x = Qᵀ rhs (R upper: rdiag on the diagonal, a above)
  for (let k = q - 1; k >= 0; k--) {
    let s = rhs[k];
    for (let j = k + 1; j < q; j++) s -= a[j * m + k] * x[j];
    x[k] = s / rdiag[k];
  }
  return true;
}

export function levenbergMarquardt(
  model: CurveModel,
  y: Float64Array,
  p0: Float64Array,
  opts: LmOptions = {},
  wsIn?: LmWorkspace,
): FitResult {
  const n = model.nPoints;
  const np = model.nParams;
  const ws = wsIn && wsIn.nPoints === n && wsIn.nParams === np ? wsIn : createLmWorkspace(np, n);
  const { lower, upper, weights, fixed } = opts;
  const central = opts.finiteDifferences === "central";
  const maxIter = opts.maxIterations ?? 200 * (np + 1);
  const ftol = opts.ftol ?? 1e-15;
  const xtol = opts.xtol ?? 1e-15;
  const gtol = opts.gtol ?? 1e-15;
  const p = ws.p;
  const { sqrtW, jac, g, diag, free, h, pTrial, rhs } = ws;
  const amat = ws.a;
  for (let j = 0; j < np; j++) {
    let v = p0[j];
    if (lower && v < lower[j]) v = lower[j];
    if (upper && v > upper[j]) v = upper[j];
    p[j] = v;
  }
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    if (!(w >= 0) || !Number.isFinite(y[i])) {
      return fail(
        p,
        "invalid-input",
        `sample ${i}: ${Number.isFinite(y[i]) ? `weight ${w}` : `value ${y[i]}`} is not usable`,
      );
    }
    sqrtW[i] = Math.sqrt(w);
  }
  let nFree = 0;
  for (let j = 0; j < np; j++) if (!fixed?.[j]) free[nFree++] = j;
  if (n < nFree || nFree === 0) return fail(p, "invalid-input", `${n} points for ${nFree} free parameters`);

  let F = residuals(model, y, p, ws, ws.r);
  if (!Number.isFinite(F)) return fail(p, "non-finite", "model is not finite at the starting point");
  let mu = -1;
  let nu = 2;
  let status: FitStatus = "max-iterations";
  let message = "iteration limit reached";
  let iter = 0;
  let needJ = true;
  diag.fill(0);
  const m = n + np;
  for (iter = 1; iter <= maxIter; iter++) {
    if (needJ) {
      jacobian(model, p, ws, lower, upper, central, opts.typicalScale);
      // weighted Jacobian of the residual is −√w ∂f/∂p; we keep J = √w ∂f/∂p and solve J h = r
      let gmax = 0;
      const rnorm = Math.sqrt(2 * F);
      // JᵀJ of the free parameters (column dot products); its diagonal gives the column norms
      const jtj = ws.jtj;
      for (let a = 0; a < nFree; a++) {
        const ja = free[a];
        for (let b = 0; b <= a; b++) {
          const jb = free[b];
          let v = 0;
          for (let i = 0; i < n; i++) v += sqrtW[i] * sqrtW[i] * jac[i * np + ja] * jac[i * np + jb];
          jtj[ja * np + jb] = v;
          jtj[jb * np + ja] = v;
        }
      }
      for (let k = 0; k < nFree; k++) {
        const j = free[k];
        let gj = 0;
        for (let i = 0; i < n; i++) gj += sqrtW[i] * jac[i * np + j] * ws.r[i];
        const cn = Math.sqrt(jtj[j * np + j]);
        if (cn > diag[j]) diag[j] = cn;
        if (diag[j] === 0) diag[j] = 1;
        g[j] = gj;
        if (cn > 0 && rnorm > 0) gmax = Math.max(gmax, Math.abs(gj) / (cn * rnorm));
      }
      if (!Number.isFinite(gmax)) return fail(p, "non-finite", "Jacobian is not finite");
      if (gmax <= gtol || F === 0) {
        status = "converged";
        message = F === 0 ? "exact fit" : "gtol: gradient orthogonal to residuals";
        break;
      }
      // with Marquardt scaling (D² ≈ diag JᵀJ) the damping is scale-free: μ₀ = τ = 1e-3
      if (mu < 0) mu = 1e-3;
      needJ = false;
    }
    // active set: free parameters on a bound with the descent direction pointing outward are held
    let q = 0;
    const cols = ws.cols;
    for (let k = 0; k < nFree; k++) {
      const j = free[k];
      const gj = g[j]; // descent direction in p is +g (h ≈ (JᵀJ)⁻¹ g)
      if (lower && p[j] <= lower[j] && gj < 0) continue;
      if (upper && p[j] >= upper[j] && gj > 0) continue;
      cols[q++] = j;
    }
    if (q === 0) {
      status = "converged";
      message = "all free parameters held at bounds";
      break;
    }
    let ok = choleskyStep(ws, q, mu);
    if (!ok) {
      // augmented matrix [J_q; √μ D_q] column-major, rhs [r; 0], Householder QR
      const sqrtMu = Math.sqrt(mu);
      for (let c = 0; c < q; c++) {
        const j = cols[c];
        const base = c * m;
        for (let i = 0; i < n; i++) amat[base + i] = sqrtW[i] * jac[i * np + j];
        for (let i = 0; i < q; i++) amat[base + n + i] = i === c ? sqrtMu * diag[j] : 0;
      }
      for (let i = 0; i < n; i++) rhs[i] = ws.r[i];
      for (let i = n; i < n + q; i++) rhs[i] = 0;
      ok = householderSolve(amat, n + q, q, ws.rhs, ws.rdiag, ws.h);
    }
    if (!ok) {
      mu *= nu;
      nu *= 2;
      if (mu > 1e300) return fail(p, "singular", "Jacobian is rank-deficient");
      continue;
    }
    // trial point (projected), effective step, predicted reduction
    pTrial.set(p);
    let stepNorm = 0;
    let pNorm = 0;
    for (let c = 0; c < q; c++) {
      const j = cols[c];
      let v = p[j] + h[c];
      if (lower && v < lower[j]) v = lower[j];
      if (upper && v > upper[j]) v = upper[j];
      pTrial[j] = v;
      stepNorm += (diag[j] * (v - p[j])) ** 2;
      pNorm += (diag[j] * p[j]) ** 2;
    }
    stepNorm = Math.sqrt(stepNorm);
    pNorm = Math.sqrt(pNorm);
    let pred = 0;
    for (let c = 0; c < q; c++) {
      const j = cols[c];
      const hj = pTrial[j] - p[j];
      pred += hj * (mu * diag[j] * diag[j] * hj + g[j]);
    }
    pred *= 0.5;
    const Fnew = residuals(model, y, ws.pTrial, ws, ws.rTrial);
    const rho = Number.isFinite(Fnew) && pred > 0 ? (F - Fnew) / pred : -1;
    if (rho > 0) {
      const actual = (F - Fnew) / Math.max(F, Number.MIN_VALUE);
      const predRel = pred / Math.max(F, Number.MIN_VALUE);
      p.set(ws.pTrial);
      ws.r.set(ws.rTrial);
      F = Fnew;
      mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
      nu = 2;
      needJ = true;
      if (actual <= ftol && predRel <= ftol) {
        status = "converged";
        message = "ftol: relative reduction of the sum of squares below tolerance";
        break;
      }
      if (stepNorm <= xtol * (pNorm + xtol)) {
        status = "converged";
        message = "xtol: relative step below tolerance";
        break;
      }
    } else {
      if (stepNorm <= xtol * (pNorm + xtol)) {
        status = "converged";
        message = "xtol: no further progress possible";
        break;
      }
      mu *= nu;
      nu *= 2;
      if (!Number.isFinite(mu) || mu > 1e300) {
        status = "failed";
        message = "damping overflow: no descent direction";
        break;
      }
    }
  }
  const rss = 2 * F;
  const wantStderr = opts.standardErrors !== false;
  const stderr = wantStderr
    ? standardErrors(model, p, ws, rss, nFree, !needJ, lower, upper, central, opts.typicalScale)
    : undefined;
  if (wantStderr && status === "converged" && stderr === undefined && n > nFree) {
    // a stop on a plateau where a parameter has no influence is not an optimum we can vouch for
    status = "singular";
    message = `${message}; Jacobian rank-deficient at the solution (a parameter is not identifiable)`;
  }
  return {
    params: Float64Array.from(p),
    stderr,
    rss,
    converged: status === "converged",
    status,
    iterations: Math.min(iter, maxIter),
    message,
  };
}

/** s²(JᵀJ)⁻¹ diagonal for the free parameters via QR of J; fixed parameters get 0. */
function standardErrors(
  model: CurveModel,
  p: Float64Array,
  ws: LmWorkspace,
  rss: number,
  nFree: number,
  jacobianCurrent: boolean,
  lower?: Float64Array,
  upper?: Float64Array,
  central = false,
  typical?: Float64Array,
): Float64Array | undefined {
  const n = ws.nPoints;
  const np = ws.nParams;
  if (n <= nFree) return undefined;
  if (!jacobianCurrent) {
    model.evaluate(p, ws.f);
    jacobian(model, p, ws, lower, upper, central, typical);
  }
  const s2 = rss / (n - nFree);
  const out = new Float64Array(np);
  // well-conditioned case: diagonal of (JᵀJ)⁻¹ from a Cholesky factor (O(n·p² + p³))
  {
    const { jtj, chol, free, sqrtW, jac } = ws;
    for (let a = 0; a < nFree; a++) {
      for (let b = 0; b <= a; b++) {
        let v = 0;
        for (let i = 0; i < n; i++) v += sqrtW[i] * sqrtW[i] * jac[i * np + free[a]] * jac[i * np + free[b]];
        jtj[a * np + b] = v;
      }
    }
    let ok = true;
    let dmin = Number.POSITIVE_INFINITY;
    let dmax = 0;
    for (let a = 0; a < nFree && ok; a++) {
      for (let b = 0; b <= a; b++) {
        let v = jtj[a * np + b];
        for (let k = 0; k < b; k++) v -= chol[a * np + k] * chol[b * np + k];
        if (a === b) {
          if (!(v > 0)) {
            ok = false;
            break;
          }
          chol[a * np + a] = Math.sqrt(v);
          dmin = Math.min(dmin, chol[a * np + a]);
          dmax = Math.max(dmax, chol[a * np + a]);
        } else chol[a * np + b] = v / chol[b * np + b];
      }
    }
    if (ok && dmin > 1e-6 * dmax) {
      // (JᵀJ)⁻¹ = L⁻ᵀL⁻¹: diagonal entry a = Σ_k (L⁻¹)_{k,a}²; solve L x = e_a per column
      const x = ws.h;
      for (let a = 0; a < nFree; a++) {
        let sum = 0;
        for (let k = 0; k < nFree; k++) {
          let v = k === a ? 1 : 0;
          for (let l = 0; l < k; l++) v -= chol[k * np + l] * x[l];
          x[k] = k < a ? 0 : v / chol[k * np + k];
          sum += x[k] * x[k];
        }
        const se = Math.sqrt(s2 * sum);
        if (!Number.isFinite(se)) return undefined;
        out[free[a]] = se;
      }
      return out;
    }
  }
  const m = n;
  for (let c = 0; c < nFree; c++) {
    const j = ws.free[c];
    for (let i = 0; i < n; i++) ws.a[c * m + i] = ws.sqrtW[i] * ws.jac[i * np + j];
  }
  ws.rhs.fill(0);
  if (!householderSolve(ws.a, m, nFree, ws.rhs, ws.rdiag, ws.h)) return undefined;
  // (JᵀJ)⁻¹ = R⁻¹R⁻ᵀ: diagonal = row norms² of R⁻¹
  const rinv = ws.rinv;
  for (let k = nFree - 1; k >= 0; k--) {
    rinv[k * nFree + k] = 1 / ws.rdiag[k];
    for (let j = k + 1; j < nFree; j++) {
      let s = 0;
      for (let l = k + 1; l <= j; l++) s += ws.a[l * m + k] * rinv[l * nFree + j];
      rinv[k * nFree + j] = -s / ws.rdiag[k];
    }
  }
  for (let k = 0; k < nFree; k++) {
    let s = 0;
    for (let j = k; j < nFree; j++) s += rinv[k * nFree + j] ** 2;
    const v = Math.sqrt(s2 * s);
    if (!Number.isFinite(v)) return undefined;
    out[ws.free[k]] = v;
  }
  return out;
}

function fail(p: Float64Array, status: FitStatus, message: string): FitResult {
  return {
    params: Float64Array.from(p),
    rss: Number.POSITIVE_INFINITY,
    converged: false,
    status,
    message,
    iterations: 0,
  };
}
