/**
 * Planar nuclear-medicine images (NM Image IOD, PS3.3 C.8.4): whole-body anterior/posterior
 * sweeps, static views and dynamic series, one multi-frame object per acquisition.
 *
 * Frames are indexed by the vectors that FrameIncrementPointer names (PS3.3 C.8.4.8):
 * EnergyWindowVector, DetectorVector, PhaseVector, RotationVector, TimeSlotVector, … each with
 * one 1-based value per frame pointing into EnergyWindowInformationSequence,
 * DetectorInformationSequence, PhaseInformationSequence, … Per frame this reader gives the
 * energy window (name and limits, keV), the detector and its view (ViewCodeSequence "anterior"
 * or "posterior", else unknown), the duration (ActualFrameDuration of the image for
 * STATIC/WHOLE BODY, of the frame's phase for DYNAMIC; ms), the start offset for dynamic frames
 * (PhaseDelay + k·(duration + PauseBetweenFrames)), its counts (pixel sum) and pixels.
 * Acquisition date/time, pixel spacing, CountsAccumulated and the radiopharmaceutical (nuclide
 * from RadionuclideCodeSequence, RadionuclideTotalDose in MBq for NM, start date-time) are read
 * from the header. Pixel data that cannot be decoded (e.g. JPEG) leaves pixels null with the
 * reason in pixelStatus; the header is still read (real NM test files are JPEG-compressed).
 */
import { InputError } from "../../core/errors.js";
import { findNuclide } from "../../core/nuclide/nuclides.js";
import { frameStoredValues, intAttr, modalityRescale, PixelError, pixelFormat } from "./pixels.js";
import { type Dataset, type DicomFile, readDicomFile } from "./read.js";
import { dicomTimeS, numbers } from "./values.js";

export const NM_IMAGE_STORAGE = "1.2.840.10008.5.1.4.1.1.20";

/** FrameIncrementPointer tags of the NM IOD → keyword */
export const NM_FRAME_VECTORS: Readonly<Record<number, string>> = {
  5505040: "EnergyWindowVector",
  5505056: "DetectorVector",
  5505072: "PhaseVector",
  5505104: "RotationVector",
  5505120: "RRIntervalVector",
  5505136: "TimeSlotVector",
  5505152: "SliceVector",
  5505168: "AngularViewVector",
  5505280: "TimeSliceVector",
};

export type PlanarView = "anterior" | "posterior";

export interface NmEnergyWindow {
  index: number;
  name: string;
  lowerKeV: number;
  upperKeV: number;
}

export interface NmDetector {
  index: number;
  view: PlanarView | null;
  viewSource: string;
}

export interface PlanarFrame {
  /** 0-based frame index in the pixel data */
  index: number;
  energyWindow: number | null;
  detector: number | null;
  phase: number | null;
  view: PlanarView | null;
  durationMs: number | null;
  /** dynamic frames: start after the acquisition start (ms) */
  startOffsetMs: number | null;
  counts: number | null;
  pixels: Float64Array | null;
}

export interface PlanarNmImage {
  file: string;
  modality: string;
  sopClassUid: string;
  imageType: string[];
  /** value 3 of ImageType: WHOLE BODY, STATIC, DYNAMIC, … */
  acquisitionKind: string;
  rows: number;
  cols: number;
  /** [row spacing, column spacing] mm */
  pixelSpacingMm: [number, number] | null;
  nFrames: number;
  frameIncrementPointer: string[];
  energyWindows: NmEnergyWindow[];
  detectors: NmDetector[];
  acquisitionDate: string | null;
  acquisitionTime: string | null;
  /** acquisition start, seconds after midnight */
  acquisitionTimeS: number | null;
  timezoneOffset: string | null;
  actualFrameDurationMs: number | null;
  countsAccumulated: number | null;
  radiopharmaceutical: {
    nuclide: string | null;
    nuclideCode: string | null;
    injectedMBq: number | null;
    startDateTime: string | null;
    startTime: string | null;
  };
  frames: PlanarFrame[];
  pixelStatus: string;
}

