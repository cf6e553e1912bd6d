/** Synthetic stained images for the histology tests: known stain amounts rendered to 8-bit RGB. */
import { renderRgb } from "../../../src/core/histology/opticalDensity.js";
import type { StainSet } from "../../../src/core/histology/stainVectors.js";

export interface Disk {
  cx: number;
  cy: number;
  r: number;
  /** amount of stain 2 (e.g. DAB) inside */
  a: number;
}

/** Background: `bg` of stain 1 (hematoxylin); disks / rectangles of stain 2 on it. */
export function renderSlide(
  set: StainSet,
  width: number,
  height: number,
  opts: {
    bg?: number;
    disks?: Disk[];
    rects?: Array<{ x0: number; y0: number; x1: number; y1: number; a: number }>;
  },
): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  const bg = renderRgb(set, [opts.bg ?? 0.1, 0, 0]);
  for (let i = 0; i < width * height; i++) rgb.set(bg, i * 3);
  const paint = (x: number, y: number, a: number) =>
    rgb.set(renderRgb(set, [opts.bg ?? 0.1, a, 0]), (y * width + x) * 3);
  for (const d of opts.disks ?? [])
    for (let y = Math.max(0, Math.floor(d.cy - d.r)); y <= Math.min(height - 1, Math.ceil(d.cy + d.r)); y++)
      for (let x = Math.max(0, Math.floor(d.cx - d.r)); x <= Math.min(width - 1, Math.ceil(d.cx + d.r)); x++)
        if ((x - d.cx) ** 2 + (y - d.cy) ** 2 <= d.r * d.r) paint(x, y, d.a);
  for (const r of opts.rects ?? [])
    for (let y = r.y0; y < r.y1; y++) for (let x = r.x0; x < r.x1; x++) paint(x, y, r.a);
  return rgb;
}
