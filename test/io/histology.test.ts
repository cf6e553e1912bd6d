/**
 * Whole-slide path: a tiled, pyramidal BigTIFF (and a classic TIFF) written by the streaming
 * writer is read back region by region (geotiff; and by Python tifffile when Debian's
 * python3-tifffile is present, an independent reader); every analysis run tile by tile on the
 * TIFF gives exactly the numbers of the same pixels analysed as one in-memory image —
 * including vessels that cross tile seams and tile corners, which are counted once.
 * PNG (grey, RGB, RGBA, palette) and JPEG decoding to RGB.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { beforeAll, describe, expect, it } from "vitest";
import { presetStainSet } from "../../src/core/histology/stainVectors.js";
import * as P from "../../src/io/histology/pipelines.js";
import { memorySource, openRaster } from "../../src/io/histology/rasterSource.js";
import { TiledTiffWriter } from "../../src/io/histology/tiffWriter.js";
import { renderSlide } from "../core/histology/synth.js";

const dir = mkdtempSync(join(tmpdir(), "histo-io-"));
const set = presetStainSet("hdab");
const W = 1000;
const H = 700;
const T = 256;
// seams at x = 256, 512, 768 and y = 256, 512
const rects = [
  { x0: 200, y0: 100, x1: 600, y1: 108, a: 0.9 }, // long vessel crossing x seams 256 and 512
  { x0: 700, y0: 230, x1: 708, y1: 290, a: 0.9 }, // crossing the y seam 256
  { x0: 760, y0: 500, x1: 770, y1: 520, a: 0.9 }, // crossing the corner (768, 512)
];
const disks = [
  { cx: 100, cy: 400, r: 7, a: 0.9 },
  { cx: 400, cy: 600, r: 5, a: 0.9 },
  { cx: 900, cy: 100, r: 6, a: 0.9 },
  { cx: 300, cy: 300, r: 1, a: 0.9 }, // speck below the minimum area
];
let rgb: Uint8Array;
// a diagonal line (60 px = 15 µm²) whose pixels (511,255) and (512,256) touch only across the
// corner of four 256-px tiles at (512, 256)
function diagonalPair(img: Uint8Array) {
  const dab = renderSlideRgbPixel();
  for (let i = 0; i < 60; i++) img.set(dab, ((256 - 30 + i) * W + 512 - 30 + i) * 3);
}
function renderSlideRgbPixel(): Uint8Array {
  return renderSlide(set, 1, 1, { bg: 0.1, rects: [{ x0: 0, y0: 0, x1: 1, y1: 1, a: 2.0 }] });
}

function writeSlide(path: string, big: boolean, compression: "none" | "deflate") {
  const w = new TiledTiffWriter(path, big);
  for (const [lw, lh, f] of [
    [W, H, 1],
    [Math.ceil(W / 2), Math.ceil(H / 2), 2],
    [Math.ceil(W / 4), Math.ceil(H / 4), 4],
  ]) {
    w.beginImage({
      width: lw,
      height: lh,
      tileWidth: T,
      tileHeight: T,
      samples: 3,
      format: "uint8",
      compression,
      reduced: f > 1,
      umPerPx: 0.5 * f,
    });
    for (let ty = 0; ty < Math.ceil(lh / T); ty++)
      for (let tx = 0; tx < Math.ceil(lw / T); tx++) {
        const cw = Math.min(T, lw - tx * T);
        const ch = Math.min(T, lh - ty * T);
        const t = new Uint8Array(cw * ch * 3);
        for (let y = 0; y < ch; y++)
          for (let x = 0; x < cw; x++) {
            const sx = (tx * T + x) * f;
            const sy = (ty * T + y) * f;
            t.set(rgb.subarray((sy * W + sx) * 3, (sy * W + sx) * 3 + 3), (y * cw + x) * 3);
          }
        w.writeTile(tx, ty, t, cw, ch);
      }
    w.endImage();
  }
  w.close();
}

const bigPath = join(dir, "slide_big.tif");
const classicPath = join(dir, "slide.tif");

beforeAll(() => {
  rgb = renderSlide(set, W, H, { bg: 0.1, rects, disks });
  diagonalPair(rgb);
  writeSlide(bigPath, true, "deflate");
  writeSlide(classicPath, false, "none");
});

describe("tiled pyramidal TIFF writer and reader", () => {
  it("BigTIFF header, 3 pyramid levels, tiles; region reads equal the source pixels", async () => {
    for (const p of [bigPath, classicPath]) {
      const src = await openRaster(p);
      expect([src.width, src.height, src.tiled, src.blockWidth]).toEqual([W, H, true, T]);
      expect(src.levels).toEqual([
        { width: W, height: H },
        { width: 500, height: 350 },
        { width: 250, height: 175 },
      ]);
      const r = await src.readRgb(250, 250, 20, 15); // straddles 4 tiles
      for (let y = 0; y < 15; y++)
        for (let x = 0; x < 20; x++)
          for (let c = 0; c < 3; c++)
            expect(r.data[(y * 20 + x) * 3 + c]).toBe(rgb[((250 + y) * W + 250 + x) * 3 + c]);
      await src.close();
      const l2 = await openRaster(p, { level: 2 });
      const px = await l2.readRgb(25, 25, 1, 1);
      expect(Array.from(px.data)).toEqual(
        Array.from(rgb.subarray((100 * W + 100) * 3, (100 * W + 100) * 3 + 3)),
      );
      await l2.close();
    }
  });

  const tifffile = spawnSync("/usr/bin/python3", ["-c", "import tifffile"]).status === 0;
  it.skipIf(!tifffile)("Python tifffile (independent reader) reads the BigTIFF pyramid identically", () => {
    const out = execFileSync("/usr/bin/python3", [
      "-c",
      `import tifffile,sys,hashlib
with tifffile.TiffFile(sys.argv[1]) as t:
  print(t.is_bigtiff, len(t.pages), t.pages[0].shape, t.pages[0].tilewidth, t.pages[1].shape)
  a=t.pages[0].asarray(); print(hashlib.sha256(a.tobytes()).hexdigest())`,
      bigPath,
    ]).toString();
    const lines = out.trim().split("\n");
    expect(lines[0]).toBe(`True 3 (${H}, ${W}, 3) ${T} (350, 500, 3)`);
    expect(lines[1]).toBe(createHash("sha256").update(rgb).digest("hex"));
  });

  it("float32 OD TIFF written by deconvolve reads back with the statistics' values", async () => {
    const src = await openRaster(bigPath);
    const res = await P.deconvolve(src, set, { outDir: join(dir, "od"), tile: 256, png: false });
    await src.close();
    const { fromFile } = await import("geotiff");
    const t = await fromFile(res.files[1]);
    const im = await t.getImage();
    const r = (await im.readRasters({ window: [0, 0, W, H], interleave: true })) as unknown as Float32Array;
    let s = 0;
    for (const v of r) s += v;
    expect(s / r.length).toBeCloseTo(res.stains.dab.mean_od, 6);
    await t.close();
  });
});

describe("tile by tile = whole image (seam-straddling vessels counted once)", () => {
  const mvdOpts = { umPerPx: 0.5, minAreaUm2: 10, fieldMm2: 0.01, threshold: "otsu" as const, stainIndex: 1 };
  it("MVD: TIFF tiles of 256 (and 512) equal one in-memory tile; 7 vessels found (one a diagonal across a tile corner), speck rejected", async () => {
    const whole = await P.mvd(memorySource(W, H, rgb), set, { ...mvdOpts, tile: 4096 });
    expect(whole.vessels).toBe(7);
    expect(whole.rejected_small).toBe(1);
    for (const [p, tile] of [
      [bigPath, 256],
      [classicPath, 512],
    ] as const) {
      const src = await openRaster(p);
      const tiled = await P.mvd(src, set, { ...mvdOpts, tile });
      await src.close();
      expect(tiled).toEqual(whole);
    }
    // odd tile sizes on the in-memory image, with opening (halo) too
    const a = await P.mvd(memorySource(W, H, rgb), set, {
      ...mvdOpts,
      tile: 97,
      morphology: "open",
      radius: 1,
    });
    const b = await P.mvd(memorySource(W, H, rgb), set, {
      ...mvdOpts,
      tile: 4096,
      morphology: "open",
      radius: 1,
    });
    expect(a).toEqual(b);
  });

  it("deconvolve, area, her2 statistics are tiling-independent", async () => {
    const mem = memorySource(W, H, rgb);
    const src = await openRaster(bigPath);
    expect((await P.deconvolve(src, set, { tile: 256 })).stains).toEqual(
      (await P.deconvolve(mem, set, {})).stains,
    );
    const areaOpts = { stainIndex: 1, threshold: 0.3, umPerPx: 0.5, objects: true, minObjectUm2: 10 };
    expect(await P.areaFraction(src, set, { ...areaOpts, tile: 256 })).toEqual(
      await P.areaFraction(mem, set, { ...areaOpts, tile: 5000 }),
    );
    expect(await P.her2(src, set, { stainIndex: 1, tile: 256 })).toEqual(
      await P.her2(mem, set, { stainIndex: 1 }),
    );
    await src.close();
  });

  it("penetration: halo-based distances give the whole-image profile", async () => {
    const maskRgb = new Uint8Array(W * H * 3);
    for (const r of rects)
      for (let y = r.y0; y < r.y1; y++)
        for (let x = r.x0; x < r.x1; x++) maskRgb.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
    const mask = memorySource(W, H, maskRgb);
    const sig = memorySource(W, H, rgb);
    const o = {
      signal: { channel: "red" as const },
      umPerPx: 0.5,
      vessels: mask,
      binUm: 5,
      maxUm: 60,
      rimUm: 20,
    };
    const a = await P.penetration(sig, { ...o, tile: 128 });
    const b = await P.penetration(sig, { ...o, tile: 4096 });
    expect(a).toEqual(b);
    expect(a.bins[0].pixels).toBeGreaterThan(0);
  });
});

describe("PNG and JPEG decoding", () => {
  it("grey, RGBA, palette PNG and JPEG are read as RGB", async () => {
    const g = join(dir, "g.png");
    writeFileSync(
      g,
      encodePng({ width: 2, height: 1, data: Uint8Array.from([10, 200]), channels: 1, depth: 8 }),
    );
    const s1 = await openRaster(g);
    expect(Array.from((await s1.readRgb(0, 0, 2, 1)).data)).toEqual([10, 10, 10, 200, 200, 200]);
    const a = join(dir, "a.png");
    writeFileSync(
      a,
      encodePng({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3, 4]), channels: 4, depth: 8 }),
    );
    expect(Array.from((await (await openRaster(a)).readRgb(0, 0, 1, 1)).data)).toEqual([1, 2, 3]);
    const p16 = join(dir, "p16.png");
    writeFileSync(
      p16,
      encodePng({ width: 1, height: 1, data: Uint16Array.from([65535, 0, 32896]), channels: 3, depth: 16 }),
    );
    expect(Array.from((await (await openRaster(p16)).readRgb(0, 0, 1, 1)).data)).toEqual([255, 0, 128]);
    const j = join(dir, "j.jpg");
    const px = new Uint8Array(16 * 16 * 4).fill(255);
    for (let i = 0; i < 256; i++) px.set([180, 120, 60, 255], i * 4);
    writeFileSync(j, jpeg.encode({ width: 16, height: 16, data: px }, 95).data);
    const js = await openRaster(j);
    const d = (await js.readRgb(8, 8, 1, 1)).data;
    expect(Math.abs(d[0] - 180) + Math.abs(d[1] - 120) + Math.abs(d[2] - 60)).toBeLessThan(12);
    expect(js.format).toBe("jpeg");
  });
  it("a stripped (non-tiled) RGB TIFF written by geotiff's own writer is read region by region", async () => {
    const { writeArrayBuffer } = await import("geotiff");
    const w = 40;
    const h = 30;
    const px = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) % 256);
    const buf = writeArrayBuffer(px, {
      width: w,
      height: h,
      SamplesPerPixel: 3,
      BitsPerSample: [8, 8, 8],
      PhotometricInterpretation: 2,
    });
    const f = join(dir, "strip.tif");
    writeFileSync(f, new Uint8Array(buf));
    const src = await openRaster(f);
    expect([src.width, src.height, src.tiled]).toEqual([w, h, false]);
    const r = await src.readRgb(5, 7, 10, 4);
    for (let y = 0; y < 4; y++)
      for (let x = 0; x < 30; x++) expect(r.data[y * 30 + x]).toBe(px[((7 + y) * w + 5) * 3 + x]);
    await src.close();
  });
  it("a non-image file is an InputError", async () => {
    const f = join(dir, "x.txt");
    writeFileSync(f, "hello world");
    await expect(openRaster(f)).rejects.toThrow(/PNG, JPEG or TIFF/);
  });
});
