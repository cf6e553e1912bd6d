/**
 * Multi-frame objects → one pseudo single-frame DicomFile per frame (path `file#frameN`, with
 * `frame`/`nFrames` indexing the file's pixel data), so that multi-frame and classic series go
 * through the same stacking (split.ts).
 */
import { intAttr, PixelError } from "./pixels.js";
import type { Dataset, DicomFile } from "./read.js";
import { doseFramePositions, isRtDose } from "./rtdose.js";

const first = (v: unknown): Dataset | undefined => (Array.isArray(v) ? v[0] : (v as Dataset | undefined));

/**
 * One pseudo single-frame file per frame. Enhanced objects: the frame's PlanePositionSequence,
 * the shared/per-frame orientation, pixel measures, PixelValueTransformationSequence rescale and
 * temporal position. RT Dose: the GridFrameOffsetVector plane positions (rtdose.ts). Single-frame
 * files are returned as they are. A multi-frame object without per-frame geometry is refused.
 */
export function expandFrames(f: DicomFile): DicomFile[] {
  const ds = f.ds;
  const nFrames = intAttr(ds, "NumberOfFrames", { min: 1, optional: 1 });
  if (isRtDose(ds)) {
    const pos = doseFramePositions(ds, nFrames);
    return pos.map((p, i) => ({
      ...f,
      path: nFrames > 1 ? `${f.path}#frame${i + 1}` : f.path,
      ds: { ...ds, ImagePositionPatient: p },
      frame: i,
      nFrames,
      source: f.path,
    }));
  }
  if (ds.PerFrameFunctionalGroupsSequence !== undefined || ds.SharedFunctionalGroupsSequence !== undefined)
    return expandMultiFrame(f);
  if (nFrames === 1) return [{ ...f, frame: 0, nFrames: 1, source: f.path }];
  throw new PixelError(
    `${nFrames} frames without per-frame geometry (no PerFrameFunctionalGroupsSequence or GridFrameOffsetVector): not a volume`,
    "NumberOfFrames",
  );
}

/** Enhanced multi-frame objects (functional groups), one pseudo file per frame. */
export function expandMultiFrame(f: DicomFile): DicomFile[] {
  const ds = f.ds;
  const nFrames = intAttr(ds, "NumberOfFrames", { min: 1, optional: 1 });
  const shared = first(ds.SharedFunctionalGroupsSequence) ?? {};
  const perFrame: Dataset[] = Array.isArray(ds.PerFrameFunctionalGroupsSequence)
    ? ds.PerFrameFunctionalGroupsSequence
    : [];
  if (perFrame.length !== nFrames && nFrames > 1)
    throw new PixelError(
      `PerFrameFunctionalGroupsSequence has ${perFrame.length} items for ${nFrames} frames`,
      "PerFrameFunctionalGroupsSequence",
    );
  const pick = (fg: Dataset, seq: string, key: string) => first(fg[seq])?.[key] ?? first(shared[seq])?.[key];
  return Array.from({ length: nFrames }, (_, i) => {
    const fg = perFrame[i] ?? {};
    const frameDs: Dataset = {
      ...ds,
      NumberOfFrames: 1,
      ImagePositionPatient: pick(fg, "PlanePositionSequence", "ImagePositionPatient"),
      ImageOrientationPatient: pick(fg, "PlaneOrientationSequence", "ImageOrientationPatient"),
      PixelSpacing: pick(fg, "PixelMeasuresSequence", "PixelSpacing"),
      SliceThickness: pick(fg, "PixelMeasuresSequence", "SliceThickness"),
      SpacingBetweenSlices: pick(fg, "PixelMeasuresSequence", "SpacingBetweenSlices"),
      RescaleSlope: pick(fg, "PixelValueTransformationSequence", "RescaleSlope") ?? ds.RescaleSlope,
      RescaleIntercept:
        pick(fg, "PixelValueTransformationSequence", "RescaleIntercept") ?? ds.RescaleIntercept,
      TemporalPositionIdentifier:
        pick(fg, "FrameContentSequence", "TemporalPositionIndex") ?? ds.TemporalPositionIdentifier,
    };
    return {
      ...f,
      path: nFrames > 1 ? `${f.path}#frame${i + 1}` : f.path,
      ds: frameDs,
      frame: i,
      nFrames,
      source: f.path,
    };
  });
}
