/**
 * CEUS cine → time–intensity curve. References are analytic: the cine is rendered here from a
 * known log-normal TIC (SCIENCE.md §12) through this file's own scanner model
 * D = Dmax·(10·log10 I + G)/DR, so inversion + ROI mean + baseline must return the TIC itself
 * and the log-normal fit its AUC and MTT = e^{μ+σ²/2} (noise-free: within 1 %; observed
 * ≤ 1e-15). Motion frames (the image shifted by 5 px) must be exactly the rejected frames and
 * the fit with rejection within 2 % of the motion-free fit (observed ≤ 1e-15), while without
 * rejection it is off by more than 2 % (observed: AUC +5.4 %, MTT 3.8 %; so the test can fail). Property tests (fast-check, seed 42): the inversion is
 * the exact inverse of the display map inside the range; a static cine rejects nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { Rng } from "../../../src/core/random.js";
import { fitBolus } from "../../../src/core/ultrasound/ceus.js";
import { cineTimeIntensity } from "../../../src/core/ultrasound/cine.js";
import { lineariser, lineariseValue, logCompress } from "../../../src/core/ultrasound/cineLinearise.js";
import { frameCorrelations, rejectFrames } from "../../../src/core/ultrasound/cineRejection.js";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const AUC = 300;
const SIGMA = 0.5;
const MTT = 8;
const MU = Math.log(MTT) - 0.5 * SIGMA * SIGMA;
const T0 = 2;
const TTP = T0 + Math.exp(MU - SIGMA * SIGMA);
const PEAK = (AUC / (SQRT_2PI * SIGMA)) * Math.exp(0.5 * SIGMA * SIGMA - MU);
const tic = (t: number) => {
  const tau = t - T0;
  if (!(tau > 0)) return 0;
  const z = (Math.log(tau) - MU) / SIGMA;
  return (AUC / (SQRT_2PI * SIGMA * tau)) * Math.exp(-0.5 * z * z);
};
const DR = 50;
const G = 5;
/** the scanner's display map, written independently of core/ultrasound/cineLinearise.ts */
const display = (I: number) => Math.min(255, Math.max(0, (255 * (10 * Math.log10(I) + G)) / DR));

const N = 24;
const TIMES = Array.from({ length: 121 }, (_, i) => 0.5 * i);

/** 24 × 24 × 1 cine: static texture τ + TIC inside a disc (radius 7 px); motion: frame → shift */
function renderCine(motion: Map<number, [number, number]> = new Map()) {
  const rng = new Rng(11);
  const texture = Float64Array.from({ length: N * N }, () => rng.logNormal(1, 0.3));
  const labels = new Uint8Array(N * N);
  const c = (N - 1) / 2;
  for (let j = 0; j < N; j++)
    for (let i = 0; i < N; i++) labels[i + N * j] = Math.hypot(i - c, j - c) <= 7 ? 1 : 0;
  const data = new Float64Array(N * N * TIMES.length);
  TIMES.forEach((t, f) => {
    const [dx, dy] = motion.get(f) ?? [0, 0];
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) {
        const si = Math.min(N - 1, Math.max(0, i - dx));
        const sj = Math.min(N - 1, Math.max(0, j - dy));
        const u = si + N * sj;
        const I = texture[u] + tic(t) * (labels[u] ? 1 : 0.2);
        data[f * N * N + i + N * j] = display(I);
      }
  });
  return { grid: { dims: [N, N, 1] as [number, number, number], nFrames: TIMES.length, data }, labels };
}

function fitOf(times: Float64Array, y: Float64Array) {
  const keep = [...y.keys()].filter((i) => Number.isFinite(y[i]));
  return fitBolus(
    "lognormal",
    keep.map((i) => times[i]),
    keep.map((i) => y[i]),
  );
}

const LC = { dynamicRangeDb: DR, gainDb: G };

