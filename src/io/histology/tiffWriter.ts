/**
 * Streaming writer of tiled TIFF and BigTIFF (TIFF 6.0 §15 tiles; BigTIFF: 64-bit offsets,
 * header 0x002B), little-endian, one or more images (IFDs) per file — a pyramid is level 0
 * followed by reduced-resolution images (NewSubfileType = 1). Tiles are written as they come
 * (any order), uncompressed or Adobe Deflate (Compression = 8, zlib), so a 20,000² slide or
 * OD image is written with one tile in memory; the IFD (with the tile offsets) follows the
 * tile data and the previous IFD's "next" pointer is patched in place.
 * Samples: 1 (grey) or 3 (RGB, chunky), 8-bit unsigned or 32-bit float (SampleFormat 3).
 * Resolution tags carry µm/px as pixels per centimetre (ResolutionUnit 3) when given.
 * Hand-written: geotiff's writer only writes whole, stripped, in-memory images.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { deflateSync } from "node:zlib";

export interface TiffImageSpec {
  width: number;
  height: number;
  tileWidth: number;
  tileHeight: number;
  samples: 1 | 3;
  format: "uint8" | "float32";
  compression?: "none" | "deflate";
  reduced?: boolean;
  umPerPx?: number;
}

const T_SHORT = 3;
const T_LONG = 4;
const T_RATIONAL = 5;
const T_LONG8 = 16;

export class TiledTiffWriter {
  private readonly fd: number;
  private pos: number;
  private nextPtrPos: number;
  private spec: TiffImageSpec | null = null;
  private offsets: number[] = [];
  private counts: number[] = [];

  constructor(
    readonly path: string,
    readonly bigtiff = false,
  ) {
    this.fd = openSync(path, "w");
    const h = Buffer.alloc(bigtiff ? 16 : 8);
    h.write("II", 0, "latin1");
    if (bigtiff) {
      h.writeUInt16LE(43, 2);
      h.writeUInt16LE(8, 4);
      h.writeUInt16LE(0, 6);
      h.writeBigUInt64LE(0n, 8);
      this.nextPtrPos = 8;
    } else {
      h.writeUInt16LE(42, 2);
      h.writeUInt32LE(0, 4);
      this.nextPtrPos = 4;
    }
    writeSync(this.fd, h, 0, h.length, 0);
    this.pos = h.length;
  }

  tilesAcross(): number {
    return Math.ceil((this.spec as TiffImageSpec).width / (this.spec as TiffImageSpec).tileWidth);
  }

  tilesDown(): number {
    return Math.ceil((this.spec as TiffImageSpec).height / (this.spec as TiffImageSpec).tileHeight);
  }

  beginImage(spec: TiffImageSpec): void {
    if (spec.tileWidth % 16 || spec.tileHeight % 16)
      throw new Error("TIFF tile sizes must be multiples of 16");
    this.spec = spec;
    const n = Math.ceil(spec.width / spec.tileWidth) * Math.ceil(spec.height / spec.tileHeight);
    this.offsets = new Array(n).fill(0);
    this.counts = new Array(n).fill(0);
  }

  /**
   * Write tile (tx, ty). `data` holds w × h pixels (w, h ≤ the tile size: edge tiles may be
   * given cropped and are padded with zeros here).
   */
  writeTile(tx: number, ty: number, data: Uint8Array | Float32Array, w: number, h: number): void {
    const s = this.spec as TiffImageSpec;
    const bpp = s.samples * (s.format === "uint8" ? 1 : 4);
    let bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (w !== s.tileWidth || h !== s.tileHeight) {
      const full = new Uint8Array(s.tileWidth * s.tileHeight * bpp);
      for (let y = 0; y < h; y++)
        full.set(bytes.subarray(y * w * bpp, (y + 1) * w * bpp), y * s.tileWidth * bpp);
      bytes = full;
    }
    if (s.compression === "deflate") bytes = deflateSync(bytes);
    const i = ty * this.tilesAcross() + tx;
    this.offsets[i] = this.pos;
    this.counts[i] = bytes.length;
    writeSync(this.fd, bytes, 0, bytes.length, this.pos);
    this.pos += bytes.length;
    if (this.pos % 2) this.pad(1);
  }

  private pad(n: number): void {
    writeSync(this.fd, Buffer.alloc(n), 0, n, this.pos);
    this.pos += n;
  }

  endImage(): void {
    const s = this.spec as TiffImageSpec;
    const big = this.bigtiff;
    if (!big && this.pos > 0xffff0000) throw new Error("classic TIFF limit (4 GiB) exceeded: use BigTIFF");
    const bits = s.format === "uint8" ? 8 : 32;
    const entries: Array<[number, number, number[]]> = [
      [254, T_LONG, [s.reduced ? 1 : 0]],
      [256, T_LONG, [s.width]],
      [257, T_LONG, [s.height]],
      [258, T_SHORT, new Array(s.samples).fill(bits)],
      [259, T_SHORT, [s.compression === "deflate" ? 8 : 1]],
      [262, T_SHORT, [s.samples === 3 ? 2 : 1]],
      [277, T_SHORT, [s.samples]],
      [284, T_SHORT, [1]],
      [322, T_LONG, [s.tileWidth]],
      [323, T_LONG, [s.tileHeight]],
      [324, big ? T_LONG8 : T_LONG, this.offsets],
      [325, big ? T_LONG8 : T_LONG, this.counts],
      [339, T_SHORT, new Array(s.samples).fill(s.format === "uint8" ? 1 : 3)],
    ];
    if (s.umPerPx) {
      const ppcm = Math.round((1e4 / s.umPerPx) * 1000);
      entries.push([282, T_RATIONAL, [ppcm, 1000]], [283, T_RATIONAL, [ppcm, 1000]], [296, T_SHORT, [3]]);
    }
    entries.sort((a, b) => a[0] - b[0]);
    const size = (t: number) => (t === T_SHORT ? 2 : t === T_LONG ? 4 : 8);
    const entrySize = big ? 20 : 12;
    const inline = big ? 8 : 4;
    const headLen = (big ? 8 : 2) + entries.length * entrySize + (big ? 8 : 4);
    const ifdPos = this.pos;
    let extraPos = ifdPos + headLen;
    const head = Buffer.alloc(headLen);
    const extras: Buffer[] = [];
    let o = 0;
    if (big) {
      head.writeBigUInt64LE(BigInt(entries.length), 0);
      o = 8;
    } else {
      head.writeUInt16LE(entries.length, 0);
      o = 2;
    }
    for (const [tag, type, vals] of entries) {
      const count = type === T_RATIONAL ? vals.length / 2 : vals.length;
      const n = vals.length * (type === T_RATIONAL ? 4 : size(type));
      const buf = Buffer.alloc(Math.max(n, inline));
      vals.forEach((v, i) => {
        if (type === T_SHORT) buf.writeUInt16LE(v, i * 2);
        else if (type === T_LONG || type === T_RATIONAL) buf.writeUInt32LE(v, i * 4);
        else buf.writeBigUInt64LE(BigInt(v), i * 8);
      });
      head.writeUInt16LE(tag, o);
      head.writeUInt16LE(type, o + 2);
      if (big) head.writeBigUInt64LE(BigInt(count), o + 4);
      else head.writeUInt32LE(count, o + 4);
      const vo = o + (big ? 12 : 8);
      if (n <= inline) buf.copy(head, vo, 0, inline);
      else {
        if (big) head.writeBigUInt64LE(BigInt(extraPos), vo);
        else head.writeUInt32LE(extraPos, vo);
        extras.push(buf);
        extraPos += buf.length + (buf.length % 2);
        if (buf.length % 2) extras.push(Buffer.alloc(1));
      }
      o += entrySize;
    }
    // next-IFD pointer (0 for now) is the last field of head
    const nextField = ifdPos + headLen - (big ? 8 : 4);
    writeSync(this.fd, head, 0, head.length, ifdPos);
    let p = ifdPos + headLen;
    for (const e of extras) {
      writeSync(this.fd, e, 0, e.length, p);
      p += e.length;
    }
    // patch the previous pointer
    const ptr = Buffer.alloc(big ? 8 : 4);
    if (big) ptr.writeBigUInt64LE(BigInt(ifdPos), 0);
    else ptr.writeUInt32LE(ifdPos, 0);
    writeSync(this.fd, ptr, 0, ptr.length, this.nextPtrPos);
    this.nextPtrPos = nextField;
    this.pos = p;
    this.spec = null;
  }

  close(): void {
    closeSync(this.fd);
  }
}
