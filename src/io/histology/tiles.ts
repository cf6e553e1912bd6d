/**
 * Tile-by-tile traversal of a raster source in raster order (rows top to bottom, tiles left
 * to right), optionally with a halo (context pixels around each tile, clipped to the image)
 * for neighbourhood operations (morphology, distance transforms). For tiled TIFFs the
 * analysis tile is a whole number of file tiles, so each file tile is decoded once per pass.
 * Memory: one analysis tile plus halo at a time.
 */
import type { MaskTile, RgbTile } from "../../core/histology/raster.js";
import type { RasterSource } from "./rasterSource.js";

export interface Grid {
  tileWidth: number;
  tileHeight: number;
  across: number;
  down: number;
}

export function analysisGrid(
  src: { width: number; height: number; tiled: boolean; blockWidth: number; blockHeight: number },
  requested = 1024,
): Grid {
  let tw = requested;
  let th = requested;
  if (src.tiled) {
    tw = Math.max(1, Math.round(requested / src.blockWidth)) * src.blockWidth;
    th = Math.max(1, Math.round(requested / src.blockHeight)) * src.blockHeight;
  }
  tw = Math.min(tw, src.width);
  th = Math.min(th, src.height);
  return {
    tileWidth: tw,
    tileHeight: th,
    across: Math.ceil(src.width / tw),
    down: Math.ceil(src.height / th),
  };
}

export interface TileVisit {
  index: number;
  total: number;
  /** the tile proper, slide coordinates */
  x0: number;
  y0: number;
  width: number;
  height: number;
  /** the window read: tile plus halo, clipped to the image */
  wx0: number;
  wy0: number;
  wwidth: number;
  wheight: number;
}

export function* tileVisits(width: number, height: number, grid: Grid, halo = 0): Generator<TileVisit> {
  const total = grid.across * grid.down;
  let index = 0;
  for (let ty = 0; ty < grid.down; ty++)
    for (let tx = 0; tx < grid.across; tx++) {
      const x0 = tx * grid.tileWidth;
      const y0 = ty * grid.tileHeight;
      const w = Math.min(grid.tileWidth, width - x0);
      const h = Math.min(grid.tileHeight, height - y0);
      const wx0 = Math.max(0, x0 - halo);
      const wy0 = Math.max(0, y0 - halo);
      const wx1 = Math.min(width, x0 + w + halo);
      const wy1 = Math.min(height, y0 + h + halo);
      yield {
        index: index++,
        total,
        x0,
        y0,
        width: w,
        height: h,
        wx0,
        wy0,
        wwidth: wx1 - wx0,
        wheight: wy1 - wy0,
      };
    }
}

/** Crop the tile proper out of a window tile. */
export function coreOf<T extends Uint8Array | Float64Array>(v: TileVisit, win: T, channels = 1): T {
  if (v.wwidth === v.width && v.wheight === v.height) return win;
  const out = new (win.constructor as new (n: number) => T)(v.width * v.height * channels);
  for (let y = 0; y < v.height; y++) {
    const s = ((y + v.y0 - v.wy0) * v.wwidth + (v.x0 - v.wx0)) * channels;
    out.set(win.subarray(s, s + v.width * channels) as never, y * v.width * channels);
  }
  return out;
}

/** A mask image (any channel > 0 = 1) read as RGB and reduced to 0/1. */
export async function readMask(
  src: RasterSource,
  x: number,
  y: number,
  w: number,
  h: number,
): Promise<MaskTile> {
  const t: RgbTile = await src.readRgb(x, y, w, h);
  const m = new Uint8Array(w * h);
  for (let i = 0; i < m.length; i++) m[i] = t.data[i * 3] || t.data[i * 3 + 1] || t.data[i * 3 + 2] ? 1 : 0;
  return { x0: x, y0: y, width: w, height: h, data: m };
}

export type Progress = (done: number, total: number, pass: string) => void;
