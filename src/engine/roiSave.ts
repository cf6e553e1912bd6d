/**
 * Save an ROI drawn in the workspace (a NIfTI on the scan's grid, voxels > 0 inside) as a label
 * map the next `run` uses: the scan's label map (if any) with the drawn voxels set to the ROI's
 * label (or, when the scan has no `labels`, the CT pipeline's results/labels/<scan>.nii.gz when it
 * lies on the scan's grid, so a drawn ROI never drops the segmented organs), written as a NEW
 * file rois/<subject>_labels_v<n>.nii.gz (temp file + rename, never over
 * an existing or input file), then study.json updated atomically (validated, temp + rename): the
 * ROI added to `rois` (or its voxels replaced when an ROI of that name exists) and `labels` of
 * the subject's scans that shared the old label map pointed at the new one. Returns the ROI's
 * statistics at once (mean, SD, volume on the scan's first frame; the %ID/cc time–activity curve
 * for SPECT/PET through voxelCurve).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InputError } from "../core/errors.js";
import { roiStatistics } from "../core/image/roiStats.js";
import type { Volume } from "../core/image/volume.js";
import { encodeNifti, parseNifti, readNifti } from "../io/nifti.js";
import { assertOutputOutsideInputs } from "../io/safePaths.js";
import { loadStudy, STUDY_FILE, validateStudyJson } from "../study/load.js";
import type { Study } from "../study/schema.js";
import { sameGrid } from "./roiPreview.js";
import { NotFoundError, type VoxelCurve, voxelCurve } from "./voxelCurve.js";

export interface DrawnRoi {
  name: string;
  kind?: "organ" | "tumour" | "reference" | "other";
  /** NIfTI bytes (.nii or .nii.gz) of the drawing on the scan's grid */
  nifti: Uint8Array;
}

export interface SavedRoi {
  roi: { id: string; name: string; label: number; kind: string };
  /** study-relative path of the new label map */
  file: string;
  /** scans whose `labels` now point at it */
  scans: string[];
  voxels: number;
  stats: { mean: number; sd: number | null; volume_mm3: number; unit: string };
  curve?: VoxelCurve;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "")
    .slice(0, 40);

function atomicWrite(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

export function saveDrawnRoi(studyDir: string, scanId: string, input: DrawnRoi): SavedRoi {
  const ls = loadStudy(studyDir);
  const study = ls.study;
  const scan = study.scans.find((s) => s.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const name = input.name.trim();
  const id = `roi_${slug(name)}`;
  if (!name || id === "roi_")
    throw new InputError({
      field: "name",
      value: input.name,
      expected: "an ROI name with letters or digits",
    });
  const image = readNifti(join(ls.dir, scan.files[0]));
  const drawn = parseNifti(input.nifti, "drawing");
  if (!sameGrid(drawn, image))
    throw new InputError({
      field: "drawing",
      value: drawn.dims.slice(0, 3),
      expected: `a drawing on the grid of ${scan.files[0]} (${image.dims.slice(0, 3).join("×")}, same affine)`,
    });
  const n = image.dims[0] * image.dims[1] * image.dims[2];
  const existing = study.rois.find((r) => r.id === id);
  const label = existing?.label ?? Math.max(0, ...study.rois.map((r) => r.label ?? 0)) + 1;
  if (label > 255) throw new InputError({ field: "rois", value: label, expected: "at most 255 labels" });
  let base = scan.labels ? readNifti(join(ls.dir, scan.labels)) : null;
  if (base && !sameGrid(base, image))
    throw new InputError({ file: scan.labels, expected: `a label map on the grid of ${scan.files[0]}` });
  // no label map in study.json: start from the segmentation pipeline's (engine/analyses/segmentation)
  const pipeline = join(ls.dir, "results", "labels", `${scan.id}.nii.gz`);
  if (!base && existsSync(pipeline)) {
    const p = readNifti(pipeline);
    if (sameGrid(p, image)) base = p;
  }
  const merged = new Float32Array(n);
  let voxels = 0;
  for (let v = 0; v < n; v++) {
    const old = base ? base.data[v] : 0;
    const inside = drawn.data[v] > 0;
    if (inside) voxels++;
    merged[v] = inside ? label : old === label ? 0 : old; // a redrawn ROI replaces its old voxels
  }
  if (voxels === 0) throw new InputError({ field: "drawing", expected: "at least one drawn voxel" });

  // the new label map: a new file, never over an input
  const dir = join(ls.dir, "rois");
  mkdirSync(dir, { recursive: true });
  let k = 1;
  while (existsSync(join(dir, `${scan.subject}_labels_v${k}.nii.gz`))) k++;
  const rel = `rois/${scan.subject}_labels_v${k}.nii.gz`;
  const out = join(ls.dir, rel);
  const inputs = study.scans
    .flatMap((s) => [...s.files, ...(s.labels ? [s.labels] : [])])
    .map((f) => join(ls.dir, f));
  assertOutputOutsideInputs(out, inputs.filter(existsSync), { field: "roi file" });
  const labels: Volume = {
    dims: image.dims.slice(0, 3),
    spacingMm: image.spacingMm,
    affine: image.affine,
    data: merged,
  };
  atomicWrite(
    out,
    gzipSync(encodeNifti(labels, { datatype: "uint8", description: `labels + drawn ROI ${name}` })),
  );

  // study.json: the ROI and the scans' label map, validated, then replaced atomically
  const file = join(ls.dir, STUDY_FILE);
  const raw = JSON.parse(readFileSync(file, "utf8")) as {
    rois?: Study["rois"];
    scans: { subject: string; id: string; labels?: string }[];
  };
  const roi = { id, name, label, kind: input.kind ?? existing?.kind ?? "other" };
  raw.rois = [...(raw.rois ?? []).filter((r) => r.id !== id), roi];
  const updated: string[] = [];
  for (const s of raw.scans) {
    const shares =
      s.id === scan.id ||
      (scan.labels !== undefined && s.subject === scan.subject && s.labels === scan.labels);
    if (shares) {
      s.labels = rel;
      updated.push(s.id);
    }
  }
  const checked = validateStudyJson(raw, file, ls.dir);
  if (!checked.study)
    throw new InputError({
      file,
      field: checked.problems[0]?.field,
      expected: `a valid study after adding the ROI (${checked.problems.map((p) => p.expected).join("; ")})`,
    });
  atomicWrite(file, `${JSON.stringify(raw, null, 2)}\n`);

  // statistics at once
  const st = roiStatistics(image, labels).find((x) => x.label === label && x.frame === 0);
  const unit = String(scan.acquisition?.units ?? "");
  const result: SavedRoi = {
    roi,
    file: rel,
    scans: updated,
    voxels,
    stats: { mean: st?.mean ?? Number.NaN, sd: st?.sd ?? null, volume_mm3: st?.volume_mm3 ?? 0, unit },
  };
  if (scan.purpose === "activity") {
    const cache = new Map<string, Volume>();
    result.curve = voxelCurve(
      checked.study,
      scanId,
      { roi: id },
      {
        volume: (r) => {
          let v = cache.get(r);
          if (!v) {
            v = readNifti(join(ls.dir, r));
            cache.set(r, v);
          }
          return v;
        },
        file: (r) => (existsSync(join(ls.dir, r)) ? join(ls.dir, r) : null),
      },
    );
  }
  return result;
}
