/**
 * Photopeak linear attenuation coefficients in water for conjugate-view quantification.
 *
 * μ(E) = (μ/ρ)(E)·ρ with ρ = 1.000 g/cm³ and (μ/ρ) the NIST total mass attenuation
 * coefficient of liquid water (with coherent scattering; Hubbell & Seltzer, NISTIR 5632,
 * NIST Standard Reference Database 126, Table 4 "Water, Liquid",
 * https://physics.nist.gov/PhysRefData/XrayMassCoef/ComTab/water.html), interpolated
 * log–log between the tabulated energies, as NIST recommends for its grid.
 * These are NARROW-BEAM (good-geometry) values: they describe photons removed from the beam.
 * A gamma camera's photopeak window also accepts some scattered photons, so the effective
 * ("broad-beam") μ measured with the camera is smaller (MIRD Pamphlet 16, Siegel et al. 1999,
 * J Nucl Med 40:37S, §"Attenuation correction"). Broad-beam values depend on the camera,
 * collimator, window and scatter correction; no single table applies.
 * With triple-energy-window scatter correction the narrow-beam μ is the appropriate one; a
 * broad-beam (effective) μ is for views WITHOUT scatter correction, since it already counts the
 * scattered photons the photopeak window accepts (using both would correct scatter twice).
 *
 * BROAD_BEAM_MU holds only effective μ values with a citation we could check. For issue 21 we
 * searched for published broad-beam water/soft-tissue μ of Tc-99m, In-111 (171/245 keV), I-131
 * and Lu-177 (MIRD Pamphlet 16 and later planar-dosimetry papers) and found no value whose
 * source we could read and cite here, so the table is empty and `photopeakMu(n, "broad")`
 * refuses with a message asking for a measured effective μ (a phantom or transmission
 * measurement with the same camera, collimator and window: μ_eff = −ln(I/I₀)/L,
 * conjugateView.ts muFromTransmission). Add an entry only together with its source.
 *
 * Photopeak energies and emission intensities: NNDC NuDat 3 (Brookhaven). For a nuclide with
 * several imaged photopeaks (In-111: 171 and 245 keV) the default μ is the intensity-weighted
 * mean of the peaks' narrow-beam μ — an approximation, reported as such (muSource).
 */
import { InputError } from "../errors.js";
import { getNuclide } from "../nuclide/nuclides.js";

/** NIST SRD 126 liquid water: photon energy (MeV) and μ/ρ (cm²/g), 30 keV – 1 MeV rows. */
export const NIST_WATER_MU_RHO: readonly (readonly [number, number])[] = [
  [0.03, 0.3756],
  [0.04, 0.2683],
  [0.05, 0.2269],
  [0.06, 0.2059],
  [0.08, 0.1837],
  [0.1, 0.1707],
  [0.15, 0.1505],
  [0.2, 0.137],
  [0.3, 0.1186],
  [0.4, 0.1061],
  [0.5, 0.09687],
  [0.6, 0.08956],
  [0.8, 0.07865],
  [1.0, 0.07072],
];

export const WATER_DENSITY_G_PER_CM3 = 1.0;

/** narrow-beam μ of water (cm⁻¹) at a photon energy in keV, log–log interpolation in the NIST grid */
export function waterMuPerCm(energyKeV: number): number {
  const e = energyKeV / 1000;
  const t = NIST_WATER_MU_RHO;
  if (!(e >= t[0][0] && e <= t[t.length - 1][0]))
    throw new InputError({
      field: "photon energy",
      value: energyKeV,
      expected: `an energy in [${t[0][0] * 1000}, ${t[t.length - 1][0] * 1000}] keV (NIST water table range used here)`,
    });
  let i = 0;
  while (i < t.length - 2 && e > t[i + 1][0]) i++;
  const [e0, m0] = t[i];
  const [e1, m1] = t[i + 1];
  const w = Math.log(e / e0) / Math.log(e1 / e0);
  return Math.exp(Math.log(m0) + w * (Math.log(m1) - Math.log(m0))) * WATER_DENSITY_G_PER_CM3;
}

export interface Photopeak {
  energyKeV: number;
  /** photons per decay (NNDC) */
  intensity: number;
}

const NNDC = "NNDC NuDat 3";

