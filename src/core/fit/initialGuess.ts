/**
 * Linearised initial estimates for sums of exponentials y = Σ A_k·e^{−λ_k t} by curve
 * stripping (method of residuals; Gibaldi & Perrier 1982, App. C): fit ln y on the terminal
 * fraction of the points, subtract that exponential, repeat on the earlier points. Good starts
 * for Levenberg–Marquardt in multi-exponential PK and relaxometry fits.
 */
import { InputError } from "../errors.js";

export function exponentialPeeling(
  t: ArrayLike<number>,
  y: ArrayLike<number>,
  nExp: number,
): { amplitude: number; rate: number }[] {
  const n = t.length;
  if (n < 2 * nExp + 1)
    throw new InputError({
      field: "samples",
      value: n,
      expected: `at least ${2 * nExp + 1} points for ${nExp} exponentials`,
    });
  let resid = Array.from(y);
  let end = n;
  const out: { amplitude: number; rate: number }[] = [];
  for (let k = 0; k < nExp; k++) {
    const remaining = nExp - k;
    const start = k === nExp - 1 ? 0 : Math.max(0, end - Math.max(3, Math.floor(end / (remaining + 1))));
    const idx: number[] = [];
    for (let i = start; i < end; i++) if (resid[i] > 0) idx.push(i);
    if (idx.length < 2) break;
    let sx = 0;
    let sy = 0;
    for (const i of idx) {
      sx += t[i];
      sy += Math.log(resid[i]);
    }
    const mx = sx / idx.length;
    const my = sy / idx.length;
    let sxx = 0;
    let sxy = 0;
    for (const i of idx) {
      sxx += (t[i] - mx) ** 2;
      sxy += (t[i] - mx) * (Math.log(resid[i]) - my);
    }
    const rate = Math.max(-sxy / sxx, 1e-12);
    const amplitude = Math.exp(my + rate * mx);
    out.push({ amplitude, rate });
    resid = resid.map((v, i) => v - amplitude * Math.exp(-rate * t[i]));
    end = start;
  }
  return out.reverse(); // fastest first
}
