/**
 * Super-time-stepping of particleTransport.ts (scheme "rkl2"). The linear operator
 *   L(c, t) = −(1/V)·Σ_faces F(c) + a·Cp(t) − (k/φ + k_L)·c
 * (the explicit kernels' Scharfetter–Gummel face fluxes with the Dirichlet surface, the vascular
 * source, back-flux and lymph) is advanced by RKL2, the second-order Runge–Kutta–Legendre method
 * (Meyer, Balsara & Aslam 2012, MNRAS 422:2102, §3; 2014 J Comput Phys 257:594, eqs. 16–18):
 *   Y₀ = cⁿ, Y₁ = Y₀ + μ̃₁τ·L(Y₀),
 *   Y_j = μ_j·Y_{j−1} + ν_j·Y_{j−2} + (1 − μ_j − ν_j)·Y₀ + μ̃_j τ·L(Y_{j−1}) + γ̃_j τ·L(Y₀),  j = 2…s,
 *   cⁿ⁺¹ = Y_s,  b_j = (j² + j − 2)/(2j(j + 1)) (b₀ = b₁ = 1/3), a_j = 1 − b_j, w₁ = 4/(s² + s − 2),
 *   μ̃₁ = b₁w₁, μ_j = (2j − 1)/j·b_j/b_{j−1}, ν_j = −(j − 1)/j·b_j/b_{j−2}, μ̃_j = μ_j w₁, γ̃_j = −a_{j−1}μ̃_j;
 * L(Y_k) is evaluated at the stage time tⁿ + c_k·τ (c_k: the same recursion applied to L ≡ 1), which
 * makes the method second order for the time-dependent source too (autonomous form, t′ = 1).
 * Stable for τ ≤ Δt_E·(s² + s − 2)/4, Δt_E = 2/ρ(L), ρ bounded by Gershgorin (max_i of
 * (Σout_i + Σin_i)/V_i + k/φ + k_L; tight for real spectra — the Scharfetter–Gummel operator of a Darcy
 * flow is symmetrisable, Pe = R_F·K·Δp/D being a potential difference); `safety` of it is used.
 * Stability polynomial R_s(z) = a_s + b_s·P_s(1 + w₁z) (P_s Legendre), 0 < R_s ≤ 1 on the interval.
 * Why not Strang-split the source and losses too: the boundary cells exchange with the exterior on
 * a time scale ~ h²/D ≪ τ, so local(τ/2)·transport(τ)·local(τ/2) leaves an O(a·Cp·τ) error there
 * (measured: 23 % in the surface cell of a 1D problem at τ = 300 s, vs 1e-4 unsplit); these terms are
 * not stiff relative to the super-step (their rates only add to ρ). Binding (k_on, k_off: mass
 * conserving, possibly stiff) stays exact and Strang-split: bind(τ/2)·RKL2(τ)·bind(τ/2).
 * Booking (each stage with its RKL weight): Y_s − Y₀ = τ·Σ_k β_k·L(Y_k), β from the stage recursion
 * (rkl2Coefficients), and Σ_i V_i·L(Y_k)_i = src_k − lym_k − out_k (internal fluxes cancel), so the
 * super-step books τ·Σ_k β_k·(src_k, lym_k, out_k) — closes the balance to rounding.
 * Positivity: RKL2 is not positivity preserving; a super-step whose Y_s has a negative cell is
 * rejected and redone as two super-steps of τ/2 (recursively), down to a forward-Euler step within
 * the positivity limit V/(Σout + (k/φ + k_L)V) (positive). Rejections are counted (RklStats), and so
 * is any negative value still written (none in the tests).
 * The driver (rkl2Run) emits batches of operations (op codes below) and books their sums; the
 * face-list backend here, gridKernel.ts (structured, serial) and engine/transport (worker threads)
 * execute them, so every path steps through the same schedule.
 */
import { InputError } from "../errors.js";
import type { PreparedTransport, TransportReport } from "./particleTransport.js";

