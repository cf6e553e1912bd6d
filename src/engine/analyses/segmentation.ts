/**
 * Batch organ labels for image-based biodistribution without hand-drawn ROIs. For every subject
 * with SPECT/PET activity scans that have a CT of the same session (scan.files[1], else the
 * subject's CT/anatomy scan within SESSION_MATCH_H hours, nearest first) and at least one of
 * them no `labels`, one task `segmentation/<subject>`:
 *  1. segments the first session's CT: the analytic mouse atlas CT (1 mm) registered to it
 *     (affine, Mattes MI, centre-of-mass start; pyramid levels ≈ 1.5 mm and full resolution;
 *     samples inside the body — no outside air — dilated by 1.5 mm, so the skin edge counts)
 *     gives the initialisation; thresholds and lung region growing refine it (fusionLabels.ts);
 *  2. registers every later CT (fixed) to the first (moving; rigid, NCC, both smoothed and
 *     subsampled to ≈ 1.5 mm once, levels ≈ 3 and 1.5 mm) — the mouse is repositioned between
 *     sessions — and carries the segmentation through that transform;
 *  3. writes per session the labels on the CT grid (results/labels/<CT scan>.nii.gz, or
 *     <activity scan>_ct.nii.gz for a files[1] CT) and resampled onto the activity scan's grid
 *     through the two NIfTI affines (results/labels/<activity scan>.nii.gz): both are listed as
 *     the scans' overlays (engine/mapsList.ts);
 *  4. rows (roi null, time_s = the session's time after injection): atlasMetric (−MI of the
 *     atlas registration, first session), registrationMetric (−NCC to the first CT) and
 *     repositioning_mm (largest displacement of the rigid transform over the CT grid).
 * Organ TACs and %ID/cc come from the `imaging/<scan>` task of each activity scan
 * (engine/analyses/imaging.ts), which reads pipelineLabelFile(scan) and depends on this task.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Volume } from "../../core/image/volume.js";
import { type PyramidLevel, pyramidLevel } from "../../core/registration/pyramid.js";
import { type RegisterOptions, register } from "../../core/registration/register.js";
import { identity4, maxDisplacementMm, multiply4 } from "../../core/registration/transform.js";
import { ATLAS_ORGANS } from "../../core/segmentation/atlas.js";
import { atlasImages } from "../../core/segmentation/atlasSegment.js";
import { dilate } from "../../core/segmentation/morphology.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan, Study } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row, subjectAdministration } from "./common.js";
import {
  CT_LEVELS_HU,
  ctAnatomy,
  ctLabels,
  gridLabels,
  LUNG_SEARCH_MM,
  roiLabelMap,
} from "./fusionLabels.js";

export const SEGMENTATION = "segmentation";
/** an activity scan and its CT belong to one session when this close in time (h) */
export const SESSION_MATCH_H = 1;
/** the pipeline's label map of a scan (study-relative) */
export const pipelineLabelFile = (scanId: string): string => `results/labels/${scanId}.nii.gz`;

/** pyramid levels at these voxel sizes (mm; 0 = the image's own), whatever the CT's voxel size */
const ATLAS_LEVELS_MM = [1.5, 0];
const CT_LEVELS_MM = [3, 1.5];
/** trilinear interpolation in the metric (as accurate as cubic on the demo CTs, half the time) */
const ATLAS_REGISTRATION = {
  transform: "affine",
  metric: "mi",
  maxSamples: 8000,
  iterations: 40,
  interpolation: "linear",
} as const;
const BODY_MASK_DILATION_MM = 1.5;
const CT_REGISTRATION = {
  transform: "rigid",
  metric: "ncc",
  maxSamples: 4000,
  interpolation: "linear",
} as const;

function level(mm: number, spacing: number[]): PyramidLevel {
  const f = spacing.map((s) => Math.max(1, Math.round(mm / s))) as [number, number, number];
  return { factors: f, sigmaVox: f.map((x) => (x > 1 ? 0.5 * x : 0)) as [number, number, number] };
}
const schedule = (levelsMm: number[], spacing: number[]) => levelsMm.map((mm) => level(mm, spacing));

