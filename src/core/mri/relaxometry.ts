/**
 * Multi-echo transverse relaxometry (T2 from spin echoes, T2* from gradient echoes):
 *   mono         S(TE) = S0·exp(−TE/T2)
 *   offset       S(TE) = S0·exp(−TE/T2) + C            (constant baseline, e.g. a long-T2 pool)
 *   noise-floor  S(TE) = √(S0²·exp(−2·TE/T2) + NF²)     (Rician-aware "noise-corrected
 *                exponential": E[M²] = A² + 2σ² for a Rician magnitude M of amplitude A, so
 *                NF = √2·σ; Gudbjartsson & Patz, MRM 1995;34:910; Miller & Joseph, Phys Med
 *                Biol 1993;38:1245; Raya et al., NMR Biomed 2010;23:387 compare it with the
 *                plain and offset fits at low SNR). NF is fitted, or fixed when σ is known.
 * R2 = 1/T2: R2_per_s = 1000/T2_ms. The rate R (1/ms) is what is fitted (better conditioned
 * than T2, and R ≥ 0 is a plain bound); the start is the S²-weighted log-linear fit
 * (expDecayStart.ts), then the project's bounded Levenberg–Marquardt (src/core/fit) with
 * analytic Jacobians. A fitter holds its workspace: one per thread, reused for every voxel.
 */
