/**
 * Linear calibration from a phantom series (known amounts x, measured signals y), e.g.
 * fluorescence → dye amount (FMT/FRI phantoms) or MPI signal → iron mass:
 *   y = b + m·x   (ordinary least squares with intercept, fit/linearLeastSquares.ts; or through
 *                  the origin, y = m·x, when `throughOrigin`)
 *   inverse prediction x̂ = (y − b)/m,
 *   LOD = 3.3·σ/m, LOQ = 10·σ/m  (ICH Q2(R1) "Validation of analytical procedures", §6.3/§7.3,
 *   σ = the residual standard deviation of the regression, or the SD of blank measurements when
 *   given).
 */
import { InputError } from "../errors.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";

export interface LinearCalibration {
  slope: number;
  intercept: number;
  slopeStderr: number | null;
  interceptStderr: number | null;
  r2: number;
  /** σ used for LOD/LOQ */
  sigma: number;
  sigmaSource: "residual" | "blank";
  lod: number;
  loq: number;
  n: number;
  throughOrigin: boolean;
}

function sd(v: ArrayLike<number>): number {
  const n = v.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += v[i] / n;
  let s = 0;
  for (let i = 0; i < n; i++) s += (v[i] - m) ** 2;
  return Math.sqrt(s / (n - 1));
}

export function fitLinearCalibration(
  amount: ArrayLike<number>,
  signal: ArrayLike<number>,
  opts: { throughOrigin?: boolean; blankSignals?: ArrayLike<number> } = {},
): LinearCalibration {
  const n = amount.length;
  const origin = opts.throughOrigin === true;
  const p = origin ? 1 : 2;
  if (signal.length !== n)
    throw new InputError({
      field: "signal",
      value: signal.length,
      expected: `${n} values, one per standard`,
    });
  if (n < p + 1)
    throw new InputError({
      field: "standards",
      value: n,
      expected: `at least ${p + 1} calibration standards`,
    });
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(amount[i]) || !Number.isFinite(signal[i]))
      throw new InputError({
        field: `standard ${i}`,
        value: [amount[i], signal[i]],
        expected: "finite amount and signal",
      });
  const x = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    if (origin) x[i] = amount[i];
    else {
      x[2 * i] = 1;
      x[2 * i + 1] = amount[i];
    }
  }
  const fit = linearLeastSquares(x, n, p, signal);
  const slope = fit.coefficients[origin ? 0 : 1];
  if (slope === null || slope === undefined || !(Math.abs(slope) > 0))
    throw new InputError({
      field: "amounts",
      value: Array.from(amount),
      expected: "standards with different amounts (slope not estimable)",
    });
  const intercept = origin ? 0 : (fit.coefficients[0] ?? 0);
  const blank = opts.blankSignals && opts.blankSignals.length >= 2 ? sd(opts.blankSignals) : null;
  const sigma = blank ?? fit.residualSd;
  return {
    slope,
    intercept,
    slopeStderr: fit.standardErrors[origin ? 0 : 1],
    interceptStderr: origin ? null : fit.standardErrors[0],
    r2: fit.r2,
    sigma,
    sigmaSource: blank !== null ? "blank" : "residual",
    lod: (3.3 * sigma) / Math.abs(slope),
    loq: (10 * sigma) / Math.abs(slope),
    n,
    throughOrigin: origin,
  };
}

export interface CalibratedAmount {
  amount: number;
  status: "ok" | "below-lod" | "below-loq";
}

/** x̂ = (y − b)/m, flagged below LOD / LOQ (the value is still reported) */
export function applyCalibration(cal: LinearCalibration, signal: number): CalibratedAmount {
  const amount = (signal - cal.intercept) / cal.slope;
  return { amount, status: amount < cal.lod ? "below-lod" : amount < cal.loq ? "below-loq" : "ok" };
}