/** the CT's body (no outside air), dilated: where the atlas registration samples */
function bodyMask(ct: Volume): Volume {
  const dims = ct.dims.slice(0, 3);
  const n = dims[0] * dims[1] * dims[2];
  const body = Uint8Array.from(ct.data.subarray(0, n), (hu) => (hu >= CT_LEVELS_HU.outsideAirBelow ? 1 : 0));
  return { ...ct, dims, data: Float32Array.from(dilate(body, dims, ct.spacingMm, BODY_MASK_DILATION_MM)) };
}

const isActivity = (s: Scan) => (s.modality === "SPECT" || s.modality === "PET") && s.purpose === "activity";
const isCt = (s: Scan) => s.modality === "CT" && (s.purpose ?? "anatomy") === "anatomy";

export interface SessionCt {
  file: string;
  /** the CT's own scan id, null for the files[1] CT of a hybrid scan */
  scanId: string | null;
}

/** the CT of an activity scan: files[1], else the subject's CT within SESSION_MATCH_H, nearest first */
export function ctOf(scan: Scan, scans: Scan[]): SessionCt | null {
  if (scan.files[1]) return { file: scan.files[1], scanId: null };
  const dt = (s: Scan) => Math.abs(Date.parse(s.time) - Date.parse(scan.time));
  const ct = scans
    .filter((s) => s.subject === scan.subject && isCt(s) && dt(s) <= SESSION_MATCH_H * 3600_000)
    .sort((a, b) => dt(a) - dt(b))[0];
  return ct ? { file: ct.files[0], scanId: ct.id } : null;
}

/** the CT-grid label file of a session */
const ctLabelFile = (scan: Scan, ct: SessionCt) => pipelineLabelFile(ct.scanId ?? `${scan.id}_ct`);

/** per subject: its activity scans with a session CT, in time order, when one of them has no labels */
function pipelineSubjects(study: Study): Map<string, { scan: Scan; ct: SessionCt }[]> {
  const out = new Map<string, { scan: Scan; ct: SessionCt }[]>();
  for (const scan of study.scans.filter(isActivity)) {
    const ct = ctOf(scan, study.scans);
    if (!ct) continue;
    const list = out.get(scan.subject) ?? [];
    list.push({ scan, ct });
    out.set(scan.subject, list);
  }
  for (const [subject, list] of out) {
    if (list.every((x) => x.scan.labels)) out.delete(subject);
    else list.sort((a, b) => Date.parse(a.scan.time) - Date.parse(b.scan.time));
  }
  return out;
}

/**
 * Activity scans whose organ labels come from the pipeline (no `labels` of their own): scan id →
 * the label file and the task that writes it.
 */
export function pipelineLabels(study: Study): Map<string, { file: string; task: string }> {
  const out = new Map<string, { file: string; task: string }>();
  for (const [subject, list] of pipelineSubjects(study))
    for (const { scan } of list)
      if (!scan.labels)
        out.set(scan.id, { file: pipelineLabelFile(scan.id), task: `${SEGMENTATION}/${subject}` });
  return out;
}

