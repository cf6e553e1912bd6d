/**
 * Fitting compartment models to concentration–time data by weighted least squares with the
 * Levenberg–Marquardt solver (core/fit). Weights (WinNonlin's options): 1, 1/y, 1/y² on the
 * observed y. Parameters are fitted on the log scale (positivity, better conditioning) and
 * reported with delta-method standard errors SE(θ) = θ·SE(log θ).
 * Model comparison (WinNonlin definitions): AIC = N·ln(WRSS) + 2P, SBC/BIC = N·ln(WRSS) + P·ln(N).
 * Initial estimates from NCA (CL = D/AUC∞, V from λz, ka from Tmax), then a small multi-start
 * over peripheral-volume scalings; the best converged fit is kept.
 *
 * Not estimable is said, never fitted: fewer positive concentrations than parameters (e.g. an
 * all-zero profile) gives status "not-estimable" without fitting, and a fit that ends with a
 * parameter on the search box (log θ = ±30, θ ≈ 1e±13: the data do not determine it) gives
 * "at-bound"; both have NaN parameters, secondary parameters and AIC/BIC, converged = false.
 */
import { AnalysisError, InputError } from "../errors.js";
import { createLmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { CurveModel, FitResult } from "../fit/types.js";
import { type WeightScheme, weightsFor } from "../fit/weights.js";
import {
  type CompartmentCount,
  concentration,
  type Dose,
  type DosingRoute,
  parameterNames,
  secondaryParameters,
} from "./compartment.js";
import { nca } from "./nca.js";

export interface CompartmentFitOptions {
  compartments: CompartmentCount;
  route: DosingRoute;
  doses: Dose[];
  weight?: Exclude<WeightScheme, "1/sigma2">;
  /** initial values by parameter name (overrides the automatic estimates) */
  initial?: Record<string, number>;
}

export type CompartmentFitStatus = FitResult["status"] | "not-estimable" | "at-bound";

export interface CompartmentFit extends Omit<FitResult<Record<string, number>>, "status"> {
  status: CompartmentFitStatus;
  names: string[];
  aic: number;
  bic: number;
  secondary: Record<string, number>;
  /** model curve on a fine grid for overlay plots */
  curve: { timeH: number[]; conc: number[] };
}

function initialEstimates(t: ArrayLike<number>, y: ArrayLike<number>, o: CompartmentFitOptions): number[] {
  const dose = o.doses.reduce((a, d) => a + d.amount, 0) / Math.max(1, o.doses.length);
  const r = nca(t, y, {
    route: o.route === "ev" ? "ev" : o.route === "iv-infusion" ? "iv-infusion" : "iv-bolus",
    dose,
    tinf: o.doses[0]?.durationH,
    auc: "linlog",
  });
  const lz = r.params.LAMZ ?? Math.LN2 / Math.max(1e-6, (t[t.length - 1] - t[0]) / 3);
  const auc = r.params.AUCIFO ?? r.params.AUCLST ?? dose;
  const cl = dose / Math.max(auc, 1e-12);
  const vz = cl / lz;
  const c0 = r.params.C0 ?? r.params.CMAX ?? dose / vz;
  const v1 = o.compartments === 1 ? vz : Math.min(vz, dose / Math.max(c0, 1e-12));
  const p = [cl, Math.max(v1, 1e-6)];
  if (o.compartments >= 2) p.push(cl * 2, Math.max(vz - v1, v1));
  if (o.compartments === 3) p.push(cl / 2, Math.max(vz - v1, v1) * 2);
  if (o.route === "ev") {
    const tmax = r.params.TMAX ?? 1;
    p.push(Math.max(3 / Math.max(tmax, 1e-3), lz * 2));
  }
  return p;
}

export function fitCompartmentModel(
  timeH: ArrayLike<number>,
  conc: ArrayLike<number>,
  o: CompartmentFitOptions,
): CompartmentFit {
  const n = timeH.length;
  const names = parameterNames(o.compartments, o.route);
  const np = names.length;
  if (o.doses.length === 0) throw new InputError({ field: "dose", expected: "at least one dose" });
  if (n <= np)
    throw new InputError({
      field: "samples",
      value: n,
      expected: `more samples than the ${np} parameters of the model`,
    });
  for (const d of o.doses)
    if (!(d.amount > 0 && Number.isFinite(d.amount)))
      throw new InputError({ field: "dose", value: d.amount, expected: "a positive dose amount" });
  const y = Float64Array.from(conc);
  const positive = y.filter((v) => v > 0).length;
  if (positive < np)
    return notEstimable(
      o,
      names,
      "not-estimable",
      `${positive} positive concentration${positive === 1 ? "" : "s"}: the ${np} parameters of the model need at least ${np}`,
    );
  const w = weightsFor(y, o.weight ?? "1");
  const theta = new Float64Array(np);
  const model: CurveModel = {
    nParams: np,
    nPoints: n,
    evaluate(logp, out) {
      for (let j = 0; j < np; j++) theta[j] = Math.exp(logp[j]);
      concentration(o.compartments, o.route, theta, o.doses, timeH, out);
    },
  };
  const ws = createLmWorkspace(np, n);
  const base = initialEstimates(timeH, y, o).map((v, j) => o.initial?.[names[j]] ?? v);
  const starts: number[][] = [base];
  if (o.compartments >= 2) {
    for (const f of [0.2, 5]) starts.push(base.map((v, j) => (j >= 2 && j < 2 * o.compartments ? v * f : v)));
  }
  if (o.route === "ev") starts.push(base.map((v, j) => (j === np - 1 ? v * 4 : v)));
  let best: FitResult | undefined;
  for (const s of starts) {
    const p0 = Float64Array.from(s, (v) => Math.log(Math.max(v, 1e-12)));
    const r = levenbergMarquardt(
      model,
      y,
      p0,
      { weights: w, lower: new Float64Array(np).fill(-30), upper: new Float64Array(np).fill(30) },
      ws,
    );
    if (!best || (r.converged && !best.converged) || (r.converged === best.converged && r.rss < best.rss))
      best = r;
  }
  if (!best) throw new AnalysisError("compartment fit produced no result");
  const b = best;
  const atBound = names.filter((_, j) => Math.abs(b.params[j]) >= 30 - 1e-6);
  if (atBound.length > 0)
    return notEstimable(
      o,
      names,
      "at-bound",
      `${atBound.join(", ")} at the search bound (≈1e±13): the data do not determine ${atBound.length > 1 ? "them" : "it"}`,
      b.rss,
    );
  const params: Record<string, number> = {};
  const stderr: Record<string, number> = {};
  names.forEach((nm, j) => {
    params[nm] = Math.exp(b.params[j]);
    if (b.stderr) stderr[nm] = params[nm] * b.stderr[j];
  });
  const nObs = Array.from(w).filter((x) => x > 0).length;
  const wrss = Math.max(best.rss, Number.MIN_VALUE);
  const tMax = Math.max(...Array.from(timeH));
  const grid = Array.from({ length: 201 }, (_, i) => (tMax * i) / 200);
  const thetaArr = names.map((nm) => params[nm]);
  const curve = Array.from(concentration(o.compartments, o.route, thetaArr, o.doses, grid));
  return {
    names,
    params,
    stderr: best.stderr ? stderr : undefined,
    rss: best.rss,
    converged: best.converged,
    status: best.status,
    iterations: best.iterations,
    message: best.message,
    aic: nObs * Math.log(wrss) + 2 * np,
    bic: nObs * Math.log(wrss) + np * Math.log(nObs),
    secondary: secondaryParameters(o.compartments, thetaArr, o.doses[0].amount),
    curve: { timeH: grid, conc: curve },
  };
}

function notEstimable(
  o: CompartmentFitOptions,
  names: string[],
  status: "not-estimable" | "at-bound",
  message: string,
  rss = Number.NaN,
): CompartmentFit {
  const params = Object.fromEntries(names.map((n) => [n, Number.NaN]));
  return {
    names,
    params,
    rss,
    converged: false,
    status,
    message,
    aic: Number.NaN,
    bic: Number.NaN,
    secondary: Object.fromEntries(
      Object.keys(
        secondaryParameters(
          o.compartments,
          names.map(() => 1),
          1,
        ),
      ).map((k) => [k, Number.NaN]),
    ),
    curve: { timeH: [], conc: [] },
  };
}
