/**
 * `eprscope convert` never writes a wrong volume (issue 11, class 2): one synthetic bad series
 * per defect class, written with dcmjs (src/io/dicom/write.ts), each with the behaviour that
 * would have caught it — a split into consistent volumes whose slices sit at their
 * ImagePositionPatient, or exit 2 naming the file and the reason. Expected values are written
 * into the files by the test itself (stored value × slope + intercept), not computed by the code
 * under test.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { invertAffine } from "../../src/core/image/volume.js";
import { discoverSeries, parseDicom, seriesToVolumes } from "../../src/io/dicom/read.js";
import { encodeDicom, writeDicom } from "../../src/io/dicom/write.js";
import { readNifti } from "../../src/io/nifti.js";
import { REF, runCli } from "../helpers/cli.js";

const tmp = mkdtempSync(join(tmpdir(), "dicom-defects-"));
let uid = 0;

interface SliceOpts {
  z?: number;
  ipp?: number[];
  iop?: number[];
  rows?: number;
  cols?: number;
  series?: string;
  extra?: Record<string, unknown>;
  raw?: number[];
}
/** a 16-bit signed MR slice; pixel i of slice z stores 100·z + i unless raw is given */
function slice(o: SliceOpts = {}): Record<string, unknown> {
  const rows = o.rows ?? 3;
  const cols = o.cols ?? 4;
  const z = o.z ?? 0;
  const raw = o.raw ?? Array.from({ length: rows * cols }, (_, i) => 100 * Math.round(z) + i);
  uid++;
  return {
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.4",
    SOPInstanceUID: `1.2.826.0.1.3680043.8.498.1.${uid}`,
    SeriesInstanceUID: o.series ?? "1.2.826.0.1.3680043.8.498.2",
    StudyInstanceUID: "1.2.826.0.1.3680043.8.498.3",
    Modality: "MR",
    SeriesDescription: "defect",
    ImagePositionPatient: o.ipp ?? [-10, -20, 30 + 2.5 * z],
    ImageOrientationPatient: o.iop ?? [1, 0, 0, 0, 1, 0],
    PixelSpacing: [2, 1.5],
    SliceThickness: "2.5",
    Rows: rows,
    Columns: cols,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    RescaleSlope: "0.5",
    RescaleIntercept: "-3",
    PixelData: new Int16Array(raw).buffer,
    ...o.extra,
  };
}
function series(name: string, slices: Record<string, unknown>[]): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  slices.forEach((s, i) => writeDicom(join(d, `im${i}.dcm`), s));
  return d;
}
function convert(dir: string) {
  const d = discoverSeries(dir);
  const all = d.series.map((s) => seriesToVolumes(s));
  return {
    volumes: all.flatMap((r) => r.volumes),
    refused: [...d.unreadable, ...all.flatMap((r) => r.refused)],
  };
}
const apply = (m: ArrayLike<number>, v: number[]) =>
  [0, 1, 2].map((r) => m[4 * r] * v[0] + m[4 * r + 1] * v[1] + m[4 * r + 2] * v[2] + m[4 * r + 3]);
/** every slice z of the volume sits at the LPS position given (as RAS: x, y negated) */
function expectSlicesAt(affine: ArrayLike<number>, lps: number[][]) {
  lps.forEach((p, z) => {
    const w = apply(affine, [0, 0, z]);
    expect(w[0]).toBeCloseTo(-p[0], 9);
    expect(w[1]).toBeCloseTo(-p[1], 9);
    expect(w[2]).toBeCloseTo(p[2], 9);
  });
}
const refusalText = (r: ReturnType<typeof convert>) =>
  r.refused.map((p) => `${p.file}: ${p.field}: ${p.expected}`).join("\n");

