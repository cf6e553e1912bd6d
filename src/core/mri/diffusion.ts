/**
 * Diffusion-weighted MRI signal models (SCIENCE.md §4), b in s/mm², diffusivities in mm²/s:
 *   ADC   S(b) = S0·exp(−b·ADC)
 *         "log-linear": ordinary least squares of ln S on b (the scanner/textbook estimator;
 *         optionally S²-weighted, Salvador et al. HBM 2005); "nonlinear": Levenberg–Marquardt on
 *         S from the log-linear start.
 *   IVIM  S(b) = S0·[f·exp(−b·D*) + (1−f)·exp(−b·D)]     (Le Bihan et al., Radiology 1988;168:497)
 *         "segmented" (Pekar et al. MRM 1992; as dipy's IvimModelTRR first stage): D and the
 *         intercept S0(1−f) from the log-linear fit of the b ≥ threshold samples (default
 *         200 s/mm², where the pseudo-diffusion term has decayed), then S0, f and D* by bounded
 *         LM with D held (D* start 0.03 mm²/s); "full": bounded LM on all four parameters started from the segmented
 *         solution (the chain of dipy's IvimModelTRR; extra starts can be listed in FULL_EXTRA_STARTS).
 * Default bounds follow the OSIPI TF2.4 IVIM code collection (tests/IVIMmodels/unit_tests):
 * 0 ≤ f ≤ 1, 0 ≤ D ≤ 0.005, 0.005 ≤ D* ≤ 0.2 mm²/s (D* above D keeps the two compartments
 * distinguishable), 0 ≤ S0 ≤ 10·max S. The LM is the project's (src/core/fit); a fitter keeps
 * its workspaces so voxelwise fitting allocates nothing per voxel beyond the LM result.
 */
import { InputError } from "../errors.js";
import { createLmWorkspace, type LmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { CurveModel, FitResult, FitStatus, LmOptions } from "../fit/types.js";
import { logLinearDecay } from "./expDecayStart.js";

export const ADC_METHODS = ["log-linear", "nonlinear"] as const;
export type AdcMethod = (typeof ADC_METHODS)[number];
export const IVIM_METHODS = ["segmented", "full"] as const;
export type IvimMethod = (typeof IVIM_METHODS)[number];

export interface AdcFit {
  ADC_mm2_per_s: number;
  S0: number;
  rss: number;
  converged: boolean;
  status: FitStatus;
  message?: string;
}

export interface IvimFit {
  f: number;
  D_mm2_per_s: number;
  Dstar_mm2_per_s: number;
  S0: number;
  rss: number;
  converged: boolean;
  status: FitStatus;
  message?: string;
}

export interface IvimBounds {
  f: [number, number];
  D: [number, number];
  Dstar: [number, number];
}
/** D* starts of the segmented stage and extra starts of the full fit (besides the segmented solution) */
const SEG_DSTAR_STARTS = [0.03];
const FULL_EXTRA_STARTS: number[] = [];
/** relative ftol/xtol of the IVIM fits (scipy.optimize.leastsq, used by dipy, stops at 1.49e-8) */
const IVIM_TOL = 1e-10;

export const DEFAULT_IVIM_BOUNDS: IvimBounds = { f: [0, 1], D: [0, 0.005], Dstar: [0.005, 0.2] };

function checkB(bValues: ArrayLike<number>, need: number): Float64Array {
  const b = Float64Array.from(bValues);
  b.forEach((v, i) => {
    if (!(v >= 0) || !Number.isFinite(v))
      throw new InputError({ field: `b_s_per_mm2[${i}]`, value: v, expected: "a finite b-value ≥ 0 s/mm²" });
  });
  const distinct = new Set(b).size;
  if (distinct < need)
    throw new InputError({
      field: "b-values",
      value: Array.from(b),
      expected: `at least ${need} distinct b-values`,
    });
  return b;
}

/** S0·exp(−b·ADC), p = [S0, ADC] */
class MonoExpCurve implements CurveModel {
  readonly nParams = 2;
  readonly nPoints: number;
  private readonly e: Float64Array;
  constructor(private readonly b: Float64Array) {
    this.nPoints = b.length;
    this.e = new Float64Array(b.length);
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.b.length; i++) {
      const e = Math.exp(-this.b[i] * p[1]);
      this.e[i] = e;
      out[i] = p[0] * e;
    }
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    for (let i = 0; i < this.b.length; i++) {
      jac[2 * i] = this.e[i];
      jac[2 * i + 1] = -this.b[i] * p[0] * this.e[i];
    }
  }
}

