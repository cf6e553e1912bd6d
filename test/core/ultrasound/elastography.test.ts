/** Shear-wave elastography. Reference: μ = ρc², E = 2μ(1+ν) evaluated by hand; R's type-7 quantiles. */
import { describe, expect, it } from "vitest";
import {
  shearModulusKPa,
  summariseSwe,
  youngsModulusKPa,
} from "../../../src/core/ultrasound/elastography.js";

describe("elastography", () => {
  it("μ = ρc² in kPa, E = 3μ for ν = 0.5", () => {
    expect(shearModulusKPa(2)).toBeCloseTo(4, 12); // 1000·4 Pa
    expect(shearModulusKPa(1.5, 1060)).toBeCloseTo(2.385, 12);
    expect(youngsModulusKPa(4)).toBeCloseTo(12, 12);
    expect(youngsModulusKPa(4, 0.45)).toBeCloseTo(11.6, 12);
    expect(Number.isNaN(shearModulusKPa(-1))).toBe(true);
    expect(() => shearModulusKPa(1, 0)).toThrow();
  });
  it("ROI summary: mean of per-measurement moduli, median, IQR (type 7), rejection", () => {
    const s = summariseSwe(["a", "a", "a", "a", "b", "b"], [1, 2, 3, Number.NaN, 2, 4], {
      quality: [1, 1, 1, 1, 0.9, 0.2],
      minQuality: 0.5,
    });
    const a = s.find((r) => r.roi === "a");
    expect(a?.n).toBe(3);
    expect(a?.rejected).toBe(1);
    expect(a?.shear_modulus_kPa).toBeCloseTo((1 + 4 + 9) / 3, 12);
    expect(a?.youngs_modulus_kPa).toBeCloseTo(14, 12);
    expect(a?.shear_modulus_median_kPa).toBeCloseTo(4, 12);
    expect(a?.shear_modulus_iqr_kPa).toBeCloseTo(6.5 - 2.5, 12);
    const b = s.find((r) => r.roi === "b");
    expect(b?.n).toBe(1);
    expect(b?.shear_modulus_kPa).toBeCloseTo(4, 12);
  });
});
