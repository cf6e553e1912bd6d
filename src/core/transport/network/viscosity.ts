/**
 * Apparent viscosity of blood in a vessel of diameter D (µm) at discharge haematocrit H:
 *  - constant: μ fixed (Newtonian blood, e.g. 3.5 mPa·s);
 *  - pries-vitro: the in-vitro law of Pries, Neuhaus & Gaehtgens (1992, Am J Physiol 263:H1770,
 *    eqs. of the "empirical fitting equations", restated in Pries et al. 1994 Circ Res 75:904 and
 *    Pries & Secomb 2005 Am J Physiol 289:H2657), relative to the suspending plasma:
 *      η_0.45(D) = 220·e^{−1.3D} + 3.2 − 2.44·e^{−0.06·D^0.645}
 *      C(D)      = (0.8 + e^{−0.075D})·(−1 + 1/(1 + 10⁻¹¹·D¹²)) + 1/(1 + 10⁻¹¹·D¹²)
 *      η_rel     = 1 + (η_0.45 − 1)·((1 − H)^C − 1)/((1 − 0.45)^C − 1)
 *    μ = μ_plasma·η_rel. Fitted to high-shear data (≥ 50 s⁻¹), D 3.3–1978 µm, H up to 0.9; the
 *    Fåhræus–Lindqvist minimum lies near D ≈ 7 µm. The in-vivo law (endothelial surface layer)
 *    and phase separation at bifurcations are not modelled: H is the same in every segment.
 */
import { InputError } from "../../errors.js";

export type ViscosityModel =
  | { kind: "constant"; viscosityMPaS: number }
  | { kind: "pries-vitro"; plasmaViscosityMPaS: number; haematocrit: number };

/** η_0.45(D): relative apparent viscosity at H = 0.45 (Pries et al. 1992) */
export function priesEta045(diameterUm: number): number {
  const d = diameterUm;
  return 220 * Math.exp(-1.3 * d) + 3.2 - 2.44 * Math.exp(-0.06 * d ** 0.645);
}

/** shape exponent C(D) of the haematocrit dependence (Pries et al. 1992) */
export function priesShapeC(diameterUm: number): number {
  const d = diameterUm;
  const g = 1 / (1 + 1e-11 * d ** 12);
  return (0.8 + Math.exp(-0.075 * d)) * (-1 + g) + g;
}

/** relative apparent viscosity η_rel(D, H) of the in-vitro law (plasma = 1) */
export function priesRelativeViscosity(diameterUm: number, haematocrit: number): number {
  if (!(diameterUm > 0 && Number.isFinite(diameterUm)))
    throw new InputError({ field: "diameter_um", value: diameterUm, expected: "a diameter > 0 µm" });
  if (!(haematocrit >= 0 && haematocrit < 1))
    throw new InputError({ field: "haematocrit", value: haematocrit, expected: "a fraction in [0, 1)" });
  const c = priesShapeC(diameterUm);
  const e = priesEta045(diameterUm);
  return 1 + ((e - 1) * ((1 - haematocrit) ** c - 1)) / (0.55 ** c - 1);
}

/** apparent viscosity μ (Pa·s) in a vessel of radius r (µm) */
export function bloodViscosityPaS(model: ViscosityModel, radiusUm: number): number {
  if (model.kind === "constant") return model.viscosityMPaS * 1e-3;
  return model.plasmaViscosityMPaS * 1e-3 * priesRelativeViscosity(2 * radiusUm, model.haematocrit);
}

export function validateViscosity(model: ViscosityModel): void {
  if (model.kind === "constant") {
    if (!(model.viscosityMPaS > 0 && Number.isFinite(model.viscosityMPaS)))
      throw new InputError({
        field: "--viscosity-mpa-s",
        value: model.viscosityMPaS,
        expected: "a viscosity > 0 mPa·s",
      });
    return;
  }
  if (!(model.plasmaViscosityMPaS > 0 && Number.isFinite(model.plasmaViscosityMPaS)))
    throw new InputError({
      field: "--plasma-viscosity-mpa-s",
      value: model.plasmaViscosityMPaS,
      expected: "a viscosity > 0 mPa·s",
    });
  if (!(model.haematocrit >= 0 && model.haematocrit < 1))
    throw new InputError({ field: "--hct", value: model.haematocrit, expected: "a fraction in [0, 1)" });
}
