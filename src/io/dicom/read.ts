/**
 * DICOM Part 10 files via dcmjs: parsing into a naturalized dataset, series discovery in a folder
 * tree (grouped by SeriesInstanceUID), slice sorting along the slice normal
 * (ImageOrientationPatient × ImagePositionPatient), rescale slope/intercept, dynamic series
 * (several time points at the same positions, split by AcquisitionTime/TriggerTime/
 * TemporalPositionIdentifier), and the voxel → RAS+ affine (DICOM LPS: x and y negated).
 * Enhanced multi-frame objects are expanded frame by frame (functional groups). Supported
 * transfer syntaxes: implicit/explicit VR little endian, explicit VR big endian and
 * deflated explicit little endian (dcmjs); compressed pixel data (JPEG, JPEG-LS, JPEG 2000, RLE)
 * is reported as unsupported with the transfer syntax named.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import dcmjs from "dcmjs";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";

// dcmjs logs parse problems through loglevel; we report them as InputError instead
dcmjs.log.setLevel("silent");
for (const l of Object.values(dcmjs.log.getLoggers?.() ?? {}))
  (l as { setLevel(v: string): void }).setLevel("silent");
const { DicomMessage, DicomMetaDictionary } = dcmjs.data;

export const UNCOMPRESSED = new Set([
  "1.2.840.10008.1.2",
  "1.2.840.10008.1.2.1",
  "1.2.840.10008.1.2.2",
  "1.2.840.10008.1.2.1.99",
]);

// biome-ignore lint/suspicious/noExplicitAny: dcmjs datasets are untyped dictionaries
export type Dataset = Record<string, any>;

export interface DicomFile {
  path: string;
  meta: Dataset;
  ds: Dataset;
}

export function parseDicom(bytes: Uint8Array, path = "<dicom>"): DicomFile {
  if (bytes.byteLength < 132 || String.fromCharCode(...bytes.subarray(128, 132)) !== "DICM") {
    throw new InputError({
      file: path,
      field: "preamble",
      expected: 'a DICOM Part 10 file ("DICM" at byte 128)',
    });
  }
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const msg = DicomMessage.readFile(ab, { ignoreErrors: false });
    return {
      path,
      meta: DicomMetaDictionary.naturalizeDataset(msg.meta),
      ds: DicomMetaDictionary.naturalizeDataset(msg.dict),
    };
  } catch (e) {
    throw new InputError({
      file: path,
      field: "DICOM data",
      expected: `a readable DICOM dataset (${(e as Error).message})`,
    });
  }
}

export function readDicomFile(path: string): DicomFile {
  return parseDicom(readFileSync(path), path);
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    const st = statSync(p);
    return st.isDirectory() ? walk(p) : st.isFile() ? [p] : [];
  });
}

export interface DicomSeries {
  seriesInstanceUid: string;
  modality: string;
  description: string;
  files: DicomFile[];
}

/** All DICOM series below a folder (non-DICOM files are skipped and counted). */
export function discoverSeries(dir: string): { series: DicomSeries[]; skipped: string[] } {
  const series = new Map<string, DicomSeries>();
  const skipped: string[] = [];
  for (const p of walk(dir)) {
    let f: DicomFile;
    try {
      f = readDicomFile(p);
    } catch {
      skipped.push(relative(dir, p));
      continue;
    }
    const uid = String(f.ds.SeriesInstanceUID ?? "unknown");
    const s = series.get(uid) ?? {
      seriesInstanceUid: uid,
      modality: String(f.ds.Modality ?? ""),
      description: String(f.ds.SeriesDescription ?? ""),
      files: [],
    };
    s.files.push(...(num(f.ds.NumberOfFrames, 1) > 1 ? expandMultiFrame(f) : [f]));
    series.set(uid, s);
  }
  return { series: [...series.values()], skipped };
}

const first = (v: unknown): Dataset | undefined => (Array.isArray(v) ? v[0] : (v as Dataset | undefined));

/**
 * Enhanced multi-frame objects: one pseudo single-frame file per frame, with the frame's
 * geometry (PlanePositionSequence), the shared orientation/pixel measures, the rescale of
 * PixelValueTransformationSequence and the frame's temporal position, so that multi-frame and
 * classic series go through the same assembly.
 */
