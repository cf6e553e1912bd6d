import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { petInfo } from "../../src/io/dicom/pet.js";
import { discoverSeries, parseDicom, seriesToVolume } from "../../src/io/dicom/read.js";
import { encodeDicom, writeDicom } from "../../src/io/dicom/write.js";
import { readNifti } from "../../src/io/nifti.js";
import { runCliJson } from "../helpers/cli.js";

const PHI = {
  PatientName: "Smith^Jane",
  PatientID: "MRN-778899",
  PatientBirthDate: "19610203",
  InstitutionName: "St Elsewhere Hospital",
  ReferringPhysicianName: "Dr^Who",
  AccessionNumber: "ACC5544",
  StudyID: "STUDY-42",
  OperatorsName: "Tech^Tom",
  StationName: "PETCT-7",
  PatientAddress: "1 Main Street",
  StudyDescription: "Secret liposome study",
};

function petSlice(z: number, raw: number[]): Record<string, unknown> {
  return {
    ...PHI,
    SOPClassUID: "1.2.840.10008.5.1.4.1.1.128",
    SOPInstanceUID: `1.2.826.0.1.3680043.8.498.${100 + z}`,
    SeriesInstanceUID: "1.2.826.0.1.3680043.8.498.7",
    StudyInstanceUID: "1.2.826.0.1.3680043.8.498.6",
    FrameOfReferenceUID: "1.2.826.0.1.3680043.8.498.5",
    Modality: "PT",
    SeriesDescription: "WB liposome",
    SeriesTime: "110000",
    AcquisitionTime: "110000",
    Units: "BQML",
    DecayCorrection: "START",
    PatientWeight: "70",
    RadiopharmaceuticalInformationSequence: [
      {
        RadiopharmaceuticalStartTime: "100000",
        RadionuclideTotalDose: "370000000",
        RadionuclideHalfLife: "6586.2",
        RadionuclideCodeSequence: [
          { CodeValue: "C-111A1", CodingSchemeDesignator: "SRT", CodeMeaning: "^18^Fluorine" },
        ],
      },
    ],
    ImagePositionPatient: [-10, -20, 30 + 2.5 * z],
    ImageOrientationPatient: [1, 0, 0, 0, 1, 0],
    PixelSpacing: [2, 1.5],
    SliceThickness: "2.5",
    Rows: 3,
    Columns: 4,
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 1,
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    RescaleSlope: "0.5",
    RescaleIntercept: "0",
    "00091010": "private vendor PHI Smith",
    PixelData: new Int16Array(raw).buffer,
  };
}

const dir = mkdtempSync(join(tmpdir(), "dicom-"));
const src = join(dir, "src");
mkdirSync(join(src, "a", "b"), { recursive: true });
const raws = [0, 1, 2].map((z) => Array.from({ length: 12 }, (_, i) => 100 * z + i));
// written out of order, in nested folders, plus a non-DICOM file
writeDicom(join(src, "a", "s2.dcm"), petSlice(2, raws[2]));
writeDicom(join(src, "s0.dcm"), petSlice(0, raws[0]));
writeDicom(join(src, "a", "b", "s1.dcm"), petSlice(1, raws[1]));
writeFileSync(join(src, "notes.txt"), "not dicom");

