/**
 * Bland–Altman agreement (Bland & Altman, 1986, Lancet i:307; 1999, Stat Methods Med Res 8:135).
 *   d_i = a_i − b_i, bias = d̄, s = SD(d) (n − 1), limits of agreement bias ± z·s (z = 1.96
 *   for 95 %, exactly Φ⁻¹(0.975) here); CI of the bias d̄ ± t_{α/2,n−1}·s/√n; CI of each limit
 *   ± t_{α/2,n−1}·s·√(3/n) (Bland & Altman 1986, approximate SE √(3s²/n)).
 */
import { InputError } from "../errors.js";
import { normalQuantile, tQuantile } from "./distributions.js";

export interface BlandAltman {
  n: number;
  bias: number;
  sd: number;
  lowerLoa: number;
  upperLoa: number;
  biasCi: [number, number];
  lowerLoaCi: [number, number];
  upperLoaCi: [number, number];
  means: Float64Array;
  differences: Float64Array;
}

export function blandAltman(a: ArrayLike<number>, b: ArrayLike<number>, confLevel = 0.95): BlandAltman {
  const n = a.length;
  if (b.length !== n || n < 3)
    throw new InputError({ field: "pairs", value: n, expected: "≥ 3 paired measurements" });
  const d = Float64Array.from({ length: n }, (_, i) => a[i] - b[i]);
  const m = Float64Array.from({ length: n }, (_, i) => (a[i] + b[i]) / 2);
  let bias = 0;
  for (const v of d) bias += v;
  bias /= n;
  let ss = 0;
  for (const v of d) ss += (v - bias) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const z = normalQuantile(1 - (1 - confLevel) / 2);
  const t = tQuantile(1 - (1 - confLevel) / 2, n - 1);
  const lo = bias - z * sd;
  const hi = bias + z * sd;
  const hb = (t * sd) / Math.sqrt(n);
  const hl = t * sd * Math.sqrt(3 / n);
  return {
    n,
    bias,
    sd,
    lowerLoa: lo,
    upperLoa: hi,
    biasCi: [bias - hb, bias + hb],
    lowerLoaCi: [lo - hl, lo + hl],
    upperLoaCi: [hi - hl, hi + hl],
    means: m,
    differences: d,
  };
}
