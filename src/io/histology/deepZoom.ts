/**
 * Deep Zoom (DZI) tiles of a histology image, computed on request from the image itself, region
 * by region — never the whole slide in memory (for TIFF; PNG/JPEG are decoded whole, rasterSource.ts).
 *
 * Geometry (Microsoft Deep Zoom, as OpenSeadragon's DziTileSource and deepzoom.py read it): for a
 * W × H image, maxLevel = ceil(log2(max(W, H))); level L (0 … maxLevel) is the image scaled by
 * s = 2^(L − maxLevel): ceil(W·s) × ceil(H·s) px, so level 0 is 1 × 1 and level maxLevel the full
 * image. Level L is cut into ceil(w_L/T) × ceil(h_L/T) tiles of T px (default 256); tile (c, r)
 * covers [c·T − o·[c>0], min(w_L, (c+1)·T + o)) × (the same in y), o = overlap (default 1 px).
 *
 * Downsampling (box filter): level pixel (x, y) with f = 2^(maxLevel − L) is the mean of the
 * full-resolution pixels [x·f, min(W, (x+1)·f)) × [y·f, min(H, (y+1)·f)), each channel rounded to
 * the nearest integer. On pyramidal TIFFs the largest pyramid level with downsample d ≤ f is read
 * instead and each of its pixels goes to output pixel floor(p·d/f) (exact when d divides f, as in
 * 2×/4× pyramids). The region is read in windows of ≤ 2048² px and accumulated, so memory is
 * bounded by one window whatever the slide size.
 *
 * Overlays (results/histology/<scan>_vessels.png, pipelines.ts writeOverlay): painted pixels are
 * exactly the writeOverlay colours (accepted components green 0,190,0; rejected red 230,0,0), the
 * rest is the faded section. Overlay tiles are RGBA PNG: colour = mean painted colour, alpha =
 * 255 × painted fraction of the box, so the section beneath shows through where nothing is painted.
 *
 * Caches: open sources (LRU, closed on eviction) and encoded tiles (LRU by bytes), keyed by path,
 * size and modification time, so a re-run that rewrites an overlay is served fresh.
 */
import { statSync } from "node:fs";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { openRaster, type RasterSource } from "./rasterSource.js";

export interface DziGeometry {
  width: number;
  height: number;
  tileSize: number;
  overlap: number;
  maxLevel: number;
}

export interface LevelInfo {
  level: number;
  width: number;
  height: number;
  cols: number;
  rows: number;
  /** full-resolution pixels per level pixel, 2^(maxLevel − level) */
  factor: number;
}

export interface TileRect {
  /** level pixels, overlap included */
  x: number;
  y: number;
  width: number;
  height: number;
}

export type TileFormat = "jpeg" | "png";
export type TileMode = "image" | "overlay";

/** writeOverlay's paint colours (pipelines.ts): accepted components green, rejected red */
export const OVERLAY_PAINT: readonly (readonly [number, number, number])[] = [
  [0, 190, 0],
  [230, 0, 0],
];

export function dziGeometry(width: number, height: number, tileSize = 256, overlap = 1): DziGeometry {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0))
    throw new RangeError(`image size ${width} × ${height}: expected positive integers`);
  return { width, height, tileSize, overlap, maxLevel: Math.ceil(Math.log2(Math.max(width, height))) };
}

export function levelInfo(g: DziGeometry, level: number): LevelInfo | null {
  if (!Number.isInteger(level) || level < 0 || level > g.maxLevel) return null;
  const factor = 2 ** (g.maxLevel - level);
  const width = Math.ceil(g.width / factor);
  const height = Math.ceil(g.height / factor);
  return {
    level,
    width,
    height,
    cols: Math.ceil(width / g.tileSize),
    rows: Math.ceil(height / g.tileSize),
    factor,
  };
}

/** the level-pixel rectangle of tile (col, row), overlap included; null when out of range */
export function tileRect(g: DziGeometry, level: number, col: number, row: number): TileRect | null {
  const L = levelInfo(g, level);
  if (!L || !Number.isInteger(col) || !Number.isInteger(row)) return null;
  if (col < 0 || row < 0 || col >= L.cols || row >= L.rows) return null;
  const T = g.tileSize;
  const x = col * T - (col > 0 ? g.overlap : 0);
  const y = row * T - (row > 0 ? g.overlap : 0);
  const x1 = Math.min(L.width, (col + 1) * T + g.overlap);
  const y1 = Math.min(L.height, (row + 1) * T + g.overlap);
  return { x, y, width: x1 - x, height: y1 - y };
}