describe("truncated pixel data is refused, never zero-filled", () => {
  it("an uncompressed file cut short", () => {
    const d = series("trunc", [slice({ z: 0 }), slice({ z: 1 })]);
    const f = join(d, "im1.dcm");
    const bytes = readFileSync(f);
    writeFileSync(f, bytes.subarray(0, bytes.length - 7));
    const r = convert(d);
    expect(refusalText(r)).toMatch(
      /im1\.dcm: PixelData: 17 bytes of pixel data \(the element declares 24: the file is truncated\)/,
    );
    // the intact slice alone still converts (reported with --partial), nothing invented
    expect(r.volumes.map((v) => v.volume.dims)).toEqual([[4, 3, 1]]);
  });
  it("an RLE file cut inside its last fragment", () => {
    const d = join(tmp, "trunc-rle");
    mkdirSync(d);
    const bytes = readFileSync(join(REF, "pydicom", "files", "MR_small_RLE.dcm"));
    writeFileSync(join(d, "cut.dcm"), bytes.subarray(0, bytes.length - 200));
    expect(refusalText(convert(d))).toMatch(
      /cut\.dcm: PixelData: encapsulated PixelData is incomplete .*truncated/,
    );
  });
});

describe("rescale values are numbers or the file is refused", () => {
  it("an unparseable RescaleSlope names the attribute and value (was: an all-zero volume)", () => {
    const r = convert(series("slope", [slice({ extra: { RescaleSlope: "abc" } })]));
    expect(r.volumes).toHaveLength(0);
    expect(refusalText(r)).toMatch(/RescaleSlope: RescaleSlope "abc" is not a number/);
  });
  it("a slope without an intercept, a zero slope and a multi-valued slope are refused", () => {
    const noInter = { ...slice(), RescaleIntercept: undefined };
    expect(refusalText(convert(series("slope2", [noInter])))).toMatch(
      /RescaleSlope without RescaleIntercept/,
    );
    expect(refusalText(convert(series("slope3", [slice({ extra: { RescaleSlope: "0" } })])))).toMatch(
      /RescaleSlope 0/,
    );
    expect(refusalText(convert(series("slope4", [slice({ extra: { RescaleSlope: "1\\2" } })])))).toMatch(
      /RescaleSlope has 2 values/,
    );
  });
  it("stored values outside BitsStored are refused (overlay bits), not written", () => {
    const s = slice({
      raw: [5000, ...Array(11).fill(1)],
      extra: { BitsStored: 12, HighBit: 11, PixelRepresentation: 0 },
    });
    expect(refusalText(convert(series("bits", [s])))).toMatch(
      /stored value 5000 .*12-bit BitsStored range \[0, 4095\]/,
    );
  });
});

