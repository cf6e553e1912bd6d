/**
 * DICOM Part 10 files via dcmjs: parsing into a naturalized dataset, series discovery below a
 * folder (or one file) grouped by SeriesInstanceUID, and the expansion of multi-frame objects
 * (enhanced functional groups, RT Dose grid frames) into one pseudo file per frame.
 *
 * What is refused and why is decided here and in pixels.ts / split.ts / assemble.ts, never
 * silently: a file that starts like DICOM ("DICM" at byte 128) but cannot be parsed is reported
 * with the parser's own message (e.g. an unsupported character set), not counted as non-DICOM.
 * The pixel data location in the file bytes is recorded at parse time (pixels.ts) so that a
 * truncated file is recognised (dcmjs zero-fills the missing bytes).
 * Transfer syntaxes: implicit/explicit VR little endian, explicit VR big endian, deflated explicit
 * little endian (dcmjs), RLE Lossless (rle.ts); other compressed pixel data is refused naming
 * the transfer syntax.
 */
import { readFileSync, statSync } from "node:fs";
import { basename, dirname, relative } from "node:path";
import dcmjs from "dcmjs";
import { InputError, type InputProblem } from "../../core/errors.js";
import { walkFiles } from "../walkFiles.js";
import { locatePixelData, NATIVE_TS, type PixelLocation } from "./pixels.js";
import { dicomTimeS } from "./values.js";

export { dicomTimeS };

// dcmjs logs parse problems through loglevel; we report them as InputError instead
dcmjs.log.setLevel("silent");
for (const l of Object.values(dcmjs.log.getLoggers?.() ?? {}))
  (l as { setLevel(v: string): void }).setLevel("silent");
const { DicomMessage, DicomMetaDictionary } = dcmjs.data;

/** Transfer syntaxes whose pixel data is stored uncompressed (deflate compresses the dataset). */
export const UNCOMPRESSED = NATIVE_TS;

// biome-ignore lint/suspicious/noExplicitAny: dcmjs datasets are untyped dictionaries
export type Dataset = Record<string, any>;

export interface DicomFile {
  path: string;
  meta: Dataset;
  ds: Dataset;
  /** location of the top-level pixel data in the file's bytes (undefined: none or not locatable) */
  pixel?: PixelLocation;
  /** for a frame of a multi-frame object: its index in the pixel data, and the frame count */
  frame?: number;
  nFrames?: number;
  /** for a frame: the file it comes from */
  source?: string;
}

