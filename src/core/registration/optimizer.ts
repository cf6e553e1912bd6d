/**
 * Regular-step gradient descent (ITK RegularStepGradientDescentOptimizer) in scaled parameters
 * q = s ⊙ p (s = ρ for rotation angles and matrix entries, ρ = RMS radius of the samples about
 * the centre, 1 for translations), so one step moves image points by about `step` mm whatever
 * the parameter:
 *   q ← q − step · ĝ/‖ĝ‖,  ĝ = ∂E/∂q = (∂E/∂p)/s
 * The step is multiplied by `relaxation` whenever the gradient direction reverses (ĝ·ĝ_prev < 0,
 * the minimum was overstepped) and the descent stops when step < minStep, after maxIterations, or
 * when ‖ĝ‖ < gradientTolerance. It needs no line search, is robust to the small non-smoothness of
 * interpolated image metrics and ends within about minStep mm of the minimum.
 */

export interface StepOptions {
  maxStep: number;
  minStep: number;
  maxIterations: number;
  relaxation?: number;
  gradientTolerance?: number;
}

export interface StepResult {
  p: number[];
  value: number;
  iterations: number;
  stop: "min-step" | "max-iterations" | "gradient" | "no-samples";
}

export function regularStepDescent(
  evaluate: (p: number[]) => { value: number; gradient: number[] },
  p0: number[],
  scales: number[],
  o: StepOptions,
): StepResult {
  const relax = o.relaxation ?? 0.5;
  const gtol = o.gradientTolerance ?? 1e-12;
  let p = p0.slice();
  let step = o.maxStep;
  let prev: number[] | null = null;
  let value = Number.NaN;
  let best = { p: p.slice(), value: Number.POSITIVE_INFINITY };
  for (let it = 0; it < o.maxIterations; it++) {
    const e = evaluate(p);
    value = e.value;
    if (!Number.isFinite(value))
      return { p: best.value < Infinity ? best.p : p, value: best.value, iterations: it, stop: "no-samples" };
    if (value < best.value) best = { p: p.slice(), value };
    const g = e.gradient.map((gi, i) => gi / scales[i]);
    const norm = Math.hypot(...g);
    if (!(norm > gtol)) return { p, value, iterations: it + 1, stop: "gradient" };
    if (prev) {
      let dot = 0;
      for (let i = 0; i < g.length; i++) dot += g[i] * prev[i];
      if (dot < 0) step *= relax;
    }
    if (step < o.minStep) return { p, value, iterations: it + 1, stop: "min-step" };
    p = p.map((pi, i) => pi - (step * g[i]) / norm / scales[i]);
    prev = g;
  }
  const e = evaluate(p);
  return { p, value: e.value, iterations: o.maxIterations, stop: "max-iterations" };
}

/**
 * L-BFGS (Nocedal 1980; Nocedal & Wright, Numerical Optimization, Alg. 7.4) in the same scaled
 * parameters, with a backtracking Armijo line search whose first trial step is capped at
 * maxStep (mm). Used at full resolution after the regular-step descent: the image metrics are
 * flat, anisotropic valleys there (scale, shear and translation trade off), where steepest
 * descent zig-zags and stops early.
 */
export function lbfgs(
  evaluate: (p: number[]) => { value: number; gradient: number[] },
  p0: number[],
  scales: number[],
  o: { maxStep: number; maxIterations: number; memory?: number; tolerance?: number },
): StepResult {
  const mem = o.memory ?? 6;
  const tol = o.tolerance ?? 1e-9;
  const toQ = (p: number[]) => p.map((v, i) => v * scales[i]);
  const toP = (q: number[]) => q.map((v, i) => v / scales[i]);
  const ev = (q: number[]) => {
    const e = evaluate(toP(q));
    return { value: e.value, g: e.gradient.map((gi, i) => gi / scales[i]) };
  };
  let q = toQ(p0);
  let cur = ev(q);
  if (!Number.isFinite(cur.value)) return { p: p0, value: cur.value, iterations: 0, stop: "no-samples" };
  const S: number[][] = [];
  const Y: number[][] = [];
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  let it = 0;
  let stop: StepResult["stop"] = "max-iterations";
  for (; it < o.maxIterations; it++) {
    // two-loop recursion: d = −H·g
    const d = cur.g.map((v) => -v);
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k], d) / dot(Y[k], S[k]);
      alpha[k] = a;
      for (let i = 0; i < d.length; i++) d[i] -= a * Y[k][i];
    }
    if (S.length) {
      const gam = dot(S[S.length - 1], Y[S.length - 1]) / dot(Y[S.length - 1], Y[S.length - 1]);
      for (let i = 0; i < d.length; i++) d[i] *= gam;
    }
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k], d) / dot(Y[k], S[k]);
      for (let i = 0; i < d.length; i++) d[i] += S[k][i] * (alpha[k] - b);
    }
    let slope = dot(d, cur.g);
    if (!(slope < 0)) {
      // not a descent direction: restart with steepest descent
      S.length = 0;
      Y.length = 0;
      for (let i = 0; i < d.length; i++) d[i] = -cur.g[i];
      slope = dot(d, cur.g);
    }
    const dn = Math.hypot(...d);
    if (!(dn > 0)) {
      stop = "gradient";
      break;
    }
    let t = Math.min(1, o.maxStep / dn);
    let next: { value: number; g: number[] } | null = null;
    let qn = q;
    for (let ls = 0; ls < 20; ls++) {
      qn = q.map((v, i) => v + t * d[i]);
      const e = ev(qn);
      if (Number.isFinite(e.value) && e.value <= cur.value + 1e-4 * t * slope) {
        next = e;
        break;
      }
      t *= 0.5;
    }
    if (!next) {
      stop = "min-step";
      break;
    }
    const s = qn.map((v, i) => v - q[i]);
    const y = next.g.map((v, i) => v - cur.g[i]);
    const improvement = cur.value - next.value;
    q = qn;
    cur = next;
    if (dot(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > mem) {
        S.shift();
        Y.shift();
      }
    }
    if (improvement < tol * (Math.abs(cur.value) + tol)) {
      stop = "min-step";
      it++;
      break;
    }
  }
  return { p: toP(q), value: cur.value, iterations: it, stop };
}

