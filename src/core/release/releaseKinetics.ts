/**
 * Fit of first-order release kinetics to in-vitro release curves measured at several constant
 * temperatures (fraction released vs time, e.g. dialysis or fluorescence de-quenching assays):
 *   f_c(t) = f∞ · (1 − e^{−k(T_c)·t})
 *  - "tabulated": each temperature's curve fitted on its own for ln k_c (and f∞,c when
 *    `fitPlateau`), giving the k(T) table of releaseRate.ts;
 *  - "arrhenius": one global fit of (ln k_ref, Ea, f∞) over all curves with
 *    k(T) = k_ref·exp(−(Ea/R)(1/T − 1/T_ref)), T_ref = the mean curve temperature by default,
 *    started from the least-squares line of the per-curve ln k_c against 1/T_c (the classical
 *    Arrhenius plot).
 * Both by the shared bounded Levenberg–Marquardt (fit/levenbergMarquardt.ts) with analytic
 * Jacobians; standard errors from its covariance. ln k is fitted (k > 0, scale-free).
 */
import { InputError } from "../errors.js";
import { levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";
import { multiStartFit } from "../fit/multiStart.js";
import type { CurveModel, FitStatus } from "../fit/types.js";
import {
  type ArrheniusRate,
  GAS_CONSTANT_J_PER_MOL_K,
  KELVIN_OFFSET,
  type TabulatedRate,
} from "./releaseRate.js";

export interface ReleaseCurve {
  temperatureC: number;
  timeS: ArrayLike<number>;
  fraction: ArrayLike<number>;
}

export interface KineticsOptions {
  /** fit the plateau f∞ (default false: f∞ = fixedPlateau) */
  fitPlateau?: boolean;
  /** f∞ when not fitted; default 1 */
  fixedPlateau?: number;
  /** Arrhenius reference temperature (°C); default the mean of the curve temperatures */
  tRefC?: number;
}

export interface CurveKFit {
  temperatureC: number;
  kPerS: number;
  kStderrPerS: number | null;
  fInf: number;
  rss: number;
  n: number;
  status: FitStatus;
}

/** f = f∞(1 − e^{−k t}) for p = [ln k, f∞] */
class SingleCurveModel implements CurveModel {
  readonly nParams = 2;
  readonly nPoints: number;
  constructor(private readonly t: ArrayLike<number>) {
    this.nPoints = t.length;
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    const k = Math.exp(p[0]);
    for (let i = 0; i < this.nPoints; i++) out[i] = p[1] * -Math.expm1(-k * this.t[i]);
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    const k = Math.exp(p[0]);
    for (let i = 0; i < this.nPoints; i++) {
      const e = Math.exp(-k * this.t[i]);
      jac[2 * i] = p[1] * this.t[i] * k * e;
      jac[2 * i + 1] = -Math.expm1(-k * this.t[i]);
    }
  }
}

function checkCurve(c: ReleaseCurve, idx: number): void {
  if (!Number.isFinite(c.temperatureC))
    throw new InputError({
      field: `curve[${idx}].temperature_C`,
      value: c.temperatureC,
      expected: "a temperature in °C",
    });
  if (c.timeS.length !== c.fraction.length || c.timeS.length < 3)
    throw new InputError({
      field: `curve[${idx}]`,
      value: c.timeS.length,
      expected: "≥ 3 (time, fraction) samples",
    });
  for (let i = 0; i < c.timeS.length; i++)
    if (!(c.timeS[i] >= 0) || !Number.isFinite(c.fraction[i]))
      throw new InputError({
        field: `curve[${idx}] sample ${i}`,
        value: [c.timeS[i], c.fraction[i]],
        expected: "time ≥ 0 s and a finite fraction",
      });
}

/** per-temperature fit of k (and f∞) */
export function fitCurveK(c: ReleaseCurve, opts: KineticsOptions = {}): CurveKFit {
  checkCurve(c, 0);
  const model = new SingleCurveModel(c.timeS);
  const y = Float64Array.from(c.fraction);
  let tmax = 0;
  let tpos = Number.POSITIVE_INFINITY;
  for (let i = 0; i < c.timeS.length; i++) {
    tmax = Math.max(tmax, c.timeS[i]);
    if (c.timeS[i] > 0) tpos = Math.min(tpos, c.timeS[i]);
  }
  const fInf0 = opts.fitPlateau ? Math.max(...Array.from(y), 1e-3) : (opts.fixedPlateau ?? 1);
  // starting rates spread over the sampled time scales (1/tmax … 1/tmin)
  const starts = [0.1, 1, 3, 10, 100].map((s) => Float64Array.from([Math.log(s / tmax), fInf0]));
  if (Number.isFinite(tpos)) starts.push(Float64Array.from([Math.log(1 / tpos), fInf0]));
  const fit = multiStartFit(model, y, starts, {
    fixed: [false, !opts.fitPlateau],
    lower: Float64Array.from([-60, 0]),
    upper: Float64Array.from([20, 10]),
  });
  const k = Math.exp(fit.params[0]);
  return {
    temperatureC: c.temperatureC,
    kPerS: k,
    kStderrPerS: fit.stderr && Number.isFinite(fit.stderr[0]) ? k * fit.stderr[0] : null,
    fInf: fit.params[1],
    rss: fit.rss,
    n: y.length,
    status: fit.status,
  };
}

export interface TabulatedKinetics {
  model: "tabulated";
  rate: TabulatedRate;
  curves: CurveKFit[];
  fInf: number;
}

export function fitTabulatedKinetics(curves: ReleaseCurve[], opts: KineticsOptions = {}): TabulatedKinetics {
  if (curves.length < 1)
    throw new InputError({ field: "curves", value: 0, expected: "at least one release curve" });
  const fits = curves.map((c, i) => {
    checkCurve(c, i);
    return fitCurveK(c, opts);
  });
  const order = fits.map((_, i) => i).sort((a, b) => fits[a].temperatureC - fits[b].temperatureC);
  for (let i = 1; i < order.length; i++)
    if (fits[order[i]].temperatureC === fits[order[i - 1]].temperatureC)
      throw new InputError({
        field: "temperature_C",
        value: fits[order[i]].temperatureC,
        expected: "one curve per temperature",
      });
  const sorted = order.map((i) => fits[i]);
  return {
    model: "tabulated",
    rate: {
      kind: "tabulated",
      temperatureC: sorted.map((f) => f.temperatureC),
      kPerS: sorted.map((f) => f.kPerS),
    },
    curves: sorted,
    fInf: sorted.reduce((s, f) => s + f.fInf, 0) / sorted.length,
  };
}

/** global f = f∞(1 − e^{−k(T_c) t}) for p = [ln k_ref, Ea (kJ/mol), f∞] */
class ArrheniusModel implements CurveModel {
  readonly nParams = 3;
  readonly nPoints: number;
  private readonly t: Float64Array;
  private readonly x: Float64Array; // −1000/R·(1/T − 1/Tref) per point
  constructor(curves: ReleaseCurve[], tRefC: number) {
    this.nPoints = curves.reduce((s, c) => s + c.timeS.length, 0);
    this.t = new Float64Array(this.nPoints);
    this.x = new Float64Array(this.nPoints);
    let o = 0;
    for (const c of curves) {
      const x =
        (-1000 / GAS_CONSTANT_J_PER_MOL_K) *
        (1 / (c.temperatureC + KELVIN_OFFSET) - 1 / (tRefC + KELVIN_OFFSET));
      for (let i = 0; i < c.timeS.length; i++, o++) {
        this.t[o] = c.timeS[i];
        this.x[o] = x;
      }
    }
  }
  evaluate(p: Float64Array, out: Float64Array): void {
    for (let i = 0; i < this.nPoints; i++) {
      const k = Math.exp(p[0] + p[1] * this.x[i]);
      out[i] = p[2] * -Math.expm1(-k * this.t[i]);
    }
  }
  jacobian(p: Float64Array, _f: Float64Array, jac: Float64Array): void {
    for (let i = 0; i < this.nPoints; i++) {
      const k = Math.exp(p[0] + p[1] * this.x[i]);
      const e = Math.exp(-k * this.t[i]);
      const d = p[2] * this.t[i] * k * e; // ∂f/∂ln k
      jac[3 * i] = d;
      jac[3 * i + 1] = d * this.x[i];
      jac[3 * i + 2] = -Math.expm1(-k * this.t[i]);
    }
  }
}

export interface ArrheniusKinetics {
  model: "arrhenius";
  rate: ArrheniusRate;
  fInf: number;
  stderr: { lnKRef: number | null; eaKjPerMol: number | null; fInf: number | null };
  rss: number;
  n: number;
  status: FitStatus;
  /** the per-temperature fits used to start the global fit */
  curves: CurveKFit[];
}

export function fitArrheniusKinetics(curves: ReleaseCurve[], opts: KineticsOptions = {}): ArrheniusKinetics {
  const temps = new Set(curves.map((c) => c.temperatureC));
  if (temps.size < 2)
    throw new InputError({
      field: "temperature_C",
      value: [...temps],
      expected: "curves at ≥ 2 distinct temperatures for Ea",
    });
  const tab = fitTabulatedKinetics(curves, opts);
  const tRefC = opts.tRefC ?? curves.reduce((s, c) => s + c.temperatureC, 0) / curves.length;
  // Arrhenius plot: ln k_c = ln k_ref + Ea·x_c
  const xs = tab.curves.map(
    (c) =>
      (-1000 / GAS_CONSTANT_J_PER_MOL_K) *
      (1 / (c.temperatureC + KELVIN_OFFSET) - 1 / (tRefC + KELVIN_OFFSET)),
  );
  const design = new Float64Array(xs.length * 2);
  xs.forEach((x, i) => {
    design[2 * i] = 1;
    design[2 * i + 1] = x;
  });
  const line = linearLeastSquares(
    design,
    xs.length,
    2,
    tab.curves.map((c) => Math.log(c.kPerS)),
  );
  const model = new ArrheniusModel(curves, tRefC);
  const y = new Float64Array(model.nPoints);
  let o = 0;
  for (const c of curves) for (let i = 0; i < c.fraction.length; i++) y[o++] = c.fraction[i];
  const p0 = Float64Array.from([
    line.coefficients[0] ?? 0,
    Math.max(0, line.coefficients[1] ?? 100),
    opts.fitPlateau ? tab.fInf : (opts.fixedPlateau ?? 1),
  ]);
  const fit = levenbergMarquardt(model, y, p0, {
    fixed: [false, false, !opts.fitPlateau],
    lower: Float64Array.from([-60, -1000, 0]),
    upper: Float64Array.from([20, 5000, 10]),
  });
  const se = (j: number) => (fit.stderr && Number.isFinite(fit.stderr[j]) ? fit.stderr[j] : null);
  return {
    model: "arrhenius",
    rate: { kind: "arrhenius", kRefPerS: Math.exp(fit.params[0]), tRefC, eaKjPerMol: fit.params[1] },
    fInf: fit.params[2],
    stderr: { lnKRef: se(0), eaKjPerMol: se(1), fInf: opts.fitPlateau ? se(2) : null },
    rss: fit.rss,
    n: y.length,
    status: fit.status,
    curves: tab.curves,
  };
}
