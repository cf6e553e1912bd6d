/**
 * Planar NM reader:
 *  - real whole-body NM files from pydicom's test set (GE Millennium MG bone scan, JPEG and
 *    JPEG 2000 compressed): header values against pydicom (test/reference/planar/
 *    nm_header_reference.json); the compressed pixel data is reported, not decoded;
 *  - synthetic multi-frame NM objects written with dcmjs: energy windows × detectors through
 *    FrameIncrementPointer, views, durations, dynamic phases, exact counts; malformed vectors refused.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  acquisitionEpochMs,
  dicomDtMs,
  nuclideFromCodeMeaning,
  planarNmFromDicom,
  readPlanarNm,
} from "../../src/io/dicom/planarNm.js";
import { planarNmDataset } from "../../src/io/dicom/planarNmWrite.js";
import { parseDicom } from "../../src/io/dicom/read.js";
import { encodeDicom, writeDicom } from "../../src/io/dicom/write.js";

const REF_DIR = "test/reference/planar";
const ref = JSON.parse(readFileSync(`${REF_DIR}/nm_header_reference.json`, "utf8")) as Record<
  string,
  Record<string, unknown>
>;
const tmp = mkdtempSync(join(tmpdir(), "planar-nm-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("real planar NM files (pydicom test set)", () => {
  for (const [name, r] of Object.entries(ref)) {
    it(`${name}: header as pydicom reads it; compressed pixels reported`, () => {
      const img = readPlanarNm(`${REF_DIR}/files/${name}`);
      expect(img.modality).toBe(r.Modality);
      expect(img.imageType).toEqual(r.ImageType);
      expect(img.acquisitionKind).toBe("WHOLE BODY");
      expect([img.rows, img.cols]).toEqual([r.Rows, r.Columns]);
      expect(img.pixelSpacingMm).toEqual(r.PixelSpacing);
      expect(img.nFrames).toBe(r.NumberOfFrames);
      expect(img.frameIncrementPointer).toEqual(["EnergyWindowVector", "DetectorVector"]);
      expect((r.FrameIncrementPointer as number[]).map((t) => t.toString(16))).toEqual(["540010", "540020"]);
      expect(img.frames[0].energyWindow).toBe((r.EnergyWindowVector as number[])[0]);
      expect(img.frames[0].detector).toBe((r.DetectorVector as number[])[0]);
      expect(img.actualFrameDurationMs).toBe(r.ActualFrameDuration);
      expect(img.frames[0].durationMs).toBe(r.ActualFrameDuration);
      expect(img.countsAccumulated).toBe(r.CountsAccumulated);
      expect(img.acquisitionTime).toBe(r.AcquisitionTime);
      expect(acquisitionEpochMs(img)).toBe(Date.parse("1997-08-06T12:29:31-04:00"));
      expect(img.frames[0].view).toBeNull(); // no DetectorInformationSequence in this file
      expect(img.frames[0].pixels).toBeNull();
      expect(img.pixelStatus).toMatch(/JPEG.*not supported/);
    });
  }
});

function spec(frames: number[][][]) {
  return {
    rows: 3,
    cols: 4,
    pixelMm: 4.42,
    windows: [
      { name: "In-111 245", lowerKeV: 220.8, upperKeV: 269.9 },
      { name: "lower", lowerKeV: 208.5, upperKeV: 220.8 },
      { name: "upper", lowerKeV: 269.9, upperKeV: 282.2 },
    ],
    views: ["anterior", "posterior"] as ("anterior" | "posterior")[],
    frames,
    durationMs: 1_200_000,
    acquisitionDate: "20260303",
    acquisitionTime: "093000",
    timezoneOffset: "+0100",
    patientId: "PT01",
    studyUid: "2.25.11",
    seriesUid: "2.25.12",
    instanceUid: "2.25.13",
    nuclideMeaning: "^111^Indium",
    injectedMBq: 185,
    injectionDateTime: "20260302093000+0100",
  };
}

describe("synthetic planar NM objects (dcmjs)", () => {
  const frames = [0, 1, 2].map((w) =>
    [0, 1].map((d) => Array.from({ length: 12 }, (_, i) => 100 * w + 10 * d + i)),
  );
  const path = join(tmp, "wb.dcm");
  writeDicom(path, planarNmDataset(spec(frames)));
  it("maps every frame to its energy window and detector view with exact counts", () => {
    const img = readPlanarNm(path);
    expect(img.sopClassUid).toBe("1.2.840.10008.5.1.4.1.1.20");
    expect(img.nFrames).toBe(6);
    expect(img.energyWindows.map((w) => [w.name, w.lowerKeV, w.upperKeV])).toEqual([
      ["In-111 245", 220.8, 269.9],
      ["lower", 208.5, 220.8],
      ["upper", 269.9, 282.2],
    ]);
    expect(img.detectors.map((d) => d.view)).toEqual(["anterior", "posterior"]);
    for (const f of img.frames) {
      const w = (f.energyWindow as number) - 1;
      const d = (f.detector as number) - 1;
      expect(f.view).toBe(d === 0 ? "anterior" : "posterior");
      expect(f.counts).toBe(frames[w][d].reduce((s, v) => s + v, 0));
      expect(Array.from(f.pixels as Float64Array)).toEqual(frames[w][d]);
      expect(f.durationMs).toBe(1_200_000);
    }
    expect(img.pixelSpacingMm).toEqual([4.42, 4.42]);
    expect(img.radiopharmaceutical).toMatchObject({ nuclide: "In-111", injectedMBq: 185 });
    expect(acquisitionEpochMs(img)).toBe(Date.parse("2026-03-03T09:30:00+01:00"));
    expect(dicomDtMs(img.radiopharmaceutical.startDateTime)).toBe(Date.parse("2026-03-02T09:30:00+01:00"));
  });

  it("dynamic frames: durations and start offsets from PhaseInformationSequence", () => {
    const one = spec([[new Array(12).fill(1)]]);
    const ds = planarNmDataset({ ...one, windows: [one.windows[0]], views: ["anterior"] });
    Object.assign(ds, {
      ImageType: ["ORIGINAL", "PRIMARY", "DYNAMIC", "EMISSION"],
      NumberOfFrames: 5,
      FrameIncrementPointer: [0x00540010, 0x00540020, 0x00540030],
      EnergyWindowVector: [1, 1, 1, 1, 1],
      DetectorVector: [1, 1, 1, 1, 1],
      PhaseVector: [1, 1, 1, 2, 2],
      NumberOfPhases: 2,
      PhaseInformationSequence: [
        { ActualFrameDuration: 10000, NumberOfFramesInPhase: 3, PhaseDelay: 0, PauseBetweenFrames: 0 },
        { ActualFrameDuration: 60000, NumberOfFramesInPhase: 2, PhaseDelay: 5000, PauseBetweenFrames: 1000 },
      ],
      PixelData: new Uint16Array(60).fill(2).buffer,
    });
    const img = planarNmFromDicom(parseDicom(encodeDicom(ds), "dyn.dcm"));
    expect(img.acquisitionKind).toBe("DYNAMIC");
    expect(img.frames.map((f) => f.durationMs)).toEqual([10000, 10000, 10000, 60000, 60000]);
    expect(img.frames.map((f) => f.startOffsetMs)).toEqual([0, 10000, 20000, 35000, 96000]);
    expect(img.frames.map((f) => f.counts)).toEqual([24, 24, 24, 24, 24]);
  });

  it("refuses a frame vector of the wrong length, a non-NM object, tomographic NM", () => {
    const ds = planarNmDataset(spec(frames));
    ds.DetectorVector = [1, 2, 1];
    expect(() => planarNmFromDicom(parseDicom(encodeDicom(ds), "bad.dcm"))).toThrow(
      /DetectorVector.*6 1-based/,
    );
    const ct = { ...planarNmDataset(spec(frames)), Modality: "CT" };
    expect(() => planarNmFromDicom(parseDicom(encodeDicom(ct), "ct.dcm"))).toThrow(/Modality.*NM/);
    const tomo = { ...planarNmDataset(spec(frames)), ImageType: ["ORIGINAL", "PRIMARY", "TOMO", "EMISSION"] };
    expect(() => planarNmFromDicom(parseDicom(encodeDicom(tomo), "t.dcm"))).toThrow(/not tomographic/);
  });

  it("names nuclides from RadionuclideCodeSequence meanings", () => {
    expect(nuclideFromCodeMeaning("^99m^Technetium")).toBe("Tc-99m");
    expect(nuclideFromCodeMeaning("^131^Iodine")).toBe("I-131");
    expect(nuclideFromCodeMeaning("Lu-177")).toBe("Lu-177");
    expect(nuclideFromCodeMeaning("^201^Thallium")).toBeNull();
  });
});
