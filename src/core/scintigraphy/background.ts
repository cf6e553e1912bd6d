/**
 * Background (overlying and underlying tissue) subtraction for planar ROI counts.
 *
 *  - "area": simple area-scaled subtraction, I_net = I_ROI − I_bkg · (N_ROI / N_bkg), with
 *    N the ROI areas in pixels (background ROI drawn next to the organ).
 *  - "buijs": Buijs et al. (J Nucl Med 1998;39:2167–2172, "Absolute organ activity estimated
 *    by five different methods of background correction"), the method recommended there: the
 *    area-scaled background is reduced by the fraction of the body thickness occupied by the
 *    organ, I_net = I_ROI − I_bkg·(N_ROI/N_bkg)·(1 − t/L), since the organ displaces
 *    background tissue over its thickness t of the patient thickness L.
 *  - "none".
 * A net count below zero is returned as is (callers report status "below background").
 */
import { InputError } from "../errors.js";

export type BackgroundMethod = "none" | "area" | "buijs";
export const BACKGROUND_METHODS: readonly BackgroundMethod[] = ["none", "area", "buijs"];

export interface BackgroundInput {
  roiCounts: number;
  roiPixels: number;
  backgroundCounts: number;
  backgroundPixels: number;
  /** organ thickness (cm), for "buijs" */
  organThicknessCm?: number;
  /** patient thickness at the ROI (cm), for "buijs" */
  bodyThicknessCm?: number;
}

/** the background counts to subtract from the ROI */
export function backgroundToSubtract(method: BackgroundMethod, b: BackgroundInput): number {
  if (method === "none") return 0;
  if (!(b.roiPixels > 0) || !(b.backgroundPixels > 0))
    throw new InputError({
      field: "pixels",
      value: { roi: b.roiPixels, background: b.backgroundPixels },
      expected: "ROI and background areas > 0 pixels",
    });
  if (!(b.backgroundCounts >= 0))
    throw new InputError({ field: "background counts", value: b.backgroundCounts, expected: "counts ≥ 0" });
  const scaled = b.backgroundCounts * (b.roiPixels / b.backgroundPixels);
  if (method === "area") return scaled;
  const t = b.organThicknessCm;
  const L = b.bodyThicknessCm;
  if (!(t !== undefined && t >= 0) || !(L !== undefined && L > 0) || t > L)
    throw new InputError({
      field: "organ_thickness_cm / body_thickness_cm",
      value: { organ: t, body: L },
      expected: "for Buijs background correction an organ thickness 0 ≤ t ≤ the body thickness L > 0 cm",
    });
  return scaled * (1 - t / L);
}