/** Photopeaks used for imaging, per nuclide (NNDC NuDat 3). */
export const PHOTOPEAKS: Readonly<Record<string, { peaks: Photopeak[]; source: string }>> = {
  "Tc-99m": { peaks: [{ energyKeV: 140.511, intensity: 0.89 }], source: NNDC },
  "In-111": {
    peaks: [
      { energyKeV: 171.28, intensity: 0.9066 },
      { energyKeV: 245.35, intensity: 0.9409 },
    ],
    source: NNDC,
  },
  "I-131": { peaks: [{ energyKeV: 364.49, intensity: 0.815 }], source: NNDC },
  "Lu-177": {
    peaks: [
      { energyKeV: 112.95, intensity: 0.0623 },
      { energyKeV: 208.366, intensity: 0.1036 },
    ],
    source: NNDC,
  },
  "I-125": { peaks: [{ energyKeV: 35.4922, intensity: 0.0668 }], source: NNDC },
  "Zr-89": { peaks: [{ energyKeV: 909.15, intensity: 0.9904 }], source: NNDC },
  "F-18": { peaks: [{ energyKeV: 511, intensity: 1.9373 }], source: NNDC },
  "Ga-68": { peaks: [{ energyKeV: 511, intensity: 1.7784 }], source: NNDC },
  "Cu-64": { peaks: [{ energyKeV: 511, intensity: 0.3504 }], source: NNDC },
  "I-124": { peaks: [{ energyKeV: 602.73, intensity: 0.6296 }], source: NNDC },
};

export interface NuclideMu {
  nuclide: string;
  muPerCm: number;
  peaks: (Photopeak & { muPerCm: number })[];
  muSource: string;
}

/** Narrow-beam water μ at the nuclide's photopeak(s) (intensity-weighted when several). */
export function narrowBeamMu(nuclide: string): NuclideMu {
  const n = getNuclide(nuclide);
  const entry = PHOTOPEAKS[n.name];
  if (!entry)
    throw new InputError({
      field: "nuclide",
      value: nuclide,
      expected: `a nuclide with tabulated photopeaks (${Object.keys(PHOTOPEAKS).join(", ")}) or an explicit μ`,
    });
  const peaks = entry.peaks.map((p) => ({ ...p, muPerCm: waterMuPerCm(p.energyKeV) }));
  const wsum = peaks.reduce((s, p) => s + p.intensity, 0);
  const mu = peaks.reduce((s, p) => s + p.intensity * p.muPerCm, 0) / wsum;
  return {
    nuclide: n.name,
    muPerCm: mu,
    peaks,
    muSource:
      peaks.length > 1
        ? `narrow-beam water (NIST SRD 126), intensity-weighted over ${peaks.map((p) => `${p.energyKeV} keV`).join(" + ")}`
        : `narrow-beam water (NIST SRD 126) at ${peaks[0].energyKeV} keV`,
  };
}

/** narrow beam (good geometry, NIST) or broad beam (effective, scatter in the window included) */
export type MuKind = "narrow" | "broad";
export const MU_KINDS: readonly MuKind[] = ["narrow", "broad"];

/**
 * Published broad-beam (effective) μ in water/soft tissue, cm⁻¹, per nuclide, each with its
 * source. Empty: no citable value was found (see the module header); never fill it with
 * remembered or "typical" numbers.
 */
export const BROAD_BEAM_MU: Readonly<Record<string, { muPerCm: number; source: string }>> = {};

/** the tabulated μ of a nuclide's photopeak(s) of the given kind (broad: BROAD_BEAM_MU only) */
export function photopeakMu(nuclide: string, kind: MuKind): NuclideMu {
  if (kind === "narrow") return narrowBeamMu(nuclide);
  const n = getNuclide(nuclide);
  const e = BROAD_BEAM_MU[n.name];
  if (!e)
    throw new InputError({
      field: "broad-beam μ",
      value: n.name,
      expected:
        "a measured effective μ (cm⁻¹; phantom or transmission measurement with this camera, collimator and window): " +
        `no citable broad-beam μ is tabulated for ${n.name}`,
    });
  return { nuclide: n.name, muPerCm: e.muPerCm, peaks: [], muSource: `broad-beam (effective): ${e.source}` };
}
