/**
 * Synthetic planar NM Image Storage objects (multi-frame: energy window × detector), written
 * with dcmjs through write.ts: for tests and the demo study. Frames are ordered window-major
 * (all detectors of window 1, then window 2, …), FrameIncrementPointer = EnergyWindowVector,
 * DetectorVector, with ViewCodeSequence "Anterior"/"Posterior" per detector (SNOMED RT
 * G-A100/G-A101), 16-bit unsigned counts.
 */
import { NM_IMAGE_STORAGE, type PlanarView } from "./planarNm.js";
import type { Dataset } from "./read.js";

export interface PlanarNmSpec {
  rows: number;
  cols: number;
  pixelMm: number;
  kind?: "WHOLE BODY" | "STATIC";
  windows: { name: string; lowerKeV: number; upperKeV: number }[];
  views: PlanarView[];
  /** frames[window][detector], row-major counts */
  frames: ArrayLike<number>[][];
  durationMs: number;
  acquisitionDate: string;
  acquisitionTime: string;
  timezoneOffset?: string;
  patientId: string;
  studyUid: string;
  seriesUid: string;
  instanceUid: string;
  nuclideMeaning?: string;
  injectedMBq?: number;
  injectionDateTime?: string;
  seriesDescription?: string;
}

const VIEW_CODES: Record<
  PlanarView,
  { CodeValue: string; CodingSchemeDesignator: string; CodeMeaning: string }
> = {
  anterior: { CodeValue: "G-A100", CodingSchemeDesignator: "SRT", CodeMeaning: "Anterior" },
  posterior: { CodeValue: "G-A101", CodingSchemeDesignator: "SRT", CodeMeaning: "Posterior" },
};

export function planarNmDataset(s: PlanarNmSpec): Dataset {
  const nW = s.windows.length;
  const nD = s.views.length;
  const n = s.rows * s.cols;
  const pix = new Uint16Array(nW * nD * n);
  const ew: number[] = [];
  const dv: number[] = [];
  for (let w = 0; w < nW; w++)
    for (let d = 0; d < nD; d++) {
      const src = s.frames[w][d];
      const off = (w * nD + d) * n;
      for (let i = 0; i < n; i++) {
        const v = Math.round(src[i]);
        if (!(v >= 0 && v <= 65535))
          throw new RangeError(
            `frame (window ${w + 1}, detector ${d + 1}) pixel ${i}: ${src[i]} does not fit 16-bit counts`,
          );
        pix[off + i] = v;
      }
      ew.push(w + 1);
      dv.push(d + 1);
    }
  const ds: Dataset = {
    SOPClassUID: NM_IMAGE_STORAGE,
    SOPInstanceUID: s.instanceUid,
    StudyInstanceUID: s.studyUid,
    SeriesInstanceUID: s.seriesUid,
    Modality: "NM",
    ImageType: ["ORIGINAL", "PRIMARY", s.kind ?? "WHOLE BODY", "EMISSION"],
    SeriesDescription: s.seriesDescription ?? "planar whole body",
    PatientID: s.patientId,
    PatientName: s.patientId,
    AcquisitionDate: s.acquisitionDate,
    AcquisitionTime: s.acquisitionTime,
    TimezoneOffsetFromUTC: s.timezoneOffset ?? "+0000",
    SeriesNumber: 1,
    InstanceNumber: 1,
    ActualFrameDuration: s.durationMs,
    Rows: s.rows,
    Columns: s.cols,
    PixelSpacing: [s.pixelMm, s.pixelMm],
    SamplesPerPixel: 1,
    PhotometricInterpretation: "MONOCHROME2",
    BitsAllocated: 16,
    BitsStored: 16,
    HighBit: 15,
    PixelRepresentation: 0,
    NumberOfFrames: nW * nD,
    FrameIncrementPointer: [0x00540010, 0x00540020],
    EnergyWindowVector: ew,
    NumberOfEnergyWindows: nW,
    EnergyWindowInformationSequence: s.windows.map((w) => ({
      EnergyWindowName: w.name,
      EnergyWindowRangeSequence: [{ EnergyWindowLowerLimit: w.lowerKeV, EnergyWindowUpperLimit: w.upperKeV }],
    })),
    DetectorVector: dv,
    NumberOfDetectors: nD,
    DetectorInformationSequence: s.views.map((v) => ({ ViewCodeSequence: [VIEW_CODES[v]] })),
    PixelData: pix.buffer,
  };
  if (s.nuclideMeaning || s.injectedMBq !== undefined)
    ds.RadiopharmaceuticalInformationSequence = [
      {
        RadionuclideCodeSequence: s.nuclideMeaning
          ? [{ CodeValue: "C-145A4", CodingSchemeDesignator: "SRT", CodeMeaning: s.nuclideMeaning }]
          : undefined,
        RadionuclideTotalDose: s.injectedMBq,
        RadiopharmaceuticalStartDateTime: s.injectionDateTime,
      },
    ];
  return ds;
}
