/**
 * Reading RGB histology images region by region.
 *
 * - TIFF (classic and BigTIFF; tiled or stripped; uncompressed, LZW, Deflate, JPEG, PackBits;
 *   RGB, grey, palette, YCbCr; 8 or 16 bits): with `geotiff` (3.0.5, MIT, pure JS, ESM, the
 *   most used JS TIFF reader, maintained): `fromFile` reads only the byte ranges of the tiles a
 *   window needs (fs.read at offsets, no tile cache), so memory is bounded by the window,
 *   whatever the slide size. Pyramids: the full-resolution image and the reduced images among
 *   the IFDs (levels sorted by width; SVS thumbnails/labels, which are stripped and not
 *   2×-steps, are skipped). SubIFD pyramids (OME-TIFF) are not read: level 0 only.
 *   (utif/utif2 decode whole pages in memory, which defeats bounded memory.)
 * - PNG: `fast-png` (8.0.0, MIT, pure TS/ESM, grey/RGB/RGBA/palette, 8/16 bit);
 * - JPEG: `jpeg-js` (0.4.4, BSD-3, pure JS, baseline and progressive).
 *   PNG and JPEG cannot be read region by region, so they are decoded whole (fine for fields
 *   and tiles; whole slides belong in tiled TIFF).
 * Every source yields 8-bit RGB; 16-bit samples are scaled by 255/65535 (rounded).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { extname } from "node:path";
import { decode as decodePng } from "fast-png";
import { fromFile, type GeoTIFF, type GeoTIFFImage } from "geotiff";
import jpeg from "jpeg-js";
import { InputError } from "../../core/errors.js";
import type { RgbTile } from "../../core/histology/raster.js";

export interface RasterSource {
  path: string;
  format: "png" | "jpeg" | "tiff";
  width: number;
  height: number;
  /** natural block size (TIFF tile, or the whole image for PNG/JPEG) */
  blockWidth: number;
  blockHeight: number;
  tiled: boolean;
  levels: Array<{ width: number; height: number }>;
  level: number;
  readRgb(x: number, y: number, w: number, h: number): Promise<RgbTile>;
  close(): Promise<void>;
}

function sniff(path: string): "png" | "jpeg" | "tiff" | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new InputError({
      file: path,
      expected: `a readable image file (${(e as NodeJS.ErrnoException).code ?? "error"})`,
    });
  }
  const b = Buffer.alloc(8);
  readSync(fd, b, 0, 8, 0);
  closeSync(fd);
  if (b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return "png";
  if (b[0] === 0xff && b[1] === 0xd8) return "jpeg";
  if ((b[0] === 0x49 && b[1] === 0x49) || (b[0] === 0x4d && b[1] === 0x4d)) return "tiff";
  return null;
}

/** A whole RGB image held in memory, served by window. */
export function memorySource(
  width: number,
  height: number,
  rgb: Uint8Array,
  path = "<memory>",
  format: "png" | "jpeg" | "tiff" = "png",
): RasterSource {
  return {
    path,
    format,
    width,
    height,
    blockWidth: width,
    blockHeight: height,
    tiled: false,
    levels: [{ width, height }],
    level: 0,
    async readRgb(x, y, w, h) {
      const out = new Uint8Array(w * h * 3);
      for (let j = 0; j < h; j++)
        out.set(rgb.subarray(((y + j) * width + x) * 3, ((y + j) * width + x + w) * 3), j * w * 3);
      return { x0: x, y0: y, width: w, height: h, data: out };
    },
    async close() {},
  };
}

function toRgb8(
  data: ArrayLike<number>,
  n: number,
  channels: number,
  depth: number,
  palette?: number[][],
): Uint8Array {
  const out = new Uint8Array(n * 3);
  const scale = depth === 16 ? 255 / 65535 : 1;
  for (let i = 0; i < n; i++) {
    if (palette) {
      const c = palette[data[i]] ?? [0, 0, 0];
      out[i * 3] = c[0];
      out[i * 3 + 1] = c[1];
      out[i * 3 + 2] = c[2];
    } else if (channels >= 3) {
      for (let k = 0; k < 3; k++) out[i * 3 + k] = Math.round(data[i * channels + k] * scale);
    } else {
      const v = Math.round(data[i * channels] * scale);
      out[i * 3] = v;
      out[i * 3 + 1] = v;
      out[i * 3 + 2] = v;
    }
  }
  return out;
}

