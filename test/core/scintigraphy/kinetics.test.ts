/**
 * Residence times, half-lives, blood-pool persistence, SUV statistics and uptake stratification
 * against closed forms:
 *  - f(t) = a·e^(−λt): τ = a/λ exactly with log-down integration, exponential start and fitted tail;
 *    linear trapezoid within its O(h²) error; physical tail exact when clearance is physical only;
 *  - T_eff, T_bio of a mono-exponential exact; persistence of a known curve;
 *  - SUVpeak of a uniform and of a linear-ramp volume (sphere symmetry ⇒ centre value), the
 *    1 cm³ sphere's voxel count ≈ 1000 mm³;
 *  - median split counted by hand; AUC equals the Mann–Whitney U/(n₁n₂).
 */
import { describe, expect, it } from "vitest";
import { decayFactor, halfLifeH } from "../../../src/core/nuclide/index.js";
import {
  bloodPoolPersistencePct,
  halfLives,
  lesionSuv,
  lesionToBackgroundRatio,
  residenceTimeH,
  SUV_PEAK_RADIUS_MM,
  stratifyUptakeByMedian,
} from "../../../src/core/scintigraphy/index.js";

describe("residence time (MIRD)", () => {
  const a = 0.3;
  const lam = Math.LN2 / 40; // effective half-life 40 h
  const times = [1, 24, 48, 72];
  const f = times.map((t) => a * Math.exp(-lam * t));
  it("mono-exponential: τ = a/λ_eff exactly (log-down, extrapolated start, fitted tail)", () => {
    const r = residenceTimeH(times, f, {
      nuclide: "In-111",
      integration: "log-down",
      start: "extrapolate",
      tail: "fit",
    });
    expect(r.residence_time_h).toBeCloseTo(a / lam, 10);
    expect(r.tail_lambda_per_h).toBeCloseTo(lam, 12);
  });
  it("linear trapezoid overestimates a convex curve within its error bound; dense sampling converges", () => {
    const lin = residenceTimeH(times, f, {
      nuclide: "In-111",
      integration: "linear",
      start: "extrapolate",
      tail: "fit",
    });
    expect(lin.residence_time_h).toBeGreaterThan(a / lam);
    // bound: Σ h³/12·max f'' over the segments
    const bound = [23, 24, 24].reduce(
      (s, h, i) => s + (h ** 3 / 12) * a * lam ** 2 * Math.exp(-lam * times[i]),
      0,
    );
    expect(lin.residence_time_h - a / lam).toBeLessThan(bound);
    const dense = Array.from({ length: 721 }, (_, i) => i * 0.1);
    const d = residenceTimeH(
      dense,
      dense.map((t) => a * Math.exp(-lam * t)),
      { nuclide: "In-111", integration: "linear", tail: "fit" },
    );
    expect(Math.abs(d.residence_time_h / (a / lam) - 1)).toBeLessThan(1e-5);
  });
  it("retention with physical decay only: physical tail exact, τ = a·T½/ln2", () => {
    const lp = Math.LN2 / halfLifeH("In-111");
    const g = times.map((t) => a * Math.exp(-lp * t));
    const r = residenceTimeH(times, g, { nuclide: "In-111", start: "extrapolate", tail: "physical" });
    expect(r.residence_time_h).toBeCloseTo(a / lp, 9);
  });
  it("start rules: zero gives the triangle, first holds f(t₁)", () => {
    expect(
      residenceTimeH([2], [0.5], { nuclide: "In-111", start: "zero", tail: "none" }).residence_time_h,
    ).toBe(0.5);
    expect(
      residenceTimeH([2], [0.5], { nuclide: "In-111", start: "first", tail: "none" }).residence_time_h,
    ).toBe(1);
    expect(() => residenceTimeH([2, 1], [1, 1], { nuclide: "In-111" })).toThrow(/increasing/);
  });
});