describe("log-compression inversion", () => {
  it("I = 10^((DR·D/Dmax − G)/10): display max ↔ 10^((DR − G)/10), 0 ↔ 10^(−G/10); amplitude /20", () => {
    expect(lineariseValue(255, LC)).toBeCloseTo(10 ** 4.5, 6);
    expect(lineariseValue(0, LC)).toBeCloseTo(10 ** -0.5, 12);
    expect(lineariseValue(127.5, { dynamicRangeDb: 60, quantity: "amplitude" })).toBeCloseTo(10 ** 1.5, 9);
    expect(lineariseValue(100, { dynamicRangeDb: 40, displayMax: 100 })).toBeCloseTo(1e4, 6);
  });
  it("is the exact inverse of the display map inside the range (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 254, noNaN: true }),
        fc.double({ min: 10, max: 90, noNaN: true }),
        fc.double({ min: -20, max: 20, noNaN: true }),
        (d, dr, g) => {
          const c = { dynamicRangeDb: dr, gainDb: g };
          const f = lineariser(c);
          expect(rel(logCompress(f(d), c), d)).toBeLessThan(1e-12);
          expect(rel(f(d), lineariseValue(d, c))).toBeLessThan(1e-12);
          expect(f(d + 0.5)).toBeGreaterThan(f(d));
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
  it("refuses display values outside [0, Dmax] and a non-positive dynamic range", () => {
    expect(() => lineariser(LC)(300)).toThrow(InputError);
    expect(() => lineariser(LC)(-1)).toThrow(/display values in \[0, 255\]/);
    expect(() => lineariser({ dynamicRangeDb: 0 })).toThrow(/dynamic range > 0 dB/);
  });
});

describe("cine time–intensity curve", () => {
  it("noise-free: inversion + ROI mean + baseline return the TIC; the fit recovers AUC and MTT within 1 %", () => {
    const { grid, labels } = renderCine();
    const r = cineTimeIntensity(grid, labels, { timesS: TIMES, logCompression: LC, baselineFrames: 4 });
    expect(r.rois.length).toBe(1);
    const roi = r.rois[0];
    expect(roi.label).toBe(1);
    expect(roi.voxels).toBe([...labels].filter((l) => l === 1).length);
    expect(roi.clippedFraction).toBe(0);
    TIMES.forEach((t, f) => expect(Math.abs(roi.intensity[f] - tic(t))).toBeLessThan(1e-9 * PEAK));
    const fit = fitOf(r.timesS, roi.intensity);
    expect(fit.converged).toBe(true);
    expect(rel(fit.AUC, AUC)).toBeLessThan(0.01);
    expect(rel(fit.MTT_s, MTT)).toBeLessThan(0.01);
    expect(rel(fit.TTP_s, TTP)).toBeLessThan(0.01);
    expect(rel(fit.peak, PEAK)).toBeLessThan(0.01);
  });

  it("without inversion the ROI mean of display values is not the TIC (why linearise)", () => {
    const { grid, labels } = renderCine();
    const r = cineTimeIntensity(grid, labels, { timesS: TIMES, baselineFrames: 4 });
    const f = fitOf(r.timesS, r.rois[0].intensity);
    expect(!f.converged || rel(f.MTT_s, MTT) > 0.1 || rel(f.AUC, AUC) > 0.1).toBe(true);
  });

  it("motion frames (shifted 5 px, two of them adjacent, near the peak) are exactly the rejected frames; fit within 2 %", () => {
    const iPeak = Math.round(TTP / 0.5);
    const motion = new Map<number, [number, number]>([
      [iPeak - 3, [5, 0]],
      [iPeak + 2, [0, -5]],
      [iPeak + 3, [-5, 2]],
      [40, [4, 4]],
      [100, [-5, 0]],
    ]);
    const clean = renderCine();
    const moved = renderCine(motion);
    const opts = { timesS: TIMES, logCompression: LC, baselineFrames: 4 };
    const ref = fitOf(
      Float64Array.from(TIMES),
      cineTimeIntensity(clean.grid, clean.labels, opts).rois[0].intensity,
    );
    const r = cineTimeIntensity(moved.grid, moved.labels, { ...opts, rejection: {} });
    const roi = r.rois[0];
    expect(roi.rejected.map((x) => x.frame)).toEqual([...motion.keys()].sort((a, b) => a - b));
    for (const f of motion.keys()) expect(Number.isNaN(roi.intensity[f])).toBe(true);
    expect(roi.intensity.filter(Number.isFinite).length).toBe(TIMES.length - motion.size);
    const fit = fitOf(r.timesS, roi.intensity);
    for (const k of ["AUC", "MTT_s", "TTP_s", "peak"] as const)
      expect(rel(fit[k], ref[k]), k).toBeLessThan(0.02);
    // without rejection the same frames bias the fit by more than 2 %
    const raw = fitOf(r.timesS, cineTimeIntensity(moved.grid, moved.labels, opts).rois[0].intensity);
    const worst = Math.max(...(["AUC", "MTT_s", "TTP_s", "peak"] as const).map((k) => rel(raw[k], ref[k])));
    expect(worst).toBeGreaterThan(0.02);
  });

  it("a static cine rejects nothing and its TIC is the constant ROI mean (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 5, max: 30 }), (seed, nF) => {
        const rng = new Rng(seed);
        const frame = Float64Array.from({ length: 64 }, () => rng.between(1, 200));
        const labels = Float64Array.from({ length: 64 }, (_, v) =>
          v % 8 > 1 && v % 8 < 6 && v > 16 ? 2 : 0,
        );
        const data = new Float64Array(64 * nF);
        for (let f = 0; f < nF; f++) data.set(frame, f * 64);
        const r = cineTimeIntensity({ dims: [8, 8, 1], nFrames: nF, data }, labels, {
          timesS: Array.from({ length: nF }, (_, i) => i),
          rejection: {},
        });
        const m =
          [...labels.keys()].filter((v) => labels[v] === 2).reduce((a, v) => a + frame[v], 0) /
          r.rois[0].voxels;
        expect(r.rois[0].rejected).toEqual([]);
        for (const y of r.rois[0].intensity) expect(y).toBeCloseTo(m, 9);
      }),
      { seed: 42, numRuns: 50 },
    );
  });

  it("one curve per positive label, in increasing label order", () => {
    const data = Float64Array.from({ length: 4 * 3 }, (_, k) => k);
    const r = cineTimeIntensity({ dims: [2, 2, 1], nFrames: 3, data }, [0, 7, 3, 7], { timesS: [0, 1, 2] });
    expect(r.rois.map((x) => [x.label, x.voxels])).toEqual([
      [3, 1],
      [7, 2],
    ]);
    expect(Array.from(r.rois[1].intensity)).toEqual([2, 6, 10]);
  });

  it("bad inputs are InputErrors: label grid, frame-time count, non-integer labels, baseline all rejected", () => {
    const data = new Float64Array(4 * 3);
    const g = { dims: [2, 2, 1] as [number, number, number], nFrames: 3, data };
    expect(() => cineTimeIntensity(g, [1, 1, 0], { timesS: [0, 1, 2] })).toThrow(
      /label map on the cine's grid/,
    );
    expect(() => cineTimeIntensity(g, [1, 1, 0, 0], { timesS: [0, 1] })).toThrow(/3 times, one per frame/);
    expect(() => cineTimeIntensity(g, [1, 1.5, 0, 0], { timesS: [0, 1, 2] })).toThrow(/integer labels/);
    expect(() => cineTimeIntensity(g, [0, 0, 0, 0], { timesS: [0, 1, 2] })).toThrow(/at least one voxel/);
    expect(() => cineTimeIntensity(g, [1, 0, 0, 0], { timesS: [0, 2, 1] })).toThrow(/strictly increasing/);
    expect(() => cineTimeIntensity(g, [1, 0, 0, 0], { timesS: [0, 1, 2], baselineFrames: 3 })).toThrow(
      /--baseline-frames/,
    );
  });
});