const first = (v: unknown): Dataset | undefined => (Array.isArray(v) ? v[0] : (v as Dataset | undefined));
const str = (v: unknown): string | null => {
  const x = Array.isArray(v) ? v[0] : v;
  return x === undefined || x === null || String(x).trim() === "" ? null : String(x).trim();
};
const optNum = (v: unknown): number | null => {
  if (v === undefined || v === null) return null;
  const x = numbers(v)[0];
  return x !== undefined && Number.isFinite(x) ? x : null;
};

const ELEMENTS: Record<string, string> = {
  indium: "In",
  technetium: "Tc",
  iodine: "I",
  lutetium: "Lu",
  zirconium: "Zr",
  copper: "Cu",
  gallium: "Ga",
  fluorine: "F",
};

/** "^111^Indium", "Indium^111", "In-111", "99mTc" → canonical nuclide name, or null */
export function nuclideFromCodeMeaning(meaning: string | null): string | null {
  if (!meaning) return null;
  const direct = findNuclide(meaning.replace(/\^/g, ""));
  if (direct) return direct.name;
  const m = /(\d+m?)/i.exec(meaning);
  const el = Object.entries(ELEMENTS).find(([k]) => meaning.toLowerCase().includes(k));
  if (!m || !el) return null;
  return findNuclide(`${el[1]}-${m[1].toLowerCase()}`)?.name ?? null;
}

function viewOf(det: Dataset | undefined): { view: PlanarView | null; source: string } {
  const code = first(det?.ViewCodeSequence);
  const meaning = str(code?.CodeMeaning)?.toLowerCase() ?? "";
  if (meaning.includes("anterior")) return { view: "anterior", source: "ViewCodeSequence" };
  if (meaning.includes("posterior")) return { view: "posterior", source: "ViewCodeSequence" };
  return { view: null, source: meaning ? `ViewCodeSequence "${meaning}" (not anterior/posterior)` : "none" };
}

function vector(ds: Dataset, key: string, nFrames: number, file: string): number[] | null {
  if (ds[key] === undefined) return null;
  const v = numbers(ds[key]);
  if (v.length !== nFrames || v.some((x) => !Number.isInteger(x) || x < 1))
    throw new InputError({
      file,
      field: key,
      value: v.slice(0, 8),
      expected: `${nFrames} 1-based indices (one per frame, NumberOfFrames ${nFrames})`,
    });
  return v;
}