/** S0·[f·e^{−bD*} + (1−f)·e^{−bD}], p = [S0, f, D, D*] */
class IvimCurve implements CurveModel {
  readonly nParams = 4;
  readonly nPoints: number;
  private readonly ed: Float64Array;
  private readonly es: Float64Array;
  constructor(private readonly b: Float64Array) {
    this.nPoints = b.length;
    this.ed = new Float64Array(b.length);
    this.es = new Float64Array(b.length);
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    const [s0, f, d, ds] = p;
    for (let i = 0; i < this.b.length; i++) {
      const ed = Math.exp(-this.b[i] * d);
      const es = Math.exp(-this.b[i] * ds);
      this.ed[i] = ed;
      this.es[i] = es;
      out[i] = s0 * (f * es + (1 - f) * ed);
    }
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    const [s0, f] = p;
    for (let i = 0; i < this.b.length; i++) {
      const ed = this.ed[i];
      const es = this.es[i];
      const bi = this.b[i];
      jac[4 * i] = f * es + (1 - f) * ed;
      jac[4 * i + 1] = s0 * (es - ed);
      jac[4 * i + 2] = -bi * s0 * (1 - f) * ed;
      jac[4 * i + 3] = -bi * s0 * f * es;
    }
  }
}

function copyCurve(signal: ArrayLike<number>, offset: number, y: Float64Array): string | null {
  let anyPositive = false;
  for (let i = 0; i < y.length; i++) {
    const v = signal[offset + i];
    if (!Number.isFinite(v)) return `sample ${i}: signal ${v} is not finite`;
    y[i] = v;
    if (v > 0) anyPositive = true;
  }
  return anyPositive ? null : "no positive signal";
}

/** Reusable ADC fitter for one b-value list. */
export class AdcFitter {
  readonly b: Float64Array;
  private readonly curve: MonoExpCurve;
  private readonly ws: LmWorkspace;
  private readonly y: Float64Array;
  private readonly p0 = new Float64Array(2);
  private readonly lmOpts: LmOptions;
  constructor(
    bValues: ArrayLike<number>,
    readonly method: AdcMethod = "log-linear",
    private readonly weighted = false,
  ) {
    if (!(ADC_METHODS as readonly string[]).includes(method))
      throw new InputError({ field: "method", value: method, expected: ADC_METHODS.join(" | ") });
    this.b = checkB(bValues, 2);
    this.curve = new MonoExpCurve(this.b);
    this.ws = createLmWorkspace(2, this.b.length);
    this.y = new Float64Array(this.b.length);
    this.lmOpts = {
      lower: Float64Array.of(0, 0),
      upper: Float64Array.of(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY),
      maxIterations: 200,
    };
  }
  fit(signal: ArrayLike<number>, offset = 0): AdcFit {
    const bad = copyCurve(signal, offset, this.y);
    if (bad) return adcFail("invalid-input", bad);
    const s = logLinearDecay(this.b, this.y, 0, this.weighted);
    if (this.method === "log-linear") {
      if (!(s.n >= 2) || !Number.isFinite(s.rate))
        return adcFail("invalid-input", "fewer than 2 positive samples at distinct b-values");
      return { ADC_mm2_per_s: s.rate, S0: s.s0, rss: Number.NaN, converged: true, status: "converged" };
    }
    this.p0[0] = Number.isFinite(s.s0) ? s.s0 : Math.max(...this.y);
    this.p0[1] = Number.isFinite(s.rate) && s.rate > 0 ? s.rate : 1e-3;
    const f = levenbergMarquardt(this.curve, this.y, this.p0, this.lmOpts, this.ws);
    if (!f.converged) return adcFail(f.status, f.message ?? "not converged", f.rss);
    return { ADC_mm2_per_s: f.params[1], S0: f.params[0], rss: f.rss, converged: true, status: "converged" };
  }
}

