/**
 * The factor that turns a SPECT/PET scan's stored voxel values into decay-corrected %ID/cc, as
 * the imaging analysis and the voxel curves do (SCIENCE.md §2):
 *   %ID/cc = f · C,   f = 100 · k_unit / (DF · A_inj),   DF = exp(−ln2 · Δt / T½)
 * with C in the image unit (Bq/mL, kBq/mL …; k_unit converts it to MBq/mL), Δt the scan time
 * after the subject's first administration, A_inj the injected activity (syringe readings,
 * decay-corrected) and DF = 1 for scans already decay-corrected (acquisition.decayCorrected).
 * The workspace uses it to put several time points on one colour scale and to give a grown
 * ROI's mean in %ID/cc. Returns null with the reason when the scan has no such factor.
 */
import { decayFactor } from "../core/nuclide/decay.js";
import { getNuclide } from "../core/nuclide/nuclides.js";
import type { Study } from "../study/schema.js";
import { injectedMBq } from "./analyses/biodistribution.js";
import { NotFoundError, toMBqPerML } from "./voxelCurve.js";

export interface ActivityScale {
  scan: string;
  /** %ID/cc per image unit */
  factor: number;
  unit: "%ID/cc";
  /** the image's own unit */
  imageUnit: string;
  /** hours after injection */
  time_h: number;
  nuclide: string;
  decayCorrected: boolean;
}

export type ActivityScaleResult = ActivityScale | { scan: string; factor: null; reason: string };

export function activityScale(study: Study, scanId: string): ActivityScaleResult {
  const scan = study.scans.find((s) => s.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const none = (reason: string) => ({ scan: scanId, factor: null, reason });
  if (scan.purpose !== "activity" || !(scan.modality === "SPECT" || scan.modality === "PET"))
    return none(`${scanId} is not a SPECT/PET activity scan`);
  const admin = study.administrations
    .filter((a) => a.subject === scan.subject)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time))[0];
  if (!admin) return none(`no administration for ${scan.subject}`);
  const nuclide = study.agents.find((a) => a.id === admin.agent)?.label?.nuclide;
  if (!nuclide) return none(`agent ${admin.agent} has no label.nuclide`);
  try {
    getNuclide(nuclide);
  } catch {
    return none(`unknown nuclide ${nuclide}`);
  }
  const imageUnit = String(scan.acquisition?.units ?? "");
  const k = toMBqPerML(imageUnit);
  if (k === undefined)
    return none(`image unit "${imageUnit}" is not an activity concentration (Bq/mL, kBq/mL, MBq/mL)`);
  let a0: number;
  try {
    a0 = injectedMBq(admin, nuclide);
  } catch (e) {
    return none(`no injected activity: ${(e as Error).message}`);
  }
  if (!(a0 > 0)) return none("injected activity is not positive");
  const dtS = (Date.parse(scan.time) - Date.parse(admin.time)) / 1000;
  const corrected = scan.acquisition?.decayCorrected === true;
  const df = corrected ? 1 : decayFactor(nuclide, dtS);
  return {
    scan: scanId,
    factor: (100 * k) / (df * a0),
    unit: "%ID/cc",
    imageUnit,
    time_h: dtS / 3600,
    nuclide,
    decayCorrected: true,
  };
}
