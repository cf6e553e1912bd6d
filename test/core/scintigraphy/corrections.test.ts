/**
 * Analytic validation of each conjugate-view correction (MIRD Pamphlet 16) and of the μ table:
 * - μ vs numpy's log-log interpolation of the NIST SRD 126 water table (test/reference/planar);
 * - self-attenuation f vs direct numerical integration of a uniform slab (Simpson);
 * - geometric mean with e^(−μL) recovers a slab source's activity at any depth (exact);
 * - TEW on synthetic energy spectra with known scatter (Ogawa 1991);
 * - Buijs background exact for μ = 0; calibration and decay exact.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decayFactor } from "../../../src/core/nuclide/index.js";
import {
  backgroundToSubtract,
  calibrationFactorCpsPerMBq,
  classifyWindows,
  conjugateViewActivityMBq,
  muFromTransmission,
  NIST_WATER_MU_RHO,
  narrowBeamMu,
  selfAttenuationFactor,
  tewPrimaryCounts,
  tewScatterCounts,
  transmissionFromThickness,
  waterMuPerCm,
} from "../../../src/core/scintigraphy/index.js";

const REF = JSON.parse(readFileSync("test/reference/planar/mu_reference.json", "utf8")) as {
  nuclides: Record<string, { mu_per_cm: number; peaks: { energy_keV: number; mu_per_cm: number }[] }>;
};

/** composite Simpson on [a, b] with n (even) intervals */
function simpson(f: (x: number) => number, a: number, b: number, n = 2000): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe("photopeak μ (NIST SRD 126 water, narrow beam)", () => {
  it("matches numpy's log-log interpolation of the NIST table at every photopeak (rel 1e-9)", () => {
    for (const [name, ref] of Object.entries(REF.nuclides)) {
      const m = narrowBeamMu(name);
      expect(m.muPerCm / ref.mu_per_cm - 1).toBeLessThan(1e-9);
      expect(Math.abs(m.muPerCm / ref.mu_per_cm - 1)).toBeLessThan(1e-9);
      ref.peaks.forEach((p, i) => expect(Math.abs(m.peaks[i].muPerCm / p.mu_per_cm - 1)).toBeLessThan(1e-9));
    }
  });
  it("reproduces the table at its grid energies and the textbook values 0.15 cm⁻¹ (140 keV), 0.096 (511 keV)", () => {
    for (const [e, m] of NIST_WATER_MU_RHO) expect(waterMuPerCm(e * 1000)).toBeCloseTo(m, 12);
    // calculated μ of water in J Nucl Med's table of total-minus-Rayleigh coefficients: 0.15 and 0.096 cm⁻¹
    expect(narrowBeamMu("Tc-99m").muPerCm).toBeCloseTo(0.154, 3);
    expect(narrowBeamMu("F-18").muPerCm).toBeCloseTo(0.096, 3);
  });
  it("refuses energies outside the table and nuclides without photopeaks", () => {
    expect(() => waterMuPerCm(10)).toThrow(/keV/);
    expect(() => narrowBeamMu("Xx-1")).toThrow(/known nuclide/);
  });
});

describe("self-attenuation factor f = (μt/2)/sinh(μt/2)", () => {
  it("equals 1 / (mean slab transmission relative to its centre) by numerical integration", () => {
    for (const [mu, t] of [
      [0.154, 2],
      [0.11, 10],
      [0.136, 25],
      [0.2, 0.01],
    ]) {
      const mean = simpson((z) => Math.exp(-mu * z), -t / 2, t / 2) / t;
      expect(selfAttenuationFactor(mu, t)).toBeCloseTo(1 / mean, 10);
    }
    expect(selfAttenuationFactor(1, 2)).toBeCloseTo(1 / Math.sinh(1), 14); // 0.850918…
    expect(selfAttenuationFactor(0.15, 0)).toBe(1);
  });
});

describe("geometric mean with attenuation recovers the activity exactly (MIRD 16 eq. 6)", () => {
  it("for any depth of a uniform slab source (counts from numerical integration over the slab)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 0.25, noNaN: true }),
        fc.double({ min: 10, max: 40, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 500, noNaN: true }),
        (mu, L, dRel, tRel, A) => {
          const t = tRel * L * 0.8;
          const d = t / 2 + dRel * (L - t);
          const C = 80; // cps/MBq
          const ant = (C * A * simpson((z) => Math.exp(-mu * z), d - t / 2, d + t / 2, 1000)) / t;
          const post = (C * A * simpson((z) => Math.exp(-mu * (L - z)), d - t / 2, d + t / 2, 1000)) / t;
          const est = conjugateViewActivityMBq({
            anteriorCps: ant,
            posteriorCps: post,
            transmission: transmissionFromThickness(mu, L),
            selfAttenuation: selfAttenuationFactor(mu, t),
            calibrationCpsPerMBq: C,
          });
          expect(Math.abs(est / A - 1)).toBeLessThan(1e-8);
        },
      ),
      { numRuns: 200 },
    );
  });
  it("a transmission measurement equal to e^(−μL) gives the same result; μ back from T", () => {
    const T = transmissionFromThickness(0.12, 22);
    expect(muFromTransmission(T, 22)).toBeCloseTo(0.12, 14);
    const a = conjugateViewActivityMBq({
      anteriorCps: 400,
      posteriorCps: 100,
      transmission: T,
      calibrationCpsPerMBq: 10,
    });
    expect(a).toBeCloseTo(Math.sqrt(400 * 100) / Math.sqrt(T) / 10, 10);
  });
});

