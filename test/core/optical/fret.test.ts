import { describe, expect, it } from "vitest";
import {
  dequenchingCurve,
  fretDistance,
  fretEfficiency,
  fretEfficiencyFromQuenching,
  fretRatio,
  fretRatioMap,
} from "../../../src/core/optical/fret.js";

describe("FRET (Förster; Lakowicz 2006 ch. 13)", () => {
  it("E(R0) = 0.5; E(R0/2) = 64/65; E(2R0) = 1/65; E(0) = 1", () => {
    expect(fretEfficiency(5, 5)).toBe(0.5);
    expect(fretEfficiency(2.5, 5)).toBeCloseTo(64 / 65, 15);
    expect(fretEfficiency(10, 5)).toBeCloseTo(1 / 65, 15);
    expect(fretEfficiency(0, 5)).toBe(1);
    // r = R0·3^(−1/6) gives E = 3/4
    expect(fretEfficiency(5 * 3 ** (-1 / 6), 5)).toBeCloseTo(0.75, 14);
  });
  it("distance is the inverse of efficiency", () => {
    for (const r of [1, 3.3, 5.4, 8, 12])
      expect(fretDistance(fretEfficiency(r, 5.4), 5.4)).toBeCloseTo(r, 10);
    expect(Number.isNaN(fretDistance(0, 5))).toBe(true);
  });
  it("E from donor quenching, FRET ratio and de-quenching release", () => {
    expect(fretEfficiencyFromQuenching(300, 1000)).toBeCloseTo(0.7, 15);
    expect(fretRatio(300, 700)).toBeCloseTo(0.7, 15);
    expect(Number.isNaN(fretRatio(0, 0))).toBe(true);
    expect(Array.from(fretRatioMap([1, 3], [3, 1]))).toEqual([0.75, 0.25]);
    expect(Array.from(dequenchingCurve([100, 550, 1000], 100, 1000))).toEqual([0, 0.5, 1]);
  });
});