export function expandMultiFrame(f: DicomFile): DicomFile[] {
  const ds = f.ds;
  const nFrames = num(ds.NumberOfFrames, 1);
  const shared = first(ds.SharedFunctionalGroupsSequence) ?? {};
  const perFrame: Dataset[] = Array.isArray(ds.PerFrameFunctionalGroupsSequence)
    ? ds.PerFrameFunctionalGroupsSequence
    : [];
  const pd = ds.PixelData;
  const buf: ArrayBuffer | undefined = Array.isArray(pd) ? pd[0] : pd;
  if (!buf) throw new InputError({ file: f.path, field: "PixelData", expected: "pixel data" });
  const frameBytes = (num(ds.Rows) * num(ds.Columns) * num(ds.BitsAllocated)) / 8;
  if (buf.byteLength < frameBytes * nFrames)
    throw new InputError({
      file: f.path,
      field: "PixelData",
      value: buf.byteLength,
      expected: `${frameBytes * nFrames} bytes for ${nFrames} frames`,
    });
  const pick = (fg: Dataset, seq: string, key: string) => first(fg[seq])?.[key] ?? first(shared[seq])?.[key];
  return Array.from({ length: nFrames }, (_, i) => {
    const fg = perFrame[i] ?? {};
    const frameDs: Dataset = {
      ...ds,
      NumberOfFrames: 1,
      ImagePositionPatient: pick(fg, "PlanePositionSequence", "ImagePositionPatient"),
      ImageOrientationPatient: pick(fg, "PlaneOrientationSequence", "ImageOrientationPatient"),
      PixelSpacing: pick(fg, "PixelMeasuresSequence", "PixelSpacing"),
      SliceThickness: pick(fg, "PixelMeasuresSequence", "SliceThickness"),
      RescaleSlope: pick(fg, "PixelValueTransformationSequence", "RescaleSlope") ?? ds.RescaleSlope,
      RescaleIntercept:
        pick(fg, "PixelValueTransformationSequence", "RescaleIntercept") ?? ds.RescaleIntercept,
      TemporalPositionIdentifier:
        pick(fg, "FrameContentSequence", "TemporalPositionIndex") ?? ds.TemporalPositionIdentifier,
      PixelData: buf.slice(i * frameBytes, (i + 1) * frameBytes),
    };
    return { path: `${f.path}#frame${i + 1}`, meta: f.meta, ds: frameDs };
  });
}

const num = (v: unknown, d = Number.NaN): number => {
  const x = Array.isArray(v) ? Number(v[0]) : Number(v);
  return Number.isFinite(x) ? x : d;
};
const arr = (v: unknown): number[] =>
  Array.isArray(v) ? v.map(Number) : typeof v === "string" ? v.split("\\").map(Number) : [];

/** seconds since midnight from a DICOM TM value (HHMMSS.frac) */
export function dicomTimeS(tm: unknown): number {
  const s = String(Array.isArray(tm) ? tm[0] : (tm ?? ""));
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(s.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0);
}

function pixelValues(f: DicomFile): Float64Array {
  const ds = f.ds;
  const ts = String(f.meta.TransferSyntaxUID ?? "1.2.840.10008.1.2");
  if (!UNCOMPRESSED.has(ts))
    throw new InputError({
      file: f.path,
      field: "TransferSyntaxUID",
      value: ts,
      expected: `an uncompressed or deflated transfer syntax (${[...UNCOMPRESSED].join(", ")}); compressed pixel data is not supported`,
    });
  const rows = num(ds.Rows);
  const cols = num(ds.Columns);
  const frames = num(ds.NumberOfFrames, 1);
  if (frames !== 1)
    throw new InputError({
      file: f.path,
      field: "NumberOfFrames",
      value: frames,
      expected: "single-frame images (enhanced multi-frame objects are not supported yet)",
    });
  const bits = num(ds.BitsAllocated);
  const signed = num(ds.PixelRepresentation, 0) === 1;
  const pd = ds.PixelData;
  const buf: ArrayBuffer | undefined = Array.isArray(pd) ? pd[0] : pd;
  if (!buf) throw new InputError({ file: f.path, field: "PixelData", expected: "pixel data" });
  const n = rows * cols;
  const little = ts !== "1.2.840.10008.1.2.2";
  const dv = new DataView(buf);
  if (dv.byteLength < (n * bits) / 8)
    throw new InputError({
      file: f.path,
      field: "PixelData",
      value: dv.byteLength,
      expected: `${(n * bits) / 8} bytes for ${rows}×${cols} at ${bits} bits`,
    });
  const slope = num(ds.RescaleSlope, 1);
  const inter = num(ds.RescaleIntercept, 0);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    if (bits === 16) v = signed ? dv.getInt16(2 * i, little) : dv.getUint16(2 * i, little);
    else if (bits === 8) v = signed ? dv.getInt8(i) : dv.getUint8(i);
    else if (bits === 32) v = signed ? dv.getInt32(4 * i, little) : dv.getUint32(4 * i, little);
    else throw new InputError({ file: f.path, field: "BitsAllocated", value: bits, expected: "8, 16 or 32" });
    out[i] = v * slope + inter;
  }
  return out;
}

