/**
 * Segmentation against scikit-image / scipy on the same real tile (skimage_reference.json,
 * from skimage_reference.py on ihc.png, Fiji-convention DAB OD computed in numpy):
 * Otsu / triangle thresholds (1e-9), 8-connected component counts (exact), morphology pixel
 * counts with skimage's border convention (exact), Euclidean distance transform (1e-9).
 * Seam-aware labelling: property test that tiling never changes the components.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { labelMask, SeamComponents } from "../../../src/core/histology/components.js";
import { distanceToMask } from "../../../src/core/histology/distanceTransform.js";
import { fromArray, otsuThreshold, triangleThreshold } from "../../../src/core/histology/distribution.js";
import { dilate, erode, open } from "../../../src/core/histology/morphology.js";
import { stainAmountTile, unmixingCoefficients } from "../../../src/core/histology/opticalDensity.js";
import { presetStainSet } from "../../../src/core/histology/stainVectors.js";
import { decodePngRgb } from "../../../src/io/histology/rasterSource.js";
import { REF } from "../../helpers/cli.js";

const sk = JSON.parse(readFileSync(`${REF}/histology/skimage_reference.json`, "utf8"));
const ihc = decodePngRgb(readFileSync(`${REF}/histology/ihc.png`));
const W = 512;
const H = 512;
const dab = stainAmountTile(
  { x0: 0, y0: 0, width: W, height: H, data: ihc.rgb },
  unmixingCoefficients(presetStainSet("hdab"))[1],
);
const dist = fromArray(dab);
const tOtsu = otsuThreshold(dist);
const mask = Uint8Array.from(dab, (v) => (v > tOtsu ? 1 : 0));
const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

describe("thresholds vs skimage.filters", () => {
  it("Otsu and triangle of the DAB OD image (nbins 256), 1e-9", () => {
    expect(Math.abs(tOtsu - sk.dab_fiji.otsu)).toBeLessThan(1e-9);
    expect(Math.abs(triangleThreshold(dist) - sk.dab_fiji.triangle)).toBeLessThan(1e-9);
  });
  it("Otsu and triangle of the uint8 red channel (integer histogram), exact", () => {
    const red = fromArray(Array.from({ length: W * H }, (_, i) => ihc.rgb[i * 3]));
    expect(otsuThreshold(red, 256, true)).toBe(sk.red_uint8.otsu);
    expect(triangleThreshold(red, 256, true)).toBe(sk.red_uint8.triangle);
  });
  it("the DAB mean equals numpy's (1e-12)", () => {
    expect(Math.abs(dab.reduce((s, v) => s + v, 0) / dab.length - sk.dab_fiji.mean)).toBeLessThan(1e-12);
  });
});

describe("components and morphology vs skimage.measure / skimage.morphology", () => {
  it("mask pixels, 8-connected components, components ≥ 10 px, largest", () => {
    expect(count(mask)).toBe(sk.dab_fiji.mask_pixels);
    const { labels, count: n } = labelMask(mask, W, H);
    expect(n).toBe(sk.dab_fiji.components_8);
    const areas = new Array(n + 1).fill(0);
    for (const l of labels) areas[l]++;
    areas[0] = 0;
    expect(Math.max(...areas)).toBe(sk.dab_fiji.largest_component_px);
    expect(areas.filter((a) => a >= 10).length).toBe(sk.dab_fiji.components_ge10px);
  });
  it("binary erosion / dilation / opening with square(3), skimage border convention", () => {
    expect(count(erode(mask, W, H, 1))).toBe(sk.dab_fiji.eroded_3x3_pixels);
    expect(count(dilate(mask, W, H, 1))).toBe(sk.dab_fiji.dilated_3x3_pixels);
    const o = open(mask, W, H, 1);
    expect(count(o)).toBe(sk.dab_fiji.opened_3x3_pixels);
    expect(labelMask(o, W, H).count).toBe(sk.dab_fiji.opened_3x3_components_8);
  });
});

describe("distance transform vs scipy.ndimage.distance_transform_edt", () => {
  const d = distanceToMask(mask, W, H);
  it("mean, max, sum (1e-6 relative) and sampled pixels (1e-12)", () => {
    const ref = sk.dab_fiji.edt_to_mask;
    let s = 0;
    let mx = 0;
    for (const v of d) {
      s += v;
      mx = Math.max(mx, v);
    }
    expect(Math.abs(s - ref.sum) / ref.sum).toBeLessThan(1e-9);
    expect(mx).toBeCloseTo(ref.max, 12);
    for (const [x, y, v] of ref.samples) expect(d[y * W + x]).toBeCloseTo(v, 12);
  });
  it("property: equals brute-force nearest-feature distance on random masks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (w, h, bits) => {
          const m = Uint8Array.from({ length: w * h }, (_, i) => (bits[i] && i % 3 === 0 ? 1 : 0));
          const got = distanceToMask(m, w, h);
          for (let y = 0; y < h; y++)
            for (let x = 0; x < w; x++) {
              let best = Number.POSITIVE_INFINITY;
              for (let j = 0; j < h; j++)
                for (let i = 0; i < w; i++) if (m[j * w + i]) best = Math.min(best, Math.hypot(i - x, j - y));
              expect(got[y * w + x]).toBeCloseTo(best, 10);
            }
        },
      ),
      { numRuns: 100 },
    );
  });
});

function tiledComponents(m: Uint8Array, w: number, h: number, tw: number, th: number) {
  const s = new SeamComponents(w);
  for (let y0 = 0; y0 < h; y0 += th)
    for (let x0 = 0; x0 < w; x0 += tw) {
      const cw = Math.min(tw, w - x0);
      const ch = Math.min(th, h - y0);
      const d = new Uint8Array(cw * ch);
      for (let y = 0; y < ch; y++) d.set(m.subarray((y + y0) * w + x0, (y + y0) * w + x0 + cw), y * cw);
      s.addTile({ x0, y0, width: cw, height: ch, data: d });
    }
  return s.components();
}

describe("seam-aware connected components", () => {
  it("the real tile in 7 × 9-pixel-odd tiles gives skimage's components and areas", () => {
    const comps = tiledComponents(mask, W, H, 77, 61);
    expect(comps.length).toBe(sk.dab_fiji.components_8);
    expect(Math.max(...comps.map((c) => c.area))).toBe(sk.dab_fiji.largest_component_px);
  });
  it("a diagonal chain through a tile corner is one component", () => {
    // pixels (3,3) and (4,4) touch only diagonally, across the corner of 4 tiles of 4×4
    const m = new Uint8Array(64);
    m[3 * 8 + 3] = 1;
    m[4 * 8 + 4] = 1;
    m[2 * 8 + 5] = 1; // (5,2): no set neighbour, a separate component
    const c = tiledComponents(m, 8, 8, 4, 4);
    expect(c.length).toBe(2);
    expect(c.map((x) => x.area).sort()).toEqual([1, 2]);
  });
  it("property: any tiling gives the same components (areas, centroids) as the whole image", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 2, max: 30 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 900, maxLength: 900 }),
        fc.integer({ min: 20, max: 70 }),
        (w, h, tw, th, noise, p) => {
          const m = Uint8Array.from({ length: w * h }, (_, i) => (noise[i] < p ? 1 : 0));
          const key = (cs: ReturnType<typeof tiledComponents>) =>
            cs.map((c) => `${c.area}:${c.cx.toFixed(6)}:${c.cy.toFixed(6)}:${c.minX}:${c.maxY}`).sort();
          expect(key(tiledComponents(m, w, h, tw, th))).toEqual(key(tiledComponents(m, w, h, w, h)));
          expect(tiledComponents(m, w, h, tw, th).length).toBe(labelMask(m, w, h).count);
        },
      ),
      { numRuns: 200 },
    );
  });
});