export function planSegmentation(ls: LoadedStudy): Task[] {
  const { study } = ls;
  return [...pipelineSubjects(study)].map(([subjectId, sessions]) => {
    const { admin } = subjectAdministration(study, subjectId);
    const rois = study.rois.filter((r) => r.label !== undefined).map((r) => ({ id: r.id, label: r.label }));
    return {
      id: `${SEGMENTATION}/${subjectId}`,
      kind: SEGMENTATION,
      revision: 2,
      subject: subjectId,
      inputFiles: [...new Set(sessions.flatMap((x) => [x.scan.files[0], x.ct.file]))],
      inputs: {
        sessions: sessions.map((x) => ({
          scan: x.scan.id,
          time: x.scan.time,
          file: x.scan.files[0],
          ct: x.ct,
        })),
        injection: admin.time,
        rois,
        atlas: {
          ...ATLAS_REGISTRATION,
          levelsMm: ATLAS_LEVELS_MM,
          bodyMaskDilationMm: BODY_MASK_DILATION_MM,
        },
        ctRegistration: { ...CT_REGISTRATION, levelsMm: CT_LEVELS_MM },
        thresholds: CT_LEVELS_HU,
        lungSearchMm: LUNG_SEARCH_MM,
      },
      dependsOn: [],
      run: ({ progress }) => {
        const outDir = join(ls.dir, "results", "labels");
        mkdirSync(outDir, { recursive: true });
        const roiLabels = roiLabelMap(rois);
        if ([...roiLabels.values()].every((l) => l === 0))
          throw new Error(
            `no study ROI with a label has the id of an atlas organ (${[...new Set(Object.values(ATLAS_ORGANS))].join(", ")}): the pipeline's labels would be empty`,
          );
        const rows: ResultRow[] = [];
        const cache = new Map<string, Volume>();
        const read = (f: string) => {
          let v = cache.get(f);
          if (!v) {
            v = readNifti(join(ls.dir, f));
            cache.set(f, v);
          }
          return v;
        };
        const ct0 = read(sessions[0].ct.file);
        const atlasOptions: RegisterOptions & { interpolation?: string } = {
          ...ATLAS_REGISTRATION,
          schedule: schedule(ATLAS_LEVELS_MM, ct0.spacingMm),
          fixedMask: bodyMask(ct0),
        };
        const ra = register(ct0, atlasImages(1).ct, atlasOptions);
        const coarse = (v: Volume) =>
          pyramidLevel(v, level(CT_LEVELS_MM[CT_LEVELS_MM.length - 1], v.spacingMm));
        const coarse0 = coarse(ct0);
        const perCt = new Map<string, ReturnType<typeof ctAnatomy>>();
        for (const [i, { scan, ct }] of sessions.entries()) {
          progress(i / sessions.length, scan.id);
          const tS = (Date.parse(scan.time) - Date.parse(admin.time)) / 1000;
          let anatomy = perCt.get(ct.file);
          if (!anatomy) {
            const image = read(ct.file);
            let R = identity4();
            if (ct.file === sessions[0].ct.file)
              rows.push(
                row(SEGMENTATION, subjectId, null, "atlasMetric", ra.finalValue, "1", { time_s: tS }),
              );
            else {
              const moved = coarse(image);
              const rigidOptions: RegisterOptions & { interpolation?: string } = {
                ...CT_REGISTRATION,
                schedule: schedule(CT_LEVELS_MM, moved.spacingMm),
              };
              const rr = register(moved, coarse0, rigidOptions);
              R = rr.matrix;
              rows.push(
                row(SEGMENTATION, subjectId, null, "registrationMetric", rr.finalValue, "1", { time_s: tS }),
                row(
                  SEGMENTATION,
                  subjectId,
                  null,
                  "repositioning_mm",
                  maxDisplacementMm(R, identity4(), image),
                  "mm",
                  {
                    time_s: tS,
                  },
                ),
              );
            }
            anatomy = ctAnatomy(image, multiply4(ra.matrix, R));
            perCt.set(ct.file, anatomy);
            cache.delete(ct.file);
            writeNifti(join(ls.dir, ctLabelFile(scan, ct)), ctLabels(anatomy, roiLabels), {
              datatype: "uint8",
              description: "eprscope CT pipeline organ labels (CT grid)",
            });
          }
          const activity = read(scan.files[0]);
          writeNifti(join(ls.dir, pipelineLabelFile(scan.id)), gridLabels(activity, anatomy, roiLabels), {
            datatype: "uint8",
            description: "eprscope CT pipeline organ labels",
          });
          cache.delete(scan.files[0]);
        }
        progress(1);
        const mapped = [...roiLabels].filter(([, l]) => l > 0).map(([a, l]) => `${a}→${l}`);
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "atlas",
              value: `eprscope analytic mouse atlas (1 mm), affine Mattes MI at ${ATLAS_LEVELS_MM.join("/")} mm (0 = full resolution), ${ATLAS_REGISTRATION.maxSamples} samples in the body dilated ${BODY_MASK_DILATION_MM} mm; CT levels ${JSON.stringify(CT_LEVELS_HU)} HU, lung region growing within ${LUNG_SEARCH_MM} mm of the atlas lung`,
            },
            {
              kind: "param",
              name: "propagation",
              value: `rigid NCC of each later CT to the first at ${CT_LEVELS_MM.join("/")} mm; atlas labels evaluated at each target voxel through the composed transform; atlas label → ROI label ${mapped.join(", ")}`,
            },
          ],
        };
      },
    } satisfies Task;
  });
}