export function hasDicomPreamble(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength >= 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

export function parseDicom(bytes: Uint8Array, path = "<dicom>"): DicomFile {
  if (!hasDicomPreamble(bytes)) {
    throw new InputError({
      file: path,
      field: "preamble",
      expected: 'a DICOM Part 10 file ("DICM" at byte 128)',
    });
  }
  let meta: Dataset;
  let ds: Dataset;
  try {
    const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const msg = DicomMessage.readFile(ab, { ignoreErrors: false });
    keepInvalidNumberStrings(msg.dict);
    meta = DicomMetaDictionary.naturalizeDataset(msg.meta);
    ds = DicomMetaDictionary.naturalizeDataset(msg.dict);
  } catch (e) {
    throw new InputError({
      file: path,
      field: "DICOM data",
      expected: `a readable DICOM dataset (${(e as Error).message})`,
    });
  }
  const f: DicomFile = { path, meta, ds };
  if (ds.PixelData !== undefined) {
    const ts = String(meta.TransferSyntaxUID ?? "1.2.840.10008.1.2");
    const pd = ds.PixelData;
    const buf: ArrayBuffer | undefined = Array.isArray(pd) ? pd[0] : pd;
    if (ts === "1.2.840.10008.1.2.1.99") {
      // deflated: dcmjs inflated the dataset; its value is all we have
      if (buf) f.pixel = { kind: "native", data: new Uint8Array(buf), declared: buf.byteLength };
    } else f.pixel = locatePixelData(bytes, ts, buf?.byteLength);
  }
  return f;
}

const DS_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const IS_RE = /^[+-]?\d+$/;

/**
 * dcmjs turns an unparseable DS into null and parses IS leniently ("1A" → 1); both would be
 * silently wrong numbers. Invalid DS/IS values are put back as their raw text, which every
 * numeric reader here refuses, naming the attribute and the value.
 */
function keepInvalidNumberStrings(dict: Dataset): void {
  for (const el of Object.values(dict)) {
    if (!el || typeof el !== "object") continue;
    if ((el.vr === "DS" || el.vr === "IS") && Array.isArray(el._rawValue) && Array.isArray(el.Value)) {
      el._rawValue.forEach((raw: unknown, i: number) => {
        const t = String(raw ?? "").trim();
        const ok = t === "" || ((el.vr === "DS" ? DS_RE : IS_RE).test(t) && Number.isFinite(Number(t)));
        if (!ok) el.Value[i] = t;
      });
    } else if (el.vr === "SQ" && Array.isArray(el.Value))
      for (const item of el.Value) keepInvalidNumberStrings(item);
  }
}

export function readDicomFile(path: string): DicomFile {
  return parseDicom(readFileSync(path), path);
}

export interface DicomSeries {
  seriesInstanceUid: string;
  modality: string;
  description: string;
  files: DicomFile[];
}

export interface Discovery {
  series: DicomSeries[];
  /** files that are not DICOM Part 10 (relative paths) */
  skipped: string[];
  /** DICOM objects without pixel data (structured reports, plans, DICOMDIR…), relative paths */
  nonImage: string[];
  /** DICOM files that could not be read, with the parser's reason */
  unreadable: InputProblem[];
}

/** All DICOM series below a folder, or the series of one file. */
export function discoverSeries(input: string): Discovery {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(input);
  } catch {
    throw new InputError({ file: input, expected: "an existing folder of DICOM files (or one DICOM file)" });
  }
  const root = st.isDirectory() ? input : dirname(input);
  const paths = st.isDirectory() ? walkFiles(input) : [input];
  const series = new Map<string, DicomSeries>();
  const skipped: string[] = [];
  const nonImage: string[] = [];
  const unreadable: InputProblem[] = [];
  for (const p of paths) {
    const rel = relative(root, p) || basename(p);
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(p);
    } catch (e) {
      unreadable.push({
        file: p,
        expected: `a readable file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      });
      continue;
    }
    if (!hasDicomPreamble(bytes)) {
      skipped.push(rel);
      continue;
    }
    let f: DicomFile;
    try {
      f = parseDicom(bytes, p);
    } catch (e) {
      if (e instanceof InputError) unreadable.push(...e.problems);
      else
        unreadable.push({
          file: p,
          field: "DICOM data",
          expected: `a readable DICOM dataset (${(e as Error).message})`,
        });
      continue;
    }
    if (f.ds.PixelData === undefined) {
      if (f.ds.FloatPixelData !== undefined || f.ds.DoubleFloatPixelData !== undefined)
        unreadable.push({
          file: p,
          field: "FloatPixelData",
          expected: "integer PixelData (float pixel data is not converted)",
        });
      else nonImage.push(rel);
      continue;
    }
    const uid = f.ds.SeriesInstanceUID ? String(f.ds.SeriesInstanceUID) : `no SeriesInstanceUID: ${rel}`;
    const s = series.get(uid) ?? {
      seriesInstanceUid: uid,
      modality: String(f.ds.Modality ?? ""),
      description: String(f.ds.SeriesDescription ?? ""),
      files: [],
    };
    s.files.push(f);
    series.set(uid, s);
  }
  return { series: [...series.values()], skipped, nonImage, unreadable };
}

export type { SeriesVolume, StackVolume } from "./assemble.js";
export { seriesToVolume, seriesToVolumes } from "./assemble.js";
export { expandFrames, expandMultiFrame } from "./frames.js";
