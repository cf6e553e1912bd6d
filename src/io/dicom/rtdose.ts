/**
 * RT Dose (PS3.3 C.8.8.3): a multi-frame dose grid whose frame k lies at GridFrameOffsetVector[k]
 * along the slice normal. Relative interpretation when the first offset is 0:
 * position_k = ImagePositionPatient + offset_k · (rowDir × colDir); absolute interpretation when
 * the first offset equals ImagePositionPatient z and the orientation is axial (1,0,0,0,1,0):
 * position_k = (x, y, offset_k). Dose (DoseUnits, usually GY) = stored value × DoseGridScaling,
 * which is required: without it the stored integers are not doses.
 */
import { decimalAttr, PixelError } from "./pixels.js";
import type { Dataset } from "./read.js";
import { numbers } from "./values.js";

const RT_DOSE_SOP = "1.2.840.10008.5.1.4.1.1.481.2";

export function isRtDose(ds: Dataset): boolean {
  return String(ds.SOPClassUID ?? "") === RT_DOSE_SOP || String(ds.Modality ?? "") === "RTDOSE";
}

/** DoseGridScaling, required and > 0. */
export function doseGridScaling(ds: Dataset): number {
  const s = decimalAttr(ds, "DoseGridScaling");
  if (s === undefined)
    throw new PixelError(
      "RT Dose without DoseGridScaling: the stored values are not doses",
      "DoseGridScaling",
    );
  if (!(s > 0)) throw new PixelError(`DoseGridScaling ${s} is not positive`, "DoseGridScaling");
  return s;
}

/** LPS position of each of the nFrames dose planes. */
export function doseFramePositions(ds: Dataset, nFrames: number): number[][] {
  const ipp = numbers(ds.ImagePositionPatient);
  const iop = numbers(ds.ImageOrientationPatient);
  if (ipp.length !== 3 || !ipp.every(Number.isFinite))
    throw new PixelError("RT Dose without a usable ImagePositionPatient", "ImagePositionPatient");
  const off = numbers(ds.GridFrameOffsetVector);
  if (nFrames === 1 && off.length === 0) return [ipp];
  if (!off.every(Number.isFinite))
    throw new PixelError(
      `GridFrameOffsetVector ${JSON.stringify(ds.GridFrameOffsetVector)} is not numeric`,
      "GridFrameOffsetVector",
    );
  if (nFrames > 1 && off.length !== nFrames)
    throw new PixelError(
      `GridFrameOffsetVector has ${off.length} offsets for ${nFrames} frames`,
      "GridFrameOffsetVector",
    );
  const n = [
    iop[1] * iop[5] - iop[2] * iop[4],
    iop[2] * iop[3] - iop[0] * iop[5],
    iop[0] * iop[4] - iop[1] * iop[3],
  ];
  if (off[0] === 0) return Array.from({ length: nFrames }, (_, k) => ipp.map((p, a) => p + off[k] * n[a]));
  const axial = [1, 0, 0, 0, 1, 0].every((v, i) => Math.abs(v - iop[i]) < 1e-6);
  if (axial && Math.abs(off[0] - ipp[2]) < 1e-6)
    return Array.from({ length: nFrames }, (_, k) => [ipp[0], ipp[1], off[k]]);
  throw new PixelError(
    `GridFrameOffsetVector starts at ${off[0]}: neither relative (first offset 0) nor absolute (first offset = ImagePositionPatient z ${ipp[2]} with axial orientation)`,
    "GridFrameOffsetVector",
  );
}