/** doubles per operation record */
export const OP = 12;
/** explicit step of the existing kernels: [dt, cp, parity] */
export const OP_EXPLICIT = 0;
/** exact binding exchange (bindingExact) over h on buffer buf: [h, buf] (sums 0) */
export const OP_BIND = 1;
/** first RKL2 stage / forward Euler: out = in + coef·L(in, cp): [coef, in, out, writeM0, cp] */
export const OP_FIRST = 2;
/** RKL2 stage j ≥ 2: [μ, ν, 1 − μ − ν, μ̃τ, γ̃τ, in, prev, y0, out, cp] */
export const OP_STAGE = 3;
/** sums of a stage op: [Σ V·(a·Cp − k/φ·c), Σ V·k_L·c, surface out, surface in] of L(in) */

export interface Rkl2Coefficients {
  s: number;
  /** per stage j (index j; entries 0, 1 unused except muT[1]) */
  mu: Float64Array;
  nu: Float64Array;
  muT: Float64Array;
  gamT: Float64Array;
  /** booking weights: Y_s − Y₀ = τ·Σ_{k<s} beta[k]·L(Y_k) */
  beta: Float64Array;
  /** stage times: Y_k at tⁿ + ct[k]·τ (k = 0…s) */
  ct: Float64Array;
}

const coefCache = new Map<number, Rkl2Coefficients>();

/** RKL2 coefficients for s ≥ 2 stages (Meyer et al. 2014 eqs. 16–18) and booking weights */
export function rkl2Coefficients(s: number): Rkl2Coefficients {
  const hit = coefCache.get(s);
  if (hit) return hit;
  if (!(Number.isInteger(s) && s >= 2)) throw new RangeError(`RKL2 needs s ≥ 2 stages, got ${s}`);
  const bj = (j: number) => (j < 2 ? 1 / 3 : (j * j + j - 2) / (2 * j * (j + 1)));
  const w1 = 4 / (s * s + s - 2);
  const mu = new Float64Array(s + 1);
  const nu = new Float64Array(s + 1);
  const muT = new Float64Array(s + 1);
  const gamT = new Float64Array(s + 1);
  muT[1] = bj(1) * w1;
  for (let j = 2; j <= s; j++) {
    mu[j] = (((2 * j - 1) / j) * bj(j)) / bj(j - 1);
    nu[j] = (-((j - 1) / j) * bj(j)) / bj(j - 2);
    muT[j] = mu[j] * w1;
    gamT[j] = -(1 - bj(j - 1)) * muT[j];
  }
  // Y_j − Y₀ = τ·Σ_k B_j[k]·L(Y_k): B₁ = μ̃₁e₀, B_j = μ_j B_{j−1} + ν_j B_{j−2} + μ̃_j e_{j−1} + γ̃_j e₀
  const ct = new Float64Array(s + 1);
  ct[1] = muT[1];
  for (let j = 2; j <= s; j++) ct[j] = mu[j] * ct[j - 1] + nu[j] * ct[j - 2] + muT[j] + gamT[j];
  let b2 = new Float64Array(s);
  let b1 = new Float64Array(s);
  b1[0] = muT[1];
  for (let j = 2; j <= s; j++) {
    const bn = new Float64Array(s);
    for (let k = 0; k < s; k++) bn[k] = mu[j] * b1[k] + nu[j] * b2[k];
    bn[j - 1] += muT[j];
    bn[0] += gamT[j];
    b2 = b1;
    b1 = bn;
  }
  const c: Rkl2Coefficients = { s, mu, nu, muT, gamT, beta: b1, ct };
  coefCache.set(s, c);
  return c;
}

/** the fewest stages (≥ 2) with τ ≤ dtE·(s² + s − 2)/4 */
export function rkl2Stages(tau: number, dtE: number): number {
  const r = tau / dtE;
  let s = Math.max(2, Math.ceil((Math.sqrt(9 + 16 * r) - 1) / 2));
  while (s > 2 && (s - 1) * (s - 1) + (s - 1) - 2 >= 4 * r) s--;
  while (s * s + s - 2 < 4 * r) s++;
  return s;
}

/** φ₁(z) = (eᶻ − 1)/z, φ₁(0) = 1 */
export function phi1(z: number): number {
  return z === 0 ? 1 : Math.expm1(z) / z;
}

/**
 * Exact binding exchange over h (c′ = −k_on·c + k_off·b = −b′): with K = k_on + k_off, E = e^{−Kh},
 * g = (1 − E)/K (= h·φ₁(−Kh)):
 *   c(h) = c·(k_off + k_on·E)/K + b·k_off·g,  b(h) = b·(k_on + k_off·E)/K + c·k_on·g
 * (two-state relaxation; every term ≥ 0, so positive; c + b conserved to rounding). Writes [c, b].
 */
