/**
 * Deep Zoom tiler (src/io/histology/deepZoom.ts) against independent references:
 *  - geometry: the level count is ceil(log2(max(w, h))) + 1, here the smallest k with 2^k ≥ max
 *    found by an integer loop; level sizes halve with ceiling; tile rectangles at the edges
 *    written out by hand from the DZI rules; tile cores partition each level (fast-check, seed 42);
 *  - pixels: every level assembled from its tiles equals a direct box-mean downsample of the
 *    source computed here pixel by pixel (exact), an analytic gradient (exact), and Pillow's
 *    Image.reduce on a real IHC image (test/reference/deepzoom, ≤ 1 grey level);
 *  - pyramidal TIFF: tiles of a reduced level are read from the matching pyramid level;
 *  - memory: a 5000 × 3000 level-0 tile is read in windows of at most 2048² px;
 *  - overlays: painted fraction → alpha; the tiler's PNG/JPEG encoding, range checks and cache.
 */
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { decode as decodePng, encode as encodePng } from "fast-png";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import {
  DeepZoomTiler,
  dziGeometry,
  dziXml,
  levelInfo,
  memoryPyramid,
  openPyramid,
  type PyramidSource,
  renderTile,
  tileRect,
} from "../../src/io/histology/deepZoom.js";
import { decodePngRgb } from "../../src/io/histology/rasterSource.js";
import { TiledTiffWriter } from "../../src/io/histology/tiffWriter.js";
import { REF } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dzi-"));

/** smallest k with 2^k ≥ n, by an integer loop */
function ceilLog2(n: number): number {
  let k = 0;
  while (2 ** k < n) k++;
  return k;
}

/** the reference downsample: mean of the clipped f × f box, rounded half up, per channel */
function boxMean(
  rgb: Uint8Array,
  W: number,
  H: number,
  f: number,
): { w: number; h: number; data: Uint8Array } {
  const w = Math.ceil(W / f);
  const h = Math.ceil(H / f);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++) {
        let s = 0;
        let n = 0;
        for (let yy = y * f; yy < Math.min(H, (y + 1) * f); yy++)
          for (let xx = x * f; xx < Math.min(W, (x + 1) * f); xx++) {
            s += rgb[(yy * W + xx) * 3 + c];
            n++;
          }
        out[(y * w + x) * 3 + c] = Math.floor(s / n + 0.5);
      }
  return { w, h, data: out };
}

/** a whole level put together from its tiles; overlapping pixels must agree between tiles */
async function assembleLevel(src: PyramidSource, tileSize: number, overlap: number, level: number) {
  const g = dziGeometry(src.width, src.height, tileSize, overlap);
  const L = levelInfo(g, level);
  if (!L) throw new Error("level");
  const out = new Int16Array(L.width * L.height * 3).fill(-1);
  let conflicts = 0;
  for (let row = 0; row < L.rows; row++)
    for (let col = 0; col < L.cols; col++) {
      const r = tileRect(g, level, col, row);
      const t = await renderTile(src, g, level, col, row);
      if (!r || !t) throw new Error("tile");
      expect([t.width, t.height, t.channels]).toEqual([r.width, r.height, 3]);
      for (let y = 0; y < r.height; y++)
        for (let x = 0; x < r.width; x++)
          for (let c = 0; c < 3; c++) {
            const o = ((r.y + y) * L.width + r.x + x) * 3 + c;
            const v = t.data[(y * r.width + x) * 3 + c];
            if (out[o] >= 0 && out[o] !== v) conflicts++;
            out[o] = v;
          }
    }
  expect(conflicts).toBe(0);
  expect(out.every((v) => v >= 0)).toBe(true);
  return { width: L.width, height: L.height, data: Uint8Array.from(out) };
}

function randomImage(W: number, H: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  return Uint8Array.from({ length: W * H * 3 }, () => Math.floor(rng.uniform() * 256));
}

