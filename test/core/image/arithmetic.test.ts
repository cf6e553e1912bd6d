import { describe, expect, it } from "vitest";
import { applyMask, frameAverage, gaussianSmooth, ratioMap } from "../../../src/core/image/arithmetic.js";
import { identityAffine, type Volume } from "../../../src/core/image/volume.js";

const vol = (
  dims: number[],
  f: (i: number) => number,
  spacing: [number, number, number] = [1, 1, 1],
): Volume => ({
  dims,
  spacingMm: spacing,
  affine: identityAffine(spacing),
  data: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => f(i)),
});

describe("image arithmetic", () => {
  it("masks, averages frames and forms ratio maps", () => {
    const v = vol([2, 2, 1, 3], (i) => i);
    const m = vol([2, 2, 1], (i) => (i % 2 ? 1 : 0));
    expect(Array.from(applyMask(v, m).data.subarray(0, 4))).toEqual([0, 1, 0, 3]);
    expect(Array.from(frameAverage(v, 1, 2).data)).toEqual([6, 7, 8, 9]);
    const r = ratioMap(
      vol([2, 1, 1], () => 6),
      vol([2, 1, 1], (i) => i * 3),
    );
    expect(Array.from(r.volume.data)).toEqual([0, 2]);
    expect(r.undefinedVoxels).toBe(1);
    expect(() => frameAverage(v, 2, 5)).toThrow(/0 ≤ from ≤ to < 3/);
  });
  it("Gaussian smoothing preserves the integral of a point source and gives the stated FWHM", () => {
    const n = 41;
    const v = vol([n, 1, 1], (i) => (i === 20 ? 1 : 0), [0.5, 1, 1]);
    const s = gaussianSmooth(v, [4, 0, 0]);
    const sum = Array.from(s.data).reduce((a, b) => a + b, 0);
    expect(sum).toBeCloseTo(1, 5); // float32 storage
    // second moment → σ (mm) = FWHM / 2.3548, within 1 % (kernel truncated at 3σ)
    let m2 = 0;
    for (let i = 0; i < n; i++) m2 += s.data[i] * ((i - 20) * 0.5) ** 2;
    const sigma = 4 / (2 * Math.sqrt(2 * Math.LN2));
    expect(Math.abs(Math.sqrt(m2) - sigma) / sigma).toBeLessThan(0.01);
  });
});