export interface SeriesVolume {
  volume: Volume;
  /** frame start times (s) relative to the first frame, for dynamic series */
  frameTimesS: number[];
  first: Dataset;
}

/** Assemble a (possibly dynamic) series into a 3D/4D volume, slices sorted along the normal. */
export function seriesToVolume(s: DicomSeries): SeriesVolume {
  const files = s.files.filter(
    (f) => f.ds.ImagePositionPatient && f.ds.ImageOrientationPatient && f.ds.PixelData,
  );
  if (files.length === 0)
    throw new InputError({
      file: s.files[0]?.path,
      field: "ImagePositionPatient/ImageOrientationPatient",
      expected: "image geometry in every slice",
    });
  const iop = arr(files[0].ds.ImageOrientationPatient);
  const rowDir = iop.slice(0, 3);
  const colDir = iop.slice(3, 6);
  const normal = [
    rowDir[1] * colDir[2] - rowDir[2] * colDir[1],
    rowDir[2] * colDir[0] - rowDir[0] * colDir[2],
    rowDir[0] * colDir[1] - rowDir[1] * colDir[0],
  ];
  const pos = (f: DicomFile) => arr(f.ds.ImagePositionPatient);
  const dist = (f: DicomFile) => pos(f).reduce((a, v, i) => a + v * normal[i], 0);
  const timeOf = (f: DicomFile) =>
    num(f.ds.TemporalPositionIdentifier, Number.NaN) ||
    dicomTimeS(f.ds.AcquisitionTime) ||
    num(f.ds.TriggerTime, 0);
  const positions = [...new Set(files.map((f) => dist(f).toFixed(3)))].map(Number).sort((a, b) => a - b);
  const nz = positions.length;
  const nt = files.length / nz;
  if (!Number.isInteger(nt))
    throw new InputError({
      file: s.files[0].path,
      field: "slices",
      value: files.length,
      expected: `the same number of images at each of the ${nz} slice positions`,
    });
  const times = [...new Set(files.map(timeOf))].sort((a, b) => a - b);
  const rows = num(files[0].ds.Rows);
  const cols = num(files[0].ds.Columns);
  const ps = arr(files[0].ds.PixelSpacing);
  const rowSpacing = ps[0];
  const colSpacing = ps[1];
  const sliceSpacing =
    nz > 1 ? (positions[nz - 1] - positions[0]) / (nz - 1) : num(files[0].ds.SliceThickness, 1);
  const nvox = rows * cols * nz;
  const data = new Float32Array(nvox * nt);
  const sorted = [...files].sort((a, b) => dist(a) - dist(b) || timeOf(a) - timeOf(b));
  for (const f of sorted) {
    const z = positions.findIndex((p) => Math.abs(p - dist(f)) < 1e-3);
    const t = nt === 1 ? 0 : Math.max(0, times.indexOf(timeOf(f)));
    const px = pixelValues(f);
    if (px.length !== rows * cols)
      throw new InputError({
        file: f.path,
        field: "Rows/Columns",
        value: [num(f.ds.Rows), num(f.ds.Columns)],
        expected: `${rows}×${cols} like the rest of the series`,
      });
    // DICOM pixel (r, c) → NIfTI voxel (i = c, j = r)
    data.set(Float32Array.from(px), t * nvox + z * rows * cols);
  }
  // voxel (i = column, j = row, k = slice) → LPS, then to RAS+ by negating x and y
  const p0 = pos(sorted[0]);
  const lps = [
    [rowDir[0] * colSpacing, colDir[0] * rowSpacing, normal[0] * sliceSpacing, p0[0]],
    [rowDir[1] * colSpacing, colDir[1] * rowSpacing, normal[1] * sliceSpacing, p0[1]],
    [rowDir[2] * colSpacing, colDir[2] * rowSpacing, normal[2] * sliceSpacing, p0[2]],
  ];
  const affine = Float64Array.from([
    ...lps[0].map((v) => -v),
    ...lps[1].map((v) => -v),
    ...lps[2],
    0,
    0,
    0,
    1,
  ]);
  const frameTimesS = nt > 1 ? times.map((t) => t - times[0]) : [0];
  return {
    volume: {
      dims: nt > 1 ? [cols, rows, nz, nt] : [cols, rows, nz],
      spacingMm: [colSpacing, rowSpacing, Math.abs(sliceSpacing)],
      affine,
      data,
      frameS: nt > 1 ? frameTimesS[1] - frameTimesS[0] : undefined,
    },
    frameTimesS,
    first: sorted[0].ds,
  };
}
