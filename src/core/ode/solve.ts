/**
 * Initial-value ODE solvers y' = f(t, y):
 *  - "rk45": Dormand–Prince 5(4) with FSAL, PI step-size control and Hermite-cubic dense
 *    output (Dormand & Prince 1980; Hairer, Nørsett & Wanner, "Solving ODEs I", §II.4–5);
 *  - "rosenbrock": the L-stable Rosenbrock–W pair of MATLAB's ode23s (Shampine & Reichelt 1997,
 *    "The MATLAB ODE suite", §3.1), d = 1/(2 + √2), finite-difference Jacobian, for stiff
 *    systems (PBPK, Robertson kinetics).
 * Events at fixed times (e.g. doses) stop the integration exactly there and let `apply` change
 * the state (bolus added to a compartment) before continuing. Results are reported at `tEval`
 * (dense output) or at every accepted step.
 * Written here: no maintained TypeScript ODE package offers both a stiff solver and events.
 */
import { AnalysisError, InputError } from "../errors.js";

export type OdeRhs = (t: number, y: Float64Array, dydt: Float64Array) => void;

export interface TimeEvent {
  time: number;
  apply: (y: Float64Array) => void;
}

export interface OdeOptions {
  method?: "rk45" | "rosenbrock";
  rtol?: number;
  atol?: number;
  /** report times (sorted, within [t0, tEnd]); default: every accepted step */
  tEval?: ArrayLike<number>;
  events?: TimeEvent[];
  maxSteps?: number;
  initialStep?: number;
}

export interface OdeSolution {
  t: number[];
  y: Float64Array[];
  steps: number;
  rejected: number;
  evaluations: number;
}

// Dormand–Prince coefficients
const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1, 1];
const A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84],
];
// the 5th-order weights equal the last row of A (FSAL): stage 7 is the new solution
const E = [71 / 57600, 0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40];

function errNorm(err: Float64Array, y0: Float64Array, y1: Float64Array, rtol: number, atol: number): number {
  let s = 0;
  for (let i = 0; i < err.length; i++) {
    const sc = atol + rtol * Math.max(Math.abs(y0[i]), Math.abs(y1[i]));
    s += (err[i] / sc) ** 2;
  }
  return Math.sqrt(s / err.length);
}

/** cubic Hermite interpolation between (t0,y0,f0) and (t1,y1,f1) */
function hermite(
  t0: number,
  y0: Float64Array,
  f0: Float64Array,
  t1: number,
  y1: Float64Array,
  f1: Float64Array,
  t: number,
): Float64Array {
  const h = t1 - t0;
  const s = (t - t0) / h;
  const h00 = 2 * s ** 3 - 3 * s ** 2 + 1;
  const h10 = s ** 3 - 2 * s ** 2 + s;
  const h01 = -2 * s ** 3 + 3 * s ** 2;
  const h11 = s ** 3 - s ** 2;
  const out = new Float64Array(y0.length);
  for (let i = 0; i < y0.length; i++) out[i] = h00 * y0[i] + h10 * h * f0[i] + h01 * y1[i] + h11 * h * f1[i];
  return out;
}

/** solve a small dense linear system (Gaussian elimination, partial pivoting) in place */
function luSolve(m: Float64Array, n: number, piv: Int32Array, factor: boolean, b: Float64Array): void {
  if (factor) {
    for (let k = 0; k < n; k++) {
      let p = k;
      for (let i = k + 1; i < n; i++) if (Math.abs(m[i * n + k]) > Math.abs(m[p * n + k])) p = i;
      piv[k] = p;
      if (m[p * n + k] === 0) throw new AnalysisError("ODE: singular iteration matrix");
      if (p !== k) for (let j = 0; j < n; j++) [m[k * n + j], m[p * n + j]] = [m[p * n + j], m[k * n + j]];
      for (let i = k + 1; i < n; i++) {
        m[i * n + k] /= m[k * n + k];
        const f = m[i * n + k];
        for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      }
    }
  }
  for (let k = 0; k < n; k++) {
    const p = piv[k];
    if (p !== k) [b[k], b[p]] = [b[p], b[k]];
    for (let i = k + 1; i < n; i++) b[i] -= m[i * n + k] * b[k];
  }
  for (let k = n - 1; k >= 0; k--) {
    let s = b[k];
    for (let j = k + 1; j < n; j++) s -= m[k * n + j] * b[j];
    b[k] = s / m[k * n + k];
  }
}

