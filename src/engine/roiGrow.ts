/**
 * Threshold-grown ROIs for the workspace: from a seed voxel, the 6-connected region of voxels
 * whose value lies in the threshold interval (core/segmentation/regionGrow.growInterval, a
 * breadth-first flood fill), on the scan's image (files[0], one frame) or on one of its maps.
 * Thresholds:
 *   - "percent": v ≥ p/100 · v_seed (needs a positive seed value; e.g. 40–50 % of the seed for a
 *     hot lesion, as fixed-percentage thresholds are used in SPECT/PET, Erdi et al. 1997);
 *   - "absolute": min ≤ v ≤ max (max optional).
 * Answers the preview at once (engine/roiPreview: voxels, volume, mean ± SD, %ID/cc, the mask as
 * NIfTI), which the workspace loads into its drawing layer; saving goes through engine/roiSave
 * like a drawn ROI. Nothing is written here.
 */
import { InputError } from "../core/errors.js";
import { growInterval } from "../core/segmentation/regionGrow.js";
import type { Study } from "../study/schema.js";
import { type RoiPreview, type RoiSources, roiData, roiPreview } from "./roiPreview.js";

export type GrowThreshold =
  | { mode: "percent"; percent: number }
  | { mode: "absolute"; min: number; max?: number };

export interface GrowRequest {
  seed: [number, number, number];
  threshold: GrowThreshold;
  /** frame of a 4D image (default 0) */
  frame?: number;
  /** "image" (the scan's files[0], default) or the name of one of the scan's maps */
  source?: string;
}

export interface GrownRoi extends RoiPreview {
  seed: [number, number, number];
  seedValue: number;
  /** the interval applied: min ≤ v ≤ max (max null: no upper bound) */
  range: { min: number; max: number | null };
}

export type GrowSources = RoiSources;

/** the smallest double above x, so that growInterval's half-open [lo, hi) includes max */
function above(x: number): number {
  return x + Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE);
}

export function growRoi(
  study: Study,
  studyDir: string,
  scanId: string,
  req: GrowRequest,
  src: GrowSources,
): GrownRoi {
  const d = roiData(study, studyDir, scanId, req, src);
  const [nx, ny, nz] = d.image.dims;
  const [i, j, k] = req.seed;
  if (![i, j, k].every(Number.isInteger) || i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz)
    throw new InputError({ field: "seed", value: req.seed, expected: `a voxel inside ${nx}×${ny}×${nz}` });
  const seedValue = d.data[i + nx * (j + ny * k)];
  if (!Number.isFinite(seedValue))
    throw new InputError({ field: "seed", value: req.seed, expected: "a voxel with a finite value" });

  const t = req.threshold;
  let lo: number;
  let hi: number;
  let max: number | null;
  if (t.mode === "percent") {
    if (!(t.percent > 0 && t.percent <= 100))
      throw new InputError({ field: "percent", value: t.percent, expected: "a percentage in (0, 100]" });
    if (!(seedValue > 0))
      throw new InputError({
        field: "seed",
        value: seedValue,
        expected: "a seed with a positive value for a percentage threshold (use an absolute threshold)",
      });
    lo = (t.percent / 100) * seedValue;
    hi = Number.POSITIVE_INFINITY;
    max = null;
  } else {
    if (!Number.isFinite(t.min))
      throw new InputError({ field: "min", value: t.min, expected: "a finite number" });
    if (t.max !== undefined && !(Number.isFinite(t.max) && t.max >= t.min))
      throw new InputError({ field: "max", value: t.max, expected: `a number ≥ min (${t.min})` });
    lo = t.min;
    max = t.max ?? null;
    hi = max === null ? Number.POSITIVE_INFINITY : above(max);
  }
  if (!(seedValue >= lo && seedValue < hi))
    throw new InputError({
      field: "seed",
      value: seedValue,
      expected: `a seed whose value lies in the threshold interval [${lo}, ${max ?? "∞"}]`,
    });

  const mask = growInterval(d.data, [nx, ny, nz], [[i, j, k]], lo, hi);
  const p = roiPreview(study, d, mask, `grown ROI seed ${i},${j},${k}`);
  if (p.touchesBorder)
    p.warnings.push("the region reaches the edge of the image: it may have leaked, raise the threshold");
  if (p.voxels > (nx * ny * nz) / 2)
    p.warnings.push("the region covers more than half of the image: raise the threshold");
  return { ...p, seed: [i, j, k], seedValue, range: { min: lo, max } };
}
