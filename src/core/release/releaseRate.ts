/**
 * Temperature-dependent first-order release rate k(T) (1/s):
 *  - Arrhenius, centred at a reference temperature for a well-conditioned fit:
 *      k(T) = k_ref · exp(−(Ea/R)·(1/T_K − 1/T_ref,K)),  R = 8.314462618 J/(mol·K), T_K = T_C + 273.15
 *    (Arrhenius 1889; the centred form: e.g. Bates & Watts 1988, §3.2 reparametrisation);
 *  - tabulated k(T) for lysolipid TSL whose release switches on around the melting transition Tm
 *    (Needham et al. 2000, Cancer Res 60:1197): ln k interpolated linearly in T between the table
 *    temperatures (k spans decades across Tm, so ln k, not k, is interpolated), held constant
 *    beyond the first/last entry.
 * First-order release with plateau f∞: df/dt = k(T)·(f∞ − f); at constant T,
 *   f(t) = f∞ − (f∞ − f0)·e^{−k t}.
 */
import { InputError } from "../errors.js";

export const GAS_CONSTANT_J_PER_MOL_K = 8.314462618;
export const KELVIN_OFFSET = 273.15;

export interface ArrheniusRate {
  kind: "arrhenius";
  kRefPerS: number;
  tRefC: number;
  eaKjPerMol: number;
}

export interface TabulatedRate {
  kind: "tabulated";
  /** increasing temperatures (°C) */
  temperatureC: number[];
  /** k at each temperature (1/s, > 0) */
  kPerS: number[];
}

export type ReleaseRate = ArrheniusRate | TabulatedRate;

export function arrheniusK(r: ArrheniusRate, tempC: number): number {
  const inv = 1 / (tempC + KELVIN_OFFSET) - 1 / (r.tRefC + KELVIN_OFFSET);
  return r.kRefPerS * Math.exp(((-r.eaKjPerMol * 1000) / GAS_CONSTANT_J_PER_MOL_K) * inv);
}

export function checkTabulatedRate(r: TabulatedRate): void {
  const n = r.temperatureC.length;
  if (n < 1 || r.kPerS.length !== n)
    throw new InputError({
      field: "k(T) table",
      value: [n, r.kPerS.length],
      expected: "equal-length temperature and k lists (≥ 1)",
    });
  for (let i = 0; i < n; i++) {
    if (!(r.kPerS[i] > 0))
      throw new InputError({ field: `k(T) table k[${i}]`, value: r.kPerS[i], expected: "k > 0 (1/s)" });
    if (i > 0 && !(r.temperatureC[i] > r.temperatureC[i - 1]))
      throw new InputError({
        field: `k(T) table T[${i}]`,
        value: r.temperatureC[i],
        expected: "increasing temperatures",
      });
  }
}

export function tabulatedK(r: TabulatedRate, tempC: number): number {
  const T = r.temperatureC;
  const n = T.length;
  if (tempC <= T[0]) return r.kPerS[0];
  if (tempC >= T[n - 1]) return r.kPerS[n - 1];
  let i = 1;
  while (T[i] < tempC) i++;
  const w = (tempC - T[i - 1]) / (T[i] - T[i - 1]);
  return Math.exp((1 - w) * Math.log(r.kPerS[i - 1]) + w * Math.log(r.kPerS[i]));
}

export function releaseK(r: ReleaseRate, tempC: number): number {
  return r.kind === "arrhenius" ? arrheniusK(r, tempC) : tabulatedK(r, tempC);
}

/** f(t) at constant temperature */
export function firstOrderFraction(kPerS: number, timeS: number, fInf = 1, f0 = 0): number {
  return fInf - (fInf - f0) * Math.exp(-kPerS * timeS);
}
