/**
 * Linear mammillary compartment models (1, 2, 3 compartments; elimination from the central
 * compartment) in closed form by superposition of exponentials (Gibaldi & Perrier,
 * "Pharmacokinetics" 2nd ed., ch. 3; Gabrielsson & Weiner 2000, §2.6).
 *
 * Clearance parameterisation: CL, V1 [, Q2, V2 [, Q3, V3]] (+ ka for first-order absorption);
 * micro-constants k10 = CL/V1, k1p = Qp/V1, kp1 = Qp/Vp. The central unit-impulse response is
 *   h(t) = Σ_i c_i·e^{−λ_i t},  c_i = (1/V1)·Π_p (kp1 − λ_i) / Π_{j≠i} (λ_j − λ_i),
 * λ_i the roots of the characteristic polynomial (disposition rate constants). Inputs:
 *  - IV bolus D at t_d:     C = D·h(t − t_d)
 *  - infusion D over T:     C = (D/T)·Σ c_i/λ_i·(1 − e^{−λ_i·min(τ,T)})·e^{−λ_i·(τ − min(τ,T))}, τ = t − t_d
 *  - first-order absorption (F·D, rate ka): C = F·D·ka·Σ c_i (e^{−λ_i τ} − e^{−ka τ})/(ka − λ_i)
 * Multiple doses superpose. Units: dose in amount, volumes in volume, so C in amount/volume.
 */
import { InputError } from "../errors.js";

export type CompartmentCount = 1 | 2 | 3;
export type DosingRoute = "iv-bolus" | "iv-infusion" | "ev";

export interface Dose {
  timeH: number;
  amount: number;
  /** infusion duration (h), for iv-infusion */
  durationH?: number;
}

export const PARAMETER_NAMES: Record<CompartmentCount, string[]> = {
  1: ["CL", "V1"],
  2: ["CL", "V1", "Q2", "V2"],
  3: ["CL", "V1", "Q2", "V2", "Q3", "V3"],
};

export function parameterNames(n: CompartmentCount, route: DosingRoute): string[] {
  return route === "ev" ? [...PARAMETER_NAMES[n], "ka"] : PARAMETER_NAMES[n];
}

export interface Disposition {
  lambdas: number[];
  coefficients: number[];
}

/** real roots of a cubic x³ + a x² + b x + c with three real roots (trigonometric method) */
function cubicRoots(a: number, b: number, c: number): number[] {
  const q = (a * a - 3 * b) / 9;
  const r = (2 * a * a * a - 9 * a * b + 27 * c) / 54;
  const qc = Math.max(q, 0) ** 1.5;
  const cosArg = qc === 0 ? 0 : Math.max(-1, Math.min(1, r / qc));
  const th = Math.acos(cosArg);
  const s = -2 * Math.sqrt(Math.max(q, 0));
  return [
    s * Math.cos(th / 3) - a / 3,
    s * Math.cos((th + 2 * Math.PI) / 3) - a / 3,
    s * Math.cos((th - 2 * Math.PI) / 3) - a / 3,
  ];
}

/** disposition rate constants λ_i and central impulse-response coefficients c_i */
export function disposition(n: CompartmentCount, p: ArrayLike<number>): Disposition {
  const cl = p[0];
  const v1 = p[1];
  const k10 = cl / v1;
  const kp1: number[] = [];
  const k1p: number[] = [];
  for (let c = 1; c < n; c++) {
    const q = p[2 * c];
    const v = p[2 * c + 1];
    k1p.push(q / v1);
    kp1.push(q / v);
  }
  let lambdas: number[];
  if (n === 1) lambdas = [k10];
  else if (n === 2) {
    const s = k10 + k1p[0] + kp1[0];
    const prod = k10 * kp1[0];
    const disc = Math.sqrt(Math.max(0, s * s - 4 * prod));
    // stable pair: the larger root directly, the smaller from the product
    const big = (s + disc) / 2;
    lambdas = [big, prod / big];
  } else {
    const [k12, k13] = k1p;
    const [k21, k31] = kp1;
    // characteristic polynomial of the 3-compartment mammillary model:
    // λ³ − (k10+k12+k13+k21+k31)λ² + (k10k21 + k10k31 + k12k31 + k13k21 + k21k31)λ − k10k21k31 = 0
    const a = -(k10 + k12 + k13 + k21 + k31);
    const b = k10 * k21 + k10 * k31 + k12 * k31 + k13 * k21 + k21 * k31;
    const c = -k10 * k21 * k31;
    lambdas = cubicRoots(a, b, c).sort((x, y) => y - x);
  }
  const coefficients = lambdas.map((li, i) => {
    let num = 1;
    for (const k of kp1) num *= k - li;
    let den = 1;
    lambdas.forEach((lj, j) => {
      if (j !== i) den *= lj - li;
    });
    return num / (den * v1);
  });
  return { lambdas, coefficients };
}

/** Central concentration at times tH for a dosing regimen. */
export function concentration(
  n: CompartmentCount,
  route: DosingRoute,
  p: ArrayLike<number>,
  doses: Dose[],
  tH: ArrayLike<number>,
  out: Float64Array = new Float64Array(tH.length),
  bioavailability = 1,
): Float64Array {
  const { lambdas, coefficients } = disposition(n, p);
  const ka = route === "ev" ? p[2 * n] : 0;
  out.fill(0);
  for (const d of doses) {
    for (let k = 0; k < tH.length; k++) {
      const tau = tH[k] - d.timeH;
      if (tau < 0) continue;
      let c = 0;
      for (let i = 0; i < lambdas.length; i++) {
        const l = lambdas[i];
        const ci = coefficients[i];
        if (route === "iv-bolus") c += d.amount * ci * Math.exp(-l * tau);
        else if (route === "iv-infusion") {
          const T = d.durationH ?? 0;
          if (!(T > 0))
            throw new InputError({ field: "durationH", value: T, expected: "a positive infusion duration" });
          const tin = Math.min(tau, T);
          c += ((d.amount / T) * ci * (1 - Math.exp(-l * tin)) * Math.exp(-l * (tau - tin))) / l;
        } else {
          const f =
            Math.abs(ka - l) < 1e-12 * Math.max(ka, l)
              ? tau * Math.exp(-l * tau)
              : (Math.exp(-l * tau) - Math.exp(-ka * tau)) / (ka - l);
          c += bioavailability * d.amount * ka * ci * f;
        }
      }
      out[k] += c;
    }
  }
  return out;
}

/** Derived secondary parameters: half-lives of each phase, Vss, AUC for a single dose. */
export function secondaryParameters(
  n: CompartmentCount,
  p: ArrayLike<number>,
  dose: number,
): Record<string, number> {
  const { lambdas, coefficients } = disposition(n, p);
  const out: Record<string, number> = {};
  lambdas.forEach((l, i) => {
    out[`lambda${i + 1}`] = l;
    out[`t_half_${i + 1}`] = Math.LN2 / l;
    out[`A${i + 1}`] = dose * coefficients[i];
  });
  let vss = p[1];
  for (let c = 1; c < n; c++) vss += p[2 * c + 1];
  out.Vss = vss;
  out.AUC = dose / p[0];
  return out;
}
