/**
 * Threshold-grown ROIs for the workspace: from a seed voxel, the 6-connected region of voxels
 * whose value lies in the threshold interval (core/segmentation/regionGrow.growInterval, a
 * breadth-first flood fill), on the scan's image (files[0], one frame) or on one of its maps.
 * Thresholds:
 *   - "percent": v ≥ p/100 · v_seed (needs a positive seed value; e.g. 40–50 % of the seed for a
 *     hot lesion, as fixed-percentage thresholds are used in SPECT/PET, Erdi et al. 1997);
 *   - "absolute": min ≤ v ≤ max (max optional).
 * Answers the preview at once — voxel count, volume (count × |det A| mm³), mean and sample SD
 * (n − 1) in the source's unit and, for SPECT/PET images, in decay-corrected %ID/cc
 * (engine/activityScale) — plus the mask as a uint8 NIfTI (gzip) on the scan's grid, which the
 * workspace loads into its drawing layer; saving goes through engine/roiSave like a drawn ROI.
 * Nothing is written here.
 */
import { gzipSync } from "node:zlib";
import { InputError } from "../core/errors.js";
import { frameCount, type Volume, voxelCount3d, voxelVolumeMm3 } from "../core/image/volume.js";
import { growInterval } from "../core/segmentation/regionGrow.js";
import { encodeNifti } from "../io/nifti.js";
import type { Study } from "../study/schema.js";
import { activityScale } from "./activityScale.js";
import { listScanMaps } from "./mapsList.js";
import { NotFoundError } from "./voxelCurve.js";

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

export interface GrownRoi {
  scan: string;
  source: { name: string; file: string; unit: string };
  frame: number;
  seed: [number, number, number];
  seedValue: number;
  /** the interval applied: min ≤ v ≤ max (max null: no upper bound) */
  range: { min: number; max: number | null };
  voxels: number;
  volume_mm3: number;
  mean: number;
  sd: number | null;
  unit: string;
  /** ROI mean and SD in decay-corrected %ID/cc (SPECT/PET images) */
  pctIDperCC?: { mean: number; sd: number | null; time_h: number };
  /** the region reaches the edge of the image (it may have leaked: raise the threshold) */
  touchesBorder: boolean;
  warnings: string[];
  /** the region as a uint8 NIfTI-1 (gzip) on the scan's image grid */
  nifti: Uint8Array;
}

export interface GrowSources {
  /** decoded NIfTI of a study-relative path */
  volume(rel: string): Volume;
}

function sameGrid(a: Volume, b: Volume): boolean {
  for (let i = 0; i < 3; i++) if (a.dims[i] !== b.dims[i]) return false;
  for (let i = 0; i < 12; i++)
    if (Math.abs(a.affine[i] - b.affine[i]) > 1e-3 * (1 + Math.abs(b.affine[i]))) return false;
  return true;
}

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
  const scan = study.scans.find((s) => s.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  if (!/\.nii(\.gz)?$/i.test(scan.files[0]))
    throw new InputError({ field: "scan", value: scanId, expected: "a scan whose image is a NIfTI volume" });
  const image = src.volume(scan.files[0]);
  const [nx, ny, nz] = image.dims;
  const nvox = voxelCount3d(image);
  const [i, j, k] = req.seed;
  if (![i, j, k].every(Number.isInteger) || i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz)
    throw new InputError({ field: "seed", value: req.seed, expected: `a voxel inside ${nx}×${ny}×${nz}` });

  // the data grown on: one frame of the image, or a map on the same grid
  const sourceName = req.source ?? "image";
  let source: { name: string; file: string; unit: string };
  let vol: Volume;
  let frame = 0;
  if (sourceName === "image") {
    frame = req.frame ?? 0;
    const nt = frameCount(image);
    if (!Number.isInteger(frame) || frame < 0 || frame >= nt)
      throw new InputError({ field: "frame", value: req.frame, expected: `a frame 0–${nt - 1}` });
    vol = image;
    source = {
      name: "image",
      file: scan.files[0],
      unit: String(scan.acquisition?.units ?? (scan.modality === "MRI" ? "a.u." : "")),
    };
  } else {
    const maps = listScanMaps(
      studyDir,
      study.scans.map((s) => s.id),
      scanId,
    );
    const map = maps.find((m) => m.name === sourceName);
    if (!map)
      throw new InputError({
        field: "source",
        value: sourceName,
        expected: `"image" or a map of ${scanId} (${maps.map((m) => m.name).join(", ") || "none yet: run the analyses"})`,
      });
    vol = src.volume(map.file);
    if (!sameGrid(vol, image))
      throw new InputError({ file: map.file, expected: `a map on the grid of ${scan.files[0]}` });
    source = map;
  }
  const data = vol.data.subarray(frame * nvox, (frame + 1) * nvox);
  const seedIndex = i + nx * (j + ny * k);
  const seedValue = data[seedIndex];
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

  const mask = growInterval(data, [nx, ny, nz], [[i, j, k]], lo, hi);
  let n = 0;
  let s = 0;
  let touches = false;
  for (let v = 0; v < nvox; v++) {
    if (!mask[v]) continue;
    n++;
    s += data[v];
    const a = v % nx;
    const b = Math.floor(v / nx) % ny;
    const c = Math.floor(v / (nx * ny));
    if (a === 0 || b === 0 || c === 0 || a === nx - 1 || b === ny - 1 || c === nz - 1) touches = true;
  }
  const mean = s / n;
  let ss = 0;
  for (let v = 0; v < nvox; v++) if (mask[v]) ss += (data[v] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const warnings: string[] = [];
  if (touches)
    warnings.push("the region reaches the edge of the image: it may have leaked, raise the threshold");
  if (n > nvox / 2) warnings.push("the region covers more than half of the image: raise the threshold");

  const out: GrownRoi = {
    scan: scanId,
    source,
    frame,
    seed: [i, j, k],
    seedValue,
    range: { min: lo, max },
    voxels: n,
    volume_mm3: n * voxelVolumeMm3(image.affine),
    mean,
    sd,
    unit: source.unit,
    touchesBorder: touches,
    warnings,
    nifti: gzipSync(
      encodeNifti(
        {
          dims: [nx, ny, nz],
          spacingMm: image.spacingMm,
          affine: image.affine,
          data: Float32Array.from(mask),
        },
        { datatype: "uint8", description: `grown ROI seed ${i},${j},${k}` },
      ),
    ),
  };
  if (sourceName === "image") {
    const scale = activityScale(study, scanId);
    if (scale.factor !== null)
      out.pctIDperCC = {
        mean: mean * scale.factor,
        sd: sd === null ? null : sd * scale.factor,
        time_h: scale.time_h,
      };
  }
  return out;
}
