/**
 * Stokes–Einstein free diffusion coefficient of a sphere in a continuum fluid:
 *   D = k_B·T / (6π·η·r)
 * (Einstein 1905; e.g. Truskey, Yuan & Katz, "Transport Phenomena in Biological Systems", §6.2).
 * Defaults: water at 37 °C (T = 310.15 K, η = 0.6913 mPa·s, IAPWS 2008 viscosity of water).
 * Albumin (r ≈ 3.5 nm) gives D ≈ 9.4e-7 cm²/s at 37 °C.
 */
import { InputError } from "../errors.js";

/** Boltzmann constant (exact, SI 2019), J/K */
export const BOLTZMANN_J_PER_K = 1.380649e-23;
/** dynamic viscosity of water at 37 °C (IAPWS 2008 formulation), Pa·s */
export const WATER_VISCOSITY_37C_PA_S = 0.6913e-3;
/** body temperature, K */
export const BODY_TEMPERATURE_K = 310.15;

export interface StokesEinsteinInput {
  /** hydrodynamic (Stokes) radius, nm */
  radiusNm: number;
  temperatureK?: number;
  viscosityPaS?: number;
}

/** free diffusion coefficient, cm²/s */
export function stokesEinsteinDiffusionCm2PerS(p: StokesEinsteinInput): number {
  const T = p.temperatureK ?? BODY_TEMPERATURE_K;
  const eta = p.viscosityPaS ?? WATER_VISCOSITY_37C_PA_S;
  if (!(p.radiusNm > 0))
    throw new InputError({ field: "radiusNm", value: p.radiusNm, expected: "a radius > 0 nm" });
  if (!(T > 0)) throw new InputError({ field: "temperatureK", value: T, expected: "a temperature > 0 K" });
  if (!(eta > 0))
    throw new InputError({ field: "viscosityPaS", value: eta, expected: "a viscosity > 0 Pa·s" });
  const dM2PerS = (BOLTZMANN_J_PER_K * T) / (6 * Math.PI * eta * p.radiusNm * 1e-9);
  return dM2PerS * 1e4;
}