export function solveOde(
  f: OdeRhs,
  t0: number,
  y0In: ArrayLike<number>,
  tEnd: number,
  opts: OdeOptions = {},
): OdeSolution {
  if (!(tEnd > t0)) throw new InputError({ field: "tEnd", value: tEnd, expected: `a time after t0 = ${t0}` });
  const n = y0In.length;
  const rtol = opts.rtol ?? 1e-6;
  const atol = opts.atol ?? 1e-9;
  const maxSteps = opts.maxSteps ?? 100_000;
  const method = opts.method ?? "rk45";
  const events = [...(opts.events ?? [])]
    .filter((e) => e.time >= t0 && e.time <= tEnd)
    .sort((a, b) => a.time - b.time);
  const tEval = opts.tEval ? Array.from(opts.tEval) : null;
  const out: OdeSolution = { t: [], y: [], steps: 0, rejected: 0, evaluations: 0 };
  let y: Float64Array = Float64Array.from(y0In);
  let t = t0;
  let evalIdx = 0;
  const record = (tt: number, yy: Float64Array) => {
    out.t.push(tt);
    out.y.push(Float64Array.from(yy));
  };
  const fEval = (tt: number, yy: Float64Array, d: Float64Array) => {
    out.evaluations++;
    f(tt, yy, d);
  };
  // events at t0 apply before the first step
  while (events.length && events[0].time === t0) (events.shift() as TimeEvent).apply(y);
  if (!tEval) record(t, y);
  else while (evalIdx < tEval.length && tEval[evalIdx] <= t0) record(tEval[evalIdx++], y);
  let h = opts.initialStep ?? Math.min(tEnd - t0, 1e-3 * Math.max(1, tEnd - t0));
  const k = Array.from({ length: 7 }, () => new Float64Array(n));
  const ytmp = new Float64Array(n);
  const err = new Float64Array(n);
  const f0 = new Float64Array(n);
  const f1 = new Float64Array(n);
  // Rosenbrock scratch
  const d = 1 / (2 + Math.SQRT2);
  const e32 = 6 + Math.SQRT2;
  const J = new Float64Array(n * n);
  const W = new Float64Array(n * n);
  const piv = new Int32Array(n);
  const ft = new Float64Array(n);
  fEval(t, y, f0);
  while (t < tEnd) {
    const stop = events.length ? Math.min(events[0].time, tEnd) : tEnd;
    if (out.steps >= maxSteps)
      throw new AnalysisError(
        `ODE: more than ${maxSteps} steps before t = ${stop} (problem too stiff for ${method}?)`,
      );
    if (t + h > stop) h = stop - t;
    let ynew: Float64Array;
    let enorm: number;
    if (method === "rk45") {
      k[0].set(f0);
      for (let s = 1; s < 7; s++) {
        for (let i = 0; i < n; i++) {
          let acc = y[i];
          for (let j = 0; j < s; j++) acc += h * A[s][j] * k[j][i];
          ytmp[i] = acc;
        }
        fEval(t + C[s] * h, ytmp, k[s]);
      }
      ynew = Float64Array.from(ytmp); // stage 7 is the 5th-order solution (FSAL)
      for (let i = 0; i < n; i++) {
        let e = 0;
        for (let s = 0; s < 7; s++) e += E[s] * k[s][i];
        err[i] = h * e;
      }
      enorm = errNorm(err, y, ynew, rtol, atol);
      if (enorm <= 1) f1.set(k[6]);
    } else {
      // Jacobian and ∂f/∂t by forward differences
      for (let j = 0; j < n; j++) {
        const dy = Math.sqrt(2.2e-16) * Math.max(Math.abs(y[j]), 1e-8);
        ytmp.set(y);
        ytmp[j] += dy;
        fEval(t, ytmp, k[6]);
        for (let i = 0; i < n; i++) J[i * n + j] = (k[6][i] - f0[i]) / dy;
      }
      const dt = Math.sqrt(2.2e-16) * Math.max(Math.abs(t), 1e-8);
      fEval(t + dt, y, k[6]);
      for (let i = 0; i < n; i++) ft[i] = (k[6][i] - f0[i]) / dt;
      for (let i = 0; i < n * n; i++) W[i] = -h * d * J[i];
      for (let i = 0; i < n; i++) W[i * n + i] += 1;
      const k1 = k[0];
      const k2 = k[1];
      const k3 = k[2];
      for (let i = 0; i < n; i++) k1[i] = f0[i] + h * d * ft[i];
      luSolve(W, n, piv, true, k1);
      for (let i = 0; i < n; i++) ytmp[i] = y[i] + 0.5 * h * k1[i];
      const F1 = k[3];
      fEval(t + 0.5 * h, ytmp, F1);
      for (let i = 0; i < n; i++) k2[i] = F1[i] - k1[i];
      luSolve(W, n, piv, false, k2);
      for (let i = 0; i < n; i++) k2[i] += k1[i];
      ynew = new Float64Array(n);
      for (let i = 0; i < n; i++) ynew[i] = y[i] + h * k2[i];
      fEval(t + h, ynew, f1);
      for (let i = 0; i < n; i++) k3[i] = f1[i] - e32 * (k2[i] - F1[i]) - 2 * (k1[i] - f0[i]) + h * d * ft[i];
      luSolve(W, n, piv, false, k3);
      for (let i = 0; i < n; i++) err[i] = (h / 6) * (k1[i] - 2 * k2[i] + k3[i]);
      enorm = errNorm(err, y, ynew, rtol, atol);
    }
    const order = method === "rk45" ? 5 : 3;
    if (!Number.isFinite(enorm)) {
      h /= 10;
      out.rejected++;
      if (h < 1e-14 * Math.max(1, Math.abs(t)))
        throw new AnalysisError(`ODE: non-finite solution near t = ${t}`);
      continue;
    }
    if (enorm <= 1) {
      const tNew = t + h;
      if (tEval) {
        while (evalIdx < tEval.length && tEval[evalIdx] <= tNew) {
          const te = tEval[evalIdx++];
          record(te, te === tNew ? ynew : hermite(t, y, f0, tNew, ynew, f1, te));
        }
      } else record(tNew, ynew);
      t = tNew;
      y = ynew;
      f0.set(f1);
      out.steps++;
      if (events.length && Math.abs(t - events[0].time) <= 1e-12 * Math.max(1, Math.abs(t))) {
        t = events[0].time;
        (events.shift() as TimeEvent).apply(y);
        fEval(t, y, f0);
        h = opts.initialStep ?? Math.min(h, 1e-3 * Math.max(1, tEnd - t0));
        continue;
      }
      h *= Math.min(5, Math.max(0.2, 0.9 * enorm ** (-1 / order)));
    } else {
      out.rejected++;
      h *= Math.max(0.1, 0.9 * enorm ** (-1 / order));
    }
  }
  return out;
}
