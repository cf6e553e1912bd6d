/**
 * DICOM Part 10 files as a tree of raw elements, for de-identification: every element keeps its
 * tag, VR and value bytes exactly as read (no character-set decoding, no value conversion), so an
 * attribute that is kept is written back byte for byte — including ISO 2022 escape sequences and
 * multi-byte character sets that the dcmjs reader refuses — and pixel data (native or encapsulated)
 * is copied unchanged. Sequences (defined or undefined length, also UN-encoded sequences whose
 * dictionary VR is SQ, PS3.5 6.2.2) are parsed into items so that their content can be processed.
 *
 * Transfer syntaxes (PS3.5 A): implicit VR little endian, explicit VR little endian (and every
 * encapsulated/compressed syntax, whose dataset is explicit VR little endian), explicit VR big
 * endian, and deflated explicit VR little endian (1.2.840.10008.1.2.1.99: the dataset after the
 * file meta group is a raw deflate stream, RFC 1951 — inflated on read and deflated again on write,
 * so the output is readable under the same transfer syntax).
 *
 * Hand-written (instead of dcmjs read/write) because de-identification must neither re-encode kept
 * text nor drop what a naturalizing reader cannot represent.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import dcmjs from "dcmjs";
import { InputError } from "../../core/errors.js";

export const IMPLICIT_LE = "1.2.840.10008.1.2";
export const EXPLICIT_LE = "1.2.840.10008.1.2.1";
export const EXPLICIT_BE = "1.2.840.10008.1.2.2";
export const DEFLATED_LE = "1.2.840.10008.1.2.1.99";

export interface RawElement {
  /** (group << 16 | element), unsigned */
  tag: number;
  vr: string;
  /** value bytes (not for SQ); for encapsulated pixel data the items and the sequence delimiter */
  value: Uint8Array;
  /** SQ only */
  items?: RawElement[][];
  /** encapsulated pixel data (written with undefined length) */
  encapsulated?: boolean;
}

export interface RawFile {
  preamble: Uint8Array;
  meta: RawElement[];
  dataset: RawElement[];
  transferSyntax: string;
}

interface Syntax {
  explicit: boolean;
  little: boolean;
}

