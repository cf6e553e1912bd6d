/**
 * A DICOM series → consistent 3D/4D volumes, or refusals naming the file and the reason.
 *
 * Every plane is decoded first (pixels.ts: stored value · RescaleSlope + RescaleIntercept, or
 * · DoseGridScaling for RT Dose — the values pydicom's pixel_array / apply_modality_lut give),
 * with its geometry (ImagePositionPatient, ImageOrientationPatient, PixelSpacing); a plane that
 * cannot be decoded exactly is refused. The planes are then split into stacks (split.ts), and
 * each stack is written as voxel (i = column, j = row, k = slice, t = time point) with the RAS+
 * affine of its actual slice positions (geometry.ts). A single slice has no measured step: its
 * k axis is the normal × SpacingBetweenSlices, SliceThickness or (noted in the volume) 1 mm, so
 * that the affine is never singular.
 */
import { InputError, type InputProblem } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { expandFrames } from "./frames.js";
import { orientationProblem, rasAffine, sliceNormal, type Vec3 } from "./geometry.js";
import { frameStoredValues, modalityRescale, PixelError, pixelFormat } from "./pixels.js";
import type { Dataset, DicomFile, DicomSeries } from "./read.js";
import { doseGridScaling, isRtDose } from "./rtdose.js";
import { type Plane, splitIntoStacks } from "./split.js";
import { dicomTimeS, num, numbers } from "./values.js";

export interface StackVolume {
  volume: Volume;
  /** frame start times (s) relative to the first time point, for dynamic series ([] when unknown) */
  frameTimesS: number[];
  /** dataset of the first plane (sidecar metadata) */
  first: Dataset;
  seriesInstanceUid: string;
  modality: string;
  description: string;
  /** source of every plane, [z][t] flattened z-major (paths, `#frameN` for multi-frame objects) */
  sources: string[];
  /** LPS ImagePositionPatient of every slice z (as written) */
  slicePositionsLps: number[][];
  /** why this volume is only part of its series (empty: the whole series) */
  splitBy: string[];
  notes: string[];
}

/** kept for callers of the single-volume API */
export type SeriesVolume = StackVolume;

export interface SeriesConversion {
  volumes: StackVolume[];
  refused: InputProblem[];
}

/** Decode every plane of a series and split it into consistent volumes. */
export function seriesToVolumes(s: DicomSeries): SeriesConversion {
  const refused: InputProblem[] = [];
  const refuse = (file: string, e: unknown) => {
    if (e instanceof PixelError) refused.push({ file, field: e.field, expected: e.message });
    else if (e instanceof InputError) refused.push(...e.problems);
    else throw e;
  };
  const planes: Plane[] = [];
  const seen = new Set<string>();
  const notes: string[] = [];
  for (const f of s.files) {
    let frames: DicomFile[];
    try {
      frames = expandFrames(f);
    } catch (e) {
      refuse(f.path, e);
      continue;
    }
    for (const fr of frames) {
      const id = `${fr.ds.SOPInstanceUID ?? fr.path}#${fr.frame ?? 0}`;
      if (fr.ds.SOPInstanceUID && seen.has(id)) {
        notes.push(`${fr.path}: same SOPInstanceUID and frame as an earlier file; the duplicate is ignored`);
        continue;
      }
      seen.add(id);
      try {
        planes.push(decodePlane(fr));
      } catch (e) {
        refuse(fr.path, e);
      }
    }
  }
  const split = splitIntoStacks(planes);
  refused.push(...split.refused);
  const volumes = split.stacks.map((st) => {
    const v = stackVolume(st.planes, st.step, st.timeKey);
    return {
      ...v,
      seriesInstanceUid: s.seriesInstanceUid,
      modality: s.modality,
      description: s.description,
      splitBy: st.splitBy,
      notes: [...notes, ...v.notes],
    };
  });
  return { volumes, refused };
}

/** The series as one volume; InputError (exit 2) when any plane is refused or it splits. */
export function seriesToVolume(s: DicomSeries): StackVolume {
  const { volumes, refused } = seriesToVolumes(s);
  if (refused.length) throw new InputError(refused, refusalMessage(refused));
  if (volumes.length !== 1)
    throw new InputError({
      file: s.files[0]?.path,
      field: "SeriesInstanceUID",
      value: s.seriesInstanceUid,
      expected: `one consistent volume (the series splits into ${volumes.length}: ${[...new Set(volumes.flatMap((v) => v.splitBy))].join("; ")})`,
    });
  return volumes[0];
}

/** One line per refused file: "file: field: not converted: reason". */
export function refusalMessage(problems: InputProblem[]): string {
  return problems
    .map((p) => `${[p.file, p.field].filter(Boolean).join(": ")}: not converted: ${p.expected}`)
    .join("\n");
}

