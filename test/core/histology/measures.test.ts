/**
 * MVD / hotspot, area fractions, HER2 bins, penetration profiles, heterogeneity indices and
 * Macenko estimation against analytic values (known numbers of vessels and areas, known
 * profiles, closed-form Gini) and numpy's percentile definition.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ColourHistogram } from "../../../src/core/histology/colourHistogram.js";
import { labelMask, SeamComponents } from "../../../src/core/histology/components.js";
import { distanceToMask } from "../../../src/core/histology/distanceTransform.js";
import {
  coefficientOfVariation,
  entropyBits,
  fromArray,
  gini,
  percentile,
} from "../../../src/core/histology/distribution.js";
import { hotspotCount, microvesselDensity } from "../../../src/core/histology/hotspot.js";
import { macenkoVectors, symmetricEigen3 } from "../../../src/core/histology/macenko.js";
import { renderRgb } from "../../../src/core/histology/opticalDensity.js";
import { PenetrationAccumulator } from "../../../src/core/histology/penetration.js";
import { her2Bins } from "../../../src/core/histology/scoring.js";
import { presetStainSet } from "../../../src/core/histology/stainVectors.js";
import { renderSlide } from "./synth.js";

describe("distribution statistics", () => {
  it("numpy percentile (linear): [1,2,3,4] → p50 2.5, p25 1.75; weighted = expanded", () => {
    const d = fromArray([4, 1, 3, 2]);
    expect(percentile(d, 50)).toBe(2.5);
    expect(percentile(d, 25)).toBe(1.75);
    expect(percentile(fromArray([1, 1, 1, 5]), 90)).toBeCloseTo(3.8, 12);
  });
  it("Gini: equal values 0; one holder of everything (n=4) (n−1)/n = 0.75; [1,2,3,4] = 0.25", () => {
    expect(gini(fromArray([2, 2, 2]))).toBe(0);
    expect(gini(fromArray([0, 0, 0, 8]))).toBeCloseTo(0.75, 14);
    // mean abs difference of 1..4 = 20/16 = 1.25; G = 1.25 / (2·2.5) = 0.25
    expect(gini(fromArray([1, 2, 3, 4]))).toBeCloseTo(0.25, 14);
  });
  it("property: Gini equals the double-sum definition", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 40 }), (xs) => {
        fc.pre(xs.some((x) => x > 0));
        const mu = xs.reduce((s, x) => s + x, 0) / xs.length;
        let s = 0;
        for (const a of xs) for (const b of xs) s += Math.abs(a - b);
        expect(gini(fromArray(xs))).toBeCloseTo(s / (2 * xs.length ** 2 * mu), 12);
      }),
    );
  });
  it("CoV = population SD / mean; entropy of 2 equal halves = 1 bit", () => {
    expect(coefficientOfVariation(fromArray([1, 3]))).toBeCloseTo(0.5, 14);
    expect(entropyBits(fromArray([0, 0, 1, 1]))).toBeCloseTo(1, 14);
  });
});

describe("MVD and hotspot", () => {
  it("known vessels on a synthetic CD31 image: count, area fraction, min-area rejection", () => {
    const set = presetStainSet("hdab");
    const W = 400;
    const H = 300;
    const disks = [
      { cx: 50, cy: 50, r: 6, a: 0.8 },
      { cx: 150, cy: 80, r: 4, a: 0.8 },
      { cx: 300, cy: 200, r: 8, a: 0.8 },
      { cx: 350, cy: 60, r: 5, a: 0.8 },
    ];
    const specks = [
      { cx: 100, cy: 250, r: 1, a: 0.8 },
      { cx: 220, cy: 150, r: 1, a: 0.8 },
    ];
    const rgb = renderSlide(set, W, H, { bg: 0.15, disks: [...disks, ...specks] });
    const mask = new Uint8Array(W * H);
    const bg = renderRgb(set, [0.15, 0, 0]);
    for (let i = 0; i < W * H; i++) {
      const [r, g, b] = [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]];
      mask[i] = r === bg[0] && g === bg[1] && b === bg[2] ? 0 : 1;
    }
    const s = new SeamComponents(W);
    s.addTile({ x0: 0, y0: 0, width: W, height: H, data: mask });
    const comps = s.components();
    expect(comps.length).toBe(6);
    const umPerPx = 0.5; // specks: 5 px = 1.25 µm² < 10 µm²; disk r=4: 49 px = 12.25 µm²
    const res = microvesselDensity(comps, { width: W, height: H, umPerPx, minAreaUm2: 10, fieldMm2: 0.01 });
    expect(res.vessels).toBe(4);
    expect(res.rejected_small).toBe(2);
    const area = W * H * (umPerPx / 1000) ** 2;
    expect(res.area_mm2).toBeCloseTo(area, 15);
    expect(res.mvd_per_mm2).toBeCloseTo(4 / area, 9);
    const vesselPx = comps.filter((c) => c.area * 0.25 >= 10).reduce((a, c) => a + c.area, 0);
    expect(res.vessel_area_fraction).toBeCloseTo(vesselPx / (W * H), 15);
    // field 0.01 mm² = 200×200 px at 0.5 µm/px; the densest holds 2 vessels → 200 /mm²
    expect(res.hotspot_status).toBe("ok");
    expect(res.hotspot_vessels).toBe(2);
    expect(res.hotspot_mvd_per_mm2).toBeCloseTo(200, 9);
  });

  it("hotspot: analytic grid of centroids", () => {
    // 10 points clustered in [0,100)², 1 point far away; field 100 px, image 1000²
    const pts: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => [10 + i * 8, 20 + i * 5]);
    pts.push([900, 900]);
    expect(hotspotCount(pts, 1000, 1000, 100).count).toBe(10);
    expect(hotspotCount(pts, 80, 80, 100).whole).toBe(true);
  });
});

describe("HER2 bins", () => {
  it("fractions, H-score and score from known OD values", () => {
    // 50 % at 0.1 (0), 20 % at 0.3 (1+), 20 % at 0.5 (2+), 10 % at 0.7 (3+)
    const vals = [
      ...Array(50).fill(0.1),
      ...Array(20).fill(0.3),
      ...Array(20).fill(0.5),
      ...Array(10).fill(0.7),
    ];
    const r = her2Bins(fromArray(vals));
    expect([r.fraction_0, r.fraction_1plus, r.fraction_2plus, r.fraction_3plus]).toEqual([
      0.5, 0.2, 0.2, 0.1,
    ]);
    expect(r.h_score).toBeCloseTo(100 * (0.2 + 0.4 + 0.3), 12);
    expect(r.score).toBe("3+");
    expect(her2Bins(fromArray([...Array(95).fill(0.1), ...Array(5).fill(0.7)])).score).toBe("0");
    expect(her2Bins(fromArray([...Array(85).fill(0.1), ...Array(15).fill(0.5)])).score).toBe("2+");
  });
});

describe("penetration profile", () => {
  it("exponential decay from a vessel line: D1/e ≈ λ and D50 ≈ λ·ln2 (within a bin)", () => {
    const W = 400;
    const H = 50;
    const lambda = 40;
    const vessel = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) vessel[y * W] = 1; // vessel along x = 0
    const d = distanceToMask(vessel, W, H);
    const signal = Float64Array.from(d, (x) => 100 * Math.exp(-x / lambda));
    const acc = new PenetrationAccumulator(1, 300, 50);
    acc.add(d, signal);
    const r = acc.result();
    // bin k holds distance k (integer), centre k + 0.5: profile(k+0.5) = 100·e^(−k/λ)
    expect(r.depth_1e_um).not.toBeNull();
    expect(Math.abs((r.depth_1e_um as number) - (lambda + 1.5))).toBeLessThan(0.1);
    expect(Math.abs((r.depth50_um as number) - (lambda * Math.LN2 + 1.5))).toBeLessThan(0.1);
    // rim (1..50) / core (51..299) means, analytic sums
    let rs = 0;
    let cs = 0;
    for (let x = 1; x <= 50; x++) rs += 100 * Math.exp(-x / lambda);
    for (let x = 51; x < W; x++) cs += 100 * Math.exp(-x / lambda);
    expect(r.rim_core_ratio).toBeCloseTo(rs / 50 / (cs / (W - 51)), 9);
    expect(r.beyond_pixels).toBe((W - 300) * H);
  });
  it("flat signal: no depth, status says so", () => {
    const acc = new PenetrationAccumulator(10, 100, 20);
    acc.add([5, 15, 25], [1, 1, 1]);
    expect(acc.result().depth50_um).toBeNull();
    expect(acc.result().status).toMatch(/does not fall/);
  });
});

describe("Macenko estimation", () => {
  it("symmetric 3×3 eigen-decomposition: A v = λ v", () => {
    const A = [
      [4, 1, 0.5],
      [1, 3, 0.2],
      [0.5, 0.2, 1],
    ];
    const { values, vectors } = symmetricEigen3(A);
    for (let k = 0; k < 3; k++)
      for (let i = 0; i < 3; i++)
        expect(A[i][0] * vectors[k][0] + A[i][1] * vectors[k][1] + A[i][2] * vectors[k][2]).toBeCloseTo(
          values[k] * vectors[k][i],
          10,
        );
  });
  it("recovers the H&E vectors of a synthetic image within 2°", () => {
    const set = presetStainSet("he");
    const h = new ColourHistogram();
    const n = 4000;
    const rgb = new Uint8Array(n * 3);
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < n; i++) {
      // pure and mixed pixels; amounts 0.2–1.2
      const kind = i % 3;
      const a = kind === 1 ? 0 : 0.2 + rnd();
      const b = kind === 0 ? 0 : 0.2 + rnd();
      rgb.set(renderRgb(set, [a, b, 0]), i * 3);
    }
    h.addTile({ x0: 0, y0: 0, width: n, height: 1, data: rgb });
    const r = macenkoVectors(h, { beta: 0.05 });
    const ang = (u: number[], v: number[]) =>
      (Math.acos(Math.min(1, u[0] * v[0] + u[1] * v[1] + u[2] * v[2])) * 180) / Math.PI;
    expect(ang(r.vectors[0], set.vectors[0])).toBeLessThan(2);
    expect(ang(r.vectors[1], set.vectors[1])).toBeLessThan(2);
  });
});

describe("label sanity", () => {
  it("4 isolated pixels → 4 components; an L-shape → 1", () => {
    const m = Uint8Array.from([1, 0, 1, 0, 0, 0, 1, 0, 1]);
    expect(labelMask(m, 3, 3).count).toBe(4);
    expect(labelMask(Uint8Array.from([1, 0, 0, 1, 0, 0, 1, 1, 1]), 3, 3).count).toBe(1);
  });
});