import { InputError } from "../errors.js";
import { createLmWorkspace, type LmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { CurveModel, FitResult, FitStatus, LmOptions } from "../fit/types.js";
import { logLinearDecay } from "./expDecayStart.js";

export const RELAX_MODELS = ["mono", "offset", "noise-floor"] as const;
export type RelaxModelName = (typeof RELAX_MODELS)[number];

export interface RelaxFit {
  T2_ms: number;
  R2_per_s: number;
  S0: number;
  /** baseline C of the offset model (signal units) */
  offset?: number;
  /** noise floor NF = √2·σ of the noise-floor model (signal units) */
  noise_floor?: number;
  rss: number;
  converged: boolean;
  status: FitStatus;
  message?: string;
}

export interface RelaxOptions {
  model?: RelaxModelName;
  /** noise-floor model only: known Rician σ (signal units); NF = √2·σ is then held fixed */
  sigma?: number;
  maxIterations?: number;
}

/** S0·exp(−R·TE) [+ C] or √((S0·exp(−R·TE))² + NF²); p = [S0, R (1/ms), C | NF] */
class RelaxCurve implements CurveModel {
  readonly nParams: number;
  readonly nPoints: number;
  private readonly e: Float64Array;
  constructor(
    private readonly te: Float64Array,
    readonly model: RelaxModelName,
  ) {
    this.nParams = model === "mono" ? 2 : 3;
    this.nPoints = te.length;
    this.e = new Float64Array(te.length);
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    const { te, e } = this;
    const s0 = p[0];
    const r = p[1];
    for (let i = 0; i < te.length; i++) {
      const ei = Math.exp(-r * te[i]);
      e[i] = ei;
      const a = s0 * ei;
      if (this.model === "mono") out[i] = a;
      else if (this.model === "offset") out[i] = a + p[2];
      else out[i] = Math.sqrt(a * a + p[2] * p[2]);
    }
  }
  jacobian(p: Float64Array, f: Float64Array, jac: Float64Array): void {
    const { te, e } = this;
    const np = this.nParams;
    const s0 = p[0];
    for (let i = 0; i < te.length; i++) {
      const ei = e[i];
      if (this.model === "noise-floor") {
        const fi = f[i] > 0 ? f[i] : 1e-300;
        jac[i * np] = (s0 * ei * ei) / fi;
        jac[i * np + 1] = (-te[i] * s0 * s0 * ei * ei) / fi;
        jac[i * np + 2] = p[2] / fi;
      } else {
        jac[i * np] = ei;
        jac[i * np + 1] = -te[i] * s0 * ei;
        if (np === 3) jac[i * np + 2] = 1;
      }
    }
  }
}

/** Reusable fitter for one echo-time list and model (allocation-free per curve). */
export class RelaxFitter {
  readonly model: RelaxModelName;
  readonly te: Float64Array;
  private readonly curve: RelaxCurve;
  private readonly ws: LmWorkspace;
  private readonly y: Float64Array;
  private readonly p0: Float64Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly fixed: boolean[];
  private readonly nf: number | undefined;
  private readonly maxIterations: number;
  private readonly rFallback: number;

  constructor(teMs: ArrayLike<number>, opts: RelaxOptions = {}) {
    this.model = opts.model ?? "mono";
    if (!(RELAX_MODELS as readonly string[]).includes(this.model))
      throw new InputError({ field: "model", value: this.model, expected: RELAX_MODELS.join(" | ") });
    this.te = Float64Array.from(teMs);
    const need = this.model === "mono" ? 2 : opts.sigma !== undefined ? 2 : 3;
    if (this.te.length < need + 1 && !(this.model === "mono" && this.te.length >= 2))
      throw new InputError({
        field: "echo times",
        value: this.te.length,
        expected: `at least ${need + 1} echoes for the ${this.model} model`,
      });
    this.te.forEach((t, i) => {
      if (!(t >= 0) || !Number.isFinite(t))
        throw new InputError({ field: `te_ms[${i}]`, value: t, expected: "a finite echo time ≥ 0 ms" });
    });
    if (opts.sigma !== undefined && !(opts.sigma >= 0))
      throw new InputError({ field: "sigma", value: opts.sigma, expected: "a noise SD ≥ 0" });
    this.curve = new RelaxCurve(this.te, this.model);
    const np = this.curve.nParams;
    this.ws = createLmWorkspace(np, this.te.length);
    this.y = new Float64Array(this.te.length);
    this.p0 = new Float64Array(np);
    this.lower = new Float64Array(np);
    this.upper = new Float64Array(np).fill(Number.POSITIVE_INFINITY);
    this.fixed = Array.from({ length: np }, (_, j) => j === 2 && opts.sigma !== undefined);
    this.nf = opts.sigma !== undefined ? Math.SQRT2 * opts.sigma : undefined;
    this.maxIterations = opts.maxIterations ?? 200;
    let tmax = 0;
    for (const t of this.te) tmax = Math.max(tmax, t);
    this.rFallback = 1 / (tmax > 0 ? tmax : 1);
  }

  /** parameter names of `fitRaw`'s vector */
  get nParams(): number {
    return this.curve.nParams;
  }

  /**
   * Fit the curve at signal[offset … offset + nEchoes). Returns the raw LM result
   * (params [S0, R_per_ms, C|NF]) after the best of the starts; `params` is a fresh array.
   */
  fitRaw(signal: ArrayLike<number>, offset = 0): FitResult {
    const n = this.te.length;
    const y = this.y;
    let ymax = Number.NEGATIVE_INFINITY;
    let ymin = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const v = signal[offset + i];
      if (!Number.isFinite(v)) return invalid(this.nParams, `echo ${i}: signal ${v} is not finite`);
      y[i] = v;
      if (v > ymax) ymax = v;
      if (v < ymin) ymin = v;
    }
    if (!(ymax > 0)) return invalid(this.nParams, "no positive signal");
    const opts: LmOptions = {
      lower: this.lower,
      upper: this.upper,
      fixed: this.fixed,
      maxIterations: this.maxIterations,
    };
    const { p0, lower, upper } = this;
    const rFallback = this.rFallback;
    if (this.model === "mono") {
      const s = logLinearDecay(this.te, y);
      p0[0] = Number.isFinite(s.s0) ? s.s0 : ymax;
      p0[1] = Number.isFinite(s.rate) && s.rate > 0 ? s.rate : rFallback;
      return levenbergMarquardt(this.curve, y, p0, opts, this.ws);
    }
    if (this.model === "offset") {
      lower[2] = -Math.abs(ymax) * 10;
      upper[2] = Math.abs(ymax) * 10;
      let best: FitResult | undefined;
      for (const c0 of [0, 0.9 * Math.min(ymin, ymax)]) {
        const s = logLinearDecay(this.te, y, 0, true, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, c0);
        p0[0] = Number.isFinite(s.s0) ? s.s0 : ymax - c0;
        p0[1] = Number.isFinite(s.rate) && s.rate > 0 ? s.rate : rFallback;
        p0[2] = c0;
        const f = levenbergMarquardt(this.curve, y, p0, opts, this.ws);
        if (better(f, best)) best = f;
      }
      return best as FitResult;
    }
    // noise-floor
    upper[2] = Math.abs(ymax) * 10;
    if (this.nf !== undefined) {
      const s = logLinearDecay(this.te, y, 0, true);
      p0[0] = Number.isFinite(s.s0) ? s.s0 : ymax;
      p0[1] = Number.isFinite(s.rate) && s.rate > 0 ? s.rate : rFallback;
      p0[2] = this.nf;
      return levenbergMarquardt(this.curve, y, p0, opts, this.ws);
    }
    let best: FitResult | undefined;
    for (const nf0 of [1e-3 * ymax, 0.9 * Math.max(ymin, 1e-3 * ymax)]) {
      const s = logLinearDecay(this.te, y, 0, true);
      p0[0] = Number.isFinite(s.s0) ? s.s0 : ymax;
      p0[1] = Number.isFinite(s.rate) && s.rate > 0 ? s.rate : rFallback;
      p0[2] = nf0;
      const f = levenbergMarquardt(this.curve, y, p0, opts, this.ws);
      if (better(f, best)) best = f;
    }
    return best as FitResult;
  }

  /** Fit one curve and report T2 (ms), R2 (1/s), S0 and the model's extra parameter. */
  fit(signal: ArrayLike<number>, offset = 0): RelaxFit {
    const f = this.fitRaw(signal, offset);
    return toRelaxFit(this.model, f);
  }
}