describe("frame rejection criteria", () => {
  const curve = Float64Array.from(TIMES, (t) => 1 + tic(t));
  it("intensity: dips and spikes beyond both neighbours are flagged; a noisy monotone wash-in/out is not", () => {
    const rng = new Rng(5);
    const noisy = curve.map((v) => v * (1 + 0.03 * rng.normal()));
    const ones = new Float64Array(curve.length).fill(1);
    expect(rejectFrames(ones, noisy)).toEqual([]);
    const hit = Float64Array.from(noisy);
    hit[20] *= 0.6;
    hit[21] *= 0.7;
    hit[60] *= 1.5;
    const r = rejectFrames(ones, hit);
    expect(r.map((x) => x.frame)).toEqual([20, 21, 60]);
    expect(r.every((x) => x.reason === "intensity" && x.deviation > 5)).toBe(true);
  });
  it("correlation: the best neighbour correlation; a fixed reference frame instead when asked", () => {
    // 3 frames of 4 pixels: frame 1 is frame 0 reversed
    const region = Float64Array.from([1, 2, 3, 4, 4, 3, 2, 1, 1, 2, 3, 4]);
    const r = frameCorrelations(region, 3, 4, { window: 1 });
    expect(Array.from(r)).toEqual([-1, -1, -1]);
    const r2 = frameCorrelations(region, 3, 4, { window: 2 });
    expect(Array.from(r2).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([1, -1, 1]);
    const r3 = frameCorrelations(region, 3, 4, { referenceFrame: 1 });
    expect(Array.from(r3).map((x) => Math.round(x * 1e12) / 1e12)).toEqual([-1, 1, -1]);
    expect(() => frameCorrelations(region, 3, 4, { referenceFrame: 3 })).toThrow(/frame index from 0 to 2/);
  });
});
