/**
 * NIfTI-1 / NIfTI-2 images (.nii, .nii.gz). Reading: header and raw voxels via nifti-reader-js,
 * then datatype conversion, scl_slope/scl_inter scaling (applied when slope is finite and ≠ 0,
 * as nibabel) and the voxel→world affine chosen as nibabel does: sform when sform_code > 0,
 * else qform when qform_code > 0, else the pixdim diagonal. Writing: NIfTI-1 single file with
 * sform (code 2, aligned) and pixdims; gzip when the name ends in .gz.
 * Every malformed or truncated file raises InputError naming the file (CLI exit 2), and so
 * does a CIFTI file (NIfTI intent codes 3000–3099, CIFTI-2 over NIfTI-2, or CIFTI-1): its
 * "dimensions" are brainordinates and parcels described in an XML extension, not a voxel grid,
 * so reading it as an image would produce a meaningless volume.
 */
import { writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import * as nifti from "nifti-reader-js";
import { InputError } from "../core/errors.js";
import type { Volume } from "../core/image/volume.js";
import { readInputBytes } from "./readInput.js";

const DT = {
  uint8: 2,
  int16: 4,
  int32: 8,
  float32: 16,
  float64: 64,
  int8: 256,
  uint16: 512,
  uint32: 768,
  int64: 1024,
  uint64: 1280,
} as const;
export type NiftiDatatype = keyof typeof DT;

/** NIfTI intent codes of CIFTI-2 (nifti2.h / nibabel's intent table). */
const CIFTI_INTENTS: Record<number, string> = {
  3000: "NIFTI_INTENT_CONNECTIVITY_UNKNOWN",
  3001: "NIFTI_INTENT_CONNECTIVITY_DENSE (dconn)",
  3002: "NIFTI_INTENT_CONNECTIVITY_DENSE_SERIES (dtseries)",
  3003: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED (pconn)",
  3004: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED_SERIES (ptseries)",
  3006: "NIFTI_INTENT_CONNECTIVITY_DENSE_SCALARS (dscalar)",
  3007: "NIFTI_INTENT_CONNECTIVITY_DENSE_LABELS (dlabel)",
  3008: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED_SCALAR (pscalar)",
  3009: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED_DENSE (pdconn)",
  3010: "NIFTI_INTENT_CONNECTIVITY_DENSE_PARCELLATED (dpconn)",
  3011: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED_PARCELLATED_SERIES (pconnseries)",
  3012: "NIFTI_INTENT_CONNECTIVITY_PARCELLATED_PARCELLATED_SCALAR (pconnscalar)",
};

function toArrayBuffer(buf: Buffer): ArrayBuffer {
  // large buffers own their ArrayBuffer: use it without a copy
  if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.byteLength) return buf.buffer as ArrayBuffer;
  return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
}