function better(f: FitResult, best: FitResult | undefined): boolean {
  if (!best) return true;
  if (f.converged !== best.converged) return f.converged;
  return f.rss < best.rss;
}

function invalid(np: number, message: string): FitResult {
  return {
    params: new Float64Array(np).fill(Number.NaN),
    rss: Number.NaN,
    converged: false,
    status: "invalid-input",
    message,
  };
}

/** Raw LM result → RelaxFit; a decay rate at its bound 0 (no decay) is not a T2. */
export function toRelaxFit(model: RelaxModelName, f: FitResult): RelaxFit {
  const [s0, r, extra] = f.params;
  let status = f.status;
  let message = f.message;
  if (f.status !== "invalid-input" && !(r > 0)) {
    status = "failed";
    message = "no decay: the fitted relaxation rate is 0 (T2 not measurable with these echoes)";
  }
  const ok = status === "converged";
  const out: RelaxFit = {
    T2_ms: ok ? 1 / r : Number.NaN,
    R2_per_s: ok ? 1000 * r : Number.NaN,
    S0: ok ? s0 : Number.NaN,
    rss: f.rss,
    converged: ok,
    status,
    ...(message && !ok ? { message } : {}),
  };
  if (model === "offset") out.offset = ok ? extra : Number.NaN;
  if (model === "noise-floor") out.noise_floor = ok ? extra : Number.NaN;
  return out;
}

/** One-shot convenience: fit a single multi-echo curve. */
export function fitRelaxation(
  teMs: ArrayLike<number>,
  signal: ArrayLike<number>,
  opts: RelaxOptions = {},
): RelaxFit {
  if (signal.length !== teMs.length)
    throw new InputError({
      field: "signal",
      value: signal.length,
      expected: `${teMs.length} samples (one per echo)`,
    });
  return new RelaxFitter(teMs, opts).fit(signal);
}

/** R2 (1/s) from T2 (ms) and back. */
export const r2PerSFromT2Ms = (t2Ms: number): number => 1000 / t2Ms;
export const t2MsFromR2PerS = (r2PerS: number): number => 1000 / r2PerS;
