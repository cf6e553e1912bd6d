/**
 * Kaplan–Meier survival estimate with R `survival::survfit` defaults (Therneau, survival 3.x).
 *
 *   S(t) = Π_{t_i ≤ t} (1 − d_i/n_i)                    (Kaplan & Meier, 1958, JASA 53:457)
 *   Var[log S(t)] = Σ_{t_i ≤ t} d_i / (n_i (n_i − d_i))  (Greenwood, 1926)
 *   CI ("log", survfit default): S·exp(±z·√Var[log S]), capped at 1.
 * Median (quantile.survfit): the first time S(t) ≤ ½; when S equals ½ (within √ε) on an
 * interval, the midpoint of that interval (between the time S reached ½ and the next event
 * time). The median CI is the same rule applied to the upper and lower confidence curves
 * (Brookmeyer & Crowley, 1982); `null` when a curve never reaches ½.
 * Times are in the data's own unit. Event coded 1 = event, 0 = censored (convert Surv's 1/2
 * coding first with `eventIndicator`).
 * Written here because no maintained TS library implements survfit's conventions.
 */
import { InputError } from "../errors.js";
import { normalQuantile } from "./distributions.js";

export interface KmStep {
  time: number;
  nRisk: number;
  nEvent: number;
  nCensor: number;
  surv: number;
  /** standard error of log S (Greenwood); Infinity once S = 0 */
  stdErrLog: number;
  lower: number;
  upper: number;
}

export interface KmResult {
  n: number;
  nEvents: number;
  steps: KmStep[];
  median: number | null;
  medianLower: number | null;
  medianUpper: number | null;
}

/**
 * Convert an event column coded like R's Surv: 0/1 (0 = censored, 1 = event) or 1/2
 * (1 = censored, 2 = event; used when any 2 is present and no 0). Other codes are errors.
 */
export function eventIndicator(codes: ArrayLike<number>, field = "event"): Uint8Array {
  let has2 = false;
  let has0 = false;
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c !== 0 && c !== 1 && c !== 2) {
      throw new InputError({
        field: `column ${field}, row ${i + 1}`,
        value: c,
        expected: "0/1 (1 = event) or 1/2 (2 = event)",
      });
    }
    if (c === 2) has2 = true;
    if (c === 0) has0 = true;
  }
  if (has0 && has2) {
    throw new InputError({
      field: `column ${field}`,
      value: "0, 1 and 2",
      expected: "either 0/1 or 1/2 coding",
    });
  }
  const out = new Uint8Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = (has2 ? codes[i] === 2 : codes[i] === 1) ? 1 : 0;
  return out;
}

export function kaplanMeier(time: ArrayLike<number>, event: ArrayLike<number>, confLevel = 0.95): KmResult {
  const n = time.length;
  if (n === 0) throw new InputError({ field: "time", expected: "at least one observation" });
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  const steps: KmStep[] = [];
  let s = 1;
  let v = 0;
  let atRisk = n;
  let nEvents = 0;
  for (let k = 0; k < n; ) {
    const t = time[idx[k]];
    let d = 0;
    let c = 0;
    while (k < n && time[idx[k]] === t) {
      if (event[idx[k]]) d++;
      else c++;
      k++;
    }
    nEvents += d;
    if (d > 0) {
      s *= 1 - d / atRisk;
      v = atRisk === d ? Number.POSITIVE_INFINITY : v + d / (atRisk * (atRisk - d));
    }
    const se = Math.sqrt(v);
    const ok = s > 0 && Number.isFinite(se);
    steps.push({
      time: t,
      nRisk: atRisk,
      nEvent: d,
      nCensor: c,
      surv: s,
      stdErrLog: se,
      lower: ok ? s * Math.exp(-z * se) : 0,
      upper: ok ? Math.min(1, s * Math.exp(z * se)) : 0,
    });
    atRisk -= d + c;
  }
  const ev = steps.filter((st) => st.nEvent > 0);
  const times = ev.map((st) => st.time);
  return {
    n,
    nEvents,
    steps,
    median: findQuantileTime(
      times,
      ev.map((st) => st.surv),
    ),
    medianLower: findQuantileTime(
      times,
      ev.map((st) => st.lower),
    ),
    medianUpper: findQuantileTime(
      times,
      ev.map((st) => st.upper),
    ),
  };
}

/** First time the step curve y reaches ≤ target; midpoint rule on an exact plateau (survfit). */
export function findQuantileTime(times: number[], y: number[], target = 0.5): number | null {
  const tol = Math.sqrt(2.220446049250313e-16);
  for (let i = 0; i < y.length; i++) {
    if (Math.abs(y[i] - target) < tol) {
      for (let j = i + 1; j < y.length; j++) if (y[j] < y[i] - tol) return (times[i] + times[j]) / 2;
      return times[i];
    }
    if (y[i] < target) return times[i];
  }
  return null;
}

/** Numbers at risk at the given times (subjects with time ≥ t). */
export function numbersAtRisk(time: ArrayLike<number>, at: number[]): number[] {
  return at.map((t) => {
    let c = 0;
    for (let i = 0; i < time.length; i++) if (time[i] >= t) c++;
    return c;
  });
}

/** Survival at time t (right-continuous step function). */
export function survivalAt(km: KmResult, t: number): number {
  let s = 1;
  for (const st of km.steps) {
    if (st.time > t) break;
    s = st.surv;
  }
  return s;
}
