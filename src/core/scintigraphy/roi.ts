/**
 * ROI counting on planar images (row-major, `cols` fast): rectangular or elliptical ROIs in
 * anterior-image pixel coordinates (column x, row y, 0-based, inclusive box). A posterior view
 * is acquired from behind, so the patient's left and right are swapped: the posterior ROI is the
 * anterior one mirrored about the vertical midline (x → cols − 1 − x) unless the posterior image
 * was already flipped by the camera software (mirror = false).
 */
import { InputError } from "../errors.js";

export interface PlanarRoi {
  name: string;
  shape: "rect" | "ellipse";
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RoiSum {
  counts: number;
  pixels: number;
}

export function roiMask(r: PlanarRoi, rows: number, cols: number, mirror = false): Uint8Array {
  if (!(r.width >= 1 && r.height >= 1))
    throw new InputError({ field: `ROI ${r.name}`, value: r, expected: "width and height ≥ 1 pixel" });
  const m = new Uint8Array(rows * cols);
  const cx = r.x + (r.width - 1) / 2;
  const cy = r.y + (r.height - 1) / 2;
  const ax = r.width / 2;
  const ay = r.height / 2;
  let n = 0;
  for (let y = Math.max(0, r.y); y < Math.min(rows, r.y + r.height); y++)
    for (let x = Math.max(0, r.x); x < Math.min(cols, r.x + r.width); x++) {
      if (r.shape === "ellipse" && ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 > 1) continue;
      const xx = mirror ? cols - 1 - x : x;
      m[y * cols + xx] = 1;
      n++;
    }
  if (n === 0)
    throw new InputError({
      field: `ROI ${r.name}`,
      value: r,
      expected: `an ROI overlapping the ${cols}×${rows} image`,
    });
  return m;
}

export function roiSum(image: ArrayLike<number>, mask: Uint8Array): RoiSum {
  let counts = 0;
  let pixels = 0;
  for (let i = 0; i < mask.length; i++)
    if (mask[i]) {
      counts += image[i];
      pixels++;
    }
  return { counts, pixels };
}
