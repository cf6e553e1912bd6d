/**
 * Photoacoustic / MSOT spectral unmixing of haemoglobin and exogenous absorbers: the initial
 * pressure at wavelength λ is proportional (after fluence correction, assumed done or spectrally
 * flat) to μa(λ) = ln 10 · Σ_k ε_k(λ)·c_k, so NNLS unmixing (spectralUnmixing.ts) with the Hb and
 * HbO2 spectra of Prahl's table (hbExtinction.ts) — plus optional nanoparticle / dye spectra —
 * gives relative concentrations and the oxygen saturation
 *   sO2 = HbO2/(Hb + HbO2)   (Cox et al. 2012, "Quantitative spectroscopic photoacoustic
 *   imaging: a review", J Biomed Opt 17:061202; Tzoumas et al. 2016, Nat Commun 7:12121).
 * Abundances are in the units of the signal divided by cm⁻¹/M (relative unless the system is
 * calibrated); sO2 is a ratio and calibration-free. Total haemoglobin = Hb + HbO2.
 */
import { InputError } from "../errors.js";
import { HB_EXTINCTION_PER_CM_M, HB_WAVELENGTH_NM, HBO2_EXTINCTION_PER_CM_M } from "./hbExtinction.js";
import {
  buildUnmixingMatrix,
  type EndmemberSpectrum,
  type UnmixingMatrix,
  unmixSpectrum,
} from "./spectralUnmixing.js";

export const HB_SPECTRA: EndmemberSpectrum[] = [
  { name: "Hb", wavelengthNm: HB_WAVELENGTH_NM, values: HB_EXTINCTION_PER_CM_M },
  { name: "HbO2", wavelengthNm: HB_WAVELENGTH_NM, values: HBO2_EXTINCTION_PER_CM_M },
];

/** Hb, HbO2 (+ extra absorbers) sampled at the acquisition wavelengths (700–900 nm) */
export function photoacousticMatrix(
  wavelengthNm: ArrayLike<number>,
  extra: EndmemberSpectrum[] = [],
): UnmixingMatrix {
  for (let i = 0; i < wavelengthNm.length; i++)
    if (!(wavelengthNm[i] >= 700 && wavelengthNm[i] <= 900))
      throw new InputError({
        field: `wavelength_nm[${i}]`,
        value: wavelengthNm[i],
        expected: "a wavelength in 700–900 nm (the Hb/HbO2 table's range)",
      });
  return buildUnmixingMatrix(wavelengthNm, [...HB_SPECTRA, ...extra]);
}

export interface OxygenationResult {
  Hb: number;
  HbO2: number;
  totalHb: number;
  sO2: number;
  /** abundances of the extra absorbers, by name */
  extra: Record<string, number>;
  rss: number;
}

export function oxygenSaturation(hb: number, hbo2: number): number {
  const t = hb + hbo2;
  return t > 0 ? hbo2 / t : Number.NaN;
}

export function unmixOxygenation(mat: UnmixingMatrix, signal: ArrayLike<number>): OxygenationResult {
  const r = unmixSpectrum(mat, signal);
  const iHb = mat.names.indexOf("Hb");
  const iO2 = mat.names.indexOf("HbO2");
  if (iHb < 0 || iO2 < 0)
    throw new InputError({ field: "spectra", value: mat.names, expected: "Hb and HbO2 components" });
  const extra: Record<string, number> = {};
  mat.names.forEach((n, k) => {
    if (k !== iHb && k !== iO2) extra[n] = r.abundances[k];
  });
  const hb = r.abundances[iHb];
  const o2 = r.abundances[iO2];
  return { Hb: hb, HbO2: o2, totalHb: hb + o2, sO2: oxygenSaturation(hb, o2), extra, rss: r.rss };
}
