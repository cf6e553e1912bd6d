/**
 * Linear reference-region model (Yankeelov et al., MRI 2005;23:519, eq. 6; Cárdenas-Rodríguez
 * et al., MRI 2013;31:497): with a reference tissue (e.g. muscle) of known Ktrans,RR and ve,RR,
 *   C_T(t) = R·C_RR(t) + R·kep,RR·∫C_RR − kep,T·∫C_T,   R = Ktrans,T/Ktrans,RR,
 * solved by linear least squares; Ktrans,T = R·Ktrans,RR, ve,T = Ktrans,T/kep,T. No AIF needed.
 */
import { InputError } from "../errors.js";
import { cumulativeTrapezoid } from "../fit/integrate.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";

export interface ReferenceRegionFit {
  Ktrans_per_min: number;
  ve: number;
  kep_per_min: number;
  /** Ktrans ratio tissue/reference */
  ratio: number;
  /** kep of the reference region estimated from the data (1/min) */
  kepReference_per_min: number;
}

export function referenceRegionFit(
  timeS: ArrayLike<number>,
  tissue: ArrayLike<number>,
  reference: ArrayLike<number>,
  ref: { ktransPerMin: number; ve: number },
): ReferenceRegionFit {
  const n = timeS.length;
  if (tissue.length !== n || reference.length !== n)
    throw new InputError({
      field: "curves",
      value: [tissue.length, reference.length],
      expected: `${n} samples each`,
    });
  const tMin = Float64Array.from(timeS, (t) => t / 60);
  const iRR = cumulativeTrapezoid(tMin, reference);
  const iT = cumulativeTrapezoid(tMin, tissue);
  const X = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    X[3 * i] = reference[i];
    X[3 * i + 1] = iRR[i];
    X[3 * i + 2] = -iT[i];
  }
  const fit = linearLeastSquares(X, n, 3, tissue);
  const [a, b, c] = fit.coefficients.map((v) => v ?? Number.NaN);
  const ktrans = a * ref.ktransPerMin;
  return { Ktrans_per_min: ktrans, ve: ktrans / c, kep_per_min: c, ratio: a, kepReference_per_min: b / a };
}
