/**
 * What the workspace's region tools (threshold grow, scribble segmentation) share: the data a
 * region is found on — one frame of the scan's image (files[0]) or one of its maps on the same
 * grid — and the preview of a found region: voxel count, volume (count × |det A| mm³), mean and
 * sample SD (n − 1) in the source's unit, for SPECT/PET images also in decay-corrected %ID/cc
 * (engine/activityScale), whether it reaches the image border, and the mask as a uint8 NIfTI
 * (gzip) on the scan's grid for the drawing layer (warnings are the tool's own). Nothing is
 * written here.
 */
import { gzipSync } from "node:zlib";
import { InputError } from "../core/errors.js";
import { frameCount, type Volume, voxelCount3d, voxelVolumeMm3 } from "../core/image/volume.js";
import { encodeNifti } from "../io/nifti.js";
import type { Scan, Study } from "../study/schema.js";
import { activityScale } from "./activityScale.js";
import { listScanMaps } from "./mapsList.js";
import { NotFoundError } from "./voxelCurve.js";

export interface RoiSources {
  /** decoded NIfTI of a study-relative path */
  volume(rel: string): Volume;
}

export interface RoiSource {
  name: string;
  file: string;
  unit: string;
}

/** the statistics and mask of a region, as the workspace shows and loads them */
export interface RoiPreview {
  scan: string;
  source: RoiSource;
  frame: number;
  voxels: number;
  volume_mm3: number;
  mean: number;
  sd: number | null;
  unit: string;
  /** ROI mean and SD in decay-corrected %ID/cc (SPECT/PET images) */
  pctIDperCC?: { mean: number; sd: number | null; time_h: number };
  /** the region reaches the edge of the image */
  touchesBorder: boolean;
  warnings: string[];
  /** the region as a uint8 NIfTI-1 (gzip) on the scan's image grid */
  nifti: Uint8Array;
}

export interface RoiData {
  scan: Scan;
  image: Volume;
  /** the frame's (or map's) values, voxel order, nx·ny·nz */
  data: ArrayLike<number>;
  source: RoiSource;
  frame: number;
}

export function sameGrid(a: Volume, b: Volume): boolean {
  for (let i = 0; i < 3; i++) if (a.dims[i] !== b.dims[i]) return false;
  for (let i = 0; i < 12; i++)
    if (Math.abs(a.affine[i] - b.affine[i]) > 1e-3 * (1 + Math.abs(b.affine[i]))) return false;
  return true;
}

/** the values a region tool works on: one frame of the image, or a map on the same grid */
export function roiData(
  study: Study,
  studyDir: string,
  scanId: string,
  req: { frame?: number; source?: string },
  src: RoiSources,
): RoiData {
  const scan = study.scans.find((s) => s.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  if (!/\.nii(\.gz)?$/i.test(scan.files[0]))
    throw new InputError({ field: "scan", value: scanId, expected: "a scan whose image is a NIfTI volume" });
  const image = src.volume(scan.files[0]);
  const nvox = voxelCount3d(image);
  const sourceName = req.source ?? "image";
  if (sourceName === "image") {
    const frame = req.frame ?? 0;
    const nt = frameCount(image);
    if (!Number.isInteger(frame) || frame < 0 || frame >= nt)
      throw new InputError({ field: "frame", value: req.frame, expected: `a frame 0–${nt - 1}` });
    return {
      scan,
      image,
      data: image.data.subarray(frame * nvox, (frame + 1) * nvox),
      frame,
      source: {
        name: "image",
        file: scan.files[0],
        unit: String(scan.acquisition?.units ?? (scan.modality === "MRI" ? "a.u." : "")),
      },
    };
  }
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
  const vol = src.volume(map.file);
  if (!sameGrid(vol, image))
    throw new InputError({ file: map.file, expected: `a map on the grid of ${scan.files[0]}` });
  return { scan, image, data: vol.data.subarray(0, nvox), frame: 0, source: map };
}

/** the preview of a region (mask > 0) on the data it was found on */
export function roiPreview(
  study: Study,
  d: RoiData,
  mask: ArrayLike<number>,
  description: string,
): RoiPreview {
  const { image, data } = d;
  const [nx, ny, nz] = image.dims;
  const nvox = nx * ny * nz;
  let n = 0;
  let s = 0;
  let touches = false;
  for (let v = 0; v < nvox; v++) {
    if (!(mask[v] > 0)) continue;
    n++;
    s += data[v];
    const a = v % nx;
    const b = Math.floor(v / nx) % ny;
    const c = Math.floor(v / (nx * ny));
    if (a === 0 || b === 0 || c === 0 || a === nx - 1 || b === ny - 1 || c === nz - 1) touches = true;
  }
  const mean = n ? s / n : Number.NaN;
  let ss = 0;
  for (let v = 0; v < nvox; v++) if (mask[v] > 0) ss += (data[v] - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : null;
  const warnings: string[] = [];
  const out: RoiPreview = {
    scan: d.scan.id,
    source: d.source,
    frame: d.frame,
    voxels: n,
    volume_mm3: n * voxelVolumeMm3(image.affine),
    mean,
    sd,
    unit: d.source.unit,
    touchesBorder: touches,
    warnings,
    nifti: gzipSync(
      encodeNifti(
        {
          dims: [nx, ny, nz],
          spacingMm: image.spacingMm,
          affine: image.affine,
          data: Float32Array.from({ length: nvox }, (_, v) => (mask[v] > 0 ? 1 : 0)),
        },
        { datatype: "uint8", description },
      ),
    ),
  };
  if (d.source.name === "image") {
    const scale = activityScale(study, d.scan.id);
    if (scale.factor !== null)
      out.pctIDperCC = {
        mean: mean * scale.factor,
        sd: sd === null ? null : sd * scale.factor,
        time_h: scale.time_h,
      };
  }
  return out;
}
