/**
 * Inversion-recovery T1 mapping: magnitude signal S(TI) = |M0·(1 − 2k·e^{−TI/T1})| with
 * inversion efficiency k (ideal 1), fitted for (M0, T1, k) by Levenberg–Marquardt (Barral et
 * al., MRM 2010;64:1057, "RD-NLS" magnitude model). Start: T1 from the signal null
 * (TI_null ≈ T1·ln 2), M0 from the longest TI.
 */
import { InputError } from "../errors.js";
import { createLmWorkspace, levenbergMarquardt } from "../fit/levenbergMarquardt.js";
import type { CurveModel, FitStatus } from "../fit/types.js";

export interface IrFit {
  t1S: number;
  m0: number;
  efficiency: number;
  converged: boolean;
  status: FitStatus;
}

export function irSignal(m0: number, t1S: number, tiS: number, efficiency = 1): number {
  return Math.abs(m0 * (1 - 2 * efficiency * Math.exp(-tiS / t1S)));
}

export function fitInversionRecovery(signal: ArrayLike<number>, tiS: ArrayLike<number>): IrFit {
  const n = signal.length;
  if (n !== tiS.length || n < 4)
    throw new InputError({
      field: "inversion times",
      value: tiS.length,
      expected: `one TI per signal value (${n}), at least 4`,
    });
  let iMin = 0;
  let iMax = 0;
  for (let i = 1; i < n; i++) {
    if (signal[i] < signal[iMin]) iMin = i;
    if (tiS[i] > tiS[iMax]) iMax = i;
  }
  const scale = Math.max(...Array.from(signal, Math.abs)) || 1;
  const y = Float64Array.from(signal, (v) => v / scale);
  const model: CurveModel = {
    nParams: 3,
    nPoints: n,
    evaluate(p, out) {
      for (let i = 0; i < n; i++) out[i] = irSignal(p[0], p[1], tiS[i], p[2]);
    },
  };
  const t1Start = Math.max(tiS[iMin] / Math.LN2, 1e-3);
  const r = levenbergMarquardt(
    model,
    y,
    Float64Array.of(y[iMax], t1Start, 1),
    {
      lower: Float64Array.of(0, 1e-4, 0.5),
      upper: Float64Array.of(Number.POSITIVE_INFINITY, 100, 1.5),
      finiteDifferences: "central",
    },
    createLmWorkspace(3, n),
  );
  return {
    m0: r.params[0] * scale,
    t1S: r.params[1],
    efficiency: r.params[2],
    converged: r.converged,
    status: r.status,
  };
}
