/**
 * Graphical analysis of tissue time–activity curves against an input function Cp:
 *  - Patlak (Patlak, Blasberg & Fenstermacher 1983): Ct/Cp = Ki·(∫Cp/Cp) + V0 for t ≥ t*,
 *    irreversible uptake, Ki in 1/time (e.g. mL/g/min with concentrations per mL and per g);
 *  - Logan (Logan et al. 1990): ∫Ct/Ct = VT·(∫Cp/Ct) + b for t ≥ t*, reversible uptake,
 *    VT the total distribution volume.
 * Integrals are cumulative trapezoids from t = 0 (a (0, 0) sample is assumed when the first
 * sample is later). t* is given, or chosen as PMOD's "max error" rule: the earliest start such
 * that the regression over all later points (≥ 3) deviates from every point by < maxErrPct %.
 */
import { InputError } from "../errors.js";
import { cumulativeTrapezoid } from "../fit/integrate.js";

export interface GraphicalFit {
  slope: number;
  intercept: number;
  r2: number;
  tStar: number;
  nPoints: number;
  x: number[];
  y: number[];
}

/** cumulative trapezoid from t = 0, assuming a (0, 0) sample before a later first sample */
function integralFromZero(t: ArrayLike<number>, c: ArrayLike<number>): Float64Array {
  const out = cumulativeTrapezoid(t, c);
  const head = t[0] > 0 ? (c[0] * t[0]) / 2 : 0;
  for (let i = 0; i < out.length; i++) out[i] += head;
  return out;
}

function regress(x: number[], y: number[]): { slope: number; intercept: number; r2: number } {
  const n = x.length;
  const mx = x.reduce((a, v) => a + v, 0) / n;
  const my = y.reduce((a, v) => a + v, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (x[i] - mx) ** 2;
    sxy += (x[i] - mx) * (y[i] - my);
    syy += (y[i] - my) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy > 0 ? (sxy * sxy) / (sxx * syy) : 1 };
}

function fitFrom(
  x: number[],
  y: number[],
  t: ArrayLike<number>,
  tStar: number | undefined,
  maxErrPct: number,
): GraphicalFit {
  const valid = x.map((_, i) => i).filter((i) => Number.isFinite(x[i]) && Number.isFinite(y[i]));
  const candidates = tStar !== undefined ? [valid.find((i) => t[i] >= tStar)] : valid;
  for (const start of candidates) {
    if (start === undefined) break;
    const idx = valid.filter((i) => i >= start);
    if (idx.length < 3) break;
    const xs = idx.map((i) => x[i]);
    const ys = idx.map((i) => y[i]);
    const r = regress(xs, ys);
    const maxErr = Math.max(
      ...idx.map((i) => Math.abs(r.slope * x[i] + r.intercept - y[i]) / Math.max(Math.abs(y[i]), 1e-300)),
    );
    if (tStar !== undefined || maxErr * 100 < maxErrPct)
      return { ...r, tStar: t[start], nPoints: idx.length, x: xs, y: ys };
  }
  throw new InputError({
    field: "t*",
    value: tStar,
    expected:
      tStar !== undefined
        ? "at least 3 valid points after t*"
        : `a linear phase with ≥ 3 points within ${maxErrPct} % max error`,
  });
}

function check(t: ArrayLike<number>, cp: ArrayLike<number>, ct: ArrayLike<number>): void {
  if (t.length !== cp.length || t.length !== ct.length)
    throw new InputError({
      field: "time/cp/ct",
      value: [t.length, cp.length, ct.length],
      expected: "equal lengths",
    });
  for (let i = 1; i < t.length; i++)
    if (!(t[i] > t[i - 1]))
      throw new InputError({ field: `time[${i}]`, value: t[i], expected: "strictly increasing times" });
}

export function patlak(
  t: ArrayLike<number>,
  cp: ArrayLike<number>,
  ct: ArrayLike<number>,
  opts: { tStar?: number; maxErrPct?: number } = {},
): GraphicalFit {
  check(t, cp, ct);
  const icp = integralFromZero(t, cp);
  const x = Array.from(t, (_, i) => (cp[i] > 0 ? icp[i] / cp[i] : Number.NaN));
  const y = Array.from(t, (_, i) => (cp[i] > 0 ? ct[i] / cp[i] : Number.NaN));
  return fitFrom(x, y, t, opts.tStar, opts.maxErrPct ?? 10);
}

export function logan(
  t: ArrayLike<number>,
  cp: ArrayLike<number>,
  ct: ArrayLike<number>,
  opts: { tStar?: number; maxErrPct?: number } = {},
): GraphicalFit {
  check(t, cp, ct);
  const icp = integralFromZero(t, cp);
  const ict = integralFromZero(t, ct);
  const x = Array.from(t, (_, i) => (ct[i] > 0 ? icp[i] / ct[i] : Number.NaN));
  const y = Array.from(t, (_, i) => (ct[i] > 0 ? ict[i] / ct[i] : Number.NaN));
  return fitFrom(x, y, t, opts.tStar, opts.maxErrPct ?? 10);
}