/** the .dzi descriptor */
export function dziXml(g: DziGeometry, format: TileFormat): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Image xmlns="http://schemas.microsoft.com/deepzoom/2008" Format="${format}" Overlap="${g.overlap}" TileSize="${g.tileSize}">` +
    `<Size Width="${g.width}" Height="${g.height}"/></Image>\n`
  );
}

/** A slide with its pyramid: level 0 full resolution, then the reduced TIFF levels (if any). */
export interface PyramidSource {
  width: number;
  height: number;
  levels: Array<{ width: number; height: number }>;
  read(level: number, x: number, y: number, w: number, h: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** one RasterSource per pyramid level, opened when first needed */
export async function openPyramid(path: string): Promise<PyramidSource> {
  const base = await openRaster(path);
  const open = new Map<number, RasterSource>([[0, base]]);
  return {
    width: base.width,
    height: base.height,
    levels: base.levels,
    async read(level, x, y, w, h) {
      let src = open.get(level);
      if (!src) {
        src = await openRaster(path, { level });
        open.set(level, src);
      }
      return (await src.readRgb(x, y, w, h)).data;
    },
    async close() {
      for (const s of open.values()) await s.close();
      open.clear();
    },
  };
}

/** A whole RGB image in memory as a one-level pyramid (tests, small images). */
export function memoryPyramid(width: number, height: number, rgb: Uint8Array): PyramidSource {
  return {
    width,
    height,
    levels: [{ width, height }],
    async read(_level, x, y, w, h) {
      const out = new Uint8Array(w * h * 3);
      for (let j = 0; j < h; j++)
        out.set(rgb.subarray(((y + j) * width + x) * 3, ((y + j) * width + x + w) * 3), j * w * 3);
      return out;
    },
    async close() {},
  };
}

const WINDOW = 2048;

export interface RenderedTile {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** Pixels of tile (level, col, row): RGB for "image", RGBA (painted colours, coverage alpha) for "overlay". */
export async function renderTile(
  src: PyramidSource,
  g: DziGeometry,
  level: number,
  col: number,
  row: number,
  mode: TileMode = "image",
): Promise<RenderedTile | null> {
  const L = levelInfo(g, level);
  const r = tileRect(g, level, col, row);
  if (!L || !r) return null;
  const f = L.factor;
  // the pyramid level to read: the largest downsample d ≤ f
  let p = 0;
  src.levels.forEach((lv, k) => {
    const d = src.width / lv.width;
    if (d <= f * (1 + 1e-9) && lv.width < src.levels[p].width) p = k;
  });
  const pw = src.levels[p].width;
  const ph = src.levels[p].height;
  const dx = src.width / pw;
  const dy = src.height / ph;
  // pyramid pixel range covering the tile's full-resolution range
  const sx0 = Math.min(pw - 1, Math.floor((r.x * f) / dx));
  const sy0 = Math.min(ph - 1, Math.floor((r.y * f) / dy));
  const sx1 = Math.min(pw, Math.ceil(Math.min(src.width, (r.x + r.width) * f) / dx));
  const sy1 = Math.min(ph, Math.ceil(Math.min(src.height, (r.y + r.height) * f) / dy));
  // output pixel of each pyramid column/row (−1: outside the tile)
  const colOf = new Int32Array(sx1 - sx0);
  for (let sx = sx0; sx < sx1; sx++) {
    const ox = Math.floor((sx * dx) / f) - r.x;
    colOf[sx - sx0] = ox >= 0 && ox < r.width ? ox : -1;
  }
  const rowOf = new Int32Array(sy1 - sy0);
  for (let sy = sy0; sy < sy1; sy++) {
    const oy = Math.floor((sy * dy) / f) - r.y;
    rowOf[sy - sy0] = oy >= 0 && oy < r.height ? oy : -1;
  }
  const n = r.width * r.height;
  const sum = new Float64Array(n * 3);
  const count = new Float64Array(n);
  const painted = mode === "overlay" ? new Float64Array(n) : null;
  for (let wy = sy0; wy < sy1; wy += WINDOW)
    for (let wx = sx0; wx < sx1; wx += WINDOW) {
      const w = Math.min(WINDOW, sx1 - wx);
      const h = Math.min(WINDOW, sy1 - wy);
      const data = await src.read(p, wx, wy, w, h);
      for (let j = 0; j < h; j++) {
        const oy = rowOf[wy + j - sy0];
        if (oy < 0) continue;
        for (let i = 0; i < w; i++) {
          const ox = colOf[wx + i - sx0];
          if (ox < 0) continue;
          const o = oy * r.width + ox;
          const s = (j * w + i) * 3;
          count[o]++;
          if (painted) {
            if (!isPaint(data[s], data[s + 1], data[s + 2])) continue;
            painted[o]++;
          }
          sum[o * 3] += data[s];
          sum[o * 3 + 1] += data[s + 1];
          sum[o * 3 + 2] += data[s + 2];
        }
      }
    }
  if (!painted) {
    const out = new Uint8Array(n * 3);
    for (let o = 0; o < n; o++)
      for (let c = 0; c < 3; c++) out[o * 3 + c] = count[o] ? Math.round(sum[o * 3 + c] / count[o]) : 255;
    return { width: r.width, height: r.height, channels: 3, data: out };
  }
  const out = new Uint8Array(n * 4);
  for (let o = 0; o < n; o++) {
    if (!painted[o]) continue;
    for (let c = 0; c < 3; c++) out[o * 4 + c] = Math.round(sum[o * 3 + c] / painted[o]);
    out[o * 4 + 3] = Math.round((255 * painted[o]) / count[o]);
  }
  return { width: r.width, height: r.height, channels: 4, data: out };
}

function isPaint(r: number, g: number, b: number): boolean {
  for (const c of OVERLAY_PAINT) if (r === c[0] && g === c[1] && b === c[2]) return true;
  return false;
}

export function encodeTile(t: RenderedTile, format: TileFormat, quality = 85): Uint8Array {
  if (format === "png")
    return encodePng({ width: t.width, height: t.height, data: t.data, channels: t.channels, depth: 8 });
  const rgba = new Uint8Array(t.width * t.height * 4);
  for (let i = 0; i < t.width * t.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = t.data[i * t.channels + c];
    rgba[i * 4 + 3] = 255;
  }
  return jpeg.encode({ data: rgba, width: t.width, height: t.height }, quality).data;
}

class Lru<V> {
  private map = new Map<string, { value: V; size: number }>();
  private total = 0;
  constructor(
    private maxSize: number,
    private onEvict: (v: V) => void = () => {},
  ) {}
  get(k: string): V | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    this.map.delete(k);
    this.map.set(k, e);
    return e.value;
  }
  set(k: string, value: V, size = 1): void {
    const old = this.map.get(k);
    if (old) {
      this.total -= old.size;
      this.map.delete(k);
    }
    this.map.set(k, { value, size });
    this.total += size;
    while (this.total > this.maxSize && this.map.size > 1) {
      const [key, e] = this.map.entries().next().value as [string, { value: V; size: number }];
      this.map.delete(key);
      this.total -= e.size;
      this.onEvict(e.value);
    }
  }
  get size(): number {
    return this.map.size;
  }
}

export interface DeepZoomOptions {
  tileSize?: number;
  overlap?: number;
  /** open images kept (each holds a decoded PNG/JPEG or a TIFF file handle) */
  maxSources?: number;
  /** encoded tiles kept, in bytes */
  maxTileBytes?: number;
}

/**
 * DZI descriptors and tiles of image files, with the two caches. `path` is an absolute path the
 * caller has already checked (the server resolves it inside the study folder).
 */
export class DeepZoomTiler {
  private readonly tileSize: number;
  private readonly overlap: number;
  private sources: Lru<Promise<PyramidSource>>;
  private tiles: Lru<Uint8Array>;

  constructor(o: DeepZoomOptions = {}) {
    this.tileSize = o.tileSize ?? 256;
    this.overlap = o.overlap ?? 1;
    this.sources = new Lru(o.maxSources ?? 8, (p) => {
      void p.then((s) => s.close()).catch(() => {});
    });
    this.tiles = new Lru(o.maxTileBytes ?? 64 * 1024 * 1024);
  }

  private key(path: string): string {
    const st = statSync(path);
    return `${path}\0${st.size}\0${st.mtimeMs}`;
  }

  private source(path: string, key: string): Promise<PyramidSource> {
    let p = this.sources.get(key);
    if (!p) {
      p = openPyramid(path);
      p.catch(() => {}); // a failed open is reported to the caller below, not cached as unhandled
      this.sources.set(key, p);
    }
    return p;
  }

  async geometry(path: string): Promise<DziGeometry> {
    const src = await this.source(path, this.key(path));
    return dziGeometry(src.width, src.height, this.tileSize, this.overlap);
  }

  async descriptor(path: string, format: TileFormat): Promise<string> {
    return dziXml(await this.geometry(path), format);
  }

  /** encoded tile bytes, or null when (level, col, row) is outside the pyramid */
  async tile(
    path: string,
    level: number,
    col: number,
    row: number,
    format: TileFormat,
    mode: TileMode = "image",
  ): Promise<Uint8Array | null> {
    const key = this.key(path);
    const tk = `${key}\0${level}/${col}_${row}.${format}\0${mode}`;
    const hit = this.tiles.get(tk);
    if (hit) return hit;
    const src = await this.source(path, key);
    const g = dziGeometry(src.width, src.height, this.tileSize, this.overlap);
    const t = await renderTile(src, g, level, col, row, mode);
    if (!t) return null;
    const bytes = encodeTile(t, format);
    this.tiles.set(tk, bytes, bytes.length);
    return bytes;
  }

  get cachedTiles(): number {
    return this.tiles.size;
  }
}