describe("DICOM series", () => {
  it("discovers a series in a folder tree, sorts slices along the normal, applies rescale, builds the RAS affine", () => {
    const { series, skipped } = discoverSeries(src);
    expect(series).toHaveLength(1);
    expect(skipped).toEqual(["notes.txt"]);
    const v = seriesToVolume(series[0]);
    expect(v.volume.dims).toEqual([4, 3, 3]);
    expect(Array.from(v.volume.data.subarray(12, 24))).toEqual(raws[1].map((x) => x * 0.5));
    // LPS (−10, −20, 30) → RAS (10, 20, 30); columns step +1.5 mm in L → −1.5 in R; rows +2 in P → −2 in A
    expect(Array.from(v.volume.affine)).toEqual([
      -1.5, -0, -0, 10, -0, -2, -0, 20, 0, 0, 2.5, 30, 0, 0, 0, 1,
    ]);
  });
  it("computes the PET SUVbw factor from the radiopharmaceutical module (hand calculation)", () => {
    const p = petInfo(seriesToVolume(discoverSeries(src).series[0]).first);
    // 370 MBq at 10:00, scan 11:00, T½ 6586.2 s: dose at scan = 370e6·2^(−3600/6586.2)
    expect(p.suvBwFactor).toBeCloseTo(70000 / (370e6 * 2 ** (-3600 / 6586.2)), 12);
    expect(p.units).toBe("BQML");
  });
  it("eprscope convert writes NIfTI and a PET-BIDS sidecar", () => {
    const out = join(dir, "nii");
    const r = runCliJson<{ series: { nifti: string; sidecar: string; dims: number[] }[] }>([
      "convert",
      src,
      "--out",
      out,
    ]);
    expect(r.series[0].dims).toEqual([4, 3, 3]);
    const v = readNifti(join(out, r.series[0].nifti));
    expect(v.data[12]).toBe(50);
    const side = JSON.parse(readFileSync(join(out, r.series[0].sidecar), "utf8"));
    expect(side.InjectedRadioactivity).toBeCloseTo(370, 9);
    expect(side.InjectedRadioactivityUnits).toBe("MBq");
    expect(side.SUVbwFactor).toBeGreaterThan(0);
  });
  it("builds a 4D volume from a dynamic MR series", () => {
    const mr = join(dir, "mr");
    mkdirSync(mr);
    let k = 0;
    for (const t of ["120000", "120010", "120020"]) {
      for (const z of [0, 1]) {
        writeDicom(join(mr, `f${k++}.dcm`), {
          ...petSlice(z, Array(12).fill(z + 10 * Number(t.slice(4)))),
          Modality: "MR",
          SOPClassUID: "1.2.840.10008.5.1.4.1.1.4",
          SOPInstanceUID: `1.2.3.${k}`,
          SeriesInstanceUID: "1.2.3.99",
          AcquisitionTime: t,
          FlipAngle: "15",
          RepetitionTime: "4",
          EchoTime: "1.2",
          RescaleSlope: "1",
        });
      }
    }
    const v = seriesToVolume(discoverSeries(mr).series[0]);
    expect(v.volume.dims).toEqual([4, 3, 2, 3]);
    expect(v.frameTimesS).toEqual([0, 10, 20]);
    expect(v.volume.data[12 * 2 * 2 + 12]).toBe(201); // frame 2, slice 1
  });
  it("expands an enhanced multi-frame object into the same volume as the classic series", () => {
    const mf = join(dir, "mf");
    mkdirSync(mf);
    const base = petSlice(0, raws[0]);
    const pixels = new Int16Array([...raws[0], ...raws[1], ...raws[2]]);
    writeDicom(join(mf, "enhanced.dcm"), {
      ...base,
      SOPInstanceUID: "1.2.3.77",
      SeriesInstanceUID: "1.2.3.78",
      NumberOfFrames: 3,
      ImagePositionPatient: undefined,
      ImageOrientationPatient: undefined,
      PixelSpacing: undefined,
      SharedFunctionalGroupsSequence: [
        {
          PlaneOrientationSequence: [{ ImageOrientationPatient: [1, 0, 0, 0, 1, 0] }],
          PixelMeasuresSequence: [{ PixelSpacing: [2, 1.5], SliceThickness: "2.5" }],
        },
      ],
      PerFrameFunctionalGroupsSequence: [0, 1, 2].map((z) => ({
        PlanePositionSequence: [{ ImagePositionPatient: [-10, -20, 30 + 2.5 * z] }],
      })),
      PixelData: pixels.buffer,
    });
    const a = seriesToVolume(discoverSeries(mf).series[0]).volume;
    const b = seriesToVolume(discoverSeries(src).series[0]).volume;
    expect(a.dims).toEqual(b.dims);
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(Array.from(a.affine)).toEqual(Array.from(b.affine));
  });
  it("rejects compressed transfer syntaxes and garbage clearly (property: never crashes)", () => {
    const bytes = encodeDicom(petSlice(0, raws[0]), { TransferSyntaxUID: "1.2.840.10008.1.2.4.50" });
    const f = parseDicom(bytes, "jpeg.dcm");
    expect(() =>
      seriesToVolume({ seriesInstanceUid: "x", modality: "PT", description: "", files: [f] }),
    ).toThrow(/TransferSyntaxUID.*compressed pixel data is not supported/);
    const good = encodeDicom(petSlice(0, raws[0]));
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.integer({ min: 0, max: good.length }),
        (noise, cut) => {
          const mixed = new Uint8Array([...good.subarray(0, cut), ...noise]);
          try {
            parseDicom(mixed, "fuzz.dcm");
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