/** Parse NIfTI bytes (optionally gzipped) into a Volume. */
export function parseNifti(bytes: Uint8Array, file = "<nifti>"): Volume {
  let buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new InputError({
        file,
        field: "gzip",
        expected: `a valid gzip stream (${(e as Error).message})`,
      });
    }
  }
  const data = toArrayBuffer(buf);
  if (data.byteLength < 348 || !nifti.isNIFTI(data))
    throw new InputError({ file, field: "header", expected: "a NIfTI-1 or NIfTI-2 header (magic n+1/n+2)" });
  let header: ReturnType<typeof nifti.readHeader>;
  try {
    header = nifti.readHeader(data);
  } catch (e) {
    throw new InputError({
      file,
      field: "header",
      expected: `a readable NIfTI header (${(e as Error).message})`,
    });
  }
  const intent = Number((header as unknown as { intent_code?: number }).intent_code ?? 0);
  if (intent >= 3000 && intent <= 3099)
    throw new InputError({
      file,
      field: "intent_code",
      value: intent,
      expected: `a volume image, not CIFTI (${CIFTI_INTENTS[intent] ?? "NIFTI_INTENT_CONNECTIVITY_*"}): use a CIFTI tool (wb_command) to map it to a volume first`,
    });
  const ndim = header.dims[0];
  if (!(ndim >= 1 && ndim <= 7))
    throw new InputError({ file, field: "dim[0]", value: ndim, expected: "1 to 7 dimensions" });
  const dims = header.dims.slice(1, 1 + ndim).map((d) => Math.max(1, d));
  while (dims.length < 3) dims.push(1);
  const nvox = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(nvox) || nvox <= 0)
    throw new InputError({ file, field: "dim", value: dims, expected: "positive dimensions" });
  const bpv = header.numBitsPerVoxel / 8;
  if (![1, 2, 4, 8].includes(bpv))
    throw new InputError({
      file,
      field: "bitpix",
      value: header.numBitsPerVoxel,
      expected: "8, 16, 32 or 64 bits per voxel (scalar data)",
    });
  const offset = Number(header.vox_offset);
  if (!(offset >= 0) || offset + nvox * bpv > data.byteLength) {
    throw new InputError({
      file,
      field: "voxel data",
      value: data.byteLength,
      expected: `${offset + nvox * bpv} bytes (header dims ${dims.join("×")}, ${header.numBitsPerVoxel} bits) — file truncated?`,
    });
  }
  const le = header.littleEndian;
  const code = header.datatypeCode;
  const out = code === DT.float64 ? new Float64Array(nvox) : new Float32Array(nvox);
  const slope = header.scl_slope;
  const inter = header.scl_inter;
  const scale = Number.isFinite(slope) && slope !== 0;
  const b0 = Number.isFinite(inter) ? inter : 0;
  const nativeLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  // fast path: typed-array view when the byte order matches and the offset is aligned
  const Typed: Record<number, { new (b: ArrayBuffer, o: number, n: number): ArrayLike<number> } | undefined> =
    {
      [DT.uint8]: Uint8Array,
      [DT.int8]: Int8Array,
      [DT.int16]: Int16Array,
      [DT.uint16]: Uint16Array,
      [DT.int32]: Int32Array,
      [DT.uint32]: Uint32Array,
      [DT.float32]: Float32Array,
      [DT.float64]: Float64Array,
    };
  const T = Typed[code];
  if (T && (le === nativeLE || bpv === 1) && offset % bpv === 0) {
    const src = new T(data, offset, nvox);
    if (scale) for (let i = 0; i < nvox; i++) out[i] = src[i] * slope + b0;
    else for (let i = 0; i < nvox; i++) out[i] = src[i];
  } else {
    const dv = new DataView(data, offset, nvox * bpv);
    const read: Record<number, (i: number) => number> = {
      [DT.uint8]: (i) => dv.getUint8(i),
      [DT.int8]: (i) => dv.getInt8(i),
      [DT.int16]: (i) => dv.getInt16(2 * i, le),
      [DT.uint16]: (i) => dv.getUint16(2 * i, le),
      [DT.int32]: (i) => dv.getInt32(4 * i, le),
      [DT.uint32]: (i) => dv.getUint32(4 * i, le),
      [DT.float32]: (i) => dv.getFloat32(4 * i, le),
      [DT.float64]: (i) => dv.getFloat64(8 * i, le),
      [DT.int64]: (i) => Number(dv.getBigInt64(8 * i, le)),
      [DT.uint64]: (i) => Number(dv.getBigUint64(8 * i, le)),
    };
    const get = read[code];
    if (!get)
      throw new InputError({
        file,
        field: "datatype",
        value: code,
        expected: `a scalar datatype (${Object.keys(DT).join(", ")})`,
      });
    for (let i = 0; i < nvox; i++) {
      const v = get(i);
      out[i] = scale ? v * slope + b0 : v;
    }
  }
  const isNifti2 = buf.readInt32LE(0) === 540 || buf.readInt32BE(0) === 540;
  const affine = new Float64Array(16);
  if (header.sform_code > 0) {
    for (let r = 0; r < 3; r++)
      for (let c = 0; c < 4; c++)
        affine[r * 4 + c] = isNifti2
          ? le
            ? buf.readDoubleLE(400 + 32 * r + 8 * c)
            : buf.readDoubleBE(400 + 32 * r + 8 * c)
          : le
            ? buf.readFloatLE(280 + 16 * r + 4 * c)
            : buf.readFloatBE(280 + 16 * r + 4 * c);
  } else if (header.qform_code > 0) {
    const q = header.getQformMat();
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) affine[r * 4 + c] = q[r][c];
  } else {
    affine[0] = header.pixDims[1] || 1;
    affine[5] = header.pixDims[2] || 1;
    affine[10] = header.pixDims[3] || 1;
  }
  affine[15] = 1;
  const spacing: [number, number, number] = [
    Math.abs(header.pixDims[1]) || 1,
    Math.abs(header.pixDims[2]) || 1,
    Math.abs(header.pixDims[3]) || 1,
  ];
  const tUnit = (header as unknown as { xyzt_units?: number }).xyzt_units ?? 0;
  const tScale = (tUnit & 0x38) === 16 ? 1e-3 : (tUnit & 0x38) === 24 ? 1e-6 : 1;
  return {
    dims,
    spacingMm: spacing,
    affine,
    data: out,
    frameS: dims.length > 3 ? header.pixDims[4] * tScale : undefined,
  };
}