describe("series that are not one grid are split into consistent volumes", () => {
  it("slices of a different size are a volume of their own, not reshaped", () => {
    const r = convert(
      series("sizes", [slice({ z: 0 }), slice({ z: 1 }), slice({ z: 2 }), slice({ z: 3, rows: 5 })]),
    );
    expect(r.refused).toEqual([]);
    expect(r.volumes.map((v) => v.volume.dims)).toEqual([
      [4, 3, 3],
      [4, 5, 1],
    ]);
    expect(r.volumes[1].splitBy).toContain("image size differs within the series");
    // stored 300 + i → 0.5·(300 + i) − 3
    expect(Array.from(r.volumes[1].volume.data.subarray(0, 3))).toEqual([147, 147.5, 148]);
  });
  it("a missing slice splits the stack at the gap; each part keeps its true positions", () => {
    const zs = [0, 1, 2, 4, 5];
    const r = convert(
      series(
        "gap",
        zs.map((z) => slice({ z })),
      ),
    );
    expect(r.refused).toEqual([]);
    expect(r.volumes.map((v) => v.volume.dims[2])).toEqual([3, 2]);
    expectSlicesAt(
      r.volumes[0].volume.affine,
      [0, 1, 2].map((z) => [-10, -20, 30 + 2.5 * z]),
    );
    expectSlicesAt(
      r.volumes[1].volume.affine,
      [4, 5].map((z) => [-10, -20, 30 + 2.5 * z]),
    );
    expect(r.volumes[1].splitBy.join()).toMatch(/uneven slice spacing/);
    // slice 4 stores 400 + i
    expect(r.volumes[1].volume.data[0]).toBe(0.5 * 400 - 3);
  });
  it("uneven spacing (2.5, 2.5, 4 mm) is never written with an even spacing", () => {
    const ipps = [0, 2.5, 5, 9].map((z) => [-10, -20, z]);
    const r = convert(
      series(
        "uneven",
        ipps.map((ipp, z) => slice({ z, ipp })),
      ),
    );
    for (const v of r.volumes) expectSlicesAt(v.volume.affine, v.slicePositionsLps);
    expect(r.volumes.map((v) => v.slicePositionsLps.map((p) => p[2]))).toEqual([[0, 2.5, 5], [9]]);
  });
  it("a scout of another orientation in the series is not stacked with the axial slices", () => {
    const axial = [0, 1, 2].map((z) => slice({ z }));
    const scout = slice({ z: 7, iop: [0, 1, 0, 0, 0, -1], ipp: [0, -20, 60] });
    const r = convert(series("scout", [...axial, scout]));
    expect(r.volumes.map((v) => v.volume.dims)).toEqual([
      [4, 3, 3],
      [4, 3, 1],
    ]);
    expect(r.volumes[1].splitBy).toContain("orientation differs within the series");
    // the scout's own geometry: columns along +y (LPS) → −y RAS, rows along −z
    const a = r.volumes[1].volume.affine;
    expect([a[0], a[4], a[8]]).toEqual([-0, -1.5, 0]);
    expect([a[1], a[5], a[9]]).toEqual([-0, -0, -2]);
  });
  it("a gantry tilt gives a sheared affine with every slice at its ImagePositionPatient", () => {
    const ipps = [0, 1, 2, 3].map((k) => [-10, -20 + 1.25 * k, 30 + 2.5 * k]);
    const r = convert(
      series(
        "tilt",
        ipps.map((ipp, z) => slice({ z, ipp })),
      ),
    );
    expect(r.volumes).toHaveLength(1);
    expectSlicesAt(r.volumes[0].volume.affine, ipps);
  });
  it("a dynamic series whose slices each have their own AcquisitionTime is ordered per position", () => {
    const planes: Record<string, unknown>[] = [];
    for (const t of [0, 1, 2])
      for (const z of [0, 1])
        planes.push(
          slice({
            z,
            raw: Array(12).fill(10 * t + z),
            extra: { AcquisitionTime: `1200${String(10 * t + z).padStart(2, "0")}` },
          }),
        );
    const v = convert(series("dyn", planes.reverse())).volumes;
    expect(v.map((x) => x.volume.dims)).toEqual([[4, 3, 2, 3]]);
    expect(v[0].frameTimesS).toEqual([0, 10, 20]);
    // time point t, slice z holds 0.5·(10t + z) − 3
    for (const t of [0, 1, 2])
      for (const z of [0, 1]) expect(v[0].volume.data[(t * 2 + z) * 12]).toBe(0.5 * (10 * t + z) - 3);
  });
});

describe("a zero slice spacing never gives a singular affine", () => {
  const det = (a: ArrayLike<number>) =>
    a[0] * (a[5] * a[10] - a[6] * a[9]) -
    a[1] * (a[4] * a[10] - a[6] * a[8]) +
    a[2] * (a[4] * a[9] - a[5] * a[8]);
  it("two images at one position with nothing telling them apart are refused as duplicates", () => {
    const r = convert(series("dup", [slice({ z: 0 }), slice({ z: 0 })]));
    expect(r.volumes).toHaveLength(0);
    expect(refusalText(r)).toMatch(/2 images at this position: duplicates/);
  });
  it("a single slice with SliceThickness 0 gets a 1 mm k axis, noted", () => {
    const r = convert(series("thick0", [slice({ extra: { SliceThickness: "0" } })]));
    expect(Math.abs(det(r.volumes[0].volume.affine))).toBeCloseTo(3, 12);
    expect(r.volumes[0].notes.join()).toMatch(/1 mm assumed/);
    expect(invertAffine(r.volumes[0].volume.affine).every(Number.isFinite)).toBe(true);
  });
  it("one position at several times is a 4D single-slice volume with an invertible affine", () => {
    const planes = [0, 1, 2].map((t) => slice({ extra: { TemporalPositionIdentifier: t + 1 } }));
    const v = convert(series("t-only", planes)).volumes[0];
    expect(v.volume.dims).toEqual([4, 3, 1, 3]);
    expect(Math.abs(det(v.volume.affine))).toBeCloseTo(1.5 * 2 * 2.5, 12);
  });
});

