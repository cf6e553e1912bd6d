/**
 * DCE-MRI model fitting (dipy-style Model → Fit, STYLE.md): a DceModel is built once from the
 * acquisition (time axis in s, plasma AIF in mM) and fits any number of tissue curves with a
 * reused workspace. Each fit returns { params, stderr, rss, converged, status } with params
 * keyed by OSIPI-style names with units (Ktrans_per_min, ve, vp, Fp_per_min, PS_per_min,
 * delay_s).
 * Strategy: linear least squares first (Murase 2004 for Tofts/extended Tofts: C = a·∫ca −
 * kep·∫C + vp·ca; Patlak exactly linear) on a 1-s grid of bolus-arrival delays when the delay
 * is fitted, then Levenberg–Marquardt from the best linear estimate (and from the OSIPI
 * default start; 2CXM/2CUM from a small start grid), keeping the best converged result.
 * Bounds as the OSIPI test set-up: Ktrans, PS 0–5 /min, v's 0–1, Fp 0–2 /min, delay ±10 s.
 */
import { InputError } from "../errors.js";
import { expConvolveWithDerivative } from "../fit/expConvolution.js";
import { cumulativeTrapezoid } from "../fit/integrate.js";
import { createLmWorkspace, type LmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";
import type { CurveModel, FitResult, FitStatus } from "../fit/types.js";
import { shiftCurve } from "./aif.js";
import { createScratch, type DceModelName, MODEL_PARAMETERS, type ModelScratch, predict } from "./models.js";
import { FAST_INVALID, FAST_OK, ToftsFastFitter } from "./toftsFast.js";

export interface DceFitOptions {
  /** fit the bolus-arrival delay (s) */
  fitDelay?: boolean;
  delayBoundsS?: [number, number];
  /**
   * voxelwise mode: (extended) Tofts without delay by variable projection from the Murase start
   * (core/perfusion/toftsFast.ts; standard errors omitted), else only the linear (or default)
   * start with tolerances 1e-8
   */
  fast?: boolean;
  /**
   * (extended) Tofts without delay: the variable-projection fit (as `fast`, with standard
   * errors), falling back to the full multi-start fit when its optimum is not interior
   */
  varpro?: boolean;
}

export interface DceFit {
  params: Record<string, number>;
  stderr?: Record<string, number>;
  rss: number;
  /** Akaike information criterion for least squares: n·ln(RSS/n) + 2k (model selection) */
  aic: number;
  converged: boolean;
  status: FitStatus;
  /** model curve at the parameters (mM), for fit overlays */
  fitted: Float64Array;
}

/** time of the first sample above 10 % of the curve's maximum */
function onset(t: ArrayLike<number>, c: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < c.length; i++) max = Math.max(max, c[i]);
  for (let i = 0; i < c.length; i++) if (c[i] > 0.1 * max) return t[i];
  return t[0];
}

export class DceModel {
  readonly n: number;
  readonly tMin: Float64Array;
  private readonly aif: Float64Array;
  private readonly scratch: ModelScratch;
  private readonly shifted: Float64Array;
  private readonly shiftedIntegral: Float64Array;
  private readonly out: Float64Array;
  private readonly ws: LmWorkspace;
  private readonly wsDelay: LmWorkspace;
  private readonly specs: (typeof MODEL_PARAMETERS)[DceModelName];
  private fastFitter: ToftsFastFitter | null | undefined;
  private readonly fastOut = new Float64Array(3);
  private readonly fastSe = new Float64Array(3);
  /** RSS of the last fitVoxel call */
  lastRss = Number.NaN;

