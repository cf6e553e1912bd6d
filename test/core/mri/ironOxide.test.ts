/**
 * Iron-oxide quantities. References: the published relaxivities (Knobloch et al. 2018) as typed
 * from the abstract; hand-evaluated formulas of Yablonskiy & Haacke 1994 / Troprès 2001 with
 * γ = 2.6752218744e8 rad/s/T; and the inverse relations (BVf → ΔR2* → BVf).
 */
import { describe, expect, it } from "vitest";
import {
  bloodVolumeFraction,
  deltaRateFromSignals,
  ironConcentrationMm,
  ironUgPerMl,
  lookupRelaxivity,
  RELAXIVITIES,
  vesselSizeIndexUm,
} from "../../../src/core/mri/ironOxide.js";

describe("relaxivity table", () => {
  it("holds Knobloch 2018 plasma r2* at 1.5 and 3 T", () => {
    expect(lookupRelaxivity("ferumoxytol", 1.5).r2Star).toBe(64.4);
    expect(lookupRelaxivity("ferumoxytol", 3).r2Star).toBe(55.7);
    expect(lookupRelaxivity("ferumoxytol", 3, "saline").r2Star).toBe(57.0);
    expect(lookupRelaxivity("Ferumoxytol", 2.99).r2).toBe(65.2);
  });
  it("7 T has no invented value and unknown conditions are input errors", () => {
    expect(lookupRelaxivity("ferumoxytol", 7).r2Star).toBeNull();
    expect(() => lookupRelaxivity("ferumoxytol", 9.4)).toThrow(/tabulated/);
    expect(() => lookupRelaxivity("ferumoxides", 3)).toThrow(/tabulated agent/);
    for (const r of RELAXIVITIES) expect(r.reference === "none" ? r.note : r.reference).toBeTruthy();
  });
});

describe("[Fe]", () => {
  it("[Fe] = ΔR2* / r2*, µg/mL by 55.845 g/mol", () => {
    const fe = ironConcentrationMm(55.7 * 0.2, 55.7);
    expect(fe).toBeCloseTo(0.2, 12);
    expect(ironUgPerMl(fe)).toBeCloseTo(11.169, 9);
    expect(() => ironConcentrationMm(10, 0)).toThrow();
  });
  it("ΔR2* from a pre/post echo pair: S_post = S_pre·e^{−ΔR2*·TE}", () => {
    expect(deltaRateFromSignals(1000, 1000 * Math.exp(-0.04 * 5), 5)).toBeCloseTo(40, 10);
    expect(Number.isNaN(deltaRateFromSignals(0, 1, 5))).toBe(true);
  });
});

describe("blood volume and vessel size", () => {
  const g = 2.6752218744e8;
  it("BVf = 3ΔR2* / (4πγΔχB0): hand value and inverse", () => {
    // ΔR2* = 30 /s, B0 = 4.7 T, Δχ = 1e-7 (cgs): 90/(4π·2.6752e8·1e-7·4.7) = 0.056965…
    const bvf = bloodVolumeFraction(30, 4.7, 1e-7);
    expect(bvf).toBeCloseTo(90 / (4 * Math.PI * g * 1e-7 * 4.7), 14);
    expect(bvf).toBeCloseTo(0.05696, 4);
    const back = (4 / 3) * Math.PI * g * 1e-7 * 4.7 * bvf;
    expect(back).toBeCloseTo(30, 10);
  });
  it("VSI = 0.425·√(ADC/(γΔχB0))·(ΔR2* / ΔR2)^{3/2} in µm", () => {
    // ADC 0.8e-3 mm²/s, ΔR2* 30, ΔR2 5, 4.7 T, Δχ 1e-7: 0.425·√(0.8e-9/125.735)·6^{1.5} m
    const v = vesselSizeIndexUm(0.8e-3, 30, 5, 4.7, 1e-7);
    const expected = 0.425 * Math.sqrt(0.8e-9 / (g * 1e-7 * 4.7)) * 6 ** 1.5 * 1e6;
    expect(v).toBeCloseTo(expected, 10);
    expect(v).toBeCloseTo(15.75, 1);
    // scaling laws: √ADC, ratio^{3/2}, 1/√B0
    expect(vesselSizeIndexUm(3.2e-3, 30, 5, 4.7, 1e-7) / v).toBeCloseTo(2, 12);
    expect(vesselSizeIndexUm(0.8e-3, 60, 5, 4.7, 1e-7) / v).toBeCloseTo(2 ** 1.5, 12);
    expect(vesselSizeIndexUm(0.8e-3, 30, 5, 4 * 4.7, 1e-7) / v).toBeCloseTo(0.5, 12);
    expect(Number.isNaN(vesselSizeIndexUm(0.8e-3, 30, 0, 4.7, 1e-7))).toBe(true);
    expect(() => vesselSizeIndexUm(0.8e-3, 30, 5, 4.7, 0)).toThrow(/Δχ/);
  });
});