function adcFail(status: FitStatus, message: string, rss = Number.NaN): AdcFit {
  return { ADC_mm2_per_s: Number.NaN, S0: Number.NaN, rss, converged: false, status, message };
}

export interface IvimOptions {
  method?: IvimMethod;
  /** b-values ≥ this (s/mm²) are used for D in the segmented stage (default 200) */
  bThreshold?: number;
  bounds?: Partial<IvimBounds>;
  maxIterations?: number;
}

/** Reusable IVIM fitter for one b-value list. */
export class IvimFitter {
  readonly b: Float64Array;
  readonly method: IvimMethod;
  readonly bThreshold: number;
  readonly bounds: IvimBounds;
  private readonly curve: IvimCurve;
  private readonly ws: LmWorkspace;
  private readonly y: Float64Array;
  private readonly p0 = new Float64Array(4);
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;
  private readonly segOpts: LmOptions;
  private readonly fullOpts: LmOptions;
  private readonly iMinB: number;

  constructor(bValues: ArrayLike<number>, opts: IvimOptions = {}) {
    this.method = opts.method ?? "full";
    if (!(IVIM_METHODS as readonly string[]).includes(this.method))
      throw new InputError({ field: "method", value: this.method, expected: IVIM_METHODS.join(" | ") });
    this.b = checkB(bValues, 4);
    this.bThreshold = opts.bThreshold ?? 200;
    let nHigh = 0;
    const highB = new Set<number>();
    for (const v of this.b)
      if (v >= this.bThreshold) {
        nHigh++;
        highB.add(v);
      }
    if (highB.size < 2 || this.b.length - nHigh < 1)
      throw new InputError({
        field: "b-threshold",
        value: this.bThreshold,
        expected: `a threshold leaving ≥ 2 distinct b-values at or above it and ≥ 1 below it (b-values ${Array.from(this.b).join(", ")})`,
      });
    this.bounds = { ...DEFAULT_IVIM_BOUNDS, ...(opts.bounds ?? {}) };
    const { f, D, Dstar } = this.bounds;
    if (!(f[0] >= 0 && f[1] <= 1 && f[0] < f[1] && D[0] >= 0 && D[0] < D[1] && Dstar[0] < Dstar[1]))
      throw new InputError({
        field: "bounds",
        value: this.bounds,
        expected: "0 ≤ f_lo < f_hi ≤ 1, 0 ≤ D_lo < D_hi, D*_lo < D*_hi",
      });
    this.curve = new IvimCurve(this.b);
    this.ws = createLmWorkspace(4, this.b.length);
    this.y = new Float64Array(this.b.length);
    this.lower = Float64Array.of(0, f[0], D[0], Dstar[0]);
    this.upper = Float64Array.of(Number.POSITIVE_INFINITY, f[1], D[1], Dstar[1]);
    const maxIterations = opts.maxIterations ?? 400;
    this.segOpts = {
      lower: this.lower,
      upper: this.upper,
      fixed: [false, false, true, false],
      maxIterations,
      ftol: IVIM_TOL,
      xtol: IVIM_TOL,
      // the segmented stage only seeds the full fit: no standard errors
      standardErrors: this.method === "segmented",
    };
    this.fullOpts = { lower: this.lower, upper: this.upper, maxIterations, ftol: IVIM_TOL, xtol: IVIM_TOL };
    let iMin = 0;
    for (let i = 1; i < this.b.length; i++) if (this.b[i] < this.b[iMin]) iMin = i;
    this.iMinB = iMin;
  }

