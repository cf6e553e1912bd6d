/**
 * Transcapillary exchange of a small contrast agent between a segment piece and the
 * extravascular extracellular space (EES) of the voxel it lies in (Kety 1951; Renkin 1959,
 * Am J Physiol 197:1205; Crone 1963, Acta Physiol Scand 58:292):
 *   J = P·S·(c_p − c_e/v_e)   (diffusive, no convection; c_e/v_e = interstitial concentration),
 * integrated along plug flow through a piece of surface S at plasma flow F_p: the plasma leaves
 * with c_out = c_i + (c_in − c_i)·E', E' = exp(−P·S/F_p), i.e. the single-pass extraction
 * E = 1 − exp(−PS/F_p) (Renkin–Crone). For a voxel fed only through such pieces this gives the
 * Tofts uptake Ktrans = F_p·E (→ PS when F_p ≫ PS, → F_p when PS ≫ F_p).
 * Wall permeability P: given (cm/s), chosen so that Σ P·S over the leaky segments / the tissue
 * volume equals a target PS (1/min), or from pore theory P = D₀·H(λ)·ε/ΔX (poreTheory.ts) with
 * the Stokes–Einstein D₀ (stokesEinstein.ts) of a solute of the given radius in water at 37 °C.
 */
import { InputError } from "../../errors.js";
import { diffusiveHindrance, type HindranceModel, poreLambda } from "../poreTheory.js";
import { stokesEinsteinDiffusionCm2PerS } from "../stokesEinstein.js";

export type PermeabilitySpec =
  | { kind: "permeability"; cmPerS: number }
  | { kind: "ps-per-min"; psPerMin: number }
  | {
      kind: "pore";
      poreRadiusNm: number;
      soluteRadiusNm: number;
      poreFractionPerLengthPerCm: number;
      model?: HindranceModel;
    };

/** single-pass extraction fraction E = 1 − exp(−PS/F) (Renkin 1959, Crone 1963) */
export function renkinCroneExtraction(ps: number, flow: number): number {
  if (!(flow > 0)) return ps > 0 ? 1 : 0;
  return -Math.expm1(-ps / flow);
}

/**
 * Wall permeability in cm/s. `leakySurfaceMm2` (Σ S of the leaky segments) and `tissueVolumeMm3`
 * are needed for the ps-per-min target.
 */
export function wallPermeabilityCmPerS(
  spec: PermeabilitySpec,
  leakySurfaceMm2: number,
  tissueVolumeMm3: number,
): number {
  switch (spec.kind) {
    case "permeability":
      if (!(spec.cmPerS >= 0 && Number.isFinite(spec.cmPerS)))
        throw new InputError({ field: "--permeability-cm-per-s", value: spec.cmPerS, expected: "≥ 0 cm/s" });
      return spec.cmPerS;
    case "ps-per-min": {
      if (!(spec.psPerMin >= 0 && Number.isFinite(spec.psPerMin)))
        throw new InputError({ field: "--ps-per-min", value: spec.psPerMin, expected: "≥ 0 /min" });
      if (spec.psPerMin === 0) return 0;
      if (!(leakySurfaceMm2 > 0))
        throw new InputError({
          field: "--ps-per-min",
          value: spec.psPerMin,
          expected: "leaky vessels (none has a radius ≤ --max-leaky-radius-um)",
        });
      // PS/V (1/s) = P (mm/s)·S (mm²)/V (mm³); P cm/s = mm/s / 10
      return ((spec.psPerMin / 60) * tissueVolumeMm3) / leakySurfaceMm2 / 10;
    }
    case "pore": {
      const lambda = poreLambda(spec.soluteRadiusNm, spec.poreRadiusNm);
      const d0 = stokesEinsteinDiffusionCm2PerS({ radiusNm: spec.soluteRadiusNm });
      if (!(spec.poreFractionPerLengthPerCm >= 0 && Number.isFinite(spec.poreFractionPerLengthPerCm)))
        throw new InputError({
          field: "--pore-fraction-per-length-per-cm",
          value: spec.poreFractionPerLengthPerCm,
          expected: "≥ 0 (1/cm)",
        });
      return d0 * diffusiveHindrance(lambda, spec.model) * spec.poreFractionPerLengthPerCm;
    }
  }
}