export interface VectorResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
  stop: "tolerance" | "max-iterations" | "line-search" | "no-samples";
}

/**
 * L-BFGS for many parameters (the B-spline coefficients, typed arrays): the two-loop recursion
 * above without parameter scaling (all coefficients are displacements in mm), a backtracking
 * Armijo line search whose first trial step moves no coefficient by more than maxStep (mm) in
 * the first iteration and after a restart, and a stop when the last `patience` iterations
 * together decreased the cost by less than tolerance × the decrease since the start (a criterion
 * independent of the metric's offset: −NCC sits near −1 while the changes that matter are 10⁻⁶).
 */
export function lbfgsVector(
  evaluate: (x: Float64Array) => { value: number; gradient: Float64Array },
  x0: Float64Array,
  o: {
    maxIterations: number;
    maxStep: number;
    memory?: number;
    tolerance?: number;
    patience?: number;
  },
): VectorResult {
  const mem = o.memory ?? 7;
  const tol = o.tolerance ?? 1e-3;
  const patience = o.patience ?? 5;
  const n = x0.length;
  const dot = (a: Float64Array, b: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[i] * b[i];
    return s;
  };
  let x = Float64Array.from(x0);
  let cur = evaluate(x);
  let evaluations = 1;
  if (!Number.isFinite(cur.value))
    return { x, value: cur.value, iterations: 0, evaluations, stop: "no-samples" };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const history = [cur.value];
  let it = 0;
  let stop: VectorResult["stop"] = "max-iterations";
  const d = new Float64Array(n);
  for (; it < o.maxIterations; it++) {
    for (let i = 0; i < n; i++) d[i] = -cur.gradient[i];
    const alpha: number[] = [];
    for (let k = S.length - 1; k >= 0; k--) {
      const a = rho[k] * dot(S[k], d);
      alpha[k] = a;
      const yk = Y[k];
      for (let i = 0; i < n; i++) d[i] -= a * yk[i];
    }
    if (S.length) {
      // H₀ = γI, γ = sᵀy / yᵀy (Nocedal & Wright eq. 7.20)
      const last = S.length - 1;
      const gam = dot(S[last], Y[last]) / dot(Y[last], Y[last]);
      for (let i = 0; i < n; i++) d[i] *= gam;
    }
    for (let k = 0; k < S.length; k++) {
      const b = rho[k] * dot(Y[k], d);
      const sk = S[k];
      for (let i = 0; i < n; i++) d[i] += sk[i] * (alpha[k] - b);
    }
    let slope = dot(d, cur.gradient);
    if (!(slope < 0)) {
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -cur.gradient[i];
      slope = dot(d, cur.gradient);
    }
    let dmax = 0;
    for (let i = 0; i < n; i++) dmax = Math.max(dmax, Math.abs(d[i]));
    if (!(dmax > 0)) {
      stop = "tolerance";
      break;
    }
    let t = S.length ? 1 : o.maxStep / dmax;
    if (t * dmax > 4 * o.maxStep) t = (4 * o.maxStep) / dmax;
    let next: { value: number; gradient: Float64Array } | null = null;
    const xn = new Float64Array(n);
    for (let ls = 0; ls < 16; ls++) {
      for (let i = 0; i < n; i++) xn[i] = x[i] + t * d[i];
      const e = evaluate(xn);
      evaluations++;
      if (Number.isFinite(e.value) && e.value <= cur.value + 1e-4 * t * slope) {
        next = e;
        break;
      }
      t *= 0.5;
    }
    if (!next) {
      if (S.length) {
        // discard the curvature memory and retry once along the steepest descent
        S.length = 0;
        Y.length = 0;
        rho.length = 0;
        continue;
      }
      stop = "line-search";
      break;
    }
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xn[i] - x[i];
      y[i] = next.gradient[i] - cur.gradient[i];
    }
    const sy = dot(s, y);
    x = xn;
    cur = next;
    if (sy > 1e-12) {
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
      if (S.length > mem) {
        S.shift();
        Y.shift();
        rho.shift();
      }
    }
    history.push(cur.value);
    const h = history.length - 1;
    if (h >= patience && history[h - patience] - cur.value < tol * (history[0] - cur.value)) {
      stop = "tolerance";
      it++;
      break;
    }
  }
  return { x, value: cur.value, iterations: it, evaluations, stop };
}
