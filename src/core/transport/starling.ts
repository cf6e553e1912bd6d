/**
 * Transvascular fluid exchange (Starling 1896; Kedem–Katchalsky form) and lymphatic drainage,
 * per unit tissue volume (Baxter & Jain 1989, Microvasc Res 37:77, eqs 2–4):
 *   Jv/V = Lp·(S/V)·[(pv − pi) − σ·(πv − πi)]            (1/s; cm³ fluid per cm³ tissue per s)
 *   Jl/V = Lp_L·(S/V)_L·(pi − pL)                          (lymphatic drainage, 1/s)
 * Effective pressure pe = pv − σ(πv − πi): the interstitial pressure at which filtration stops.
 * Units: Lp cm/(mmHg·s), S/V 1/cm, pressures mmHg.
 */
import { InputError } from "../errors.js";

export interface StarlingInput {
  lpCmPerMmHgS: number;
  svPerCm: number;
  pvMmHg: number;
  piMmHg: number;
  sigma: number;
  pivMmHg: number;
  piiMmHg: number;
}

export function effectivePressureMmHg(
  pvMmHg: number,
  sigma: number,
  pivMmHg: number,
  piiMmHg: number,
): number {
  if (!(sigma >= 0 && sigma <= 1))
    throw new InputError({ field: "sigma", value: sigma, expected: "0 ≤ σ ≤ 1" });
  return pvMmHg - sigma * (pivMmHg - piiMmHg);
}

/** Starling filtration per tissue volume Jv/V, 1/s (positive: out of the vessel) */
export function starlingFluxPerS(p: StarlingInput): number {
  const pe = effectivePressureMmHg(p.pvMmHg, p.sigma, p.pivMmHg, p.piiMmHg);
  return p.lpCmPerMmHgS * p.svPerCm * (pe - p.piMmHg);
}

/** Starling flux per vessel wall area Jv/S, cm/s */
export function starlingFluxCmPerS(p: Omit<StarlingInput, "svPerCm">): number {
  return starlingFluxPerS({ ...p, svPerCm: 1 });
}

/** lymphatic drainage per tissue volume Jl/V = Lp_L S_L/V·(pi − pL), 1/s; 0 when pi < pL (valves) */
export function lymphaticDrainagePerS(lplSvPerMmHgS: number, piMmHg: number, plMmHg: number): number {
  if (!(lplSvPerMmHgS >= 0))
    throw new InputError({ field: "lplSvPerMmHgS", value: lplSvPerMmHgS, expected: "≥ 0 per (mmHg·s)" });
  return lplSvPerMmHgS * Math.max(0, piMmHg - plMmHg);
}
