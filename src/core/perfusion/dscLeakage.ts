/**
 * Boxerman–Schmainda–Weisskoff leakage correction of DSC ΔR2* curves (Boxerman et al., AJNR
 * 2006;27:859; Weisskoff et al., Proc SMR 1994): the measured curve is modelled as
 *   ΔR2*(t) = K1·ΔR2*_ref(t) − K2·∫₀ᵗ ΔR2*_ref(τ) dτ,
 * ΔR2*_ref the mean curve of non-enhancing tissue; K1, K2 by linear least squares (core/fit
 * linearLeastSquares; integral by the cumulative trapezoid). K2 > 0: T1-dominant leakage (signal
 * rises, ΔR2* underestimated); K2 < 0: T2*-dominant. Corrected curve
 *   ΔR2*_corr(t) = ΔR2*(t) + K2·∫₀ᵗ ΔR2*_ref,
 * and rCBV_corr = ∫ΔR2*_corr dt. K2 is per second when t is in seconds.
 */
import { InputError } from "../errors.js";
import { cumulativeTrapezoid, trapezoid } from "../fit/integrate.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";

export interface LeakageCorrection {
  K1: number;
  /** 1/s */
  K2_per_s: number;
  corrected: Float64Array;
  /** ∫ΔR2* before and after correction (units of ΔR2*·s) */
  rCBV_uncorrected: number;
  rCBV_corrected: number;
  r2: number;
}

export function boxermanLeakageCorrection(
  deltaR2Star: ArrayLike<number>,
  reference: ArrayLike<number>,
  timeS: ArrayLike<number>,
  opts: { window?: [number, number] } = {},
): LeakageCorrection {
  const n = timeS.length;
  if (deltaR2Star.length !== n || reference.length !== n)
    throw new InputError({
      field: "curves",
      value: [deltaR2Star.length, reference.length],
      expected: `tissue and reference curves of ${n} samples (one per time)`,
    });
  if (n < 3) throw new InputError({ field: "time_s", value: n, expected: "at least 3 samples" });
  const cum = cumulativeTrapezoid(timeS, reference);
  const [lo, hi] = opts.window ?? [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const rows: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    if (!(timeS[i] >= lo && timeS[i] <= hi)) continue;
    rows.push(reference[i], -cum[i]);
    y.push(deltaR2Star[i]);
  }
  const fit = linearLeastSquares(rows, y.length, 2, y);
  const [k1, k2] = fit.coefficients;
  if (k1 === null || k2 === null)
    throw new InputError({
      field: "reference",
      expected: "a reference curve that is not proportional to its own integral (rank-deficient design)",
    });
  const corrected = Float64Array.from(deltaR2Star, (v, i) => v + k2 * cum[i]);
  return {
    K1: k1,
    K2_per_s: k2,
    corrected,
    rCBV_uncorrected: trapezoid(timeS, deltaR2Star),
    rCBV_corrected: trapezoid(timeS, corrected),
    r2: fit.r2,
  };
}
