/**
 * Arterial input functions (concentrations in mM, time in s; SCIENCE.md §4):
 *  - Parker et al., MRM 2006;56:993, eq. 1 (population blood AIF, t in min inside):
 *    Cb = Σ_{n=1,2} A_n/(σ_n√2π)·exp(−(t−T_n)²/2σ_n²) + α·e^{−βt}/(1 + e^{−s(t−τ)});
 *  - McGrath et al., MRM 2009;61:1173, model B (mouse): Cb = (A1 + A2)·t/t0 for t ≤ t0, else
 *    A1·e^{−K1(t−t0)} + A2·e^{−K2(t−t0)} (t in s);
 *  - Weinmann et al., Physiol Chem Phys Med NMR 1984;16:167 (as used by Tofts & Kermode 1991):
 *    Cp = D·(a1·e^{−m1 t} + a2·e^{−m2 t}), D = 0.1 mmol/kg, a1 = 3.99 kg/L, a2 = 4.78 kg/L,
 *    m1 = 0.144 /min, m2 = 0.0111 /min (plasma, so no hematocrit correction).
 *  - Georgiou et al., MRM 2019;81:1955, eq. 1 with Table 3 (blood, t in min): an exponential
 *    washout Σ_{i=1..3} A_i·e^{−m_i t} times a train of gamma densities for the first pass and
 *    recirculations, Σ_{j=0..N} γ(t − jτ; shape (j+1)α + j + 1, scale β) on [Nτ, (N+1)τ);
 *    A = (0.37, 0.33, 10.06) mM, m = (0.11, 1.17, 16.02) /min, α = 5.26, β = 0.032 min,
 *    τ = 0.129 min.
 * Bolus-arrival delays re-evaluate the function at t − delay and give 0 before the arrival.
 * Blood → plasma: Cp = Cb/(1 − Hct).
 */
import { InputError } from "../errors.js";
import { logGamma } from "../stats/distributions.js";

export const PARKER_2006 = {
  A1: 0.809,
  A2: 0.33,
  T1: 0.17046,
  T2: 0.365,
  sigma1: 0.0563,
  sigma2: 0.132,
  alpha: 1.05,
  beta: 0.1685,
  s: 38.078,
  tau: 0.483,
};

export function parkerAif(timeS: ArrayLike<number>, delayS = 0): Float64Array {
  const p = PARKER_2006;
  const out = new Float64Array(timeS.length);
  const k = 1 / Math.sqrt(2 * Math.PI);
  for (let i = 0; i < timeS.length; i++) {
    const ts = timeS[i] - delayS;
    if (ts < 0) continue;
    const t = ts / 60;
    out[i] =
      ((p.A1 * k) / p.sigma1) * Math.exp(-((t - p.T1) ** 2) / (2 * p.sigma1 ** 2)) +
      ((p.A2 * k) / p.sigma2) * Math.exp(-((t - p.T2) ** 2) / (2 * p.sigma2 ** 2)) +
      (p.alpha * Math.exp(-p.beta * t)) / (1 + Math.exp(-p.s * (t - p.tau)));
  }
  return out;
}

export const MCGRATH_2009_B = { A1: 3.4, K1: 0.045, A2: 1.81, K2: 0.0015, t0: 7 };

export function mcGrathMouseAif(timeS: ArrayLike<number>, delayS = 0): Float64Array {
  const p = MCGRATH_2009_B;
  const out = new Float64Array(timeS.length);
  for (let i = 0; i < timeS.length; i++) {
    const t = timeS[i] - delayS;
    if (t < 0) continue;
    out[i] =
      t <= p.t0
        ? ((p.A1 + p.A2) * t) / p.t0
        : p.A1 * Math.exp(-p.K1 * (t - p.t0)) + p.A2 * Math.exp(-p.K2 * (t - p.t0));
  }
  return out;
}

export function weinmannAif(timeS: ArrayLike<number>, delayS = 0, doseMmolPerKg = 0.1): Float64Array {
  const out = new Float64Array(timeS.length);
  for (let i = 0; i < timeS.length; i++) {
    const t = (timeS[i] - delayS) / 60;
    if (t < 0) continue;
    out[i] = doseMmolPerKg * (3.99 * Math.exp(-0.144 * t) + 4.78 * Math.exp(-0.0111 * t));
  }
  return out;
}

export const GEORGIOU_2019 = {
  A: [0.37, 0.33, 10.06],
  m: [0.11, 1.17, 16.02],
  alpha: 5.26,
  beta: 0.032,
  tau: 0.129,
};

function gammaPdf(x: number, shape: number, scale: number): number {
  if (x <= 0) return 0;
  return Math.exp((shape - 1) * Math.log(x) - x / scale - logGamma(shape) - shape * Math.log(scale));
}

export function georgiouAif(timeS: ArrayLike<number>, delayS = 0): Float64Array {
  const p = GEORGIOU_2019;
  const out = new Float64Array(timeS.length);
  for (let i = 0; i < timeS.length; i++) {
    const t = (timeS[i] - delayS) / 60;
    if (t < 0) continue;
    let washout = 0;
    for (let k = 0; k < 3; k++) washout += p.A[k] * Math.exp(-p.m[k] * t);
    const n = Math.floor(t / p.tau);
    let gammas = 0;
    for (let j = 0; j <= n; j++) gammas += gammaPdf(t - j * p.tau, (j + 1) * p.alpha + j + 1, p.beta);
    out[i] = washout * gammas;
  }
  return out;
}

export function bloodToPlasma(cb: ArrayLike<number>, hct: number): Float64Array {
  if (!(hct >= 0 && hct < 1))
    throw new InputError({ field: "hematocrit", value: hct, expected: "a fraction in [0, 1)" });
  return Float64Array.from(cb, (v) => v / (1 - hct));
}

/** Sampled AIF delayed by delayS: linear interpolation of the samples at t − delay, 0 before t0. */
export function shiftCurve(
  timeS: ArrayLike<number>,
  c: ArrayLike<number>,
  delayS: number,
  out: Float64Array<ArrayBufferLike> = new Float64Array(timeS.length),
): Float64Array<ArrayBufferLike> {
  const n = timeS.length;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const t = timeS[i] - delayS;
    if (t < timeS[0]) {
      out[i] = t < timeS[0] - 1e-12 && delayS > 0 ? 0 : c[0];
      continue;
    }
    while (j + 1 < n && timeS[j + 1] < t) j++;
    while (j > 0 && timeS[j] > t) j--;
    if (j + 1 >= n) {
      out[i] = c[n - 1];
      continue;
    }
    const f = (t - timeS[j]) / (timeS[j + 1] - timeS[j]);
    out[i] = c[j] + f * (c[j + 1] - c[j]);
  }
  return out;
}
