/**
 * ROC analysis with pROC's conventions (Robin et al., 2011, BMC Bioinformatics 12:77).
 *
 * Conventions (all chosen to reproduce pROC 1.18 `roc`, `ci.auc`, `roc.test`, `coords`):
 *  - direction: "<" means controls < cases (a case is called positive when marker > t);
 *    "auto" picks "<" when median(controls) ≤ median(cases), else ">" (pROC `roc.default`).
 *  - AUC: empirical = Mann–Whitney U/(m·n), a tie between a case and a control counts ½.
 *  - DeLong variance (DeLong, DeLong & Clarke-Pearson, 1988, Biometrics 44:837, eq. 2–4, in
 *    Sun & Xu's 2014 structural-component form): V10 for each case = mean ψ over controls,
 *    V01 for each control = mean ψ over cases; var = s²(V10)/n_cases + s²(V01)/n_controls with
 *    sample variances (n − 1). CI = AUC ± Φ⁻¹(1 − α/2)·√var, clipped to [0, 1].
 *  - paired test (roc.test method "delong", paired): z = (A1 − A2)/√(v1 + v2 − 2·cov), cov from
 *    the sample covariances of the structural components; p = 2·Φ(−|z|). Each marker keeps
 *    its own direction. Unpaired: z = (A1 − A2)/√(v1 + v2).
 *  - thresholds: −∞, midpoints between consecutive distinct observed values, +∞ (pROC); a
 *    positive call is marker > t for "<" and marker < t for ">". Youden "best" maximises
 *    sens + spec; on ties the lowest threshold is reported (all are listed in `bestThresholds`).
 *    Closest-to-(0,1) minimises (1 − sens)² + (1 − spec)².
 *  - sens/spec CIs at a threshold: Clopper–Pearson exact binomial (pROC uses a bootstrap;
 *    documented deviation — not part of the R conformance set).
 *  - bootstrap AUC CI: stratified resampling of cases and controls (pROC default), percentile
 *    interval (R type-7 quantiles), seeded `Rng`.
 * Numerics written here because no maintained TypeScript ROC library implements DeLong.
 */
import { InputError } from "../errors.js";
import { Rng } from "../random.js";
import { betaI, normalQuantile, normalSf } from "./distributions.js";

export type RocDirection = "<" | ">";

export interface RocPoint {
  threshold: number;
  sensitivity: number;
  specificity: number;
}

export interface RocResult {
  auc: number;
  direction: RocDirection;
  nCases: number;
  nControls: number;
  /** DeLong variance of the AUC */
  variance: number;
  ciLower: number;
  ciUpper: number;
  /** ROC points from threshold −∞ (sens 1, spec 0) to +∞ */
  points: RocPoint[];
  youden: RocPoint;
  bestThresholds: number[];
  closestTopLeft: RocPoint;
  /** DeLong structural components (per case, per control) for paired tests */
  v10: Float64Array;
  v01: Float64Array;
}

export interface RocOptions {
  direction?: "auto" | RocDirection;
  confLevel?: number;
}

function median(a: ArrayLike<number>): number {
  const s = Float64Array.from(a).sort();
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Split a marker by a binary outcome (1 = case, 0 = control). */
export function splitByOutcome(
  marker: ArrayLike<number>,
  outcome: ArrayLike<number>,
): { cases: Float64Array; controls: Float64Array } {
  const cases: number[] = [];
  const controls: number[] = [];
  for (let i = 0; i < marker.length; i++) {
    if (outcome[i] === 1) cases.push(marker[i]);
    else if (outcome[i] === 0) controls.push(marker[i]);
    else throw new InputError({ field: `outcome, row ${i + 1}`, value: outcome[i], expected: "0 or 1" });
  }
  return { cases: Float64Array.from(cases), controls: Float64Array.from(controls) };
}

export function autoDirection(cases: ArrayLike<number>, controls: ArrayLike<number>): RocDirection {
  return median(controls) <= median(cases) ? "<" : ">";
}

/** ψ(case, control) for direction "<": 1 if case > control, ½ if equal, else 0. */
function psi(x: number, y: number, dir: RocDirection): number {
  if (x === y) return 0.5;
  if (dir === "<") return x > y ? 1 : 0;
  return x < y ? 1 : 0;
}

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function cov(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - ma) * (b[i] - mb);
  return s / (a.length - 1);
}

