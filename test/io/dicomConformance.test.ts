/**
 * Real-file conformance of DICOM → volume conversion on pydicom's public test files
 * (test/reference/pydicom, values computed by pydicom) and dcm2niix's conversions of them
 * (test/reference/dcm2niix). For every input: either every written voxel equals pydicom's
 * modality value (1e-6 relative) and every slice sits at its ImagePositionPatient (1e-4 mm; the
 * pydicom sample positions, mapped through our inverse affine, land on their voxel within 1e-4),
 * and the volumes agree with dcm2niix's (world corners 1e-3 mm — float32 sform — and values), or
 * the input is refused with the reason expected below.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { InputProblem } from "../../src/core/errors.js";
import { invertAffine } from "../../src/core/image/volume.js";
import { discoverSeries, type StackVolume, seriesToVolumes } from "../../src/io/dicom/read.js";
import { REF } from "../helpers/cli.js";

const FILES = join(REF, "pydicom", "files");

interface Sample {
  row: number;
  col: number;
  value: number;
  lps?: number[];
}
interface FrameRef {
  frame: number;
  ipp: number[] | null;
  iop: number[] | null;
  pixelSpacing: number[] | null;
  rows: number;
  cols: number;
  sum: number;
  min: number;
  max: number;
  samples: Sample[];
}
interface FileRef {
  file: string;
  readError?: string;
  pixelError?: string;
  pixelData?: boolean;
  frames?: FrameRef[];
}
const pyRef = JSON.parse(readFileSync(join(REF, "pydicom", "reference.json"), "utf8")) as {
  inputs: { input: string; files: FileRef[] }[];
};
interface D2nVolume {
  nifti: string;
  dims: number[];
  rgb?: boolean;
  corners: number[][];
  samples: { ijk: number[]; ras: number[]; value: number }[];
}
const d2nRef = JSON.parse(readFileSync(join(REF, "dcm2niix", "reference.json"), "utf8")) as {
  inputs: { input: string; exitCode: number; volumes: D2nVolume[] }[];
};

/** Why each refused input is refused (a fragment of the message); every other image input must match. */
const REFUSED: Record<string, RegExp> = {
  "693_J2KI.dcm": /JPEG 2000 \(1\.2\.840\.10008\.1\.2\.4\.91\) compressed pixel data is not supported/,
  "ExplVR_BigEnd.dcm": /RGB image with 3 sample/,
  "J2K_pixelrep_mismatch.dcm": /multiple character sets is not supported/,
  "JPEG-lossy.dcm": /JPEG Extended .*1\.2\.840\.10008\.1\.2\.4\.51/,
  "MR_small_jp2klossless.dcm": /JPEG 2000 Lossless \(1\.2\.840\.10008\.1\.2\.4\.90\)/,
  "MR_small_jpeg_ls_lossless.dcm": /JPEG-LS Lossless \(1\.2\.840\.10008\.1\.2\.4\.80\)/,
  "MR_truncated.dcm": /8130 bytes of pixel data \(the element declares 8192: the file is truncated\)/,
  "SC_rgb_rle.dcm": /RGB image/,
  "SC_rgb_rle_16bit.dcm": /RGB image/,
  "SC_rgb_rle_32bit.dcm": /RGB image/,
  "SC_rgb_rle_2frame.dcm": /2 frames without per-frame geometry/,
  "SC_rgb_rle_16bit_2frame.dcm": /2 frames without per-frame geometry/,
  "SC_rgb_rle_32bit_2frame.dcm": /2 frames without per-frame geometry/,
  "SC_rgb_small_odd.dcm": /RGB image/,
  "badVR.dcm": /NumberOfFrames "1A" is not an integer/,
  "image_dfl.dcm": /no ImagePositionPatient/,
  "liver_1frame.dcm": /1-bit \(binary segmentation\)/,
  "dicomdirtests/77654033/CR1": /no ImagePositionPatient: a CR image/,
  "dicomdirtests/77654033/CR2": /no ImagePositionPatient: a CR image/,
  "dicomdirtests/77654033/CR3": /no ImagePositionPatient: a CR image/,
  // DICOM files dcmjs cannot parse (pydicom reads them; none holds pixel data)
  "UN_sequence.dcm": /readable DICOM dataset \(Finding view is past end/,
  "nested_priv_SQ.dcm": /readable DICOM dataset \(Finding view is past end/,
  "meta_missing_tsyntax.dcm": /readable DICOM dataset/,
  "no_meta_group_length.dcm": /meta length tag is malformed/,
  "rtplan_truncated.dcm": /readable DICOM dataset \(Request more than currently allocated buffer\)/,
};
/** inputs with no image to convert: DICOM objects without pixel data, or not DICOM Part 10 */
const NO_IMAGE = new Set([
  "reportsi.dcm",
  "rtplan.dcm",
  "empty_charset_LEI.dcm",
  "no_meta.dcm",
  "dicomdirtests/DICOMDIR",
  "dicomdirtests/README.txt",
]);
/** dcm2niix does otherwise on purpose (see test/reference/dcm2niix/README.md) */
const D2N_DIFFERS: Record<string, string> = {
  "dicomdirtests/77654033/CT2":
    "dcm2niix writes unequal slice distances and an interpolated volume; we split",
  "dicomdirtests/98892001/CT2N":
    "dcm2niix stacks two scout orientations as a 45° tilt; we split by orientation",
  "rtdose.dcm": "dcm2niix ignores GridFrameOffsetVector and DoseGridScaling",
  "rtdose_expb.dcm": "dcm2niix ignores GridFrameOffsetVector and DoseGridScaling",
  "rtdose_rle.dcm": "dcm2niix ignores GridFrameOffsetVector and DoseGridScaling",
  "rtdose_1frame.dcm": "dcm2niix ignores DoseGridScaling",
  "rtdose_expb_1frame.dcm": "dcm2niix ignores DoseGridScaling",
  "rtdose_rle_1frame.dcm": "dcm2niix ignores DoseGridScaling",
};

const relTo = (p: string) => p.slice(FILES.length + 1);
const close = (a: number, b: number, rel = 1e-6) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));
const lpsToRas = (p: ArrayLike<number>) => [-p[0], -p[1], p[2]];
const apply = (m: ArrayLike<number>, v: number[]) =>
  [0, 1, 2].map((r) => m[4 * r] * v[0] + m[4 * r + 1] * v[1] + m[4 * r + 2] * v[2] + m[4 * r + 3]);