const LONG_VRS = new Set(["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]);
const ITEM = 0xfffee000;
const ITEM_END = 0xfffee00d;
const SEQ_END = 0xfffee0dd;
const UNDEFINED = 0xffffffff;
const PIXEL_DATA = 0x7fe00010;

export const tagHex = (tag: number): string => tag.toString(16).toUpperCase().padStart(8, "0");
export const tagString = (tag: number): string => {
  const h = tagHex(tag);
  return `(${h.slice(0, 4)},${h.slice(4)})`;
};

const dictionary = dcmjs.data.DicomMetaDictionary.dictionary as Record<string, { vr: string; name: string }>;

/** dictionary VR of a public tag ("UN" when unknown; OB/OW choices resolved to OW, US/SS to US) */
export function dictionaryVr(tag: number): string {
  const g = tag >>> 16;
  if (g % 2 === 1) return "UN";
  if ((tag & 0xffff) === 0) return "UL"; // group length
  let e = dictionary[tagString(tag)];
  // repeating groups (curves 50xx, overlays 60xx): the dictionary lists the base group
  if (!e && ((g >= 0x5000 && g <= 0x501e) || (g >= 0x6000 && g <= 0x601e)))
    e = dictionary[tagString((((g & 0xff00) << 16) | (tag & 0xffff)) >>> 0)];
  const vr = e?.vr ?? "UN";
  if (vr === "ox" || vr === "OB or OW" || vr === "OB|OW") return "OW";
  if (vr === "xs" || vr === "US or SS") return "US";
  return /^[A-Z]{2}$/.test(vr) ? vr : "UN";
}

export function dictionaryKeyword(tag: number): string | undefined {
  return dictionary[tagString(tag)]?.name?.replace(/^RETIRED_/, "");
}

function syntaxOf(ts: string): Syntax {
  if (ts === IMPLICIT_LE) return { explicit: false, little: true };
  if (ts === EXPLICIT_BE) return { explicit: true, little: false };
  return { explicit: true, little: true };
}

class Reader {
  pos = 0;
  readonly dv: DataView;
  constructor(
    readonly buf: Uint8Array,
    readonly path: string,
  ) {
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.byteLength)
      throw new InputError({
        file: this.path,
        field: what,
        value: `offset ${this.pos}`,
        expected: `${n} more bytes (the file is truncated or not valid DICOM)`,
      });
  }
  u16(little: boolean): number {
    this.need(2, "element header");
    const v = this.dv.getUint16(this.pos, little);
    this.pos += 2;
    return v;
  }
  u32(little: boolean): number {
    this.need(4, "element header");
    const v = this.dv.getUint32(this.pos, little);
    this.pos += 4;
    return v;
  }
  bytes(n: number, what: string): Uint8Array {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

function readTag(r: Reader, little: boolean): number {
  const g = r.u16(little);
  const e = r.u16(little);
  return ((g << 16) | e) >>> 0;
}

/** Elements until `end` (byte offset) or, with end = undefined, an item delimiter. */
function readElements(r: Reader, sx: Syntax, end: number | undefined): RawElement[] {
  const out: RawElement[] = [];
  while (end === undefined ? true : r.pos < end) {
    if (end === undefined && r.pos >= r.buf.byteLength)
      throw new InputError({
        file: r.path,
        field: "item",
        expected: "an item delimiter (truncated sequence)",
      });
    const start = r.pos;
    const tag = readTag(r, sx.little);
    if (tag === ITEM_END) {
      r.u32(sx.little);
      if (end === undefined) return out;
      continue; // stray delimiter inside a defined-length item: skip
    }
    if (tag === ITEM || tag === SEQ_END)
      throw new InputError({
        file: r.path,
        field: tagString(tag),
        value: `offset ${start}`,
        expected: "a data element (misplaced item tag)",
      });
    let vr: string;
    let len: number;
    if (sx.explicit) {
      const b = r.bytes(2, "VR");
      vr = String.fromCharCode(b[0], b[1]);
      if (!/^[A-Z]{2}$/.test(vr))
        throw new InputError({
          file: r.path,
          field: tagString(tag),
          value: vr.replace(/[^ -~]/g, "?"),
          expected: "a two-letter VR (explicit VR transfer syntax)",
        });
      if (LONG_VRS.has(vr)) {
        r.u16(sx.little);
        len = r.u32(sx.little);
      } else len = r.u16(sx.little);
    } else {
      vr = dictionaryVr(tag);
      len = r.u32(sx.little);
    }
    out.push(readValue(r, sx, tag, vr, len));
  }
  if (end !== undefined && r.pos !== end)
    throw new InputError({ file: r.path, field: "item length", expected: "elements that fit their item" });
  return out;
}

function readValue(r: Reader, sx: Syntax, tag: number, vr: string, len: number): RawElement {
  const undefinedLength = len === UNDEFINED;
  // implicit VR: an undefined-length value of a non-pixel element is a sequence (PS3.5 7.5)
  if (!sx.explicit && undefinedLength && tag !== PIXEL_DATA) vr = "SQ";
  if (vr === "UN" && undefinedLength && tag !== PIXEL_DATA) {
    // UN with undefined length: a sequence in implicit VR little endian (PS3.5 6.2.2)
    return {
      tag,
      vr: "SQ",
      value: new Uint8Array(0),
      items: readItems(r, { explicit: false, little: true }, len),
    };
  }
  if (vr === "SQ") return { tag, vr, value: new Uint8Array(0), items: readItems(r, sx, len) };
  if (undefinedLength) {
    // encapsulated pixel data: items until the sequence delimiter, kept as bytes
    const start = r.pos;
    for (;;) {
      const t = readTag(r, sx.little);
      const l = r.u32(sx.little);
      if (t === SEQ_END) break;
      if (t !== ITEM || l === UNDEFINED)
        throw new InputError({
          file: r.path,
          field: tagString(tag),
          expected: "encapsulated pixel data items",
        });
      r.bytes(l, "pixel data fragment");
    }
    return { tag, vr, value: r.buf.subarray(start, r.pos), encapsulated: true };
  }
  const value = r.bytes(len, tagString(tag));
  if (vr === "UN" && sx.little && dictionaryVr(tag) === "SQ") {
    // a defined-length sequence sent as UN: implicit VR little endian inside (PS3.5 6.2.2)
    const sub = new Reader(value, r.path);
    return {
      tag,
      vr: "SQ",
      value: new Uint8Array(0),
      items: readItems(sub, { explicit: false, little: true }, len),
    };
  }
  return { tag, vr, value };
}

function readItems(r: Reader, sx: Syntax, len: number): RawElement[][] {
  const items: RawElement[][] = [];
  const end = len === UNDEFINED ? undefined : r.pos + len;
  if (end !== undefined) r.need(len, "sequence");
  while (end === undefined || r.pos < end) {
    const tag = readTag(r, sx.little);
    const l = r.u32(sx.little);
    if (tag === SEQ_END) {
      if (end === undefined) return items;
      continue;
    }
    if (tag !== ITEM)
      throw new InputError({ file: r.path, field: tagString(tag), expected: "a sequence item (FFFE,E000)" });
    if (l === UNDEFINED) items.push(readElements(r, sx, undefined));
    else {
      r.need(l, "item");
      items.push(readElements(r, sx, r.pos + l));
    }
  }
  return items;
}

const ascii = (b: Uint8Array): string => String.fromCharCode(...b);
export const textOf = (b: Uint8Array): string =>
  Buffer.from(b)
    .toString("latin1")
    .replace(/[\0 ]+$/, "");

/** Parse a Part 10 file (128-byte preamble, "DICM", file meta group, dataset). */
export function parseRawFile(bytes: Uint8Array, path = "<dicom>"): RawFile {
  if (bytes.byteLength < 132 || ascii(bytes.subarray(128, 132)) !== "DICM")
    throw new InputError({
      file: path,
      field: "preamble",
      expected:
        'a DICOM Part 10 file ("DICM" at byte 128); files without file meta information are not de-identified — convert them first (e.g. dcmconv)',
    });
  const r = new Reader(bytes, path);
  r.pos = 132;
  const meta: RawElement[] = [];
  // file meta group: always explicit VR little endian (PS3.10 7.1)
  while (r.pos + 8 <= bytes.byteLength && r.dv.getUint16(r.pos, true) === 0x0002) {
    meta.push(...readOne(r, { explicit: true, little: true }));
  }
  const tsEl = meta.find((e) => e.tag === 0x00020010);
  if (!tsEl)
    throw new InputError({
      file: path,
      field: "TransferSyntaxUID (0002,0010)",
      expected: "a transfer syntax",
    });
  const ts = textOf(tsEl.value);
  let body = bytes.subarray(r.pos);
  if (ts === DEFLATED_LE) {
    try {
      body = new Uint8Array(inflateRawSync(body));
    } catch (e) {
      throw new InputError({
        file: path,
        field: "deflated dataset",
        expected: `a raw deflate stream (${(e as Error).message})`,
      });
    }
  }
  const dr = new Reader(body, path);
  const dataset = readElements(dr, syntaxOf(ts), body.byteLength);
  return { preamble: bytes.subarray(0, 128), meta, dataset, transferSyntax: ts };
}

function readOne(r: Reader, sx: Syntax): RawElement[] {
  const start = r.pos;
  const els = readElements(r, sx, r.pos + elementLength(r, sx));
  if (r.pos === start) throw new InputError({ file: r.path, field: "file meta", expected: "elements" });
  return els;
}

/** total encoded length of the element at r.pos (defined-length elements only: the meta group) */
function elementLength(r: Reader, sx: Syntax): number {
  r.need(8, "file meta element");
  const vr = ascii(r.buf.subarray(r.pos + 4, r.pos + 6));
  if (LONG_VRS.has(vr)) {
    r.need(12, "file meta element");
    return 12 + r.dv.getUint32(r.pos + 8, sx.little);
  }
  return 8 + r.dv.getUint16(r.pos + 6, sx.little);
}

class Writer {
  private chunks: Uint8Array[] = [];
  length = 0;
  constructor(private readonly little: boolean) {}
  raw(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.byteLength;
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, this.little);
    this.raw(b);
  }
  u32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v >>> 0, this.little);
    this.raw(b);
  }
  tag(t: number): void {
    this.u16(t >>> 16);
    this.u16(t & 0xffff);
  }
  bytes(): Uint8Array {
    return new Uint8Array(Buffer.concat(this.chunks));
  }
}

