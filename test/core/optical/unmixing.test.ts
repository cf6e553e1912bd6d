import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildUnmixingMatrix,
  type EndmemberSpectrum,
  sampleSpectrum,
  unmixSpectrum,
} from "../../../src/core/optical/spectralUnmixing.js";
import { unmixVoxelModel } from "../../../src/core/optical/unmixVoxel.js";
import { Rng } from "../../../src/core/random.js";
import { allocChunkResult } from "../../../src/core/voxel/model.js";

const WL = Array.from({ length: 31 }, (_, i) => 600 + 10 * i); // 600–900 nm
const gauss = (mu: number, s: number) => WL.map((w) => Math.exp(-(((w - mu) / s) ** 2) / 2));
const SPECTRA: EndmemberSpectrum[] = [
  { name: "Cy5", wavelengthNm: WL, values: gauss(670, 20) },
  { name: "Cy5.5", wavelengthNm: WL, values: gauss(700, 25) },
  { name: "Cy7", wavelengthNm: WL, values: gauss(780, 25) },
  // autofluorescence: broad, decaying into the NIR
  { name: "autofluorescence", wavelengthNm: WL, values: WL.map((w) => Math.exp(-(w - 600) / 120)) },
];

function mix(c: number[]): number[] {
  return WL.map((_, i) => c.reduce((s, ck, k) => s + ck * SPECTRA[k].values[i], 0));
}

describe("multispectral unmixing by NNLS", () => {
  const mat = buildUnmixingMatrix(WL, SPECTRA);
  it("recovers known abundances (some zero) from a noise-free mixture to 1e-9", () => {
    for (const truth of [
      [2, 0, 0.5, 1],
      [0, 3, 0, 0.2],
      [0, 0, 0, 1],
    ]) {
      const r = unmixSpectrum(mat, mix(truth));
      truth.forEach((c, k) => expect(Math.abs(r.abundances[k] - c)).toBeLessThan(1e-9));
      expect(r.rss).toBeLessThan(1e-18);
    }
  });
  it("noisy mixtures (1 % of peak, 200 draws): mean error < 0.02, abundances ≥ 0, true zeros stay small", () => {
    const rng = new Rng(7);
    const truth = [2, 0, 0.5, 1];
    const clean = mix(truth);
    const err = [0, 0, 0, 0];
    for (let d = 0; d < 200; d++) {
      const r = unmixSpectrum(
        mat,
        clean.map((x) => x + rng.normal(0, 0.02)),
      );
      r.abundances.forEach((a, k) => {
        expect(a).toBeGreaterThanOrEqual(0);
        err[k] += (a - truth[k]) / 200;
      });
      expect(r.abundances[1]).toBeLessThan(0.1);
    }
    for (const e of err) expect(Math.abs(e)).toBeLessThan(0.02);
  });
  it("spectra sampled on another grid are interpolated linearly; outside their range is an error", () => {
    expect(sampleSpectrum([600, 700], [0, 1], 650)).toBeCloseTo(0.5, 15);
    expect(Number.isNaN(sampleSpectrum([600, 700], [0, 1], 701))).toBe(true);
    expect(() => buildUnmixingMatrix([590, 650], SPECTRA.slice(0, 1))).toThrow(/covering/);
    const withFlat = buildUnmixingMatrix(WL, SPECTRA.slice(0, 2), { flatBackground: true });
    const r = unmixSpectrum(
      withFlat,
      mix([1, 0.5, 0, 0]).map((x) => x + 0.3),
    );
    expect(r.abundances[2]).toBeCloseTo(0.3, 9);
  });
  it("property: abundances are never negative, whatever the mixture", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 5, noNaN: true }), { minLength: 31, maxLength: 31 }),
        (signal) => {
          const r = unmixSpectrum(mat, signal);
          for (const a of r.abundances) expect(a).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("voxel model 'unmix' matches the single-spectrum solver and flags NaN voxels", () => {
    const opts = { names: mat.names, wavelengthNm: mat.wavelengthNm, a: Array.from(mat.a) };
    unmixVoxelModel.validate?.(opts, WL.length);
    const curves = Float64Array.from([...mix([1, 0, 2, 0.5]), ...WL.map(() => Number.NaN)]);
    const out = allocChunkResult(2, 4);
    unmixVoxelModel.fitChunk(curves, WL.length, opts, out);
    expect(out.status[0]).toBe(0);
    [1, 0, 2, 0.5].forEach((c, k) => expect(Math.abs(out.params[k] - c)).toBeLessThan(1e-9));
    expect(out.status[1]).toBe(2);
  });
});