function convertInput(input: string): { volumes: StackVolume[]; refused: InputProblem[]; empty: boolean } {
  const d = discoverSeries(join(FILES, input));
  const volumes: StackVolume[] = [];
  const refused = [...d.unreadable];
  for (const s of d.series) {
    const r = seriesToVolumes(s);
    volumes.push(...r.volumes);
    refused.push(...r.refused);
  }
  return { volumes, refused, empty: d.series.length === 0 && d.unreadable.length === 0 };
}

function frameRef(source: string): FrameRef {
  const m = /^(.*?)(#frame(\d+))?$/.exec(relTo(source));
  const file = m?.[1] ?? "";
  const k = m?.[3] ? Number(m[3]) - 1 : 0;
  const f = pyRef.inputs.flatMap((i) => i.files).find((x) => x.file === file);
  const fr = f?.frames?.[k];
  if (!fr) throw new Error(`no pydicom reference for ${file} frame ${k}`);
  return fr;
}

/** values and geometry of one of our volumes against pydicom, slice by slice */
function checkAgainstPydicom(v: StackVolume): void {
  const [nx, ny, nz] = v.volume.dims;
  const nt = v.volume.dims[3] ?? 1;
  const inv = invertAffine(v.volume.affine);
  for (let z = 0; z < nz; z++) {
    for (let t = 0; t < nt; t++) {
      const src = v.sources[z * nt + t];
      const ref = frameRef(src);
      expect([ref.cols, ref.rows]).toEqual([nx, ny]);
      const ipp = ref.ipp as number[];
      // the slice sits where its ImagePositionPatient says
      const world = apply(v.volume.affine, [0, 0, z]);
      lpsToRas(ipp).forEach((c, a) => expect(Math.abs(world[a] - c), `${src} slice ${z}`).toBeLessThan(1e-4));
      const off = (t * nz + z) * nx * ny;
      const slice = v.volume.data.subarray(off, off + nx * ny);
      let sum = 0;
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const x of slice) {
        sum += x;
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      expect(close(sum, ref.sum), `${src} sum ${sum} vs ${ref.sum}`).toBe(true);
      expect(close(min, ref.min) && close(max, ref.max), `${src} range`).toBe(true);
      for (const s of ref.samples) {
        const ijk = apply(inv, lpsToRas(s.lps as number[]));
        expect(
          Math.abs(ijk[0] - s.col) + Math.abs(ijk[1] - s.row) + Math.abs(ijk[2] - z),
          `${src} sample`,
        ).toBeLessThan(1e-4);
        expect(close(slice[s.row * nx + s.col], s.value), `${src} (${s.row},${s.col})`).toBe(true);
      }
    }
  }
}

/** our volumes against dcm2niix's: same number, same world grid (corners) and values at its samples */
function checkAgainstDcm2niix(input: string, ours: StackVolume[]): void {
  const ref = d2nRef.inputs.find((i) => i.input === input);
  if (!ref) throw new Error(`no dcm2niix reference for ${input}`);
  expect(ours.length, `${input}: volume count vs dcm2niix`).toBe(ref.volumes.length);
  const used = new Set<number>();
  for (const rv of ref.volumes) {
    const match = ours.findIndex((v, n) => {
      // dcm2niix names its files %s_%j_%p: the series number and SeriesInstanceUID
      if (used.has(n) || !rv.nifti.includes(`_${v.seriesInstanceUid}_`)) return false;
      if (v.volume.dims.slice(0, 3).join() !== rv.dims.slice(0, 3).join()) return false;
      const [nx, ny, nz] = v.volume.dims;
      const corners: number[][] = [];
      for (const i of [0, nx - 1])
        for (const j of [0, ny - 1])
          for (const k of [0, nz - 1]) corners.push(apply(v.volume.affine, [i, j, k]));
      return rv.corners.every((c) => corners.some((o) => o.every((x, a) => Math.abs(x - c[a]) < 1e-3)));
    });
    expect(
      match,
      `${input}: dcm2niix volume ${rv.nifti} ${rv.dims} has no counterpart`,
    ).toBeGreaterThanOrEqual(0);
    used.add(match);
    const v = ours[match];
    const inv = invertAffine(v.volume.affine);
    const [nx, ny] = v.volume.dims;
    for (const s of rv.samples) {
      const ijk = apply(inv, s.ras).map((x) => Math.round(x));
      const raw = apply(inv, s.ras);
      expect(Math.abs(raw[0] - ijk[0]) + Math.abs(raw[1] - ijk[1]) + Math.abs(raw[2] - ijk[2])).toBeLessThan(
        1e-3,
      );
      const ours3 = v.volume.data[ijk[2] * nx * ny + ijk[1] * nx + ijk[0]];
      expect(close(ours3, s.value), `${input} ${rv.nifti} voxel ${s.ijk}: ${ours3} vs ${s.value}`).toBe(true);
    }
  }
}

describe("real DICOM files (pydicom test files) against pydicom and dcm2niix", () => {
  const counts = { tried: 0, matched: 0, refused: 0, noImage: 0, volumes: 0, dcm2niixCompared: 0 };
  for (const { input, files } of pyRef.inputs) {
    it(input, () => {
      counts.tried++;
      const r = convertInput(input);
      if (NO_IMAGE.has(input)) {
        expect(r.volumes).toHaveLength(0);
        expect(r.refused).toHaveLength(0);
        counts.noImage++;
        return;
      }
      const expected = REFUSED[input];
      if (expected) {
        expect(r.volumes, `${input} should be refused`).toHaveLength(0);
        const text = r.refused.map((p) => `${p.file}: ${p.field}: ${p.expected}`).join("\n");
        expect(text).toMatch(expected);
        // the refusal names the file
        expect(r.refused.every((p) => p.file?.includes(join(FILES, input)))).toBe(true);
        counts.refused++;
        return;
      }
      // converted: pydicom must have computed values for every file, and every file is used
      expect(r.refused, JSON.stringify(r.refused)).toHaveLength(0);
      for (const f of files) expect(f.readError ?? f.pixelError, f.file).toBeUndefined();
      expect(r.volumes.length).toBeGreaterThan(0);
      const used = new Set(
        r.volumes.flatMap((v) => v.sources.map((s) => relTo(s).replace(/#frame\d+$/, ""))),
      );
      expect([...used].sort()).toEqual(files.map((f) => f.file).sort());
      for (const v of r.volumes) {
        checkAgainstPydicom(v);
        // never a singular affine
        expect(Math.abs(invertAffine(v.volume.affine)[15] - 1)).toBeLessThan(1e-9);
      }
      if (!D2N_DIFFERS[input]) {
        checkAgainstDcm2niix(input, r.volumes);
        counts.dcm2niixCompared++;
      }
      counts.volumes += r.volumes.length;
      counts.matched++;
    });
  }
  it("summary: every input either matched the references or was refused with its reason", () => {
    // printed for the closing note of issue 11
    console.log(`DICOM conformance: ${JSON.stringify(counts)}`);
    expect(counts.tried).toBe(pyRef.inputs.length);
    expect(counts.matched + counts.refused + counts.noImage).toBe(counts.tried);
    expect(counts.matched).toBeGreaterThanOrEqual(20);
  });
});

describe("known splits of the dicomdirtests series", () => {
  it("CT2 with missing slices splits at the gap; CT2N scouts split by orientation; MR2 localizers one per orientation", () => {
    const ct2 = convertInput("dicomdirtests/77654033/CT2").volumes;
    expect(ct2.map((v) => v.volume.dims[2])).toEqual([1, 3]);
    expect(ct2[1].splitBy.join()).toMatch(/uneven slice spacing/);
    expect(ct2[1].volume.spacingMm[2]).toBeCloseTo(1.25, 5);
    const ct2n = convertInput("dicomdirtests/98892001/CT2N").volumes;
    expect(ct2n).toHaveLength(2);
    expect(ct2n[0].splitBy.join()).toMatch(/orientation differs/);
    const ct5n = convertInput("dicomdirtests/98892001/CT5N").volumes;
    expect(ct5n.map((v) => v.volume.dims)).toEqual([[16, 16, 5]]);
    expect(ct5n[0].splitBy).toEqual([]);
    // slices written in ascending order along the normal (IPP z −1.2375 … 8.7625)
    expect(ct5n[0].slicePositionsLps.map((p) => p[2])).toEqual([-1.2375, 1.2625, 3.7625, 6.2625, 8.7625]);
  });
  it("RT Dose: 15 frames placed by GridFrameOffsetVector (5 mm), values × DoseGridScaling; the same from big endian and RLE", () => {
    const [plain, be, rle] = ["rtdose.dcm", "rtdose_expb.dcm", "rtdose_rle.dcm"].map(
      (f) => convertInput(f).volumes[0],
    );
    expect(plain.volume.dims).toEqual([10, 10, 15]);
    expect(plain.volume.spacingMm).toEqual([10, 10, 5]);
    expect(Array.from(be.volume.data)).toEqual(Array.from(plain.volume.data));
    expect(Array.from(rle.volume.data)).toEqual(Array.from(plain.volume.data));
    expect(Array.from(rle.volume.affine)).toEqual(Array.from(plain.volume.affine));
  });
});