describe("triple-energy-window scatter (Ogawa 1991)", () => {
  /** counts of a spectrum density in [e0, e1] (keV), 0.001 keV Simpson */
  const counts = (f: (e: number) => number, e0: number, e1: number) => simpson(f, e0, e1, 20000);
  const gauss = (mu: number, sd: number, n: number) => (e: number) =>
    (n / (sd * Math.sqrt(2 * Math.PI))) * Math.exp(-0.5 * ((e - mu) / sd) ** 2);
  it("recovers the scatter under the photopeak exactly for a scatter spectrum linear in energy", () => {
    // Tc-99m 20 % window 126–154 keV, 6 keV side windows; scatter density 300 − 1.5·(E − 100) per keV
    const scatter = (e: number) => 300 - 1.5 * (e - 100);
    const primary = gauss(140.5, 0.8, 1e6); // narrow primary: nothing leaks into the side windows
    const spec = (e: number) => scatter(e) + primary(e);
    const main = counts(spec, 126, 154);
    const lower = counts(spec, 120, 126);
    const upper = counts(spec, 154, 160);
    const trueScatter = counts(scatter, 126, 154);
    const t = {
      mainCounts: main,
      lowerCounts: lower,
      upperCounts: upper,
      mainWidthKeV: 28,
      lowerWidthKeV: 6,
      upperWidthKeV: 6,
    };
    expect(tewScatterCounts(t) / trueScatter - 1).toBeCloseTo(0, 6);
    expect(tewPrimaryCounts(t) / 1e6 - 1).toBeCloseTo(0, 6);
  });
  it("the triangle (no upper window) is exact for scatter falling linearly to zero at the window's upper edge", () => {
    const scatter = (e: number) => Math.max(0, 50 * (154 - e));
    const main = counts(scatter, 126, 154);
    const lower = counts(scatter, 123, 126);
    expect(
      tewScatterCounts({ mainCounts: main, lowerCounts: lower, mainWidthKeV: 28, lowerWidthKeV: 3 }),
    ).toBeCloseTo(main * (1 + 1.5 / 28), 6);
    // the lower window's mean density sits 1.5 keV below the main window edge: the bias of the
    // triangle approximation is exactly (W_l/2)/W_m of the scatter, here 1.5/28
  });
  it("with a realistic 10 % FWHM photopeak the primary leaking into the side windows biases the estimate as computed", () => {
    const primary = gauss(140.5, 14 / 2.3548, 1e6);
    const scatter = (e: number) => 400 - 2 * (e - 100);
    const spec = (e: number) => primary(e) + scatter(e);
    const est = tewPrimaryCounts({
      mainCounts: counts(spec, 126, 154),
      lowerCounts: counts(spec, 120, 126),
      upperCounts: counts(spec, 154, 160),
      mainWidthKeV: 28,
      lowerWidthKeV: 6,
      upperWidthKeV: 6,
    });
    const leak = ((counts(primary, 120, 126) / 6 + counts(primary, 154, 160) / 6) * 28) / 2;
    expect(est).toBeCloseTo(counts(primary, 126, 154) - leak, 4);
    expect(est / 1e6).toBeGreaterThan(0.9); // primary within the window 98.4 %, leak ≈ 5 %
  });
  it("classifies photopeak, lower and upper windows by energy", () => {
    const w = classifyWindows(
      [
        { name: "upper", lowerKeV: 154, upperKeV: 160 },
        { name: "peak", lowerKeV: 126, upperKeV: 154 },
        { name: "lower", lowerKeV: 120, upperKeV: 126 },
      ],
      140.5,
    );
    expect([w.main?.name, w.lower?.name, w.upper?.name]).toEqual(["peak", "lower", "upper"]);
  });
});

describe("background, calibration and decay", () => {
  it("area-scaled and Buijs (1 − t/L) background", () => {
    const b = { roiCounts: 1000, roiPixels: 50, backgroundCounts: 200, backgroundPixels: 25 };
    expect(backgroundToSubtract("area", b)).toBe(400);
    expect(backgroundToSubtract("buijs", { ...b, organThicknessCm: 5, bodyThicknessCm: 20 })).toBe(300);
    expect(backgroundToSubtract("none", b)).toBe(0);
    expect(() => backgroundToSubtract("buijs", b)).toThrow(/Buijs/);
  });
  it("calibration factor from a standard decayed to the scan is exact", () => {
    const c = calibrationFactorCpsPerMBq({
      counts: 600_000,
      durationS: 300,
      activityMBq: 40,
      nuclide: "In-111",
      assayToScanS: 24 * 3600,
      backgroundCps: 20,
    });
    expect(c).toBeCloseTo((2000 - 20) / (40 * decayFactor("In-111", 86400)), 10);
    expect(decayFactor("In-111", 2.8047 * 86400)).toBeCloseTo(0.5, 14);
    expect(() =>
      calibrationFactorCpsPerMBq({ counts: 1, durationS: 0, activityMBq: 1, nuclide: "In-111" }),
    ).toThrow(/duration/);
  });
});