describe("RT Dose", () => {
  const dose = (extra: Record<string, unknown>) => ({
    ...slice({ raw: Array.from({ length: 36 }, (_, i) => i) }),
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.481.2",
    Modality: "RTDOSE",
    RescaleSlope: undefined,
    RescaleIntercept: undefined,
    BitsAllocated: 32,
    BitsStored: 32,
    HighBit: 31,
    PixelRepresentation: 0,
    NumberOfFrames: 3,
    FrameIncrementPointer: "3004000C",
    GridFrameOffsetVector: [0, 4, 8],
    DoseGridScaling: "0.001",
    DoseUnits: "GY",
    PixelData: new Uint32Array(Array.from({ length: 36 }, (_, i) => 1000 * i)).buffer,
    ...extra,
  });
  it("multi-frame dose: frames at IPP + GridFrameOffsetVector·normal, values × DoseGridScaling", () => {
    const r = convert(series("dose", [dose({})]));
    expect(r.refused).toEqual([]);
    const v = r.volumes[0];
    expect(v.volume.dims).toEqual([4, 3, 3]);
    expectSlicesAt(
      v.volume.affine,
      [0, 4, 8].map((o) => [-10, -20, 30 + o]),
    );
    expect(v.volume.data[35]).toBeCloseTo(35, 5); // 35000 · 0.001 Gy
  });
  it("absolute offsets (first offset = IPP z, axial) are supported too", () => {
    const v = convert(series("dose-abs", [dose({ GridFrameOffsetVector: [30, 34, 38] })])).volumes[0];
    expectSlicesAt(
      v.volume.affine,
      [30, 34, 38].map((z) => [-10, -20, z]),
    );
  });
  it("without DoseGridScaling, or with offsets that do not match the frames, it is refused", () => {
    expect(refusalText(convert(series("dose-noscale", [dose({ DoseGridScaling: undefined })])))).toMatch(
      /DoseGridScaling: RT Dose without DoseGridScaling/,
    );
    expect(refusalText(convert(series("dose-gfov", [dose({ GridFrameOffsetVector: [0, 4] })])))).toMatch(
      /GridFrameOffsetVector has 2 offsets for 3 frames/,
    );
    expect(refusalText(convert(series("dose-gfov2", [dose({ GridFrameOffsetVector: [5, 9, 13] })])))).toMatch(
      /neither relative .* nor absolute/,
    );
  });
  it("a multi-frame image without per-frame geometry is refused", () => {
    const mf = { ...slice(), NumberOfFrames: 2, PixelData: new Int16Array(24).buffer };
    expect(refusalText(convert(series("mf", [mf])))).toMatch(/2 frames without per-frame geometry/);
  });
});