function writeElements(w: Writer, sx: Syntax, els: RawElement[]): void {
  for (const e of els) {
    w.tag(e.tag);
    if (e.vr === "SQ") {
      if (sx.explicit) {
        w.raw(new Uint8Array([0x53, 0x51, 0, 0]));
      }
      w.u32(UNDEFINED);
      for (const item of e.items ?? []) {
        w.tag(ITEM);
        w.u32(UNDEFINED);
        writeElements(w, sx, item);
        w.tag(ITEM_END);
        w.u32(0);
      }
      w.tag(SEQ_END);
      w.u32(0);
      continue;
    }
    let value = e.value;
    if (!e.encapsulated && value.byteLength % 2 === 1) {
      // even length (PS3.5 7.1.1): UI and binary values padded with NUL, text with a space
      const pad = e.vr === "UI" || /^O[BDFLVW]$|^UN$/.test(e.vr) ? 0 : 0x20;
      value = new Uint8Array([...value, pad]);
    }
    const len = e.encapsulated ? UNDEFINED : value.byteLength;
    if (sx.explicit) {
      w.raw(new Uint8Array([e.vr.charCodeAt(0), e.vr.charCodeAt(1)]));
      if (LONG_VRS.has(e.vr)) {
        w.u16(0);
        w.u32(len);
      } else {
        if (len > 0xffff)
          throw new InputError({
            field: tagString(e.tag),
            value: len,
            expected: `a value of at most 65535 bytes for VR ${e.vr}`,
          });
        w.u16(len);
      }
    } else w.u32(len);
    w.raw(value);
  }
}