  constructor(
    readonly model: DceModelName,
    readonly timeS: ArrayLike<number>,
    aifPlasma: ArrayLike<number>,
  ) {
    const n = timeS.length;
    if (aifPlasma.length !== n)
      throw new InputError({
        field: "aif",
        value: aifPlasma.length,
        expected: `${n} samples on the tissue time axis`,
      });
    for (let i = 1; i < n; i++)
      if (!(timeS[i] > timeS[i - 1]))
        throw new InputError({
          field: `time_s[${i}]`,
          value: timeS[i],
          expected: "strictly increasing times",
        });
    for (let i = 0; i < n; i++)
      if (!Number.isFinite(aifPlasma[i]))
        throw new InputError({ field: `aif[${i}]`, value: aifPlasma[i], expected: "a finite concentration" });
    this.n = n;
    this.tMin = Float64Array.from(timeS, (t) => t / 60);
    this.aif = Float64Array.from(aifPlasma);
    this.scratch = createScratch(n);
    this.shifted = new Float64Array(n);
    this.shiftedIntegral = new Float64Array(n);
    this.out = new Float64Array(n);
    this.specs = MODEL_PARAMETERS[model];
    this.ws = createLmWorkspace(this.specs.length, n);
    this.wsDelay = createLmWorkspace(this.specs.length + 1, n);
  }

  /** model curve for a parameter vector (model order) and delay */
  curve(
    p: ArrayLike<number>,
    delayS = 0,
    out: Float64Array<ArrayBufferLike> = new Float64Array(this.n),
  ): Float64Array<ArrayBufferLike> {
    const ca = delayS === 0 ? this.aif : shiftCurve(this.timeS, this.aif, delayS, this.shifted);
    return predict(this.model, p, this.tMin, ca, out, this.scratch);
  }

  /** linear least-squares estimate (Murase / Patlak) for a given delay; null when not applicable */
  linearEstimate(c: ArrayLike<number>, delayS: number): { p: number[]; rss: number } | null {
    const m = this.model;
    if (m !== "tofts" && m !== "etofts" && m !== "patlak") return null;
    const ca = delayS === 0 ? this.aif : shiftCurve(this.timeS, this.aif, delayS, this.shifted);
    const ica = cumulativeTrapezoid(this.tMin, ca, this.shiftedIntegral);
    const n = this.n;
    const cols = m === "patlak" ? 2 : m === "tofts" ? 2 : 3;
    const X = new Float64Array(n * cols);
    const ict = m === "patlak" ? null : cumulativeTrapezoid(this.tMin, c);
    for (let i = 0; i < n; i++) {
      if (m === "patlak") {
        X[i * 2] = ica[i];
        X[i * 2 + 1] = ca[i];
      } else {
        X[i * cols] = ica[i];
        X[i * cols + 1] = -(ict as Float64Array)[i];
        if (m === "etofts") X[i * cols + 2] = ca[i];
      }
    }
    const fit = linearLeastSquares(X, n, cols, c);
    if (fit.coefficients.some((v) => v === null)) return null;
    const b = fit.coefficients as number[];
    let p: number[];
    if (m === "patlak") p = [b[0], b[1]];
    else {
      const kep = b[1];
      const vp = m === "etofts" ? b[2] : 0;
      const ktrans = b[0] - kep * vp;
      p = m === "tofts" ? [ktrans, kep > 0 ? ktrans / kep : 0.2] : [ktrans, kep > 0 ? ktrans / kep : 0.2, vp];
    }
    p = p.map((v, j) =>
      Math.min(
        this.specs[j].upper,
        Math.max(this.specs[j].lower, Number.isFinite(v) ? v : this.specs[j].start),
      ),
    );
    // RSS of the nonlinear model at these parameters
    predict(m, p, this.tMin, ca, this.out, this.scratch);
    let rss = 0;
    for (let i = 0; i < n; i++) rss += (c[i] - this.out[i]) ** 2;
    return { p, rss };
  }

  /** the variable-projection fitter for (extended) Tofts, null for the other models */
  private fast(): ToftsFastFitter | null {
    if (this.fastFitter === undefined)
      this.fastFitter =
        this.model === "tofts" || this.model === "etofts"
          ? new ToftsFastFitter(this.model, this.timeS, this.aif)
          : null;
    return this.fastFitter;
  }

