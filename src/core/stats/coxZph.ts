/**
 * Proportional-hazards test from scaled Schoenfeld residuals, as R `survival::cox.zph`
 * (survival ≥ 3.0; Grambsch & Therneau, 1994, Biometrika 81:515).
 *
 * The test is the score test of γ = 0 in the extended model with covariates [x, x·g(t)],
 * evaluated at (β̂, 0): U_γ = Σ_events g(t_i)·r_i (r_i = Schoenfeld residual
 * x_i − x̄(β̂, t_i)); information blocks I_ββ = Σ V(t), I_βγ = Σ g(t)V(t), I_γγ = Σ g(t)²V(t),
 * with V(t) the risk-set covariance, averaged over the tied deaths as Efron's approximation does
 * (the same sums as the Cox fit). Per covariate j: the score test on the block {β, γ_j}
 * (df 1); GLOBAL: on the full block (df p). Transform g: "km" (default, as cox.zph) =
 * 1 − left-continuous pooled Kaplan–Meier S(t−); "identity", "log", "rank" (mid-ranks of all
 * times, as R's rank()).
 */
import { inverse, Matrix } from "ml-matrix";
import { ranks } from "./correlation.js";
import type { CoxResult } from "./cox.js";
import { chiSquareSf } from "./distributions.js";
import { kaplanMeier } from "./kaplanMeier.js";

export type ZphTransform = "km" | "identity" | "log" | "rank";

export interface ZphTerm {
  name: string;
  chisq: number;
  df: number;
  p: number;
}

export interface ZphResult {
  terms: ZphTerm[];
  global: ZphTerm;
  transform: ZphTransform;
}

/** g(t_i) for every observation. */
export function zphTransform(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  transform: ZphTransform,
): Float64Array {
  const n = time.length;
  if (transform === "identity") return Float64Array.from(time);
  if (transform === "log") return Float64Array.from(time, (t) => Math.log(t));
  if (transform === "rank") return ranks(time);
  const km = kaplanMeier(time, event);
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 1;
    for (const st of km.steps) {
      if (st.time >= time[i]) break;
      s = st.surv;
    }
    return 1 - s;
  });
}

export function coxZph(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  covariates: ArrayLike<number>[],
  fit: CoxResult,
  transform: ZphTransform = "km",
): ZphResult {
  const n = time.length;
  const p = covariates.length;
  const beta = fit.terms.map((t) => t.coef);
  const g = zphTransform(time, event, transform);
  const x = covariates.map((c) => {
    let m = 0;
    for (let i = 0; i < n; i++) m += c[i];
    m /= n;
    return Float64Array.from({ length: n }, (_, i) => c[i] - m);
  });
  const w = Float64Array.from({ length: n }, (_, i) => {
    let e = 0;
    for (let j = 0; j < p; j++) e += x[j][i] * beta[j];
    return Math.exp(e);
  });
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => time[a] - time[b]);
  const q = 2 * p;
  const U = new Float64Array(q);
  const I = Matrix.zeros(q, q);
  const s1 = new Float64Array(p);
  const s2 = new Float64Array(p * p);
  const d1 = new Float64Array(p);
  const d2 = new Float64Array(p * p);
  let s0 = 0;
  for (let k = n - 1; k >= 0; ) {
    const t = time[order[k]];
    let d = 0;
    let dd0 = 0;
    d1.fill(0);
    d2.fill(0);
    const sumX = new Float64Array(p);
    let gt = 0;
    while (k >= 0 && time[order[k]] === t) {
      const i = order[k];
      s0 += w[i];
      for (let a = 0; a < p; a++) {
        s1[a] += w[i] * x[a][i];
        for (let b = 0; b < p; b++) s2[a * p + b] += w[i] * x[a][i] * x[b][i];
      }
      if (event[i]) {
        d++;
        dd0 += w[i];
        gt = g[i];
        for (let a = 0; a < p; a++) {
          sumX[a] += x[a][i];
          d1[a] += w[i] * x[a][i];
          for (let b = 0; b < p; b++) d2[a * p + b] += w[i] * x[a][i] * x[b][i];
        }
      }
      k--;
    }
    for (let l = 0; l < d; l++) {
      const f = l / d;
      const z0 = s0 - f * dd0;
      for (let a = 0; a < p; a++) {
        const ma = (s1[a] - f * d1[a]) / z0;
        const r = (l === 0 ? sumX[a] : 0) - ma; // Σ_D x counted once per time
        U[a] += r;
        U[p + a] += gt * r;
        for (let b = 0; b < p; b++) {
          const mb = (s1[b] - f * d1[b]) / z0;
          const v = (s2[a * p + b] - f * d2[a * p + b]) / z0 - ma * mb;
          I.set(a, b, I.get(a, b) + v);
          I.set(a, p + b, I.get(a, p + b) + gt * v);
          I.set(p + a, b, I.get(p + a, b) + gt * v);
          I.set(p + a, p + b, I.get(p + a, p + b) + gt * gt * v);
        }
      }
    }
  }
  const scoreTest = (idx: number[]): number => {
    const sub = new Matrix(idx.map((a) => idx.map((b) => I.get(a, b))));
    const u = Matrix.columnVector(idx.map((a) => U[a]));
    return u.transpose().mmul(inverse(sub)).mmul(u).get(0, 0);
  };
  const base = Array.from({ length: p }, (_, j) => j);
  const terms = fit.terms.map((t, j) => {
    const chisq = scoreTest([...base, p + j]);
    return { name: t.name, chisq, df: 1, p: chiSquareSf(chisq, 1) };
  });
  const gchi = scoreTest(Array.from({ length: q }, (_, j) => j));
  return { terms, global: { name: "GLOBAL", chisq: gchi, df: p, p: chiSquareSf(gchi, p) }, transform };
}