  /** raw LM result, params [S0, f, D, D*] (a fresh array) */
  fitRaw(signal: ArrayLike<number>, offset = 0): FitResult {
    const bad = copyCurve(signal, offset, this.y);
    if (bad) return ivimInvalid(bad);
    const y = this.y;
    let ymax = 0;
    for (let i = 0; i < y.length; i++) ymax = Math.max(ymax, y[i]);
    this.upper[0] = 10 * ymax;
    // stage 1: D and S0(1−f) from the high-b samples (OLS on ln S, as dipy's estimate_linear_fit)
    const hi = logLinearDecay(this.b, y, 0, false, this.bThreshold);
    if (!Number.isFinite(hi.rate) || hi.n < 2)
      return ivimInvalid(`fewer than 2 positive samples at b ≥ ${this.bThreshold} s/mm²`);
    const { lower, upper, p0 } = this;
    const clamp = (v: number, j: number) => Math.min(upper[j], Math.max(lower[j], v));
    const s0Start = Math.max(y[this.iMinB], hi.s0, 1e-12 * ymax);
    const dSeg = clamp(hi.rate, 2);
    const fStart = clamp(1 - hi.s0 / s0Start, 1);
    // stage 2: S0, f, D* with D held
    let seg: FitResult | undefined;
    for (const ds of SEG_DSTAR_STARTS) {
      p0[0] = s0Start;
      p0[1] = Math.min(Math.max(fStart, lower[1] + 1e-3), upper[1]);
      p0[2] = dSeg;
      p0[3] = clamp(ds, 3);
      const r = levenbergMarquardt(this.curve, y, p0, this.segOpts, this.ws);
      if (better(r, seg)) seg = r;
    }
    if (this.method === "segmented") return seg as FitResult;
    let best: FitResult | undefined;
    const starts = [seg as FitResult, ...FULL_EXTRA_STARTS.map(() => undefined)];
    for (let k = 0; k < starts.length; k++) {
      const s = starts[k];
      if (s?.params.every(Number.isFinite)) p0.set(s.params);
      else {
        p0[0] = s0Start;
        p0[1] = Math.min(Math.max(fStart, lower[1] + 1e-3), upper[1]);
        p0[2] = dSeg;
        p0[3] = clamp(FULL_EXTRA_STARTS[k - 1], 3);
      }
      const r = levenbergMarquardt(this.curve, y, p0, this.fullOpts, this.ws);
      if (better(r, best)) best = r;
    }
    return best as FitResult;
  }

  fit(signal: ArrayLike<number>, offset = 0): IvimFit {
    const r = this.fitRaw(signal, offset);
    const ok = r.converged;
    return {
      f: ok ? r.params[1] : Number.NaN,
      D_mm2_per_s: ok ? r.params[2] : Number.NaN,
      Dstar_mm2_per_s: ok ? r.params[3] : Number.NaN,
      S0: ok ? r.params[0] : Number.NaN,
      rss: r.rss,
      converged: ok,
      status: r.status,
      ...(ok ? {} : { message: r.message }),
    };
  }
}

function better(f: FitResult, best: FitResult | undefined): boolean {
  if (!best) return true;
  if (f.converged !== best.converged) return f.converged;
  return f.rss < best.rss;
}

function ivimInvalid(message: string): FitResult {
  return {
    params: new Float64Array(4).fill(Number.NaN),
    rss: Number.NaN,
    converged: false,
    status: "invalid-input",
    message,
  };
}

/** One-shot conveniences */
export function fitAdc(
  bValues: ArrayLike<number>,
  signal: ArrayLike<number>,
  method: AdcMethod = "log-linear",
): AdcFit {
  if (signal.length !== bValues.length)
    throw new InputError({ field: "signal", value: signal.length, expected: `${bValues.length} samples` });
  return new AdcFitter(bValues, method).fit(signal);
}

export function fitIvim(
  bValues: ArrayLike<number>,
  signal: ArrayLike<number>,
  opts: IvimOptions = {},
): IvimFit {
  if (signal.length !== bValues.length)
    throw new InputError({ field: "signal", value: signal.length, expected: `${bValues.length} samples` });
  return new IvimFitter(bValues, opts).fit(signal);
}

/** IVIM signal for given parameters (for phantoms and tests). */
export function ivimSignal(
  bValues: ArrayLike<number>,
  s0: number,
  f: number,
  d: number,
  dStar: number,
): Float64Array {
  return Float64Array.from(bValues, (b) => s0 * (f * Math.exp(-b * dStar) + (1 - f) * Math.exp(-b * d)));
}
