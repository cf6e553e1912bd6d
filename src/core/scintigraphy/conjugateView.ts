/**
 * Conjugate-view (geometric-mean) activity quantification, MIRD Pamphlet 16
 * (Siegel JA, Thomas SR, Stubbs JB, et al. J Nucl Med 1999;40:37S–61S, eqs. 5–7):
 *
 *   A_j = √(I_A·I_P / T) · f_j / C
 *
 *   I_A, I_P  anterior/posterior ROI count rates (counts/s, after scatter and background correction)
 *   T         transmission factor across the patient at the ROI: e^(−μ_e·L) for a patient
 *             thickness L (cm) with effective μ_e, or the measured ratio I/I₀ of a transmission
 *             scan (patient in / blank) at the ROI
 *   f_j       source self-attenuation correction, f_j = (μ_j·t_j/2) / sinh(μ_j·t_j/2) for a
 *             uniform source region of thickness t_j (f → 1 for a thin source)
 *   C         system calibration factor (counts/s per MBq) from a source of known activity in air
 *
 * Why it is exact for a uniform slab source: a source of activity A spread uniformly over
 * thickness t centred at depth d gives I_A = C·A·e^(−μd)·sinh(μt/2)/(μt/2) and I_P the same with
 * depth L − d, so √(I_A·I_P) = C·A·e^(−μL/2)/f, independent of the depth d.
 */
import { InputError } from "../errors.js";

export function geometricMean(anterior: number, posterior: number): number {
  if (!(anterior >= 0) || !(posterior >= 0))
    throw new InputError({
      field: "view counts",
      value: { anterior, posterior },
      expected: "anterior and posterior counts ≥ 0",
    });
  return Math.sqrt(anterior * posterior);
}

/** e^(−μ·L): the patient transmission for thickness L (cm) at effective μ (cm⁻¹) */
export function transmissionFromThickness(muPerCm: number, thicknessCm: number): number {
  if (!(muPerCm >= 0))
    throw new InputError({
      field: "mu_per_cm",
      value: muPerCm,
      expected: "an attenuation coefficient ≥ 0 cm⁻¹",
    });
  if (!(thicknessCm > 0))
    throw new InputError({
      field: "body_thickness_cm",
      value: thicknessCm,
      expected: "a patient thickness > 0 cm",
    });
  return Math.exp(-muPerCm * thicknessCm);
}

/** measured transmission I/I₀ at the ROI from transmission (patient in place) and blank (no patient) count rates */
export function transmissionFromScan(patientCps: number, blankCps: number): number {
  if (!(patientCps > 0) || !(blankCps > 0))
    throw new InputError({
      field: "transmission scan",
      value: { patientCps, blankCps },
      expected: "transmission and blank count rates > 0",
    });
  return patientCps / blankCps;
}

/** effective μ implied by a measured transmission across thickness L: μ = −ln(T)/L */
export function muFromTransmission(transmission: number, thicknessCm: number): number {
  if (!(transmission > 0 && transmission <= 1) || !(thicknessCm > 0))
    throw new InputError({
      field: "transmission",
      value: { transmission, thicknessCm },
      expected: "a transmission in (0, 1] and a thickness > 0 cm",
    });
  return -Math.log(transmission) / thicknessCm;
}

/** MIRD 16 source self-attenuation factor f = (μt/2)/sinh(μt/2); 1 for t = 0 */
export function selfAttenuationFactor(muPerCm: number, sourceThicknessCm: number): number {
  if (!(muPerCm >= 0) || !(sourceThicknessCm >= 0))
    throw new InputError({
      field: "organ_thickness_cm",
      value: { muPerCm, sourceThicknessCm },
      expected: "μ ≥ 0 and a source thickness ≥ 0 cm",
    });
  const x = (muPerCm * sourceThicknessCm) / 2;
  if (x < 1e-6) return 1 - (x * x) / 6; // series of x/sinh(x)
  return x / Math.sinh(x);
}

export interface ConjugateViewInput {
  anteriorCps: number;
  posteriorCps: number;
  /** transmission factor e^(−μL) or I/I₀, in (0, 1] */
  transmission: number;
  /** self-attenuation factor f (1 = none) */
  selfAttenuation?: number;
  calibrationCpsPerMBq: number;
}

/** A_j (MBq) at the time of the scan */
export function conjugateViewActivityMBq(c: ConjugateViewInput): number {
  if (!(c.transmission > 0 && c.transmission <= 1.5))
    throw new InputError({
      field: "transmission",
      value: c.transmission,
      expected: "a transmission factor in (0, 1] (e^(−μL) or I/I₀)",
    });
  if (!(c.calibrationCpsPerMBq > 0))
    throw new InputError({
      field: "calibration_cps_per_mbq",
      value: c.calibrationCpsPerMBq,
      expected: "a calibration factor > 0 counts/s per MBq",
    });
  const f = c.selfAttenuation ?? 1;
  return (
    (geometricMean(c.anteriorCps, c.posteriorCps) / Math.sqrt(c.transmission)) * (f / c.calibrationCpsPerMBq)
  );
}
