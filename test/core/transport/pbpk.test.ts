/**
 * Nanoparticle PBPK: mass balance (Σ amounts incl. urine and faeces = 100 %ID at every time, 1e-6
 * absolute and 1e-9 relative), and the seed's qualitative facts (SCIENCE.md §9; Choi et al. 2007
 * renal cut-off ≈ 5.5 nm; pHPMA 10–20 nm circulating longer than 2–6 nm; 100 nm liposomes in
 * liver + spleen; targeted carriers peak earlier with a lower tumour AUC).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { simulatePbpk } from "../../../src/core/transport/pbpk/model.js";
import { glomerularSieving } from "../../../src/core/transport/pbpk/nanoparticle.js";
import { PHYSIOLOGY, SPECIES } from "../../../src/core/transport/pbpk/species.js";

const total = (r: ReturnType<typeof simulatePbpk>, i: number) =>
  Object.values(r.amount_pctID).reduce((s, v) => s + v[i], 0);

describe("PBPK mass balance", () => {
  it("Σ amounts = 100 %ID at every report time (fast-check over size, species, targeting)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.5, max: 300, noNaN: true }),
        fc.constantFrom(...SPECIES),
        fc.boolean(),
        fc.double({ min: 1, max: 72, noNaN: true }),
        (d, sp, tg, h) => {
          const r = simulatePbpk({ sizeNm: d, species: sp, hours: h, targeted: tg, points: 41 });
          for (let i = 0; i < r.time_h.length; i++) if (Math.abs(total(r, i) - 100) > 1e-7) return false;
          return (
            r.summary.max_mass_balance_error_pctID < 1e-7 &&
            Object.values(r.amount_pctID).every((v) => v.every((a) => a > -1e-9))
          );
        },
      ),
      { numRuns: 25 },
    );
  });
  it("physiology: organ masses and flows leave a positive remainder", () => {
    for (const sp of SPECIES) {
      const p = PHYSIOLOGY[sp];
      expect(Object.values(p.massFraction).reduce((a, b) => a + b, 0) + p.bloodFraction).toBeLessThan(1);
      expect(Object.values(p.flowFraction).reduce((a, b) => a + b, 0)).toBeLessThan(1);
    }
  });
});

describe("PBPK size effects (qualitative, mouse)", () => {
  const run = (d: number, targeted = false) =>
    simulatePbpk({ sizeNm: d, species: "mouse", hours: 48, targeted });
  it("2–6 nm: renal clearance with short blood half-life; renal clearance drops sharply above ~6 nm", () => {
    for (const d of [2, 4, 5.5]) {
      const r = run(d);
      expect(r.summary.urine_pctID_final).toBeGreaterThan(85);
      expect(r.summary.blood_half_life_h as number).toBeLessThan(0.5);
    }
    expect(glomerularSieving(5.5)).toBeGreaterThan(0.01);
    expect(glomerularSieving(8)).toBe(0);
    expect(run(8).summary.urine_pctID_final).toBeLessThan(1);
    expect(run(10).summary.urine_pctID_final).toBeLessThan(1e-6);
  });
  it("larger polymers circulate longer over 2–20 nm; 10–20 nm half-lives ≥ 10 h", () => {
    const sizes = [2, 4, 6, 8, 10, 15, 20];
    const t = sizes.map((d) => run(d).summary.blood_half_life_h as number);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    expect(t[4]).toBeGreaterThan(10);
  });
  it("100 nm liposomes: liver + spleen dominant at 48 h", () => {
    const r = run(100);
    const last = r.time_h.length - 1;
    const ls = r.summary.liver_spleen_pctID_final;
    expect(ls).toBeGreaterThan(50);
    for (const [k, v] of Object.entries(r.amount_pctID))
      if (k !== "liver" && k !== "spleen") expect(v[last]).toBeLessThan(ls / 2);
  });
  it("targeting (ligand, higher MPS recognition): earlier tumour peak and lower tumour AUC", () => {
    const a = run(100);
    const b = run(100, true);
    expect(b.summary.tumour_peak_time_h).toBeLessThan(a.summary.tumour_peak_time_h);
    expect(b.summary.tumour_auc_pctID_h_per_g).toBeLessThan(a.summary.tumour_auc_pctID_h_per_g);
  });
  it("rejects bad input with InputError naming the flag", () => {
    expect(() => simulatePbpk({ sizeNm: -1, species: "mouse", hours: 1 })).toThrow(/--size-nm/);
    expect(() => simulatePbpk({ sizeNm: 10, species: "dog" as never, hours: 1 })).toThrow(InputError);
  });
});
