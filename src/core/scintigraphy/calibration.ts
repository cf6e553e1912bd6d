/**
 * Planar system calibration factor (MIRD Pamphlet 16, eq. 4): the count rate per unit activity
 * of a source of known activity imaged in air, in the same acquisition mode, collimator and
 * energy window(s) as the patient,
 *
 *   C [counts/s per MBq] = (N_std / t_std − R_bkg) / A_std(t_scan),
 *   A_std(t_scan) = A_std(t_assay) · exp(−ln2·(t_scan − t_assay)/T½).
 *
 * For a standard imaged with both heads, N_std may be the geometric mean of the two views
 * (transmission 1, no self-attenuation for a thin source).
 */
import { InputError } from "../errors.js";
import { decayFactor } from "../nuclide/decay.js";

export interface StandardMeasurement {
  counts: number;
  durationS: number;
  /** background count rate in the standard ROI (counts/s), default 0 */
  backgroundCps?: number;
  /** standard activity at its assay time (MBq) */
  activityMBq: number;
  nuclide: string;
  /** time from the standard's assay to its image (s); may be negative */
  assayToScanS?: number;
}

export function calibrationFactorCpsPerMBq(s: StandardMeasurement): number {
  if (!(s.counts >= 0))
    throw new InputError({ field: "standard counts", value: s.counts, expected: "counts ≥ 0" });
  if (!(s.durationS > 0))
    throw new InputError({
      field: "standard duration_s",
      value: s.durationS,
      expected: "an acquisition duration > 0 s",
    });
  if (!(s.activityMBq > 0))
    throw new InputError({
      field: "standard activity",
      value: s.activityMBq,
      expected: "an activity > 0 MBq",
    });
  const a = s.activityMBq * decayFactor(s.nuclide, s.assayToScanS ?? 0);
  const rate = s.counts / s.durationS - (s.backgroundCps ?? 0);
  if (!(rate > 0))
    throw new InputError({
      field: "standard counts",
      value: s.counts,
      expected: "a standard count rate above background",
    });
  return rate / a;
}