/** Encode a dataset (no preamble, no meta) in a transfer syntax (deflated when .1.2.1.99). */
export function encodeDataset(els: RawElement[], ts: string): Uint8Array {
  const w = new Writer(syntaxOf(ts).little);
  writeElements(w, syntaxOf(ts), els);
  const b = w.bytes();
  return ts === DEFLATED_LE ? new Uint8Array(deflateRawSync(b)) : b;
}

/** Encode a Part 10 file; the meta group length (0002,0000) is recomputed. */
export function encodeRawFile(f: RawFile): Uint8Array {
  const metaEls = f.meta.filter((e) => e.tag !== 0x00020000);
  const mw = new Writer(true);
  writeElements(mw, { explicit: true, little: true }, metaEls);
  const metaBody = mw.bytes();
  const gl = new Writer(true);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, metaBody.byteLength, true);
  writeElements(gl, { explicit: true, little: true }, [{ tag: 0x00020000, vr: "UL", value: len }]);
  const body = encodeDataset(f.dataset, f.transferSyntax);
  const preamble = new Uint8Array(128);
  preamble.set(f.preamble.subarray(0, 128));
  return new Uint8Array(Buffer.concat([preamble, Buffer.from("DICM", "latin1"), gl.bytes(), metaBody, body]));
}