function decodePlane(f: DicomFile): Plane {
  const ds = f.ds;
  const ts = String(f.meta.TransferSyntaxUID ?? "1.2.840.10008.1.2");
  const fmt = pixelFormat(ds, ts);
  const ipp = numbers(ds.ImagePositionPatient);
  const iop = numbers(ds.ImageOrientationPatient);
  if (ipp.length === 0 || iop.length === 0)
    throw new PixelError(
      `no ${ipp.length === 0 ? "ImagePositionPatient" : "ImageOrientationPatient"}: a ${String(ds.Modality ?? "")} image without patient geometry (projection radiograph, ultrasound, secondary capture) is not a volume slice`,
      ipp.length === 0 ? "ImagePositionPatient" : "ImageOrientationPatient",
    );
  if (ipp.length !== 3 || !ipp.every(Number.isFinite))
    throw new PixelError(
      `ImagePositionPatient ${JSON.stringify(ds.ImagePositionPatient)} is not 3 numbers`,
      "ImagePositionPatient",
    );
  const op = orientationProblem(iop);
  if (op) throw new PixelError(op, "ImageOrientationPatient");
  const ps = numbers(ds.PixelSpacing);
  if (ps.length !== 2 || !ps.every((v) => Number.isFinite(v) && v > 0))
    throw new PixelError(
      ps.length === 0
        ? "no PixelSpacing: voxel size unknown"
        : `PixelSpacing ${JSON.stringify(ds.PixelSpacing)} is not 2 positive numbers`,
      "PixelSpacing",
    );
  if (!f.pixel)
    throw new PixelError("the PixelData element could not be located in the file bytes (malformed file?)");
  const dose = isRtDose(ds);
  const { slope, intercept } = dose ? { slope: doseGridScaling(ds), intercept: 0 } : modalityRescale(ds);
  const stored = frameStoredValues(fmt, f.pixel, f.frame ?? 0, f.nFrames ?? 1);
  const values = new Float32Array(stored.length);
  for (let i = 0; i < stored.length; i++) values[i] = stored[i] * slope + intercept;
  return {
    f,
    ipp: ipp as Vec3,
    iop,
    ps: [ps[0], ps[1]],
    rows: fmt.rows,
    cols: fmt.cols,
    values,
  };
}

function singleSliceSpacing(ds: Dataset): { mm: number; note?: string } {
  const between = Math.abs(num(ds.SpacingBetweenSlices, 0));
  if (between > 0) return { mm: between };
  const thick = Math.abs(num(ds.SliceThickness, 0));
  if (thick > 0) return { mm: thick };
  return {
    mm: 1,
    note: "single slice without SpacingBetweenSlices or SliceThickness: 1 mm assumed for the k axis",
  };
}

function stackVolume(planes: Plane[][], step: Vec3 | null, timeKey?: string) {
  const p0 = planes[0][0];
  const nz = planes.length;
  const nt = planes[0].length;
  const notes: string[] = [];
  let k: Vec3;
  if (step) k = step;
  else {
    const sp = singleSliceSpacing(p0.f.ds);
    if (sp.note) notes.push(sp.note);
    k = sliceNormal(p0.iop).map((v) => v * sp.mm) as Vec3;
  }
  const n = p0.rows * p0.cols;
  const nvox = n * nz;
  const data = new Float32Array(nvox * nt);
  // DICOM pixel (r, c) → NIfTI voxel (i = c, j = r): the row-major plane is already x-fastest
  for (let z = 0; z < nz; z++) for (let t = 0; t < nt; t++) data.set(planes[z][t].values, t * nvox + z * n);
  const affine = rasAffine(p0.iop, p0.ps, k, p0.ipp);
  let frameTimesS: number[] = [];
  if (nt > 1) {
    const at = planes[0].map((p) => dicomTimeS(p.f.ds.AcquisitionTime));
    const tt = planes[0].map((p) => num(p.f.ds.TriggerTime) / 1000);
    const times = at.every(Number.isFinite) ? at : tt.every(Number.isFinite) ? tt : undefined;
    if (times) frameTimesS = times.map((t) => t - times[0]);
    else notes.push(`time points ordered by ${timeKey}; their times are unknown`);
  }
  const volume: Volume = {
    dims: nt > 1 ? [p0.cols, p0.rows, nz, nt] : [p0.cols, p0.rows, nz],
    spacingMm: [p0.ps[1], p0.ps[0], Math.sqrt(k[0] ** 2 + k[1] ** 2 + k[2] ** 2)],
    affine,
    data,
    frameS: nt > 1 && frameTimesS.length > 1 ? frameTimesS[1] - frameTimesS[0] : undefined,
  };
  return {
    volume,
    frameTimesS: nt > 1 ? frameTimesS : [0],
    first: p0.f.ds,
    sources: planes.flatMap((zs) => zs.map((p) => p.f.path)),
    slicePositionsLps: planes.map((zs) => [...zs[0].ipp]),
    notes,
  };
}
