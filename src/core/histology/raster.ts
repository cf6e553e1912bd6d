/**
 * Raster types shared by the histology core. A tile is a rectangle of a (possibly much
 * larger) slide: `x0`, `y0` give its place in slide pixels, so that seam-aware steps
 * (connected components, hotspot fields, distance profiles) can work in slide coordinates
 * while each step only ever holds one tile (plus a halo) in memory. Pure: no Node APIs.
 */

/** 8-bit RGB, interleaved (r, g, b per pixel), row-major. */
export interface RgbTile {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/** One value per pixel (optical density, distance, signal), row-major. */
export interface FloatTile {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Float32Array | Float64Array;
}

/** Binary mask: 1 = foreground, 0 = background, row-major. */
export interface MaskTile {
  x0: number;
  y0: number;
  width: number;
  height: number;
  data: Uint8Array;
}

export function pixelCount(t: { width: number; height: number }): number {
  return t.width * t.height;
}

/** Crop a sub-rectangle (slide coordinates) out of a tile that contains it. */
export function cropMask(t: MaskTile, x0: number, y0: number, width: number, height: number): MaskTile {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = (y + y0 - t.y0) * t.width + (x0 - t.x0);
    out.set(t.data.subarray(src, src + width), y * width);
  }
  return { x0, y0, width, height, data: out };
}

export function cropFloat(t: FloatTile, x0: number, y0: number, width: number, height: number): FloatTile {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = (y + y0 - t.y0) * t.width + (x0 - t.x0);
    out.set(t.data.subarray(src, src + width), y * width);
  }
  return { x0, y0, width, height, data: out };
}