describe("property: corrupted files are converted exactly or refused, never crash", () => {
  it("random byte changes in a valid file give an InputError/refusal or a volume with an invertible affine", () => {
    const good = encodeDicom(slice({ z: 1 }));
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ at: fc.nat({ max: good.length - 1 }), byte: fc.integer({ min: 0, max: 255 }) }),
          {
            minLength: 1,
            maxLength: 6,
          },
        ),
        fc.integer({ min: 0, max: 40 }),
        (edits, cut) => {
          const bytes = Uint8Array.from(good.subarray(0, good.length - cut));
          for (const e of edits) if (e.at < bytes.length) bytes[e.at] = e.byte;
          let f: ReturnType<typeof parseDicom>;
          try {
            f = parseDicom(bytes, "fuzz.dcm");
          } catch (e) {
            if (e instanceof InputError) return;
            throw e;
          }
          if (f.ds.PixelData === undefined) return;
          const r = seriesToVolumes({ seriesInstanceUid: "x", modality: "MR", description: "", files: [f] });
          for (const v of r.volumes) {
            expect(invertAffine(v.volume.affine).every(Number.isFinite)).toBe(true);
            expect(v.volume.data.length).toBe(v.volume.dims.reduce((a, b) => a * b, 1));
          }
          expect(r.volumes.length + r.refused.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("eprscope convert: exit 2 naming file and reason; writes only outside its input", () => {
  const good = series(
    "cli-good",
    [0, 1, 2].map((z) => slice({ z, series: "1.2.3.4.100" })),
  );
  it("a JPEG file among good ones: exit 2, nothing written, the transfer syntax named", () => {
    const d = series(
      "cli-mixed",
      [0, 1].map((z) => slice({ z, series: "1.2.3.4.101" })),
    );
    writeDicom(join(d, "jpeg.dcm"), slice({ series: "1.2.3.4.102" }), {
      TransferSyntaxUID: "1.2.840.10008.1.2.4.50",
    });
    const out = join(tmp, "cli-mixed-out");
    const r = runCli(["convert", d, "--out", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /jpeg\.dcm: TransferSyntaxUID: not converted: JPEG Baseline \(Process 1\) \(1\.2\.840\.10008\.1\.2\.4\.50\)/,
    );
    expect(r.stderr).toMatch(/nothing written/);
    expect(existsSync(out)).toBe(false);
    // --partial writes the good series and lists the refused file
    const p = runCli(["convert", d, "--out", out, "--partial", "--json"]);
    expect(p.code, p.stderr).toBe(0);
    const j = JSON.parse(p.stdout);
    expect(j.series.map((s: { dims: number[] }) => s.dims)).toEqual([[4, 3, 2]]);
    expect(j.refused[0].file).toMatch(/jpeg\.dcm$/);
    expect(readdirSync(out).sort()).toEqual(["01_MR_defect.json", "01_MR_defect.nii.gz"]);
  });
  it("the real parse error reaches the user (unsupported character set), not 'non-DICOM files skipped'", () => {
    const d = series("cli-charset", [
      slice({ extra: { SpecificCharacterSet: ["ISO 2022 IR 13", "ISO 2022 IR 87"] } }),
    ]);
    const r = runCli(["convert", d, "--out", join(tmp, "cli-charset-out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /im0\.dcm: DICOM data: not converted: .*multiple character sets is not supported/,
    );
    expect(r.stderr).not.toMatch(/non-DICOM/);
  });
  it("a series that splits is written as parts, each with its reason in the sidecar", () => {
    const d = series(
      "cli-split",
      [0, 1, 2, 4].map((z) => slice({ z, series: "1.2.3.4.103" })),
    );
    const out = join(tmp, "cli-split-out");
    const r = runCli(["convert", d, "--out", out, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.series.map((s: { nifti: string }) => s.nifti)).toEqual([
      "01_MR_defect_part1.nii.gz",
      "01_MR_defect_part2.nii.gz",
    ]);
    const side = JSON.parse(readFileSync(join(out, "01_MR_defect_part2.json"), "utf8"));
    expect(side.ConversionSplitBy.join()).toMatch(/uneven slice spacing/);
    expect(side.SourceFiles).toEqual(["im3.dcm"]);
    const v = readNifti(join(out, "01_MR_defect_part2.nii.gz"));
    expect(v.affine[11]).toBeCloseTo(30 + 2.5 * 4, 5);
    expect(v.data[0]).toBe(0.5 * 400 - 3);
  });
  it("--out inside the input, or the input itself with a trailing slash, is refused (exit 2)", () => {
    for (const out of [join(good, "nii"), `${good}/`, join(good, "..", "cli-good")]) {
      const r = runCli(["convert", good, "--out", out]);
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(/inputs are never written/);
    }
    expect(readdirSync(good).sort()).toEqual(["im0.dcm", "im1.dcm", "im2.dcm"]);
  });
  it("a missing input and an --out that cannot be created are exit 2", () => {
    expect(runCli(["convert", join(tmp, "nope"), "--out", join(tmp, "x")]).code).toBe(2);
    writeFileSync(join(tmp, "a-file"), "x");
    const r = runCli(["convert", good, "--out", join(tmp, "a-file", "sub")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });
  it("the pydicom dicomdirtests tree: strict refusal lists every CR radiograph; --partial converts the rest (22 volumes)", () => {
    const tree = join(REF, "pydicom", "files", "dicomdirtests");
    const r = runCli(["convert", tree, "--out", join(tmp, "tree-out")]);
    expect(r.code).toBe(2);
    for (const cr of ["CR1/6154", "CR2/6247", "CR3/6278"]) expect(r.stderr).toContain(cr);
    const p = runCli(["convert", tree, "--out", join(tmp, "tree-out"), "--partial", "--json"]);
    expect(p.code, p.stderr).toBe(0);
    const j = JSON.parse(p.stdout);
    expect(j.refused).toHaveLength(3);
    expect(j.series).toHaveLength(22); // CT2 2 + CT2N 2 + CT5N 1 + MR1 3 + MR2 7 + MR700 7
    expect(j.nonImage).toContain("DICOMDIR");
  });
});