/** Empirical AUC and DeLong structural components. */
export function delongComponents(
  cases: ArrayLike<number>,
  controls: ArrayLike<number>,
  dir: RocDirection,
): { auc: number; v10: Float64Array; v01: Float64Array; variance: number } {
  const n = cases.length;
  const m = controls.length;
  const v10 = new Float64Array(n);
  const v01 = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const p = psi(cases[i], controls[j], dir);
      v10[i] += p;
      v01[j] += p;
    }
  }
  for (let i = 0; i < n; i++) v10[i] /= m;
  for (let j = 0; j < m; j++) v01[j] /= n;
  const auc = mean(v10);
  const variance = cov(v10, v10) / n + cov(v01, v01) / m;
  return { auc, v10, v01, variance };
}

/** Sensitivity and specificity when "<": positive ⇔ marker > t (">": marker < t). */
export function sensSpecAt(
  cases: ArrayLike<number>,
  controls: ArrayLike<number>,
  t: number,
  dir: RocDirection,
): RocPoint {
  let tp = 0;
  let tn = 0;
  for (let i = 0; i < cases.length; i++) if (dir === "<" ? cases[i] > t : cases[i] < t) tp++;
  for (let j = 0; j < controls.length; j++) if (dir === "<" ? controls[j] <= t : controls[j] >= t) tn++;
  return { threshold: t, sensitivity: tp / cases.length, specificity: tn / controls.length };
}

/** pROC thresholds: −∞, midpoints of consecutive distinct values, +∞. */
export function rocThresholds(values: ArrayLike<number>): number[] {
  const all = Float64Array.from(values).sort();
  const uniq: number[] = [];
  for (const v of all) if (uniq.length === 0 || uniq[uniq.length - 1] !== v) uniq.push(v);
  const thr = [Number.NEGATIVE_INFINITY];
  for (let i = 1; i < uniq.length; i++) thr.push((uniq[i - 1] + uniq[i]) / 2);
  thr.push(Number.POSITIVE_INFINITY);
  return thr;
}

export function rocPoints(
  cases: ArrayLike<number>,
  controls: ArrayLike<number>,
  dir: RocDirection,
): RocPoint[] {
  const thr = rocThresholds([...Array.from(cases), ...Array.from(controls)]);
  return thr.map((t) => sensSpecAt(cases, controls, t, dir));
}

function checkGroups(cases: ArrayLike<number>, controls: ArrayLike<number>): void {
  if (cases.length < 2 || controls.length < 2) {
    throw new InputError({
      field: "outcome",
      value: { cases: cases.length, controls: controls.length },
      expected: "at least 2 cases (1) and 2 controls (0)",
    });
  }
}

export function roc(cases: ArrayLike<number>, controls: ArrayLike<number>, opts: RocOptions = {}): RocResult {
  checkGroups(cases, controls);
  const dir =
    opts.direction === undefined || opts.direction === "auto"
      ? autoDirection(cases, controls)
      : opts.direction;
  const { auc, v10, v01, variance } = delongComponents(cases, controls, dir);
  const z = normalQuantile(1 - (1 - (opts.confLevel ?? 0.95)) / 2);
  const sd = Math.sqrt(variance);
  const points = rocPoints(cases, controls, dir);
  let best = Number.NEGATIVE_INFINITY;
  for (const p of points) best = Math.max(best, p.sensitivity + p.specificity);
  const bestPts = points.filter((p) => p.sensitivity + p.specificity >= best - 1e-12);
  let closest = points[0];
  let dmin = Number.POSITIVE_INFINITY;
  for (const p of points) {
    const d = (1 - p.sensitivity) ** 2 + (1 - p.specificity) ** 2;
    if (d < dmin - 1e-15) {
      dmin = d;
      closest = p;
    }
  }
  return {
    auc,
    direction: dir,
    nCases: cases.length,
    nControls: controls.length,
    variance,
    ciLower: Math.max(0, auc - z * sd),
    ciUpper: Math.min(1, auc + z * sd),
    points,
    youden: bestPts[0],
    bestThresholds: bestPts.map((p) => p.threshold),
    closestTopLeft: closest,
    v10,
    v01,
  };
}

