import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decayCorrect,
  decayFactor,
  findNuclide,
  halfLifeH,
  injectedActivityMBq,
  leanBodyMassKg,
  NUCLIDES,
} from "../../src/core/nuclide/index.js";

describe("nuclides and decay", () => {
  it("carries the NNDC half-lives of SCIENCE.md", () => {
    expect(halfLifeH("F-18")).toBeCloseTo(109.77 / 60, 12);
    expect(halfLifeH("In-111")).toBeCloseTo(2.8047 * 24, 12);
    expect(halfLifeH("Zr-89")).toBeCloseTo(78.41, 12);
    expect(halfLifeH("99mTc")).toBeCloseTo(6.0067, 12);
    expect(findNuclide("lu177")?.name).toBe("Lu-177");
    expect(NUCLIDES.length).toBeGreaterThanOrEqual(10);
  });
  it("halves activity after one half-life for every nuclide", () => {
    for (const n of NUCLIDES) expect(decayFactor(n.name, n.halfLifeS)).toBeCloseTo(0.5, 14);
  });
  it("decay correction round-trips and is monotone (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...NUCLIDES),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (nuc, halfLives, a) => {
          const n = nuc.name;
          const dt = halfLives * nuc.halfLifeS;
          const back = decayCorrect(a * decayFactor(n, dt), n, dt);
          return Math.abs(back - a) <= 1e-9 * a && decayFactor(n, dt) <= decayFactor(n, dt / 2);
        },
      ),
    );
  });
  it("injected activity and lean body mass (Janmahasatian 2005 worked values)", () => {
    expect(injectedActivityMBq({ beforeMBq: 16, afterMBq: 0.6, residueMBq: 0.3 })).toBeCloseTo(15.1, 12);
    expect(() => injectedActivityMBq({ beforeMBq: 1, afterMBq: 2 })).toThrow(/positive injected activity/);
    // 70 kg, 1.75 m male: BMI 22.857; LBM = 9270·70/(6680 + 216·22.857) = 55.86 kg
    expect(leanBodyMassKg(70, 1.75, "M")).toBeCloseTo((9270 * 70) / (6680 + 216 * (70 / 1.75 ** 2)), 10);
    expect(leanBodyMassKg(70, 1.75, "M")).toBeCloseTo(55.86, 2);
  });
});
