/**
 * RLE Lossless decoder (src/io/dicom/rle.ts) against pydicom's decoder: every frame of every RLE
 * file among the pydicom test files (8/16/32-bit, greyscale and RGB, 1 and 2 frames, RT Dose
 * with 15 frames) decodes to the same values, checked by pydicom's exact checksum of its
 * pixel_array; hand-made PackBits cases; fast-check: any bytes either decode or throw RleError.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encapsulatedFrame, RLE_TS } from "../../src/io/dicom/pixels.js";
import { readDicomFile } from "../../src/io/dicom/read.js";
import { decodePackBits, decodeRleFrame, RleError } from "../../src/io/dicom/rle.js";
import { REF } from "../helpers/cli.js";

const FILES = join(REF, "pydicom", "files");
const ref = JSON.parse(readFileSync(join(REF, "pydicom", "reference.json"), "utf8")) as {
  inputs: { files: { file: string; checksum?: number; shape?: number[] }[] }[];
};
const refs = ref.inputs.flatMap((i) => i.files);

/** the checksum of make_reference.py: sum((v mod 65521)·(i mod 251 + 1)), C order */
function checksum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += (((values[i] % 65521) + 65521) % 65521) * ((i % 251) + 1);
  return s;
}

describe("RLE Lossless decoding against pydicom", () => {
  const rleFiles = refs.filter((f) => {
    try {
      return readDicomFile(join(FILES, f.file)).meta.TransferSyntaxUID === RLE_TS;
    } catch {
      return false;
    }
  });
  it("finds the RLE test files", () => expect(rleFiles.length).toBe(9));
  for (const r of rleFiles) {
    it(`${r.file} decodes to pydicom's values`, () => {
      const f = readDicomFile(join(FILES, r.file));
      const ds = f.ds;
      const nFrames = Number(ds.NumberOfFrames ?? 1);
      const spp = Number(ds.SamplesPerPixel ?? 1);
      const bits = Number(ds.BitsAllocated);
      const signed = Number(ds.PixelRepresentation ?? 0) === 1;
      if (f.pixel?.kind !== "encapsulated") throw new Error("not encapsulated");
      const all: number[] = [];
      for (let k = 0; k < nFrames; k++) {
        const bytes = decodeRleFrame(encapsulatedFrame(f.pixel, k, nFrames), ds.Rows, ds.Columns, spp, bits);
        const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const n = bytes.byteLength / (bits / 8);
        for (let i = 0; i < n; i++)
          all.push(
            bits === 8
              ? dv.getUint8(i)
              : bits === 16
                ? signed
                  ? dv.getInt16(2 * i, true)
                  : dv.getUint16(2 * i, true)
                : signed
                  ? dv.getInt32(4 * i, true)
                  : dv.getUint32(4 * i, true),
          );
      }
      expect(all.length).toBe((r.shape ?? []).reduce((a, b) => a * b, 1));
      expect(checksum(all)).toBe(r.checksum);
    });
  }
  it("MR_small_RLE decodes to the same values as MR_small (uncompressed)", () => {
    const a = readDicomFile(join(FILES, "MR_small.dcm"));
    const b = readDicomFile(join(FILES, "MR_small_RLE.dcm"));
    if (a.pixel?.kind !== "native" || b.pixel?.kind !== "encapsulated")
      throw new Error("unexpected pixel kinds");
    expect(Array.from(decodeRleFrame(encapsulatedFrame(b.pixel, 0, 1), 64, 64, 1, 16))).toEqual(
      Array.from(a.pixel.data.subarray(0, 8192)),
    );
  });
});

describe("PackBits segments (PS3.5 G.3.1)", () => {
  it("literal runs, replicate runs and the −128 no-op", () => {
    // 2 literals [1, 2]; replicate 7 × 3 times (n = −2 → 254); no-op 128; literal [9]
    expect(Array.from(decodePackBits(Uint8Array.from([1, 1, 2, 254, 7, 128, 0, 9]), 6))).toEqual([
      1, 2, 7, 7, 7, 9,
    ]);
  });
  it("a segment that decodes to too few bytes or runs past its end is an error, not zero fill", () => {
    expect(() => decodePackBits(Uint8Array.from([2, 1, 2]), 3)).toThrow(RleError);
    expect(() => decodePackBits(Uint8Array.from([0, 5]), 2)).toThrow(/decodes to 1 bytes, expected 2/);
    expect(() => decodePackBits(Uint8Array.from([250]), 2)).toThrow(/no byte to repeat/);
  });
  it("padding after the expected bytes is dropped (as pydicom does)", () => {
    expect(Array.from(decodePackBits(Uint8Array.from([0, 5, 0, 0]), 1))).toEqual([5]);
  });
  it("header problems are named", () => {
    const h = new Uint8Array(64);
    new DataView(h.buffer).setUint32(0, 2, true);
    expect(() => decodeRleFrame(h, 1, 1, 1, 16)).toThrow(/first segment offset 0, expected 64/);
    expect(() => decodeRleFrame(h, 1, 1, 1, 8)).toThrow(/2 RLE segments, expected 1/);
    expect(() => decodeRleFrame(new Uint8Array(10), 1, 1, 1, 8)).toThrow(/no 64-byte RLE header/);
  });
  it("property: arbitrary frame bytes decode or throw RleError, never anything else", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 300 }),
        fc.integer({ min: 1, max: 8 }),
        (bytes, n) => {
          const frame = new Uint8Array(64 + bytes.length);
          new DataView(frame.buffer).setUint32(0, 1, true);
          new DataView(frame.buffer).setUint32(4, 64, true);
          frame.set(bytes, 64);
          try {
            expect(decodeRleFrame(frame, n, n, 1, 8).length).toBe(n * n);
          } catch (e) {
            if (!(e instanceof RleError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
