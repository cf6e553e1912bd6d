/**
 * The anatomical images a scan can be fused with (functional over anatomy in the workspace's
 * fusion view), best first:
 *  1. acquisition.anatomy — an explicit reference: a scan id of the study or a study file;
 *  2. files[1] of a SPECT/PET activity scan — the CT of a hybrid SPECT/CT or PET/CT
 *     acquisition (the convention of engine/analyses/segmentation.ctOf);
 *  3. the subject's anatomical scans of the same session — purpose "anatomy" (CT or MR), or
 *     CT without a purpose — taken within SESSION_H hours of the scan, nearest first.
 * Only NIfTI volumes qualify. No candidate → `reason` says why, for the disabled control.
 * The images are assumed to share the scanner's world frame (hybrid scanners, same session);
 * the viewer resamples the functional image onto the anatomy through the two affines.
 */
import type { Scan, Study } from "../study/schema.js";
import { NotFoundError } from "./voxelCurve.js";

/** scans this close in time (h) belong to the same imaging session */
export const SESSION_H = 6;

export interface AnatomyCandidate {
  /** study-relative NIfTI path */
  file: string;
  /** the anatomy's own scan, when it is one */
  scan?: string;
  modality: string;
  /** how it was found: "acquisition.anatomy", "files[1]" or "same session" */
  via: string;
  /** hours between the two acquisitions (anatomy − functional) */
  dt_h: number;
  label: string;
}

export interface AnatomyOf {
  scan: string;
  candidates: AnatomyCandidate[];
  /** why there is none (empty candidates) */
  reason?: string;
}

const isNifti = (f: string) => /\.nii(\.gz)?$/i.test(f);
const isAnatomy = (s: Scan) => s.purpose === "anatomy" || (s.modality === "CT" && s.purpose === undefined);

export function anatomyOf(study: Study, scanId: string): AnatomyOf {
  const scan = study.scans.find((s) => s.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const out: AnatomyCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: AnatomyCandidate) => {
    if (seen.has(c.file) || c.file === scan.files[0] || !isNifti(c.file)) return;
    seen.add(c.file);
    out.push(c);
  };
  const hours = (s: Scan) => (Date.parse(s.time) - Date.parse(scan.time)) / 3.6e6;
  const fmt = (h: number) => `${h >= 0 ? "+" : "−"}${Math.abs(h).toFixed(1)} h`;

  const ref = scan.acquisition?.anatomy;
  if (typeof ref === "string" && ref) {
    const other = study.scans.find((s) => s.id === ref);
    if (other)
      add({
        file: other.files[0],
        scan: other.id,
        modality: other.modality,
        via: "acquisition.anatomy",
        dt_h: hours(other),
        label: `${other.modality} ${other.id}`,
      });
    else add({ file: ref, modality: "CT", via: "acquisition.anatomy", dt_h: 0, label: `anatomy ${ref}` });
  }
  if ((scan.modality === "SPECT" || scan.modality === "PET") && scan.purpose === "activity" && scan.files[1])
    add({
      file: scan.files[1],
      modality: "CT",
      via: "files[1]",
      dt_h: 0,
      label: `CT of the ${scan.modality}/CT (${scan.files[1].split("/").pop()})`,
    });
  const session = study.scans
    .filter((s) => s.id !== scan.id && s.subject === scan.subject && isAnatomy(s))
    .filter((s) => Math.abs(hours(s)) <= SESSION_H)
    .sort((a, b) => Math.abs(hours(a)) - Math.abs(hours(b)));
  for (const s of session)
    add({
      file: s.files[0],
      scan: s.id,
      modality: s.modality,
      via: "same session",
      dt_h: hours(s),
      label: `${s.modality} ${s.id} (${fmt(hours(s))})`,
    });
  if (out.length) return { scan: scanId, candidates: out };
  return {
    scan: scanId,
    candidates: [],
    reason: `no anatomy for ${scanId}: ${scan.subject} has no CT or MR scan with purpose "anatomy" within ${SESSION_H} h of it, no CT in files[1] and no acquisition.anatomy`,
  };
}