export function bindingExact(
  c: number,
  b: number,
  kon: number,
  koff: number,
  h: number,
  out: Float64Array,
): void {
  const K = kon + koff;
  if (K === 0) {
    out[0] = c;
    out[1] = b;
    return;
  }
  const E = Math.exp(-K * h);
  const g = -Math.expm1(-K * h) / K;
  out[0] = (c * (koff + kon * E)) / K + b * koff * g;
  out[1] = (b * (kon + koff * E)) / K + c * kon * g;
}

/** scheme options of a prepared problem (particleTransport.ts) */
export interface RklPlan {
  /** target super-step (s): report intervals are covered by equal super-steps of ≤ this (start-up: shorter) */
  tauTargetS: number;
  /** forward-Euler stability step of L, 2/ρ (Gershgorin), s */
  dtE: number;
  /** fraction of the RKL2 stability bound used */
  safety: number;
  /** the positivity-limited forward-Euler step of L (fallback), s */
  dtEuler: number;
  /** shorter super-steps during start-up (superStepLength) */
  startupRamp: boolean;
}

export interface RklStats {
  superSteps: number;
  /** super-steps whose Y_s had a negative cell, redone as two halves */
  rejected: number;
  /** flux sweeps (stages, including rejected ones) and binding sweeps */
  sweeps: number;
  bindSweeps: number;
  maxStages: number;
  /** longest accepted super-step, s */
  maxTauS: number;
  /** negative values written (rounding only; 0 in every test) */
  negativesWritten: number;
}

/** the booking interface of TransportLedger used by the driver */
export interface RklLedger {
  bookAmounts(src: number, lym: number, out: number, inn: number): void;
  report(ri: number, tr: number, c: Float64Array, b: Float64Array): void;
  readonly reports: TransportReport[];
}

/**
 * "run": execute ops[0…count) in order; reply: 4 sums per op, then the number of negative values
 * written by the last op (index 4·count). "fields": reply the fields of buffer buf (cell order).
 */
export type RklRequest = { kind: "run"; ops: Float64Array; count: number } | { kind: "fields"; buf: number };
export type RklReply = Float64Array | { free: Float64Array; bound: Float64Array };

export interface RklBackend {
  run(ops: Float64Array, count: number): Float64Array;
  fields(buf: number): { free: Float64Array; bound: Float64Array };
}

function plasmaChecked(plasma: (tS: number) => number, tS: number): number {
  const cp = plasma(tS);
  if (!Number.isFinite(cp))
    throw new InputError({ field: "plasma", value: cp, expected: `a finite concentration at t = ${tS} s` });
  return cp;
}

/**
 * The RKL2 schedule of a prepared problem: yields batches of ops and field requests, books into
 * `ledger`, returns the statistics. Buffers 0, 1, 2: the current field is in buffer `cur`, never
 * written by the stages (so a rejected super-step restarts from it); stage j writes buffer
 * cur + 1 + (j − 1) mod 2.
 */
