/**
 * 2D fluorescence reflectance imaging (FRI, e.g. IVIS epi-fluorescence) ROI quantification in
 * radiant efficiency (IVIS Living Image convention, PerkinElmer "Living Image 4.x user manual",
 * units chapter): a calibrated pixel holds radiant efficiency ε_px in
 * (p/s/cm²/sr)/(µW/cm²); over an ROI of N pixels of area a (cm²)
 *   average radiant efficiency = mean ε_px,
 *   total radiant efficiency   = Σ ε_px · a   ((p/s)/(µW/cm²)),
 * background-corrected by subtracting the mean of a background ROI from every pixel
 * (total − N·a·mean_bg). ROIs are label images (pixel value = ROI id, 0 = none).
 */
import { InputError } from "../errors.js";

export interface FriRoiResult {
  roi: number;
  pixels: number;
  area_cm2: number;
  mean_radiant_efficiency: number;
  total_radiant_efficiency: number;
  /** background-corrected (null without a background ROI) */
  corrected_total_radiant_efficiency: number | null;
  corrected_mean_radiant_efficiency: number | null;
}

export function friRoiRadiantEfficiency(
  image: ArrayLike<number>,
  rois: ArrayLike<number>,
  pixelAreaCm2: number,
  opts: { backgroundRoi?: number } = {},
): FriRoiResult[] {
  if (rois.length !== image.length)
    throw new InputError({
      field: "ROI image",
      value: rois.length,
      expected: `${image.length} pixels like the FRI image`,
    });
  if (!(pixelAreaCm2 > 0))
    throw new InputError({ field: "pixel area", value: pixelAreaCm2, expected: "> 0 cm²" });
  const acc = new Map<number, { n: number; sum: number }>();
  for (let i = 0; i < image.length; i++) {
    const r = Math.round(rois[i]);
    if (r === 0 || !Number.isFinite(image[i])) continue;
    const e = acc.get(r) ?? { n: 0, sum: 0 };
    e.n++;
    e.sum += image[i];
    acc.set(r, e);
  }
  const bgId = opts.backgroundRoi;
  let bgMean: number | null = null;
  if (bgId !== undefined) {
    const b = acc.get(bgId);
    if (!b)
      throw new InputError({
        field: "background ROI",
        value: bgId,
        expected: "an ROI id present in the ROI image",
      });
    bgMean = b.sum / b.n;
  }
  return [...acc.entries()]
    .filter(([r]) => r !== bgId)
    .sort((a, b) => a[0] - b[0])
    .map(([roi, e]) => ({
      roi,
      pixels: e.n,
      area_cm2: e.n * pixelAreaCm2,
      mean_radiant_efficiency: e.sum / e.n,
      total_radiant_efficiency: e.sum * pixelAreaCm2,
      corrected_total_radiant_efficiency: bgMean !== null ? (e.sum - e.n * bgMean) * pixelAreaCm2 : null,
      corrected_mean_radiant_efficiency: bgMean !== null ? e.sum / e.n - bgMean : null,
    }));
}
