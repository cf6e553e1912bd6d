import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import type { Volume } from "../../src/core/image/volume.js";
import { encodeNifti, parseNifti, readNifti, writeNifti } from "../../src/io/nifti.js";

const dir = mkdtempSync(join(tmpdir(), "nifti-"));
const vol = (dims: number[], f: (i: number) => number): Volume => ({
  dims,
  spacingMm: [0.5, 0.75, 2],
  affine: Float64Array.from([-0.5, 0, 0, 10, 0, 0.75, 0, -20, 0, 0, 2, 5, 0, 0, 0, 1]),
  data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
  frameS: dims.length > 3 ? 1.5 : undefined,
});

describe("NIfTI read/write", () => {
  it("round-trips a 4D float32 image through .nii.gz (data, dims, affine, frame time)", () => {
    const v = vol([5, 4, 3, 6], (i) => Math.sin(i) * 100);
    const p = join(dir, "a.nii.gz");
    writeNifti(p, v);
    const r = readNifti(p);
    expect(r.dims).toEqual([5, 4, 3, 6]);
    expect(Array.from(r.data)).toEqual(Array.from(v.data));
    expect(Array.from(r.affine)).toEqual(Array.from(v.affine));
    expect(r.frameS).toBeCloseTo(1.5, 6);
    expect(r.spacingMm).toEqual([0.5, 0.75, 2]);
  });
  it.each(["uint8", "int16", "int32", "float64", "uint16", "int8"] as const)(
    "round-trips datatype %s",
    (dt) => {
      const v = vol([3, 3, 2], (i) => (dt === "int8" ? i - 9 : i * 3));
      const r = parseNifti(encodeNifti(v, { datatype: dt }));
      expect(Array.from(r.data)).toEqual(Array.from(v.data));
    },
  );
  it("applies scl_slope and scl_inter (value = raw·slope + inter)", () => {
    const bytes = encodeNifti(
      vol([2, 2, 1], (i) => i),
      { datatype: "int16" },
    );
    bytes.writeFloatLE(2.5, 112);
    bytes.writeFloatLE(-1, 116);
    expect(Array.from(parseNifti(bytes).data)).toEqual([-1, 1.5, 4, 6.5]);
  });
  it("uses the qform (quaternion, qfac) when there is no sform, as nibabel does", () => {
    const bytes = encodeNifti(vol([2, 2, 2], () => 0));
    bytes.writeInt16LE(0, 254); // sform_code 0
    bytes.writeInt16LE(1, 252); // qform_code 1
    // 180° rotation about z: quaternion (b, c, d) = (0, 0, 1); qfac = −1 (pixdim[0])
    bytes.writeFloatLE(0, 256);
    bytes.writeFloatLE(0, 260);
    bytes.writeFloatLE(1, 264);
    [1, 2, 3].forEach((v, i) => bytes.writeFloatLE(v, 268 + 4 * i));
    bytes.writeFloatLE(-1, 76);
    const a = Array.from(parseNifti(bytes).affine);
    // R = diag(−1, −1, 1); columns scaled by pixdims (0.5, 0.75, 2) and the k column by qfac
    expect(a.map((x) => Math.round(x * 1e6) / 1e6 + 0)).toEqual([
      -0.5, 0, 0, 1, 0, -0.75, 0, 2, 0, 0, -2, 3, 0, 0, 0, 1,
    ]);
  });
  it("truncated, random and non-NIfTI bytes give InputError, never a crash (property)", () => {
    const good = encodeNifti(vol([4, 4, 4], (i) => i));
    expect(() => parseNifti(good.subarray(0, 400), "t.nii")).toThrow(/t\.nii: voxel data/);
    expect(() => parseNifti(Buffer.from("hello"), "x.nii")).toThrow(InputError);
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 0, maxLength: 2000 }),
        fc.integer({ min: 0, max: 600 }),
        (noise, cut) => {
          const mixed = Buffer.concat([good.subarray(0, cut), Buffer.from(noise)]);
          try {
            parseNifti(mixed, "fuzz.nii");
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
  it("missing file → InputError naming the path", () => {
    expect(() => readNifti(join(dir, "nope.nii"))).toThrow(/nope\.nii/);
    writeFileSync(join(dir, "bad.nii.gz"), Buffer.from([0x1f, 0x8b, 1, 2, 3]));
    expect(() => readNifti(join(dir, "bad.nii.gz"))).toThrow(/gzip/);
    expect(readFileSync(join(dir, "a.nii.gz")).length).toBeGreaterThan(0);
  });

  it("refuses CIFTI (intent codes 3000–3099, NIfTI-1 and NIfTI-2) naming the intent", () => {
    const v: Volume = {
      dims: [2, 2, 2],
      spacingMm: [1, 1, 1],
      affine: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      data: new Float32Array(8),
    };
    const b = encodeNifti(v);
    b.writeInt16LE(3006, 68); // NIfTI-1 intent_code: CIFTI dense scalars
    expect(() => parseNifti(b, "x.dscalar.nii")).toThrow(
      /x\.dscalar\.nii: intent_code: got 3006.*DENSE_SCALARS/,
    );
    b.writeInt16LE(1007, 68); // vector: not CIFTI, read as before
    expect(parseNifti(b).dims).toEqual([2, 2, 2]);
    // NIfTI-2 (540-byte header, intent_code at byte 504), as CIFTI-2 files are written
    const h = Buffer.alloc(544 + 4 * 10);
    h.writeInt32LE(540, 0);
    h.write("n+2\0\r\n\u001a\n", 4, "latin1");
    h.writeInt16LE(16, 12);
    h.writeInt16LE(32, 14);
    h.writeBigInt64LE(6n, 16);
    for (const [i, d] of [1, 1, 1, 1, 1, 10, 1].entries()) h.writeBigInt64LE(BigInt(d), 24 + 8 * i);
    for (let i = 0; i < 8; i++) h.writeDoubleLE(1, 104 + 8 * i);
    h.writeBigInt64LE(544n, 168);
    h.writeInt32LE(3002, 504);
    expect(() => parseNifti(h, "a.dtseries.nii")).toThrow(/got 3002.*DENSE_SERIES \(dtseries\)/);
    h.writeInt32LE(0, 504);
    expect(parseNifti(h).dims).toEqual([1, 1, 1, 1, 1, 10]);
  });
  it("fuzz: mutated valid headers give a Volume or an InputError, never another exception", () => {
    const v: Volume = {
      dims: [3, 2, 2],
      spacingMm: [1, 2, 3],
      affine: Float64Array.from([1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 0, 0, 1]),
      data: Float32Array.from({ length: 12 }, (_, i) => i),
    };
    const good = encodeNifti(v);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 351 }), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (edits) => {
          const b = Buffer.from(good);
          for (const [at, byte] of edits) b[at] = byte;
          b.write("n+1\0", 344, "latin1");
          try {
            const out = parseNifti(b, "fuzz.nii");
            expect(out.data.length).toBe(out.dims.reduce((x, y) => x * y, 1));
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