export function planarNmFromDicom(f: DicomFile, opts: { pixels?: boolean } = {}): PlanarNmImage {
  const ds = f.ds;
  const file = f.path;
  const modality = str(ds.Modality) ?? "";
  if (modality !== "NM")
    throw new InputError({
      file,
      field: "Modality",
      value: modality,
      expected: "NM (a planar gamma-camera image)",
    });
  const imageType = Array.isArray(ds.ImageType)
    ? ds.ImageType.map(String)
    : numbers(ds.ImageType).map(String);
  const acquisitionKind = (imageType[2] ?? "").toUpperCase();
  if (acquisitionKind === "TOMO" || acquisitionKind === "RECON TOMO" || acquisitionKind === "GATED TOMO")
    throw new InputError({
      file,
      field: "ImageType",
      value: imageType,
      expected:
        "a planar NM image (WHOLE BODY, STATIC, DYNAMIC), not tomographic projections/reconstructions",
    });
  let nFrames: number;
  let rows: number;
  let cols: number;
  try {
    nFrames = intAttr(ds, "NumberOfFrames", { min: 1, optional: 1 });
    rows = intAttr(ds, "Rows", { min: 1 });
    cols = intAttr(ds, "Columns", { min: 1 });
  } catch (e) {
    if (e instanceof PixelError) throw new InputError({ file, field: e.field, expected: e.message });
    throw e;
  }
  const fip = numbers(ds.FrameIncrementPointer).map(
    (t) => NM_FRAME_VECTORS[t] ?? `(${t.toString(16).padStart(8, "0")})`,
  );
  const ew = vector(ds, "EnergyWindowVector", nFrames, file);
  const dv = vector(ds, "DetectorVector", nFrames, file);
  const pv = vector(ds, "PhaseVector", nFrames, file);
  const windows: NmEnergyWindow[] = (
    Array.isArray(ds.EnergyWindowInformationSequence) ? ds.EnergyWindowInformationSequence : []
  ).map((w: Dataset, i: number) => {
    const r = first(w.EnergyWindowRangeSequence);
    return {
      index: i + 1,
      name: str(w.EnergyWindowName) ?? `window ${i + 1}`,
      lowerKeV: optNum(r?.EnergyWindowLowerLimit) ?? Number.NaN,
      upperKeV: optNum(r?.EnergyWindowUpperLimit) ?? Number.NaN,
    };
  });
  const detSeq: Dataset[] = Array.isArray(ds.DetectorInformationSequence)
    ? ds.DetectorInformationSequence
    : [];
  const detectors: NmDetector[] = detSeq.map((d, i) => {
    const v = viewOf(d);
    return { index: i + 1, view: v.view, viewSource: v.source };
  });
  for (const [vec, n, name] of [
    [ew, windows.length, "EnergyWindowInformationSequence"],
    [dv, detectors.length, "DetectorInformationSequence"],
  ] as const)
    if (vec && n > 0 && vec.some((x) => x > n))
      throw new InputError({
        file,
        field: name,
        value: n,
        expected: `an item for every index in the frame vector (max ${Math.max(...vec)})`,
      });
  const phases: Dataset[] = Array.isArray(ds.PhaseInformationSequence) ? ds.PhaseInformationSequence : [];
  const topDuration = optNum(ds.ActualFrameDuration);
  // frame position within its phase, for dynamic start offsets
  const inPhase = new Map<number, number>();
  const frames: PlanarFrame[] = [];
  let pixelStatus = "ok";
  let fmt: ReturnType<typeof pixelFormat> | null = null;
  let rescale = { slope: 1, intercept: 0 };
  if (opts.pixels !== false) {
    try {
      if (!f.pixel) throw new PixelError("no pixel data");
      fmt = pixelFormat(ds, String(f.meta.TransferSyntaxUID ?? "1.2.840.10008.1.2"));
      rescale = modalityRescale(ds);
    } catch (e) {
      if (!(e instanceof PixelError)) throw e;
      pixelStatus = e.message;
    }
  } else pixelStatus = "not read";
  for (let k = 0; k < nFrames; k++) {
    const det = dv ? dv[k] : detectors.length === 1 ? 1 : null;
    const phase = pv ? pv[k] : null;
    let durationMs = topDuration;
    let startOffsetMs: number | null = null;
    if (phase !== null && phases[phase - 1]) {
      const ph = phases[phase - 1];
      const j = inPhase.get(phase) ?? 0;
      inPhase.set(phase, j + 1);
      durationMs = optNum(ph.ActualFrameDuration) ?? topDuration;
      const delay = optNum(ph.PhaseDelay) ?? 0;
      const pause = optNum(ph.PauseBetweenFrames) ?? 0;
      let before = 0;
      for (let q = 0; q < phase - 1; q++) {
        const p = phases[q];
        before +=
          (optNum(p.PhaseDelay) ?? 0) +
          (optNum(p.NumberOfFramesInPhase) ?? 0) *
            ((optNum(p.ActualFrameDuration) ?? 0) + (optNum(p.PauseBetweenFrames) ?? 0));
      }
      startOffsetMs = before + delay + j * ((durationMs ?? 0) + pause);
    }
    let pixels: Float64Array | null = null;
    let counts: number | null = null;
    if (fmt && f.pixel) {
      try {
        pixels = frameStoredValues(fmt, f.pixel, k, nFrames);
        if (rescale.slope !== 1 || rescale.intercept !== 0)
          for (let i = 0; i < pixels.length; i++) pixels[i] = pixels[i] * rescale.slope + rescale.intercept;
        counts = pixels.reduce((s, v) => s + v, 0);
      } catch (e) {
        if (!(e instanceof PixelError)) throw e;
        pixelStatus = e.message;
        pixels = null;
      }
    }
    frames.push({
      index: k,
      energyWindow: ew ? ew[k] : windows.length === 1 ? 1 : null,
      detector: det,
      phase,
      view: det !== null ? (detectors[det - 1]?.view ?? null) : null,
      durationMs,
      startOffsetMs,
      counts,
      pixels,
    });
  }
  const rp = first(ds.RadiopharmaceuticalInformationSequence);
  const code = str(first(rp?.RadionuclideCodeSequence)?.CodeMeaning);
  const ps = numbers(ds.PixelSpacing);
  return {
    file,
    modality,
    sopClassUid: str(ds.SOPClassUID) ?? "",
    imageType,
    acquisitionKind,
    rows,
    cols,
    pixelSpacingMm: ps.length === 2 && ps.every((x) => x > 0) ? [ps[0], ps[1]] : null,
    nFrames,
    frameIncrementPointer: fip,
    energyWindows: windows,
    detectors,
    acquisitionDate: str(ds.AcquisitionDate),
    acquisitionTime: str(ds.AcquisitionTime),
    acquisitionTimeS:
      ds.AcquisitionTime !== undefined && Number.isFinite(dicomTimeS(ds.AcquisitionTime))
        ? dicomTimeS(ds.AcquisitionTime)
        : null,
    timezoneOffset: str(ds.TimezoneOffsetFromUTC),
    actualFrameDurationMs: topDuration,
    countsAccumulated: optNum(ds.CountsAccumulated),
    radiopharmaceutical: {
      nuclide: nuclideFromCodeMeaning(code),
      nuclideCode: code,
      injectedMBq: optNum(rp?.RadionuclideTotalDose),
      startDateTime: str(rp?.RadiopharmaceuticalStartDateTime),
      startTime: str(rp?.RadiopharmaceuticalStartTime),
    },
    frames,
    pixelStatus,
  };
}

