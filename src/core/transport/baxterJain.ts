/**
 * Baxter & Jain (1989, Microvasc Res 37:77) uniformly perfused spherical tumour without
 * lymphatics, interstitial fluid pressure p(r) with p(R) = 0 (surrounding normal tissue):
 *   K∇²p = Lp(S/V)(p − pe),  α = R·√(Lp·(S/V)/K),  pe = pv − σ(πv − πi)
 *   p(r) = pe·[1 − sinh(αr/R) / ((r/R)·sinh α)],  p(0) = pe·(1 − α/sinh α)
 *   v(r) = −K dp/dr = (K·pe/sinh α)·[(α/r)·cosh(αr/R) − (R/r²)·sinh(αr/R)],  v(0) = 0.
 * Units: R cm, K cm²/(mmHg·s), Lp cm/(mmHg·s), S/V 1/cm, pressures mmHg, v cm/s.
 */
import { InputError } from "../errors.js";
import { effectivePressureMmHg } from "./starling.js";

export interface IfpSphereInput {
  radiusCm: number;
  lpCmPerMmHgS: number;
  svPerCm: number;
  kCm2PerMmHgS: number;
  pvMmHg: number;
  sigma: number;
  pivMmHg: number;
  piiMmHg: number;
}

export function checkIfpInput(p: IfpSphereInput): void {
  const pos: [keyof IfpSphereInput, string][] = [
    ["radiusCm", "a radius > 0 cm"],
    ["lpCmPerMmHgS", "Lp > 0 cm/(mmHg·s)"],
    ["svPerCm", "S/V > 0 1/cm"],
    ["kCm2PerMmHgS", "K > 0 cm²/(mmHg·s)"],
  ];
  for (const [k, e] of pos)
    if (!(p[k] > 0) || !Number.isFinite(p[k])) throw new InputError({ field: k, value: p[k], expected: e });
  for (const k of ["pvMmHg", "pivMmHg", "piiMmHg"] as const)
    if (!Number.isFinite(p[k]))
      throw new InputError({ field: k, value: p[k], expected: "a finite pressure in mmHg" });
}

/** α = R·√(Lp·S/V / K) (dimensionless) */
export function baxterJainAlpha(p: IfpSphereInput): number {
  checkIfpInput(p);
  return p.radiusCm * Math.sqrt((p.lpCmPerMmHgS * p.svPerCm) / p.kCm2PerMmHgS);
}

/** sinh(αx)/(x·sinh α) evaluated without overflow for large α */
function shapeRatio(alpha: number, x: number): number {
  if (x === 0) return alpha / Math.sinh(alpha) || 0;
  // sinh(αx)/sinh(α) = e^{α(x−1)}·(1 − e^{−2αx})/(1 − e^{−2α})
  return (Math.exp(alpha * (x - 1)) * -Math.expm1(-2 * alpha * x)) / (-Math.expm1(-2 * alpha) * x);
}

/** analytic IFP, mmHg, at radius r (cm) */
export function baxterJainPressureMmHg(p: IfpSphereInput, rCm: number): number {
  const alpha = baxterJainAlpha(p);
  const pe = effectivePressureMmHg(p.pvMmHg, p.sigma, p.pivMmHg, p.piiMmHg);
  return pe * (1 - shapeRatio(alpha, rCm / p.radiusCm));
}

/** analytic interstitial fluid velocity (radial, outward positive), cm/s */
export function baxterJainVelocityCmPerS(p: IfpSphereInput, rCm: number): number {
  const alpha = baxterJainAlpha(p);
  const pe = effectivePressureMmHg(p.pvMmHg, p.sigma, p.pivMmHg, p.piiMmHg);
  const R = p.radiusCm;
  const x = rCm / R;
  if (x === 0) return 0;
  // (K pe / R)·[α cosh(αx) − sinh(αx)/x]/(x sinh α), written with scaled exponentials
  const e = Math.exp(alpha * (x - 1)) / -Math.expm1(-2 * alpha);
  const coshR = e * (1 + Math.exp(-2 * alpha * x));
  const sinhR = e * -Math.expm1(-2 * alpha * x);
  return ((p.kCm2PerMmHgS * pe) / R) * ((alpha * coshR - sinhR / x) / x);
}
