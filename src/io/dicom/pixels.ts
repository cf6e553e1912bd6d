/**
 * Pixel data of one DICOM image frame → modality values (what pydicom's `pixel_array` followed by
 * `apply_modality_lut` gives, and for RT Dose × DoseGridScaling), or a refusal naming the reason.
 *
 * - The (7FE0,0010) element is located in the file's own bytes (dcmjs zero-fills a value that
 *   runs past the end of the file, so a truncated file would otherwise decode as zeros): the last
 *   occurrence of the tag whose declared length matches the parsed value, or the encapsulated
 *   item sequence (basic offset table + fragments + sequence delimiter) walked item by item.
 * - Native pixel data: BitsAllocated 8/16/32, signed per PixelRepresentation, byte order of the
 *   transfer syntax; a value outside the BitsStored range (overlay bits, inconsistent header) is
 *   refused rather than guessed. RLE Lossless frames are decoded (rle.ts); every other
 *   compressed transfer syntax is refused naming it.
 * - Modality rescale v·RescaleSlope + RescaleIntercept, both or neither present (pydicom applies
 *   it only when both are), numeric, slope ≠ 0; a Modality LUT Sequence is refused.
 * Only single-sample (MONOCHROME1/2) images are converted: colour, palette and 1-bit
 * segmentation objects are refused.
 */
import { decodeRleFrame, RleError } from "./rle.js";

export const NATIVE_TS = new Set([
  "1.2.840.10008.1.2",
  "1.2.840.10008.1.2.1",
  "1.2.840.10008.1.2.2",
  "1.2.840.10008.1.2.1.99",
]);
export const RLE_TS = "1.2.840.10008.1.2.5";

const TS_NAMES: Record<string, string> = {
  "1.2.840.10008.1.2.4.50": "JPEG Baseline (Process 1)",
  "1.2.840.10008.1.2.4.51": "JPEG Extended (Process 2 & 4)",
  "1.2.840.10008.1.2.4.57": "JPEG Lossless, Non-Hierarchical (Process 14)",
  "1.2.840.10008.1.2.4.70": "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 SV1)",
  "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
  "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
  "1.2.840.10008.1.2.4.90": "JPEG 2000 Lossless",
  "1.2.840.10008.1.2.4.91": "JPEG 2000",
  "1.2.840.10008.1.2.4.92": "JPEG 2000 Part 2 Multi-component Lossless",
  "1.2.840.10008.1.2.4.93": "JPEG 2000 Part 2 Multi-component",
  "1.2.840.10008.1.2.4.100": "MPEG2 Main Profile",
  "1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264",
  "1.2.840.10008.1.2.4.201": "High-Throughput JPEG 2000 Lossless",
  "1.2.840.10008.1.2.4.203": "High-Throughput JPEG 2000",
};

export function transferSyntaxName(uid: string): string {
  return TS_NAMES[uid] ?? "unknown transfer syntax";
}

/** Where the top-level pixel data sits in the file. */
export type PixelLocation =
  | { kind: "native"; data: Uint8Array; declared: number }
  | { kind: "encapsulated"; offsets: number[]; fragments: Uint8Array[]; complete: boolean; problem?: string };