describe("half-lives and blood-pool persistence", () => {
  it("T_eff and T_bio of a mono-exponential (decay-corrected %ID with biological T½ 50 h)", () => {
    const tb = 50;
    const pts = [1, 24, 48, 72].map((t) => ({ timeH: t, pctID: 30 * Math.exp((-Math.LN2 * t) / tb) }));
    const h = halfLives(pts, "In-111");
    const tp = halfLifeH("In-111");
    expect(h.biological_half_life_h).toBeCloseTo(tb, 9);
    expect(h.effective_half_life_h).toBeCloseTo(1 / (1 / tb + 1 / tp), 9);
  });
  it("persistence relative to the first heart value", () => {
    const p = bloodPoolPersistencePct([
      { timeH: 1, pctID: 20 },
      { timeH: 72, pctID: 5 },
    ]);
    expect(p.map((x) => x.persistencePct)).toEqual([100, 25]);
    expect(decayFactor("In-111", 0)).toBe(1);
  });
  it("lesion-to-background ratio from per-pixel geometric-mean densities", () => {
    const r = lesionToBackgroundRatio(
      { anteriorCounts: 900, posteriorCounts: 400, pixels: 9 },
      { anteriorCounts: 1600, posteriorCounts: 900, pixels: 100 },
    );
    expect(r).toBeCloseTo(600 / 9 / (1200 / 100), 12);
  });
});

describe("SUVmax / SUVpeak (1 cm³ sphere) / SUVmean", () => {
  const nx = 40;
  const grid = {
    dims: [nx, nx, nx] as [number, number, number],
    spacingMm: [1, 1, 1] as [number, number, number],
  };
  const idx = (x: number, y: number, z: number) => x + nx * (y + nx * z);
  it("the 1 cm³ sphere has radius 6.2035 mm and ≈ 1000 voxels of 1 mm³ (lattice count 1021, within 3 %)", () => {
    expect(SUV_PEAK_RADIUS_MM).toBeCloseTo(6.2035, 4);
    const v = new Float64Array(nx ** 3).fill(1);
    const m = new Uint8Array(nx ** 3);
    m[idx(20, 20, 20)] = 1;
    const s = lesionSuv(v, grid, m);
    let lattice = 0; // independent count of integer points within r
    for (let a = -7; a <= 7; a++)
      for (let b = -7; b <= 7; b++)
        for (let c = -7; c <= 7; c++) if (a * a + b * b + c * c <= 6.2035 ** 2) lattice++;
    expect(s.peak_voxels).toBe(lattice);
    expect(Math.abs(s.peak_voxels / 1000 - 1)).toBeLessThan(0.03);
  });
  it("linear ramp: SUVpeak is the ramp's value at the best interior centre (symmetric sphere), max and mean exact", () => {
    const v = new Float64Array(nx ** 3);
    const m = new Uint8Array(nx ** 3);
    for (let z = 0; z < nx; z++)
      for (let y = 0; y < nx; y++)
        for (let x = 0; x < nx; x++) {
          v[idx(x, y, z)] = 1 + 0.1 * x;
          if (x >= 10 && x <= 20 && y >= 15 && y <= 25 && z >= 15 && z <= 25) m[idx(x, y, z)] = 1;
        }
    const s = lesionSuv(v, grid, m);
    expect(s.suv_max).toBeCloseTo(3, 12);
    expect(s.suv_mean).toBeCloseTo(2.5, 12);
    expect(s.suv_peak).toBeCloseTo(3, 12); // sphere centred at x = 20, fully inside the image
    expect(s.peak_centre[0]).toBe(20);
    expect(s.volume_ml).toBeCloseTo((11 * 11 * 11) / 1000, 12);
  });
});

describe("uptake above/below the median vs response", () => {
  it("counts the strata and the AUC equals U/(n₁n₂)", () => {
    const uptake = [1, 2, 3, 4, 5, 6, 7, 8];
    const resp = [0, 0, 1, 0, 1, 1, 0, 1];
    const s = stratifyUptakeByMedian(uptake, resp);
    expect(s.median).toBe(4.5);
    expect(s.high).toEqual({ n: 4, responders: 3, response_rate: 0.75 });
    expect(s.low).toEqual({ n: 4, responders: 1, response_rate: 0.25 });
    // responders 3,5,6,8 vs non 1,2,4,7: pairs with responder > non-responder
    let u = 0;
    for (const c of [3, 5, 6, 8]) for (const n of [1, 2, 4, 7]) u += c > n ? 1 : 0;
    expect(s.auc).toBeCloseTo(u / 16, 12);
    expect(() => stratifyUptakeByMedian([1, 2], [1, 2])).toThrow(/responder/);
  });
});