export function* rkl2Run(
  p: PreparedTransport,
  plan: RklPlan,
  ledger: RklLedger,
): Generator<RklRequest, RklStats, RklReply> {
  const stats: RklStats = {
    superSteps: 0,
    rejected: 0,
    sweeps: 0,
    bindSweeps: 0,
    maxStages: 0,
    maxTauS: 0,
    negativesWritten: 0,
  };
  const binding = p.kon > 0 || p.koff > 0;
  let cur = 0;
  let ops = new Float64Array(OP * 64);
  const put = (i: number, vals: number[]) => {
    if (OP * (i + 1) > ops.length) {
      const bigger = new Float64Array(ops.length * 2);
      bigger.set(ops);
      ops = bigger;
    }
    ops.fill(0, OP * i, OP * (i + 1));
    ops.set(vals, OP * i);
  };
  function* bind(h: number): Generator<RklRequest, void, RklReply> {
    put(0, [OP_BIND, h, cur]);
    const sums = (yield { kind: "run", ops, count: 1 }) as Float64Array;
    stats.bindSweeps++;
    stats.negativesWritten += sums[4];
  }
  /** RKL2 super-step [t0, t0 + tau] from buffer cur (after a rejection: Euler once τ ≤ dtEuler) */
  function* superStep(t0: number, tau: number, retry: boolean): Generator<RklRequest, void, RklReply> {
    const n1 = (cur + 1) % 3;
    const n2 = (cur + 2) % 3;
    if (retry && tau <= plan.dtEuler * (1 + 1e-12)) {
      put(0, [OP_FIRST, tau, cur, n1, 0, plasmaChecked(p.plasma, t0)]);
      const sums = (yield { kind: "run", ops, count: 1 }) as Float64Array;
      stats.sweeps++;
      stats.superSteps++;
      stats.negativesWritten += sums[4];
      stats.maxStages = Math.max(stats.maxStages, 1);
      stats.maxTauS = Math.max(stats.maxTauS, tau);
      ledger.bookAmounts(tau * sums[0], tau * sums[1], tau * sums[2], tau * sums[3]);
      cur = n1;
      return;
    }
    const s = rkl2Stages(tau, plan.safety * plan.dtE);
    const k = rkl2Coefficients(s);
    put(0, [OP_FIRST, k.muT[1] * tau, cur, n1, 1, plasmaChecked(p.plasma, t0)]);
    for (let j = 2; j <= s; j++) {
      const yin = j % 2 === 0 ? n1 : n2;
      const yout = j % 2 === 0 ? n2 : n1;
      const prev = j === 2 ? cur : yout;
      const w0 = 1 - k.mu[j] - k.nu[j];
      const cp = plasmaChecked(p.plasma, t0 + k.ct[j - 1] * tau);
      put(j - 1, [OP_STAGE, k.mu[j], k.nu[j], w0, k.muT[j] * tau, k.gamT[j] * tau, yin, prev, cur, yout, cp]);
    }
    const sums = (yield { kind: "run", ops, count: s }) as Float64Array;
    stats.sweeps += s;
    if (sums[4 * s] > 0) {
      stats.rejected++;
      yield* superStep(t0, tau / 2, true);
      yield* superStep(t0 + tau / 2, tau / 2, true);
      return;
    }
    const acc = [0, 0, 0, 0];
    for (let i = 0; i < s; i++) for (let q = 0; q < 4; q++) acc[q] += k.beta[i] * sums[4 * i + q];
    ledger.bookAmounts(tau * acc[0], tau * acc[1], tau * acc[2], Math.max(tau * acc[3], 0));
    stats.superSteps++;
    stats.maxStages = Math.max(stats.maxStages, s);
    stats.maxTauS = Math.max(stats.maxTauS, tau);
    cur = s % 2 === 1 ? n1 : n2;
  }
  let t = 0;
  for (let ri = 0; ri < p.times.length; ri++) {
    const tr = p.times[ri];
    while (t < tr * (1 - 1e-14)) {
      const tau = superStepLength(t, tr, plan);
      if (binding) yield* bind(tau / 2);
      yield* superStep(t, tau, false);
      if (binding) yield* bind(tau / 2);
      t += tau;
    }
    t = tr;
    const f = (yield { kind: "fields", buf: cur }) as { free: Float64Array; bound: Float64Array };
    ledger.report(ri, tr, f.free, f.bound);
  }
  return stats;
}

/**
 * the super-step from t towards the report time tr: the target τ, but during the start-up
 * transient (tissue filling from c = 0 as the plasma source switches on, and the surface
 * drain forming) at most max(Δt_Euler, RAMP·t) — steps growing geometrically from one explicit
 * step (measured on a 12³ tumour, 20 nm, against explicit steps of 30 s: a 3600 s first step was
 * 22 % low at 1 h and 3.5 % at 4 h; with the ramp 0.9 % and 0.5 %, where the default explicit
 * steps are 2.3 % and 0.3 % off); the rest of the interval is split into equal steps of at most
 * that, so no step exceeds the target (superStepS, maxDtS) and intervals end exactly at tr
 */
export function superStepLength(t: number, tr: number, plan: RklPlan): number {
  const want = plan.startupRamp
    ? Math.min(plan.tauTargetS, Math.max(plan.dtEuler, STARTUP_RAMP * t))
    : plan.tauTargetS;
  const rest = tr - t;
  return rest <= want ? rest : rest / Math.ceil(rest / want - 1e-9);
}

/** growth of the super-step during start-up: τ ≤ RAMP·t */
export const STARTUP_RAMP = 0.5;

