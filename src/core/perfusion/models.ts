/**
 * Tracer-kinetic models of DCE-MRI (Tofts et al., JMRI 1999;10:223; Sourbron & Buckley,
 * Phys Med Biol 2013;58:R1 — the OSIPI CAPLEX parameter names and units). Plasma input
 * ca(t) (mM), tissue C(t) (mM), rates per minute, volumes as fractions:
 *  - tofts:  C = Ktrans·(ca ⊛ e^{−kep t}),  kep = Ktrans/ve
 *  - etofts: C = vp·ca + Ktrans·(ca ⊛ e^{−kep t})
 *  - patlak: C = vp·ca + Ktrans·∫ca
 *  - 2cxm (two-compartment exchange): impulse response Fp·(B₊e^{−α₊t} + B₋e^{−α₋t}) with
 *    α± the eigenvalues of the exchange system (T = (Fp+PS)/vp + PS/ve, D = Fp·PS/(vp·ve),
 *    α± = (T ± √(T² − 4D))/2), B₊ = (Fp/vp − α₋)/(α₊ − α₋), B₋ = 1 − B₊
 *  - 2cum (two-compartment uptake, ve → ∞): C = Fp·(ca ⊛ e^{−αt}) + E·Fp·(∫ca − ca ⊛ e^{−αt}),
 *    α = (Fp + PS)/vp, E = PS/(Fp + PS)
 * Convolutions are exact for piecewise-linear ca (core/fit/expConvolution.ts).
 */
import { expConvolve } from "../fit/expConvolution.js";
import { cumulativeTrapezoid } from "../fit/integrate.js";

export type DceModelName = "tofts" | "etofts" | "patlak" | "2cxm" | "2cum";

export interface ParameterSpec {
  /** output key (units in the name) */
  key: "Ktrans_per_min" | "ve" | "vp" | "Fp_per_min" | "PS_per_min";
  start: number;
  lower: number;
  upper: number;
}

const KTRANS: ParameterSpec = { key: "Ktrans_per_min", start: 0.6, lower: 0, upper: 5 };
const VE: ParameterSpec = { key: "ve", start: 0.2, lower: 0, upper: 1 };
const VP: ParameterSpec = { key: "vp", start: 0.01, lower: 0, upper: 1 };
const FP: ParameterSpec = { key: "Fp_per_min", start: 0.2, lower: 0, upper: 2 };
const PS: ParameterSpec = { key: "PS_per_min", start: 0.6, lower: 0, upper: 5 };

/** parameters of each model, in the order of the parameter vector (OSIPI starts and bounds) */
export const MODEL_PARAMETERS: Record<DceModelName, ParameterSpec[]> = {
  tofts: [KTRANS, VE],
  etofts: [KTRANS, VE, VP],
  patlak: [KTRANS, VP],
  "2cxm": [VP, VE, FP, PS],
  "2cum": [VP, FP, PS],
};

export interface ModelScratch {
  conv: Float64Array;
  conv2: Float64Array;
  integral: Float64Array;
}

export function createScratch(n: number): ModelScratch {
  return { conv: new Float64Array(n), conv2: new Float64Array(n), integral: new Float64Array(n) };
}

/**
 * C(t) for the model; tMin time in minutes, ca the plasma AIF on the same grid.
 * `caIntegral` (∫ca from t0) may be passed precomputed.
 */
export function predict(
  model: DceModelName,
  p: ArrayLike<number>,
  tMin: ArrayLike<number>,
  ca: ArrayLike<number>,
  out: Float64Array<ArrayBufferLike>,
  s: ModelScratch,
  caIntegral?: ArrayLike<number>,
): Float64Array<ArrayBufferLike> {
  const n = tMin.length;
  switch (model) {
    case "tofts":
    case "etofts": {
      const ktrans = p[0];
      const ve = Math.max(p[1], 1e-9);
      expConvolve(tMin, ca, ktrans / ve, s.conv);
      const vp = model === "etofts" ? p[2] : 0;
      for (let i = 0; i < n; i++) out[i] = ktrans * s.conv[i] + vp * ca[i];
      return out;
    }
    case "patlak": {
      const ic = caIntegral ?? cumulativeTrapezoid(tMin, ca, s.integral);
      for (let i = 0; i < n; i++) out[i] = p[1] * ca[i] + p[0] * ic[i];
      return out;
    }
    case "2cxm": {
      const vp = Math.max(p[0], 1e-9);
      const ve = Math.max(p[1], 1e-9);
      const fp = p[2];
      const ps = p[3];
      const T = (fp + ps) / vp + ps / ve;
      const D = (fp * ps) / (vp * ve);
      const disc = Math.sqrt(Math.max(T * T - 4 * D, 0));
      const aPlus = (T + disc) / 2;
      const aMinus = T - aPlus > 0 ? D / aPlus : (T - disc) / 2;
      expConvolve(tMin, ca, aPlus, s.conv);
      expConvolve(tMin, ca, aMinus, s.conv2);
      if (aPlus - aMinus < 1e-12 * Math.max(aPlus, 1)) {
        for (let i = 0; i < n; i++) out[i] = fp * s.conv[i];
        return out;
      }
      const bPlus = (fp / vp - aMinus) / (aPlus - aMinus);
      const bMinus = 1 - bPlus;
      for (let i = 0; i < n; i++) out[i] = fp * (bPlus * s.conv[i] + bMinus * s.conv2[i]);
      return out;
    }
    case "2cum": {
      const vp = Math.max(p[0], 1e-9);
      const fp = p[1];
      const ps = p[2];
      const alpha = (fp + ps) / vp;
      expConvolve(tMin, ca, alpha, s.conv);
      const ic = caIntegral ?? cumulativeTrapezoid(tMin, ca, s.integral);
      const e = fp + ps > 0 ? ps / (fp + ps) : 0;
      for (let i = 0; i < n; i++) out[i] = fp * s.conv[i] + e * fp * (ic[i] - s.conv[i]);
      return out;
    }
  }
}
