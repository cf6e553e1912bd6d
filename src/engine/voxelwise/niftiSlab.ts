/**
 * Slab-wise reading of a 4D NIfTI series for the voxelwise engine, with bounded memory: only the
 * header is parsed up front; curves are read per slab of consecutive voxels with one positioned
 * read per frame (NIfTI order: x fastest, frames outermost). A gzipped series is first
 * decompressed by streaming into a temporary .nii (random access needs it; memory stays bounded),
 * removed by close(). Geometry (affine, spacing, frame time) comes from src/io/nifti.ts's
 * parser applied to the header alone, so it matches readNifti exactly.
 * Datatypes: (u)int8/16/32, float32/64, either byte order, with scl_slope/scl_inter.
 */
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fstatSync,
  mkdtempSync,
  openSync,
  readSync,
  rmSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import * as nifti from "nifti-reader-js";
import { InputError } from "../../core/errors.js";
import { parseNifti } from "../../io/nifti.js";
import type { VoxelSource } from "./source.js";

export interface NiftiSeries {
  dims: number[];
  spacingMm: [number, number, number];
  affine: Float64Array;
  frameS?: number;
  nVoxels: number;
  nFrames: number;
  source: VoxelSource;
  close(): void;
}

const BYTES: Record<number, number> = { 2: 1, 256: 1, 4: 2, 512: 2, 8: 4, 768: 4, 16: 4, 64: 8 };

export async function openNiftiSeries(path: string): Promise<NiftiSeries> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new InputError({
      file: path,
      expected: `a readable file (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    });
  }
  const magic = Buffer.alloc(2);
  readSync(fd, magic, 0, 2, 0);
  let tmpDir: string | null = null;
  if (magic[0] === 0x1f && magic[1] === 0x8b) {
    closeSync(fd);
    tmpDir = mkdtempSync(join(tmpdir(), "eprscope-series-"));
    const raw = join(tmpDir, "series.nii");
    try {
      await pipeline(createReadStream(path), createGunzip(), createWriteStream(raw));
    } catch (e) {
      rmSync(tmpDir, { recursive: true, force: true });
      throw new InputError({
        file: path,
        field: "gzip",
        expected: `a valid gzip stream (${(e as Error).message})`,
      });
    }
    fd = openSync(raw, "r");
  }
  const cleanup = () => {
    try {
      closeSync(fd);
    } catch {
      /* already closed */
    }
    if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
  };
  try {
    const size = fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 540));
    readSync(fd, head, 0, head.length, 0);
    const hab = head.buffer.slice(head.byteOffset, head.byteOffset + head.length) as ArrayBuffer;
    if (head.length < 348 || !nifti.isNIFTI(hab))
      throw new InputError({
        file: path,
        field: "header",
        expected: "a NIfTI-1 or NIfTI-2 header (magic n+1/n+2)",
      });
    const h = nifti.readHeader(hab);
    const le = h.littleEndian;
    const isV2 = head.readInt32LE(0) === 540 || head.readInt32BE(0) === 540;
    const ndim = h.dims[0];
    const dims = h.dims.slice(1, 1 + ndim).map((d: number) => Math.max(1, d));
    while (dims.length < 3) dims.push(1);
    const nVoxels = dims[0] * dims[1] * dims[2];
    const nFrames = dims.slice(3).reduce((a: number, b: number) => a * b, 1);
    const code = h.datatypeCode;
    const bpv = BYTES[code];
    if (!bpv || bpv * 8 !== h.numBitsPerVoxel)
      throw new InputError({
        file: path,
        field: "datatype",
        value: code,
        expected: "a scalar (u)int8/16/32 or float32/64 datatype",
      });
    const offset = Number(h.vox_offset);
    if (!(offset >= 0) || offset + nVoxels * nFrames * bpv > size)
      throw new InputError({
        file: path,
        field: "voxel data",
        value: size,
        expected: `${offset + nVoxels * nFrames * bpv} bytes (dims ${dims.join("×")}) — file truncated?`,
      });
    // geometry: the same parser as readNifti, on the header with dims patched to one voxel
    const hdrLen = Math.max(offset, isV2 ? 544 : 352);
    const mini = Buffer.alloc(hdrLen + bpv);
    readSync(fd, mini, 0, Math.min(hdrLen, size), 0);
    for (let i = 1; i <= 7; i++) {
      if (isV2) {
        const o = 16 + 8 * i;
        if (le) mini.writeBigInt64LE(1n, o);
        else mini.writeBigInt64BE(1n, o);
      } else {
        const o = 40 + 2 * i;
        if (le) mini.writeInt16LE(1, o);
        else mini.writeInt16BE(1, o);
      }
    }
    const geo = parseNifti(mini, path);
    const slope = h.scl_slope;
    const inter = Number.isFinite(h.scl_inter) ? h.scl_inter : 0;
    const scale = Number.isFinite(slope) && slope !== 0;
    let buf = Buffer.alloc(0);
    const nativeLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
    const fast32 = code === 16 && le === nativeLE;
    const source: VoxelSource = {
      nVoxels,
      nSamples: nFrames,
      readSlab(v0, count, out) {
        const len = count * bpv;
        if (buf.length < len) buf = Buffer.alloc(len);
        for (let f = 0; f < nFrames; f++) {
          const pos = offset + (f * nVoxels + v0) * bpv;
          let got = 0;
          while (got < len) {
            const r = readSync(fd, buf, got, len - got, pos + got);
            if (r <= 0)
              throw new InputError({ file: path, field: "voxel data", expected: "a complete file" });
            got += r;
          }
          const o = f * count;
          if (fast32 && buf.byteOffset % 4 === 0) {
            const view = new Float32Array(buf.buffer, buf.byteOffset, count);
            if (scale) for (let i = 0; i < count; i++) out[o + i] = view[i] * slope + inter;
            else for (let i = 0; i < count; i++) out[o + i] = view[i];
            continue;
          }
          for (let i = 0; i < count; i++) {
            const b = i * bpv;
            let x: number;
            switch (code) {
              case 16:
                x = le ? buf.readFloatLE(b) : buf.readFloatBE(b);
                break;
              case 64:
                x = le ? buf.readDoubleLE(b) : buf.readDoubleBE(b);
                break;
              case 2:
                x = buf[b];
                break;
              case 256:
                x = buf.readInt8(b);
                break;
              case 4:
                x = le ? buf.readInt16LE(b) : buf.readInt16BE(b);
                break;
              case 512:
                x = le ? buf.readUInt16LE(b) : buf.readUInt16BE(b);
                break;
              case 8:
                x = le ? buf.readInt32LE(b) : buf.readInt32BE(b);
                break;
              default:
                x = le ? buf.readUInt32LE(b) : buf.readUInt32BE(b);
            }
            out[o + i] = scale ? x * slope + inter : x;
          }
        }
      },
      close: cleanup,
    };
    return {
      dims,
      spacingMm: geo.spacingMm,
      affine: geo.affine,
      frameS: dims.length > 3 ? (geo.frameS ?? undefined) : undefined,
      nVoxels,
      nFrames,
      source,
      close: cleanup,
    };
  } catch (e) {
    cleanup();
    throw e;
  }
}