/** run the driver against a synchronous backend */
export function runSync(gen: Generator<RklRequest, RklStats, RklReply>, backend: RklBackend): RklStats {
  let r = gen.next(new Float64Array(0));
  while (!r.done) {
    const q = r.value;
    r = gen.next(q.kind === "run" ? backend.run(q.ops, q.count) : backend.fields(q.buf));
  }
  return r.value;
}

/** the face-list backend (any mesh): buffers 0 (p.c, in place), 1, 2; bound amounts in p.b */
export function genericRklBackend(p: PreparedTransport): RklBackend {
  const m = p.mesh;
  const n = p.n;
  const { ca, cb, bca, bcb, ext, a, kb, kl, kon, koff, b } = p;
  const bufs = [p.c, new Float64Array(n), new Float64Array(n)];
  const m0 = new Float64Array(n);
  const dOut = new Float64Array(n);
  const V = m.volumeCm3;
  const fA = m.faceA;
  const fB = m.faceB;
  const bC = m.bCell;
  const tmp = new Float64Array(2);
  let sums = new Float64Array(17);
  /** L(y) at plasma cp into dOut; sums [src, lym, out, in] into sums[o..o+3] */
  const evalL = (y: Float64Array, cp: number, o: number) => {
    dOut.fill(0);
    for (let f = 0; f < fA.length; f++) {
      const ia = fA[f];
      const ib = fB[f];
      const fl = ca[f] * y[ia] - cb[f] * y[ib];
      dOut[ia] += fl;
      dOut[ib] -= fl;
    }
    let out = 0;
    let inn = 0;
    for (let f = 0; f < bC.length; f++) {
      const ic = bC[f];
      const fl = bca[f] * y[ic] - bcb[f] * ext[f];
      dOut[ic] += fl;
      out += fl;
      if (fl < 0) inn -= fl;
    }
    let src = 0;
    let lym = 0;
    for (let i = 0; i < n; i++) {
      const sr = a[i] * cp - kb[i] * y[i];
      const ly = kl[i] * y[i];
      src += V[i] * sr;
      lym += V[i] * ly;
      dOut[i] = sr - ly - dOut[i] / V[i];
    }
    sums[o] = src;
    sums[o + 1] = lym;
    sums[o + 2] = out;
    sums[o + 3] = inn;
  };
  return {
    run(ops, count) {
      if (sums.length < 4 * count + 1) sums = new Float64Array(4 * count + 1);
      sums.fill(0);
      let neg = 0;
      for (let o = 0; o < count; o++) {
        const r = OP * o;
        const type = ops[r];
        neg = 0;
        if (type === OP_BIND) {
          const h = ops[r + 1];
          const y = bufs[ops[r + 2]];
          for (let i = 0; i < n; i++) {
            bindingExact(y[i], b[i], kon, koff, h, tmp);
            if (tmp[0] < 0 || tmp[1] < 0) neg++;
            y[i] = tmp[0];
            b[i] = tmp[1];
          }
        } else if (type === OP_FIRST) {
          const coef = ops[r + 1];
          const yin = bufs[ops[r + 2]];
          const yout = bufs[ops[r + 3]];
          const wm0 = ops[r + 4] !== 0;
          evalL(yin, ops[r + 5], 4 * o);
          for (let i = 0; i < n; i++) {
            if (wm0) m0[i] = dOut[i];
            const yn = yin[i] + coef * dOut[i];
            if (yn < 0) neg++;
            yout[i] = yn;
          }
        } else if (type === OP_STAGE) {
          const [mu, nu, w0, muT, gamT] = [ops[r + 1], ops[r + 2], ops[r + 3], ops[r + 4], ops[r + 5]];
          const yin = bufs[ops[r + 6]];
          const yprev = bufs[ops[r + 7]];
          const y0 = bufs[ops[r + 8]];
          const yout = bufs[ops[r + 9]];
          evalL(yin, ops[r + 10], 4 * o);
          for (let i = 0; i < n; i++) {
            const yn = mu * yin[i] + nu * yprev[i] + w0 * y0[i] + muT * dOut[i] + gamT * m0[i];
            if (yn < 0) neg++;
            yout[i] = yn;
          }
        } else throw new RangeError(`op ${type} not supported by the face-list RKL2 backend`);
      }
      sums[4 * count] = neg;
      return sums;
    },
    fields: (buf) => ({ free: bufs[buf], bound: b }),
  };
}