export function readNifti(path: string): Volume {
  return parseNifti(readInputBytes(path, "a NIfTI file"), path);
}

/** Serialise a Volume as NIfTI-1 (.nii) bytes. */
export interface NiftiWriteOptions {
  datatype?: NiftiDatatype;
  description?: string;
  /** intent_code (e.g. 1007 NIFTI_INTENT_VECTOR) and intent_name (≤ 15 characters) */
  intentCode?: number;
  intentName?: string;
}

export function encodeNifti(v: Volume, opts: NiftiWriteOptions = {}): Buffer {
  const datatype = opts.datatype ?? (v.data instanceof Float64Array ? "float64" : "float32");
  const code = DT[datatype];
  const bits = {
    uint8: 8,
    int8: 8,
    int16: 16,
    uint16: 16,
    int32: 32,
    uint32: 32,
    float32: 32,
    float64: 64,
    int64: 64,
    uint64: 64,
  }[datatype];
  const nvox = v.data.length;
  const hdr = Buffer.alloc(352);
  hdr.writeInt32LE(348, 0);
  const dims = v.dims;
  hdr.writeInt16LE(dims.length, 40);
  dims.forEach((d, i) => hdr.writeInt16LE(d, 42 + 2 * i));
  for (let i = dims.length; i < 7; i++) hdr.writeInt16LE(1, 42 + 2 * i);
  hdr.writeInt16LE(opts.intentCode ?? 0, 68);
  hdr.writeInt16LE(code, 70);
  hdr.writeInt16LE(bits, 72);
  const pix = [1, v.spacingMm[0], v.spacingMm[1], v.spacingMm[2], v.frameS ?? 1, 1, 1, 1];
  pix.forEach((p, i) => hdr.writeFloatLE(p, 76 + 4 * i));
  hdr.writeFloatLE(352, 108);
  hdr.writeFloatLE(1, 112); // scl_slope
  hdr.writeFloatLE(0, 116);
  hdr.writeUInt8(2 | 8, 123); // mm, s
  hdr.write((opts.description ?? "eprscope").slice(0, 79), 148, "latin1");
  hdr.writeInt16LE(0, 252); // qform_code: unknown (the sform carries the geometry)
  hdr.writeInt16LE(2, 254); // sform_code: aligned
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 4; c++) hdr.writeFloatLE(v.affine[r * 4 + c], 280 + 16 * r + 4 * c);
  if (opts.intentName) hdr.write(opts.intentName.slice(0, 15), 328, "latin1");
  hdr.write("n+1\0", 344, "latin1");
  const body = Buffer.alloc(nvox * (bits / 8));
  for (let i = 0; i < nvox; i++) {
    const x = v.data[i];
    switch (datatype) {
      case "uint8":
        body.writeUInt8(Math.max(0, Math.min(255, Math.round(x))), i);
        break;
      case "int8":
        body.writeInt8(Math.max(-128, Math.min(127, Math.round(x))), i);
        break;
      case "int16":
        body.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(x))), 2 * i);
        break;
      case "uint16":
        body.writeUInt16LE(Math.max(0, Math.min(65535, Math.round(x))), 2 * i);
        break;
      case "int32":
        body.writeInt32LE(Math.round(x), 4 * i);
        break;
      case "uint32":
        body.writeUInt32LE(Math.max(0, Math.round(x)), 4 * i);
        break;
      case "float32":
        body.writeFloatLE(x, 4 * i);
        break;
      case "float64":
        body.writeDoubleLE(x, 8 * i);
        break;
      case "int64":
        body.writeBigInt64LE(BigInt(Math.round(x)), 8 * i);
        break;
      case "uint64":
        body.writeBigUint64LE(BigInt(Math.max(0, Math.round(x))), 8 * i);
        break;
    }
  }
  return Buffer.concat([hdr, body]);
}

export function writeNifti(path: string, v: Volume, opts: NiftiWriteOptions = {}): void {
  const bytes = encodeNifti(v, opts);
  writeFileSync(path, path.endsWith(".gz") ? gzipSync(bytes, { level: 6 }) : bytes);
}