export interface RocTest {
  auc1: number;
  auc2: number;
  z: number;
  p: number;
}

/** Paired DeLong test: both markers measured on the same subjects (same case/control order). */
export function delongPaired(a: RocResult, b: RocResult): RocTest {
  if (a.v10.length !== b.v10.length || a.v01.length !== b.v01.length) {
    throw new InputError({ field: "markers", expected: "paired ROC curves on the same cases and controls" });
  }
  const c = cov(a.v10, b.v10) / a.v10.length + cov(a.v01, b.v01) / a.v01.length;
  const z = (a.auc - b.auc) / Math.sqrt(a.variance + b.variance - 2 * c);
  return { auc1: a.auc, auc2: b.auc, z, p: 2 * normalSf(Math.abs(z)) };
}

/** Unpaired DeLong test (independent samples). */
export function delongUnpaired(a: RocResult, b: RocResult): RocTest {
  const z = (a.auc - b.auc) / Math.sqrt(a.variance + b.variance);
  return { auc1: a.auc, auc2: b.auc, z, p: 2 * normalSf(Math.abs(z)) };
}

/** Beta(a, b) quantile by bisection on I_x(a, b) (100 halvings: exact to double precision). */
export function betaQuantile(p: number, a: number, b: number): number {
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (betaI(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Clopper–Pearson exact CI for k successes of n (Clopper & Pearson, 1934). */
export function clopperPearson(k: number, n: number, confLevel = 0.95): [number, number] {
  const a = (1 - confLevel) / 2;
  const lower = k === 0 ? 0 : betaQuantile(a, k, n - k + 1);
  const upper = k === n ? 1 : betaQuantile(1 - a, k + 1, n - k);
  return [lower, upper];
}

export interface SensSpecCi extends RocPoint {
  sensitivityCi: [number, number];
  specificityCi: [number, number];
}

export function sensSpecWithCi(
  cases: ArrayLike<number>,
  controls: ArrayLike<number>,
  t: number,
  dir: RocDirection,
  confLevel = 0.95,
): SensSpecCi {
  const p = sensSpecAt(cases, controls, t, dir);
  const tp = Math.round(p.sensitivity * cases.length);
  const tn = Math.round(p.specificity * controls.length);
  return {
    ...p,
    sensitivityCi: clopperPearson(tp, cases.length, confLevel),
    specificityCi: clopperPearson(tn, controls.length, confLevel),
  };
}

/** R's default (type 7) quantile of sorted data. */
export function quantile7(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Stratified bootstrap percentile CI of the AUC (direction fixed to the full-sample one). */
export function bootstrapAucCi(
  cases: ArrayLike<number>,
  controls: ArrayLike<number>,
  dir: RocDirection,
  opts: {
    replicates?: number;
    seed?: number;
    confLevel?: number;
    /** called with the number of replicates done, every 1 % of them */
    onProgress?: (done: number) => void;
  } = {},
): [number, number] {
  const reps = opts.replicates ?? 2000;
  if (!(Number.isInteger(reps) && reps >= 1))
    throw new InputError({ field: "replicates", value: reps, expected: "a positive integer" });
  const every = Math.max(1, Math.floor(reps / 100));
  const rng = new Rng(opts.seed ?? 1);
  const bc = new Float64Array(cases.length);
  const bk = new Float64Array(controls.length);
  const aucs = new Float64Array(reps);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < bc.length; i++) bc[i] = cases[rng.int(bc.length)];
    for (let j = 0; j < bk.length; j++) bk[j] = controls[rng.int(bk.length)];
    let s = 0;
    for (let i = 0; i < bc.length; i++) for (let j = 0; j < bk.length; j++) s += psi(bc[i], bk[j], dir);
    aucs[r] = s / (bc.length * bk.length);
    if (opts.onProgress && ((r + 1) % every === 0 || r + 1 === reps)) opts.onProgress(r + 1);
  }
  aucs.sort();
  const a = (1 - (opts.confLevel ?? 0.95)) / 2;
  return [quantile7(aucs, a), quantile7(aucs, 1 - a)];
}