describe("DZI geometry", () => {
  it("level count = ceil(log2(max(w, h))) + 1; level maxLevel is the image, level 0 is 1 × 1, sizes halve with ceiling", () => {
    for (const [w, h, n] of [
      [1, 1, 1],
      [2, 1, 2],
      [3, 3, 3],
      [512, 512, 10],
      [513, 512, 11],
      [1000, 700, 11],
      [20000, 20000, 16],
    ])
      expect(dziGeometry(w, h).maxLevel + 1).toBe(n);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200_000 }), fc.integer({ min: 1, max: 200_000 }), (w, h) => {
        const g = dziGeometry(w, h);
        expect(g.maxLevel + 1).toBe(ceilLog2(Math.max(w, h)) + 1);
        const top = levelInfo(g, g.maxLevel);
        expect([top?.width, top?.height]).toEqual([w, h]);
        const bottom = levelInfo(g, 0);
        expect([bottom?.width, bottom?.height]).toEqual([1, 1]);
        for (let L = g.maxLevel; L > 0; L--) {
          const a = levelInfo(g, L);
          const b = levelInfo(g, L - 1);
          expect(b?.width).toBe(Math.ceil((a?.width ?? 0) / 2));
          expect(b?.height).toBe(Math.ceil((a?.height ?? 0) / 2));
        }
        expect(levelInfo(g, g.maxLevel + 1)).toBeNull();
        expect(levelInfo(g, -1)).toBeNull();
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("tile rectangles at the edges (1000 × 700, 256 px, overlap 1), written out from the DZI rules", () => {
    const g = dziGeometry(1000, 700, 256, 1);
    expect(levelInfo(g, 10)).toMatchObject({ width: 1000, height: 700, cols: 4, rows: 3, factor: 1 });
    expect(tileRect(g, 10, 0, 0)).toEqual({ x: 0, y: 0, width: 257, height: 257 });
    expect(tileRect(g, 10, 1, 0)).toEqual({ x: 255, y: 0, width: 258, height: 257 });
    expect(tileRect(g, 10, 3, 0)).toEqual({ x: 767, y: 0, width: 233, height: 257 });
    expect(tileRect(g, 10, 3, 2)).toEqual({ x: 767, y: 511, width: 233, height: 189 });
    expect(tileRect(g, 10, 4, 0)).toBeNull();
    expect(tileRect(g, 10, 0, 3)).toBeNull();
    expect(levelInfo(g, 9)).toMatchObject({ width: 500, height: 350, cols: 2, rows: 2, factor: 2 });
    expect(tileRect(g, 9, 1, 1)).toEqual({ x: 255, y: 255, width: 245, height: 95 });
    expect(tileRect(g, 0, 0, 0)).toEqual({ x: 0, y: 0, width: 1, height: 1 });
    const g0 = dziGeometry(1000, 700, 256, 0);
    expect(tileRect(g0, 10, 3, 2)).toEqual({ x: 768, y: 512, width: 232, height: 188 });
  });

  it("tile cores (overlap removed) partition every level; each tile reaches `overlap` px past its core where the level allows", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(64, 128, 254, 256, 512),
        fc.integer({ min: 0, max: 2 }),
        (w, h, T, O) => {
          const g = dziGeometry(w, h, T, O);
          for (let L = 0; L <= g.maxLevel; L++) {
            const info = levelInfo(g, L);
            if (!info) return false;
            let area = 0;
            for (let r = 0; r < info.rows; r++)
              for (let c = 0; c < info.cols; c++) {
                const t = tileRect(g, L, c, r);
                if (!t) return false;
                const cx0 = c * T;
                const cy0 = r * T;
                const cx1 = Math.min(info.width, cx0 + T);
                const cy1 = Math.min(info.height, cy0 + T);
                area += (cx1 - cx0) * (cy1 - cy0);
                if (
                  t.x !== Math.max(0, cx0 - (c > 0 ? O : 0)) ||
                  t.y !== Math.max(0, cy0 - (r > 0 ? O : 0)) ||
                  t.x + t.width !== Math.min(info.width, cx1 + O) ||
                  t.y + t.height !== Math.min(info.height, cy1 + O)
                )
                  return false;
              }
            if (area !== info.width * info.height) return false;
          }
          return true;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("the .dzi descriptor carries format, overlap, tile size and the full-resolution size", () => {
    const xml = dziXml(dziGeometry(1000, 700), "jpeg");
    expect(xml).toMatch(
      /<Image xmlns="http:\/\/schemas.microsoft.com\/deepzoom\/2008" Format="jpeg" Overlap="1" TileSize="256">/,
    );
    expect(xml).toMatch(/<Size Width="1000" Height="700"\/>/);
  });
});

describe("DZI tile pixels", () => {
  it("every level assembled from its tiles equals a direct box-mean downsample of the source (exact)", async () => {
    const W = 300;
    const H = 190;
    const rgb = randomImage(W, H, 7);
    const src = memoryPyramid(W, H, rgb);
    const g = dziGeometry(W, H, 64, 1); // small tiles: many seams and partial edge tiles
    for (let L = g.maxLevel; L >= 0; L--) {
      const f = 2 ** (g.maxLevel - L);
      const got = await assembleLevel(src, 64, 1, L);
      const ref = boxMean(rgb, W, H, f);
      expect([got.width, got.height]).toEqual([ref.w, ref.h]);
      expect(Buffer.from(got.data).equals(Buffer.from(ref.data))).toBe(true);
    }
  });

  it("an analytic gradient (R = x, G = y): box means are 4i + 1.5 → 4i + 2, the partial last box its own mean", async () => {
    const W = 255;
    const H = 9;
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) rgb.set([x, y * 10, 77], (y * W + x) * 3);
    const src = memoryPyramid(W, H, rgb);
    const g = dziGeometry(W, H, 256, 0);
    const t = await renderTile(src, g, g.maxLevel - 2, 0, 0); // f = 4
    expect([t?.width, t?.height]).toEqual([64, 3]);
    for (let i = 0; i < 63; i++) expect(t?.data[i * 3]).toBe(4 * i + 2);
    expect(t?.data[63 * 3]).toBe(253); // boxes 252, 253, 254
    expect(t?.data[1]).toBe(15); // y 0–3 → 10·1.5
    expect(t?.data[64 * 3 + 1]).toBe(55); // y 4–7 → 10·5.5
    expect(t?.data[2 * 64 * 3 + 1]).toBe(80); // the partial last box: y 8 only
  });

  it("matches Pillow's Image.reduce on a real IHC image at every level (≤ 1 grey level)", async () => {
    const ihc = decodePngRgb(readFileSync(join(REF, "histology", "ihc.png")));
    const W = 300;
    const H = 190;
    const rgb = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++)
      rgb.set(ihc.rgb.subarray(y * ihc.width * 3, (y * ihc.width + W) * 3), y * W * 3);
    const meta = JSON.parse(readFileSync(join(REF, "deepzoom", "reference.json"), "utf8")) as {
      levels: { factor: number; width: number; height: number }[];
    };
    const src = memoryPyramid(W, H, rgb);
    const g = dziGeometry(W, H);
    let maxDiff = 0;
    let differing = 0;
    let samples = 0;
    for (const lv of meta.levels) {
      const ref = decodePngRgb(readFileSync(join(REF, "deepzoom", `reduce_${lv.factor}.png`)));
      const got = await assembleLevel(src, 256, 1, g.maxLevel - Math.log2(lv.factor));
      expect([got.width, got.height]).toEqual([ref.width, ref.height]);
      for (let i = 0; i < got.data.length; i++) {
        const d = Math.abs(got.data[i] - ref.rgb[i]);
        maxDiff = Math.max(maxDiff, d);
        if (d) differing++;
        samples++;
      }
    }
    // measured: max |Δ| 1, 9 of 57,222 samples differ (Pillow's fixed-point rounding of halves)
    expect(maxDiff).toBeLessThanOrEqual(1);
    expect(samples).toBe(57_222);
    expect(differing).toBeLessThanOrEqual(20);
  });

  it("pyramidal TIFF: reduced levels are read from the matching pyramid image, not from level 0", async () => {
    const W = 600;
    const H = 400;
    const base = randomImage(W, H, 11);
    // level 1 of the file deliberately not a downsample of level 0, so the source of each tile is visible
    const l1w = W / 2;
    const l1h = H / 2;
    const l1 = randomImage(l1w, l1h, 12);
    const path = join(dir, "pyr.tif");
    const w = new TiledTiffWriter(path, false);
    for (const [lw, lh, data, reduced] of [
      [W, H, base, false],
      [l1w, l1h, l1, true],
    ] as const) {
      w.beginImage({
        width: lw,
        height: lh,
        tileWidth: 128,
        tileHeight: 128,
        samples: 3,
        format: "uint8",
        reduced,
      });
      for (let ty = 0; ty < Math.ceil(lh / 128); ty++)
        for (let tx = 0; tx < Math.ceil(lw / 128); tx++) {
          const cw = Math.min(128, lw - tx * 128);
          const ch = Math.min(128, lh - ty * 128);
          const t = new Uint8Array(cw * ch * 3);
          for (let y = 0; y < ch; y++)
            t.set(
              data.subarray(((ty * 128 + y) * lw + tx * 128) * 3, ((ty * 128 + y) * lw + tx * 128 + cw) * 3),
              y * cw * 3,
            );
          w.writeTile(tx, ty, t, cw, ch);
        }
      w.endImage();
    }
    w.close();
    const src = await openPyramid(path);
    try {
      expect(src.levels).toEqual([
        { width: W, height: H },
        { width: l1w, height: l1h },
      ]);
      const g = dziGeometry(W, H);
      const full = await assembleLevel(src, 256, 1, g.maxLevel);
      expect(Buffer.from(full.data).equals(Buffer.from(base))).toBe(true);
      for (const f of [2, 4, 8]) {
        const got = await assembleLevel(src, 256, 1, g.maxLevel - Math.log2(f));
        const ref = boxMean(l1, l1w, l1h, f / 2);
        expect(Buffer.from(got.data).equals(Buffer.from(ref.data))).toBe(true);
      }
    } finally {
      await src.close();
    }
  });

  it("a level-0 tile of a 5000 × 3000 slide is read in windows of at most 2048² px (bounded memory)", async () => {
    const W = 5000;
    const H = 3000;
    let maxWindow = 0;
    let pixels = 0;
    const src: PyramidSource = {
      width: W,
      height: H,
      levels: [{ width: W, height: H }],
      async read(_l, x, _y, w, h) {
        maxWindow = Math.max(maxWindow, w * h);
        pixels += w * h;
        const row = new Uint8Array(w * 3);
        for (let i = 0; i < w; i++) {
          row[i * 3] = (x + i) % 2 ? 255 : 0;
          row[i * 3 + 2] = 255;
        }
        const out = new Uint8Array(w * h * 3);
        for (let j = 0; j < h; j++) out.set(row, j * w * 3);
        return out;
      },
      async close() {},
    };
    const g = dziGeometry(W, H);
    const t = await renderTile(src, g, 0, 0, 0);
    expect(maxWindow).toBeLessThanOrEqual(2048 * 2048);
    expect(pixels).toBe(W * H);
    expect(Array.from(t?.data ?? [])).toEqual([128, 0, 255]); // mean 127.5 rounds up
  });
});

describe("overlay tiles", () => {
  it("alpha = 255 × painted fraction of the box, colour = the painted colour; unpainted boxes transparent", async () => {
    const W = 8;
    const H = 4;
    const rgb = new Uint8Array(W * H * 3).fill(200); // faded section
    const paint = (x: number, y: number, c: number[]) => rgb.set(c, (y * W + x) * 3);
    paint(0, 0, [0, 190, 0]); // box (0,0) of f = 2: 1 of 4 painted
    paint(2, 0, [0, 190, 0]);
    paint(3, 1, [0, 190, 0]); // box (1,0): 2 of 4
    for (const [x, y] of [
      [4, 2],
      [5, 2],
      [4, 3],
      [5, 3],
    ])
      paint(x, y, [230, 0, 0]); // box (2,1): all 4, red
    const g = dziGeometry(W, H, 256, 0);
    const t = await renderTile(memoryPyramid(W, H, rgb), g, g.maxLevel - 1, 0, 0, "overlay");
    expect(t?.channels).toBe(4);
    const px = (x: number, y: number) =>
      Array.from(t?.data.subarray((y * 4 + x) * 4, (y * 4 + x) * 4 + 4) ?? []);
    expect(px(0, 0)).toEqual([0, 190, 0, 64]); // 255/4 = 63.75
    expect(px(1, 0)).toEqual([0, 190, 0, 128]); // 127.5
    expect(px(2, 1)).toEqual([230, 0, 0, 255]);
    expect(px(3, 0)).toEqual([0, 0, 0, 0]);
    expect(px(0, 1)).toEqual([0, 0, 0, 0]);
  });
});

describe("DeepZoomTiler (files, encoding, range, cache)", () => {
  const W = 300;
  const H = 190;
  const rgb = randomImage(W, H, 21);
  const png = join(dir, "slide.png");
  writeFileSync(png, encodePng({ width: W, height: H, data: rgb, channels: 3, depth: 8 }));

  it("PNG tiles decode to the box-mean pixels exactly; JPEG tiles within JPEG error; .dzi from the file", async () => {
    const tiler = new DeepZoomTiler();
    expect(await tiler.descriptor(png, "jpeg")).toMatch(
      /Format="jpeg" Overlap="1" TileSize="256"><Size Width="300" Height="190"/,
    );
    const g = dziGeometry(W, H);
    const ref = boxMean(rgb, W, H, 2);
    const bytes = await tiler.tile(png, g.maxLevel - 1, 0, 0, "png");
    const d = decodePng(bytes as Uint8Array);
    expect([d.width, d.height, d.channels]).toEqual([150, 95, 3]);
    expect(Buffer.from(d.data as Uint8Array).equals(Buffer.from(ref.data))).toBe(true);
    // a smooth image for JPEG (random noise is JPEG's worst case)
    const smooth = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) smooth.set([x % 256, (2 * y) % 256, 128], (y * W + x) * 3);
    const sp = join(dir, "smooth.png");
    writeFileSync(sp, encodePng({ width: W, height: H, data: smooth, channels: 3, depth: 8 }));
    const j = jpeg.decode(Buffer.from((await tiler.tile(sp, g.maxLevel, 1, 0, "jpeg")) as Uint8Array), {
      useTArray: true,
      formatAsRGBA: false,
    });
    const r = tileRect(g, g.maxLevel, 1, 0);
    expect([j.width, j.height]).toEqual([r?.width, r?.height]);
    let err = 0;
    for (let y = 0; y < j.height; y++)
      for (let x = 0; x < j.width; x++)
        for (let c = 0; c < 3; c++)
          err += Math.abs(j.data[(y * j.width + x) * 3 + c] - smooth[(y * W + (r?.x ?? 0) + x) * 3 + c]);
    expect(err / (j.width * j.height * 3)).toBeLessThan(2.5);
  });

  it("out-of-range level, column or row → null; the cache serves repeats and notices a rewritten file", async () => {
    const tiler = new DeepZoomTiler();
    const g = dziGeometry(W, H);
    expect(await tiler.tile(png, g.maxLevel + 1, 0, 0, "png")).toBeNull();
    expect(await tiler.tile(png, g.maxLevel, 2, 0, "png")).toBeNull();
    expect(await tiler.tile(png, g.maxLevel, 0, 1, "png")).toBeNull();
    expect(await tiler.tile(png, -1, 0, 0, "png")).toBeNull();
    const a = await tiler.tile(png, 3, 0, 0, "png");
    const n = tiler.cachedTiles;
    expect(await tiler.tile(png, 3, 0, 0, "png")).toBe(a);
    expect(tiler.cachedTiles).toBe(n);
    const other = join(dir, "rewritten.png");
    writeFileSync(
      other,
      encodePng({ width: 4, height: 4, data: new Uint8Array(48).fill(10), channels: 3, depth: 8 }),
    );
    const first = decodePng((await tiler.tile(other, 2, 0, 0, "png")) as Uint8Array);
    writeFileSync(
      other,
      encodePng({ width: 4, height: 4, data: new Uint8Array(48).fill(90), channels: 3, depth: 8 }),
    );
    utimesSync(other, new Date(), new Date(Date.now() + 5000));
    const second = decodePng((await tiler.tile(other, 2, 0, 0, "png")) as Uint8Array);
    expect([first.data[0], second.data[0]]).toEqual([10, 90]);
  });
});