  /**
   * Voxelwise fit (the `fast` mode of fit(), identical results) of y[off … off+n) into
   * out[outOff …] in parameter order (+ delay_s when fitted), without allocating on the fast
   * path. Returns the voxel status code (0 converged, 1 not converged, 2 invalid input: NaN
   * written); the RSS is left in `lastRss`.
   */
  fitVoxel(y: Float64Array, off: number, out: Float64Array, outOff: number, fitDelay = false): number {
    const np = this.specs.length;
    const ff = fitDelay ? null : this.fast();
    if (ff) {
      const st = ff.fit(y, off, out, outOff);
      if (st === FAST_OK || st === FAST_INVALID) {
        this.lastRss = ff.rss;
        return st;
      }
    }
    const f = this.fit(y.subarray(off, off + this.n), { fitDelay, fast: true });
    const invalid = f.status === "invalid-input";
    for (let j = 0; j < np; j++)
      out[outOff + j] = invalid ? Number.NaN : (f.params[this.specs[j].key] ?? Number.NaN);
    if (fitDelay) out[outOff + np] = invalid ? Number.NaN : (f.params.delay_s ?? Number.NaN);
    this.lastRss = f.rss;
    return invalid ? 2 : f.converged ? 0 : 1;
  }

  fit(curve: ArrayLike<number>, opts: DceFitOptions = {}): DceFit {
    const n = this.n;
    if (curve.length !== n)
      throw new InputError({
        field: "tissue curve",
        value: curve.length,
        expected: `${n} samples (same time axis as the AIF)`,
      });
    const y = Float64Array.from(curve);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(y[i])) {
        return {
          params: {},
          rss: Number.POSITIVE_INFINITY,
          aic: Number.POSITIVE_INFINITY,
          converged: false,
          status: "invalid-input",
          fitted: new Float64Array(n),
        };
      }
    }
    const specs = this.specs;
    const np = specs.length;
    const fitDelay = opts.fitDelay === true;
    if ((opts.fast || opts.varpro) && !fitDelay) {
      const ff = this.fast();
      if (ff && ff.fit(y, 0, this.fastOut, 0) === FAST_OK) {
        const params: Record<string, number> = {};
        specs.forEach((sp, j) => {
          params[sp.key] = this.fastOut[j];
        });
        let stderr: Record<string, number> | undefined;
        if (opts.varpro && ff.standardErrors(this.fastSe, 0)) {
          stderr = {};
          for (let j = 0; j < np; j++) stderr[specs[j].key] = this.fastSe[j];
        }
        return {
          params,
          stderr,
          rss: ff.rss,
          aic: n * Math.log(Math.max(ff.rss, Number.MIN_VALUE) / n) + 2 * np,
          converged: true,
          status: "converged",
          fitted: this.curve(this.fastOut),
        };
      }
    }
    const [dLo, dHi] = opts.delayBoundsS ?? [-10, 10];
    // starting points: linear estimates over a delay grid, the OSIPI default, model grids
    const starts: number[][] = [];
    let bestLinear: { p: number[]; rss: number; delay: number } | null = null;
    for (let d = fitDelay ? Math.ceil(dLo) : 0; d <= (fitDelay ? Math.floor(dHi) : 0); d++) {
      const est = this.linearEstimate(y, d);
      if (est && (!bestLinear || est.rss < bestLinear.rss)) bestLinear = { ...est, delay: d };
    }
    // bolus-arrival difference from the curves' onsets (first sample above 10 % of the peak)
    const onsetGuess = fitDelay
      ? Math.min(dHi, Math.max(dLo, onset(this.timeS, y) - onset(this.timeS, this.aif)))
      : 0;
    // delays start off the sample grid: the objective has kinks where the shifted AIF crosses
    // sample times (linear interpolation), which stall a local quadratic model
    const off = 0.1;
    if (bestLinear) starts.push([...bestLinear.p, bestLinear.delay + off]);
    starts.push([...specs.map((s) => s.start), (bestLinear?.delay ?? onsetGuess) + off]);
    if (fitDelay) starts.push([...specs.map((s) => s.start), onsetGuess + off]);
    if (this.model === "2cxm" || this.model === "2cum") {
      for (const vp of [0.02, 0.1])
        for (const fp of [0.05, 0.3])
          for (const ps of [0.01, 0.1]) {
            const p = this.model === "2cxm" ? [vp, 0.2, fp, ps] : [vp, fp, ps];
            starts.push([...p, onsetGuess + off]);
          }
    }
    const npAll = fitDelay ? np + 1 : np;
    const lower = Float64Array.from([...specs.map((s) => s.lower), dLo].slice(0, npAll));
    const upper = Float64Array.from([...specs.map((s) => s.upper), dHi].slice(0, npAll));
    const self = this;
    // finite-difference scales: 1e-3 for rates and volumes, 1 s for the delay
    const typicalScale = Float64Array.from({ length: npAll }, (_, j) => (j < np ? 1e-3 : 1));
    const model: CurveModel = {
      nParams: npAll,
      nPoints: n,
      evaluate(p, out) {
        const delay = fitDelay ? p[np] : 0;
        self.curve(p, delay, out);
      },
    };
    // analytic Jacobian for (extended) Tofts without delay: C = Ktrans·(ca ⊛ e^{−kep t}) [+ vp·ca],
    // kep = Ktrans/ve; ∂C/∂Ktrans = conv + (Ktrans/ve)·∂conv/∂kep, ∂C/∂ve = −(Ktrans/ve)²·∂conv/∂kep
    if (!fitDelay && (this.model === "tofts" || this.model === "etofts")) {
      const conv = this.scratch.conv2;
      const dconv = this.shiftedIntegral;
      const ca = this.aif;
      model.jacobian = (p, _f, jac) => {
        const ve = Math.max(p[1], 1e-9);
        const r = p[0] / ve;
        expConvolveWithDerivative(self.tMin, ca, r, conv, dconv);
        for (let i = 0; i < n; i++) {
          jac[i * np] = conv[i] + r * dconv[i];
          jac[i * np + 1] = -r * r * dconv[i];
          if (np === 3) jac[i * np + 2] = ca[i];
        }
      };
    }
    if (opts.fast) starts.splice(1);
    const tol = opts.fast ? 1e-8 : 1e-10;
    let best: FitResult | undefined;
    const ws = fitDelay ? this.wsDelay : this.ws;
    for (const s of starts) {
      const p0 = Float64Array.from(s.slice(0, npAll));
      const r = levenbergMarquardt(
        model,
        y,
        p0,
        { lower, upper, ftol: tol, xtol: tol, gtol: 1e-12, typicalScale },
        ws,
      );
      if (!best || (r.converged && !best.converged) || (r.converged === best.converged && r.rss < best.rss))
        best = r;
    }
    const b = best as FitResult;
    const params: Record<string, number> = {};
    const stderr: Record<string, number> = {};
    specs.forEach((sp, j) => {
      params[sp.key] = b.params[j];
      if (b.stderr) stderr[sp.key] = b.stderr[j];
    });
    if (fitDelay) {
      params.delay_s = b.params[np];
      if (b.stderr) stderr.delay_s = b.stderr[np];
    }
    const fitted = this.curve(b.params, fitDelay ? b.params[np] : 0);
    const aic = n * Math.log(Math.max(b.rss, Number.MIN_VALUE) / n) + 2 * npAll;
    return {
      params,
      stderr: b.stderr ? stderr : undefined,
      rss: b.rss,
      aic,
      converged: b.converged,
      status: b.status,
      fitted,
    };
  }
}
