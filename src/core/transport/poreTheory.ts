/**
 * Hindered transport of a rigid sphere (radius r_s) through a cylindrical pore (radius r_p),
 * λ = r_s / r_p:
 *  - equilibrium partition coefficient Φ = (1 − λ)² (steric exclusion; Ferry 1936);
 *  - Renkin (1954, J Gen Physiol 38:225) centre-line hindrance with Faxén's wall correction
 *      K_d = 1 − 2.104λ + 2.09λ³ − 0.95λ⁵,
 *    diffusive restriction H = Φ·K_d, convective (filtration) restriction
 *      W = [2(1 − λ)² − (1 − λ)⁴]·K_d,  reflection coefficient σ = 1 − W;
 *  - Dechadilok & Deen (2006, Ind Eng Chem Res 45:6953), fitted to exact hydrodynamics:
 *      H = 1 + (9/8)λ·lnλ − 1.56034λ + 0.528155λ² + 1.91521λ³ − 2.81903λ⁴ + 0.270788λ⁵
 *          + 1.10115λ⁶ − 0.435933λ⁷  (λ ≤ 0.95; 0.984·((1 − λ)/λ)^{5/2} above),
 *      W = Φ·K_c, K_c = (1 + 3.867λ − 1.907λ² − 0.834λ³)/(1 + 1.867λ − 0.741λ²), σ = 1 − W.
 * λ ≥ 1: the solute is excluded (H = W = 0, σ = 1). Hand-written: closed-form formulas.
 * Diffusive permeability of a membrane with pore area fraction over length ε/ΔX (1/cm):
 *   P = D₀·H(λ)·(ε/ΔX)  (cm/s).
 */
import { InputError } from "../errors.js";

export type HindranceModel = "renkin" | "dechadilok-deen";

function checkLambda(lambda: number): void {
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new InputError({ field: "lambda", value: lambda, expected: "λ = r_s/r_p ≥ 0" });
}

/** λ = solute radius / pore radius */
export function poreLambda(soluteRadiusNm: number, poreRadiusNm: number): number {
  if (!(soluteRadiusNm > 0))
    throw new InputError({ field: "soluteRadiusNm", value: soluteRadiusNm, expected: "a radius > 0 nm" });
  if (!(poreRadiusNm > 0))
    throw new InputError({ field: "poreRadiusNm", value: poreRadiusNm, expected: "a radius > 0 nm" });
  return soluteRadiusNm / poreRadiusNm;
}

/** Φ = (1 − λ)², 0 for λ ≥ 1 */
export function partitionCoefficient(lambda: number): number {
  checkLambda(lambda);
  return lambda >= 1 ? 0 : (1 - lambda) ** 2;
}

/** Renkin/Faxén centre-line diffusive hindrance K_d (without partitioning) */
export function renkinKd(lambda: number): number {
  checkLambda(lambda);
  if (lambda >= 1) return 0;
  return 1 - 2.104 * lambda + 2.09 * lambda ** 3 - 0.95 * lambda ** 5;
}

/** diffusive restriction H = Φ·K_d (ratio of effective to free-solution diffusive permeability) */
export function diffusiveHindrance(lambda: number, model: HindranceModel = "renkin"): number {
  checkLambda(lambda);
  if (lambda >= 1) return 0;
  if (lambda === 0) return 1;
  if (model === "renkin") return partitionCoefficient(lambda) * renkinKd(lambda);
  if (lambda > 0.95) return 0.984 * ((1 - lambda) / lambda) ** 2.5 * partitionCoefficient(lambda);
  const l = lambda;
  return (
    1 +
    (9 / 8) * l * Math.log(l) -
    1.56034 * l +
    0.528155 * l ** 2 +
    1.91521 * l ** 3 -
    2.81903 * l ** 4 +
    0.270788 * l ** 5 +
    1.10115 * l ** 6 -
    0.435933 * l ** 7
  );
}

/** convective restriction W = 1 − σ (solute-to-solvent velocity ratio in the pore, partition included) */
export function convectiveHindrance(lambda: number, model: HindranceModel = "renkin"): number {
  checkLambda(lambda);
  if (lambda >= 1) return 0;
  const phi = partitionCoefficient(lambda);
  if (model === "renkin") return (2 * phi - phi * phi) * renkinKd(lambda);
  const l = lambda;
  const kc = (1 + 3.867 * l - 1.907 * l ** 2 - 0.834 * l ** 3) / (1 + 1.867 * l - 0.741 * l ** 2);
  return phi * kc;
}

/** Staverman reflection coefficient σ = 1 − W */
export function reflectionCoefficient(lambda: number, model: HindranceModel = "renkin"): number {
  return 1 - convectiveHindrance(lambda, model);
}

export interface PorePermeabilityInput {
  soluteRadiusNm: number;
  poreRadiusNm: number;
  /** free diffusion coefficient of the solute, cm²/s */
  freeDiffusionCm2PerS: number;
  /** pore area fraction over pore length ε/ΔX, 1/cm */
  poreFractionPerLengthPerCm: number;
  model?: HindranceModel;
}

/** size-dependent diffusive permeability P = D₀·H(λ)·ε/ΔX, cm/s */
export function porePermeabilityCmPerS(p: PorePermeabilityInput): number {
  const lambda = poreLambda(p.soluteRadiusNm, p.poreRadiusNm);
  if (!(p.freeDiffusionCm2PerS >= 0))
    throw new InputError({ field: "freeDiffusionCm2PerS", value: p.freeDiffusionCm2PerS, expected: "≥ 0" });
  if (!(p.poreFractionPerLengthPerCm >= 0))
    throw new InputError({
      field: "poreFractionPerLengthPerCm",
      value: p.poreFractionPerLengthPerCm,
      expected: "≥ 0",
    });
  return p.freeDiffusionCm2PerS * diffusiveHindrance(lambda, p.model) * p.poreFractionPerLengthPerCm;
}

/**
 * Poiseuille hydraulic conductivity of the same pores, Lp = ε·r_p²/(8·η·ΔX), cm/(mmHg·s)
 * (Baxter & Jain 1989 link between Lp and pore size; η in Pa·s).
 */
export function poreHydraulicConductivityCmPerMmHgS(
  poreRadiusNm: number,
  poreFractionPerLengthPerCm: number,
  viscosityPaS: number,
): number {
  const rCm = poreRadiusNm * 1e-7;
  const etaMmHgS = viscosityPaS / 133.322387415;
  return (poreFractionPerLengthPerCm * rCm * rCm) / (8 * etaMmHgS);
}