export function decodePngRgb(
  buf: Uint8Array,
  path = "<png>",
): { width: number; height: number; rgb: Uint8Array } {
  let png: ReturnType<typeof decodePng>;
  try {
    png = decodePng(buf);
  } catch (e) {
    throw new InputError({ file: path, expected: `a valid PNG (${(e as Error).message})` });
  }
  const n = png.width * png.height;
  let data: ArrayLike<number> = png.data;
  let depth: number = png.depth;
  if (png.depth < 8) {
    // unpack 1/2/4-bit rows
    const bits = png.depth;
    const rowBytes = Math.ceil((png.width * png.channels * bits) / 8);
    const un = new Uint8Array(n * png.channels);
    const max = (1 << bits) - 1;
    for (let y = 0; y < png.height; y++)
      for (let x = 0; x < png.width * png.channels; x++) {
        const bit = x * bits;
        const byte = png.data[y * rowBytes + (bit >> 3)];
        const v = (byte >> (8 - bits - (bit & 7))) & max;
        un[y * png.width * png.channels + x] = png.palette ? v : Math.round((v * 255) / max);
      }
    data = un;
    depth = 8;
  }
  return {
    width: png.width,
    height: png.height,
    rgb: toRgb8(data, n, png.channels, depth, png.palette as number[][] | undefined),
  };
}

function pickLevels(images: GeoTIFFImage[]): GeoTIFFImage[] {
  const base = images[0];
  const levels = [base];
  for (const im of images.slice(1)) {
    const ratio = base.getWidth() / im.getWidth();
    const prev = levels[levels.length - 1];
    // a pyramid level: tiled, smaller than the previous level, same aspect ratio (±2 %)
    const aspect = Math.abs(im.getHeight() / im.getWidth() - base.getHeight() / base.getWidth());
    if (
      im.isTiled &&
      im.getWidth() < prev.getWidth() &&
      ratio >= 1.5 &&
      aspect < 0.02 * (base.getHeight() / base.getWidth())
    )
      levels.push(im);
  }
  return levels;
}

async function tiffSource(path: string, level: number): Promise<RasterSource> {
  let tiff: GeoTIFF;
  try {
    tiff = await fromFile(path);
  } catch (e) {
    throw new InputError({ file: path, expected: `a readable TIFF (${(e as Error).message})` });
  }
  const n = await tiff.getImageCount();
  const images: GeoTIFFImage[] = [];
  for (let i = 0; i < n; i++) images.push(await tiff.getImage(i));
  const levels = pickLevels(images);
  if (!Number.isInteger(level) || level < 0 || level >= levels.length)
    throw new InputError({
      file: path,
      field: "--level",
      value: level,
      expected: `a pyramid level 0…${levels.length - 1}`,
    });
  const im = levels[level];
  const width = im.getWidth();
  const height = im.getHeight();
  const bits = im.getBitsPerSample(0);
  const tiled = im.isTiled;
  return {
    path,
    format: "tiff",
    width,
    height,
    blockWidth: tiled ? im.getTileWidth() : width,
    blockHeight: tiled
      ? im.getTileHeight()
      : Math.min(height, Number(im.getFileDirectory().getValue("RowsPerStrip") ?? height)),
    tiled,
    levels: levels.map((l) => ({ width: l.getWidth(), height: l.getHeight() })),
    level,
    async readRgb(x, y, w, h) {
      let r: ArrayLike<number>;
      try {
        r = (await im.readRGB({
          window: [x, y, x + w, y + h],
          interleave: true,
          enableAlpha: false,
        })) as unknown as ArrayLike<number>;
      } catch (e) {
        throw new InputError({ file: path, expected: `decodable TIFF tiles (${(e as Error).message})` });
      }
      const data = r instanceof Uint8Array && bits <= 8 ? r : toRgb8(r, w * h, 3, bits > 8 ? 16 : 8);
      return { x0: x, y0: y, width: w, height: h, data };
    },
    async close() {
      await tiff.close();
    },
  };
}

/** Open an RGB image (PNG, JPEG, TIFF incl. tiled/pyramidal BigTIFF). */
export async function openRaster(path: string, opts: { level?: number } = {}): Promise<RasterSource> {
  const kind = sniff(path);
  if (kind === "tiff") return tiffSource(path, opts.level ?? 0);
  if ((opts.level ?? 0) !== 0)
    throw new InputError({
      file: path,
      field: "--level",
      value: opts.level,
      expected: "0 (only TIFF files have pyramid levels)",
    });
  if (kind === "png") {
    const { width, height, rgb } = decodePngRgb(readFileSync(path), path);
    return memorySource(width, height, rgb, path, "png");
  }
  if (kind === "jpeg") {
    let img: { width: number; height: number; data: Uint8Array };
    try {
      img = jpeg.decode(readFileSync(path), {
        useTArray: true,
        formatAsRGBA: false,
        maxMemoryUsageInMB: 4096,
        maxResolutionInMP: 1000,
      });
    } catch (e) {
      throw new InputError({ file: path, expected: `a valid JPEG (${(e as Error).message})` });
    }
    return memorySource(img.width, img.height, img.data, path, "jpeg");
  }
  throw new InputError({ file: path, value: extname(path), expected: "a PNG, JPEG or TIFF image" });
}