const u32 = (b: Uint8Array, o: number, little: boolean) =>
  little
    ? (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0
    : ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

/**
 * Locate the top-level (7FE0,0010) value in the raw file bytes. `parsedLength` is the byte length
 * dcmjs gave the native value (it confirms the match); undefined when not locatable (deflated).
 */
export function locatePixelData(
  bytes: Uint8Array,
  ts: string,
  parsedLength: number | undefined,
): PixelLocation | undefined {
  if (ts === "1.2.840.10008.1.2.1.99") return undefined; // deflated: the dataset is compressed
  const little = ts !== "1.2.840.10008.1.2.2";
  const implicit = ts === "1.2.840.10008.1.2";
  const tag = little ? [0xe0, 0x7f, 0x10, 0x00] : [0x7f, 0xe0, 0x00, 0x10];
  const encapsulated = !NATIVE_TS.has(ts);
  for (let o = bytes.length - 8; o >= 132; o--) {
    if (bytes[o] !== tag[0] || bytes[o + 1] !== tag[1] || bytes[o + 2] !== tag[2] || bytes[o + 3] !== tag[3])
      continue;
    let lenAt: number;
    if (implicit) lenAt = o + 4;
    else {
      const vr = String.fromCharCode(bytes[o + 4], bytes[o + 5]);
      if ((vr !== "OB" && vr !== "OW") || bytes[o + 6] !== 0 || bytes[o + 7] !== 0) continue;
      lenAt = o + 8;
    }
    if (lenAt + 4 > bytes.length) continue;
    const len = u32(bytes, lenAt, little);
    const start = lenAt + 4;
    if (encapsulated) {
      if (len !== 0xffffffff) continue;
      return walkItems(bytes, start);
    }
    if (len === 0xffffffff || (parsedLength !== undefined && len !== parsedLength)) continue;
    return {
      kind: "native",
      data: bytes.subarray(start, Math.min(bytes.length, start + len)),
      declared: len,
    };
  }
  return undefined;
}

/** Encapsulated pixel data: basic offset table item, fragment items, sequence delimiter (always LE). */
function walkItems(bytes: Uint8Array, start: number): PixelLocation {
  const fragments: Uint8Array[] = [];
  let offsets: number[] = [];
  let o = start;
  let first = true;
  while (o + 8 <= bytes.length) {
    const g = bytes[o] | (bytes[o + 1] << 8);
    const e = bytes[o + 2] | (bytes[o + 3] << 8);
    const len = u32(bytes, o + 4, true);
    if (g === 0xfffe && e === 0xe0dd) return { kind: "encapsulated", offsets, fragments, complete: true };
    if (g !== 0xfffe || e !== 0xe000)
      return {
        kind: "encapsulated",
        offsets,
        fragments,
        complete: false,
        problem: `unexpected tag at byte ${o}`,
      };
    const end = o + 8 + len;
    if (end > bytes.length)
      return {
        kind: "encapsulated",
        offsets,
        fragments,
        complete: false,
        problem: `fragment of ${len} bytes at byte ${o} runs past the end of the file (${bytes.length} bytes): truncated`,
      };
    const value = bytes.subarray(o + 8, end);
    if (first) {
      offsets = Array.from({ length: Math.floor(len / 4) }, (_, i) => u32(value, 4 * i, true));
      first = false;
    } else fragments.push(value);
    o = end;
  }
  return {
    kind: "encapsulated",
    offsets,
    fragments,
    complete: false,
    problem: "no sequence delimiter before the end of the file: truncated",
  };
}

/** Frame i of encapsulated pixel data (one fragment per frame, or grouped by the offset table). */
export function encapsulatedFrame(
  loc: PixelLocation & { kind: "encapsulated" },
  i: number,
  nFrames: number,
): Uint8Array {
  if (!loc.complete) throw new PixelError(`encapsulated PixelData is incomplete (${loc.problem})`);
  const fr = loc.fragments;
  if (fr.length === nFrames) return fr[i];
  if (nFrames === 1) return concat(fr);
  if (loc.offsets.length === nFrames) {
    // group fragments by their byte position (item headers included) in the fragment stream
    let pos = 0;
    const starts = fr.map((f) => {
      const s = pos;
      pos += f.byteLength + 8;
      return s;
    });
    const lo = loc.offsets[i];
    const hi = i + 1 < nFrames ? loc.offsets[i + 1] : Number.POSITIVE_INFINITY;
    return concat(fr.filter((_, k) => starts[k] >= lo && starts[k] < hi));
  }
  throw new PixelError(
    `${fr.length} fragments for ${nFrames} frames and no usable basic offset table: frames cannot be delimited`,
  );
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** A pixel-level reason to refuse a file (converted to InputError by the caller, with the file). */
export class PixelError extends Error {
  constructor(
    message: string,
    readonly field = "PixelData",
  ) {
    super(message);
  }
}

export interface PixelFormat {
  rows: number;
  cols: number;
  bitsAllocated: number;
  bitsStored: number;
  signed: boolean;
  little: boolean;
  ts: string;
}

/** Raw stored values of one frame (native bytes or RLE-decoded), as float64. */
export function frameStoredValues(
  fmt: PixelFormat,
  loc: PixelLocation,
  frame: number,
  nFrames: number,
): Float64Array {
  const n = fmt.rows * fmt.cols;
  const bytesPer = fmt.bitsAllocated / 8;
  const frameBytes = n * bytesPer;
  let buf: Uint8Array;
  let little = fmt.little;
  if (loc.kind === "native") {
    const need = frameBytes * nFrames;
    if (loc.data.byteLength < need)
      throw new PixelError(
        `${loc.data.byteLength} bytes of pixel data${loc.data.byteLength < loc.declared ? ` (the element declares ${loc.declared}: the file is truncated)` : ""}, ${need} needed for ${nFrames} frame(s) of ${fmt.rows}×${fmt.cols} at ${fmt.bitsAllocated} bits`,
      );
    if (loc.data.byteLength - need >= frameBytes)
      throw new PixelError(
        `${loc.data.byteLength} bytes of pixel data hold ${Math.floor(loc.data.byteLength / frameBytes)} whole frames of ${fmt.rows}×${fmt.cols} at ${fmt.bitsAllocated} bits, but NumberOfFrames says ${nFrames}`,
        "NumberOfFrames",
      );
    buf = loc.data.subarray(frame * frameBytes, (frame + 1) * frameBytes);
  } else {
    try {
      buf = decodeRleFrame(encapsulatedFrame(loc, frame, nFrames), fmt.rows, fmt.cols, 1, fmt.bitsAllocated);
    } catch (e) {
      if (e instanceof RleError) throw new PixelError(`RLE Lossless frame ${frame + 1}: ${e.message}`);
      throw e;
    }
    little = true;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out = new Float64Array(n);
  const { signed, bitsAllocated: bits } = fmt;
  for (let i = 0; i < n; i++) {
    if (bits === 16) out[i] = signed ? dv.getInt16(2 * i, little) : dv.getUint16(2 * i, little);
    else if (bits === 8) out[i] = signed ? dv.getInt8(i) : dv.getUint8(i);
    else out[i] = signed ? dv.getInt32(4 * i, little) : dv.getUint32(4 * i, little);
  }
  // values outside the BitsStored range: high bits used for overlays or an inconsistent header
  if (fmt.bitsStored < bits) {
    const lo = signed ? -(2 ** (fmt.bitsStored - 1)) : 0;
    const hi = signed ? 2 ** (fmt.bitsStored - 1) - 1 : 2 ** fmt.bitsStored - 1;
    for (let i = 0; i < n; i++)
      if (out[i] < lo || out[i] > hi)
        throw new PixelError(
          `stored value ${out[i]} at pixel ${i} of frame ${frame + 1} is outside the ${fmt.bitsStored}-bit BitsStored range [${lo}, ${hi}] (overlay bits in the pixel data or an inconsistent header)`,
          "BitsStored",
        );
  }
  return out;
}

// biome-ignore lint/suspicious/noExplicitAny: dcmjs datasets are untyped dictionaries
type Ds = Record<string, any>;

const one = (v: unknown): unknown => (Array.isArray(v) ? (v.length === 1 ? v[0] : v) : v);

/** An integer attribute, or a PixelError naming it. */
export function intAttr(ds: Ds, key: string, opts: { min?: number; optional?: number } = {}): number {
  const raw = one(ds[key]);
  if ((raw === undefined || raw === null || raw === "") && opts.optional !== undefined) return opts.optional;
  const v =
    typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
  if (!Number.isInteger(v) || (opts.min !== undefined && v < opts.min))
    throw new PixelError(
      `${key} ${JSON.stringify(raw)} is not ${opts.min !== undefined ? `an integer ≥ ${opts.min}` : "an integer"}`,
      key,
    );
  return v;
}

/** A decimal-string attribute (single value), undefined when absent, PixelError when unparseable. */
export function decimalAttr(ds: Ds, key: string): number | undefined {
  const raw = ds[key];
  if (raw === undefined || raw === null) return undefined;
  const v = one(raw);
  if (Array.isArray(v)) throw new PixelError(`${key} has ${v.length} values, expected one`, key);
  const x =
    typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v.trim()) : Number.NaN;
  if (!Number.isFinite(x)) throw new PixelError(`${key} ${JSON.stringify(v)} is not a number`, key);
  return x;
}

/** Header checks: only what can be converted value-exactly passes. */
export function pixelFormat(ds: Ds, ts: string): PixelFormat {
  if (!NATIVE_TS.has(ts) && ts !== RLE_TS)
    throw new PixelError(
      `${transferSyntaxName(ts)} (${ts}) compressed pixel data is not supported (uncompressed, deflated and RLE Lossless are); decompress first, e.g. gdcmconv --raw or dcmdjpeg`,
      "TransferSyntaxUID",
    );
  const spp = intAttr(ds, "SamplesPerPixel", { min: 1, optional: 1 });
  const photometric = String(one(ds.PhotometricInterpretation) ?? "MONOCHROME2").trim();
  if (spp !== 1 || (photometric !== "MONOCHROME1" && photometric !== "MONOCHROME2"))
    throw new PixelError(
      `${photometric} image with ${spp} sample(s) per pixel: only greyscale (MONOCHROME1/2, 1 sample) images are converted`,
      "PhotometricInterpretation",
    );
  const rows = intAttr(ds, "Rows", { min: 1 });
  const cols = intAttr(ds, "Columns", { min: 1 });
  const bitsAllocated = intAttr(ds, "BitsAllocated", { min: 1 });
  if (bitsAllocated === 1)
    throw new PixelError("1-bit (binary segmentation) pixel data is not converted", "BitsAllocated");
  if (bitsAllocated !== 8 && bitsAllocated !== 16 && bitsAllocated !== 32)
    throw new PixelError(`BitsAllocated ${bitsAllocated}: expected 8, 16 or 32`, "BitsAllocated");
  const bitsStored = intAttr(ds, "BitsStored", { min: 1, optional: bitsAllocated });
  if (bitsStored > bitsAllocated)
    throw new PixelError(`BitsStored ${bitsStored} exceeds BitsAllocated ${bitsAllocated}`, "BitsStored");
  const pr = intAttr(ds, "PixelRepresentation", { min: 0, optional: 0 });
  if (pr > 1) throw new PixelError(`PixelRepresentation ${pr}: expected 0 or 1`, "PixelRepresentation");
  return {
    rows,
    cols,
    bitsAllocated,
    bitsStored,
    signed: pr === 1,
    little: ts !== "1.2.840.10008.1.2.2",
    ts,
  };
}

/** Modality rescale as pydicom's apply_modality_lut applies it (both attributes or none). */
export function modalityRescale(ds: Ds): { slope: number; intercept: number } {
  if (ds.ModalityLUTSequence !== undefined)
    throw new PixelError(
      "a Modality LUT Sequence is not supported (only RescaleSlope/RescaleIntercept)",
      "ModalityLUTSequence",
    );
  const slope = decimalAttr(ds, "RescaleSlope");
  const intercept = decimalAttr(ds, "RescaleIntercept");
  if ((slope === undefined) !== (intercept === undefined))
    throw new PixelError(
      `${slope === undefined ? "RescaleIntercept without RescaleSlope" : "RescaleSlope without RescaleIntercept"}: the modality values are ambiguous`,
      slope === undefined ? "RescaleSlope" : "RescaleIntercept",
    );
  if (slope === 0)
    throw new PixelError("RescaleSlope 0 would make every value the intercept", "RescaleSlope");
  return { slope: slope ?? 1, intercept: intercept ?? 0 };
}