export function readPlanarNm(path: string, opts: { pixels?: boolean } = {}): PlanarNmImage {
  return planarNmFromDicom(readDicomFile(path), opts);
}

/**
 * Acquisition start as epoch ms: AcquisitionDate + AcquisitionTime, with TimezoneOffsetFromUTC
 * when present (else null: a local time without a zone cannot be placed on a time line).
 */
export function acquisitionEpochMs(img: PlanarNmImage): number | null {
  return dicomDateTimeMs(img.acquisitionDate, img.acquisitionTime, img.timezoneOffset);
}

export function dicomDateTimeMs(date: string | null, time: string | null, tz: string | null): number | null {
  if (!date || !time || !tz) return null;
  const d = /^(\d{4})(\d{2})(\d{2})$/.exec(date);
  const z = /^([+-])(\d{2})(\d{2})$/.exec(tz);
  const s = dicomTimeS(time);
  if (!d || !z || !Number.isFinite(s)) return null;
  const utc = Date.UTC(Number(d[1]), Number(d[2]) - 1, Number(d[3])) + s * 1000;
  const off = (z[1] === "-" ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60000;
  return utc - off;
}

/** a DICOM DT value (YYYYMMDDHHMMSS.frac±HHMM) → epoch ms; null without a zone */
export function dicomDtMs(dt: string | null, fallbackTz: string | null = null): number | null {
  if (!dt) return null;
  const m = /^(\d{8})(\d{2,6}(?:\.\d+)?)?([+-]\d{4})?$/.exec(dt.trim());
  if (!m) return null;
  return dicomDateTimeMs(m[1], m[2] ?? "000000", m[3] ?? fallbackTz);
}
