/**
 * Molar extinction coefficients of oxy- and deoxyhaemoglobin, 700–900 nm in 10 nm steps, in
 * cm⁻¹/M (decadic: absorbance A = ε·c·ℓ; μa = ln(10)·ε·c), from Scott Prahl's compilation
 * "Tabulated molar extinction coefficient for hemoglobin in water" (Oregon Medical Laser Center,
 * https://omlc.org/spectra/hemoglobin/summary.html; data of W. B. Gratzer, Med. Res. Council
 * Labs, and N. Kollias, Wellman Laboratories). Only the NIR range used by photoacoustics / MSOT
 * is included; test/reference/optical/hb_extinction_prahl.csv holds the same rows with their
 * source, and test/core/optical/photoacoustics.test.ts compares the two. Between table rows
 * values are interpolated linearly (spectralUnmixing.ts sampleSpectrum).
 */
export const HB_EXTINCTION_SOURCE =
  "S. Prahl, Tabulated molar extinction coefficient for hemoglobin in water, OMLC (Gratzer; Kollias), cm-1/M";

export const HB_WAVELENGTH_NM = [
  700, 710, 720, 730, 740, 750, 760, 770, 780, 790, 800, 810, 820, 830, 840, 850, 860, 870, 880, 890, 900,
];

/** HbO2, cm⁻¹/M */
export const HBO2_EXTINCTION_PER_CM_M = [
  290, 314, 348, 390, 446, 518, 586, 650, 710, 756, 816, 864, 916, 974, 1022, 1058, 1092, 1128, 1154, 1178,
  1198,
];

/** Hb (deoxy), cm⁻¹/M */
export const HB_EXTINCTION_PER_CM_M = [
  1794.28, 1540.48, 1325.88, 1102.2, 1115.88, 1405.24, 1548.52, 1311.88, 1075.44, 890.8, 761.72, 717.08,
  693.76, 693.04, 692.36, 691.32, 694.32, 705.84, 726.44, 743.6, 761.84,
];
