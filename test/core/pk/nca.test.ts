import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { partialAuc } from "../../../src/core/pk/auc.js";
import { checkProfile, nca } from "../../../src/core/pk/nca.js";

describe("NCA: IV infusion against a hand calculation", () => {
  // t = 0,1,2,4,8 h; C = 0,10,8,4,1 mg/L; 1 h infusion of 100 mg; linear trapezoids.
  // AUClast = 5 + 9 + 12 + 10 = 36; AUMClast = 5 + 13 + 32 + 48 = 98.
  // λz from (2,8),(4,4),(8,1): C = 8·2^{−(t−2)/2} exactly, so λz = ln2/2.
  const r = nca([0, 1, 2, 4, 8], [0, 10, 8, 4, 1], {
    route: "iv-infusion",
    tinf: 1,
    dose: 100,
    auc: "linear",
  });
  const lz = Math.LN2 / 2;
  const aucInf = 36 + 1 / lz;
  const aumcInf = 98 + 8 / lz + 1 / lz ** 2;
  const mrt = aumcInf / aucInf - 0.5;
  it.each([
    ["AUCLST", 36],
    ["AUMCLST", 98],
    ["LAMZ", lz],
    ["AUCIFO", aucInf],
    ["AUMCIFO", aumcInf],
    ["MRTIVIFO", mrt],
    ["MRTIVLST", 98 / 36 - 0.5],
    ["CLO", 100 / aucInf],
    ["VZO", 100 / (lz * aucInf)],
    ["VSSO", mrt * (100 / aucInf)],
    ["CMAX", 10],
    ["TMAX", 1],
  ])("%s", (code, expected) => {
    expect(r.params[code]).toBeCloseTo(expected as number, 10);
  });
  it("excludes Cmax from λz and has no C0", () => {
    expect(r.params.LAMZLL).toBe(2);
    expect(r.params.C0).toBeUndefined();
  });
});

describe("NCA: bad input and missing values", () => {
  it("names non-monotone and duplicate times and negative concentrations", () => {
    expect(() => checkProfile([0, 2, 1], [1, 2, 3], "S1")).toThrow(
      /S1: time\[2\]: got 1; expected times in increasing order/,
    );
    expect(() => checkProfile([0, 1, 1], [1, 2, 3], "S1")).toThrow(/duplicate/);
    expect(() => checkProfile([0, 1, 2], [1, -2, 3], "S1")).toThrow(/conc\[1\]: got -2/);
    expect(() => checkProfile([0, 1], [1], "S1")).toThrow(InputError);
  });
  it("reports λz-dependent parameters as null with a reason when < 3 terminal points", () => {
    const r = nca([0, 1, 2, 4], [0, 5, 4, 2], { route: "ev", dose: 10 });
    expect(r.params.LAMZ).toBeNull();
    expect(r.params.AUCIFO).toBeNull();
    expect(r.params.CLFO).toBeNull();
    expect(r.params.AUCLST).toBeCloseTo(2.5 + 4.5 + 6, 12);
    expect(r.status).toBe("partial");
    expect(r.messages.join(" ")).toMatch(/fewer than 3/);
    expect(Object.values(r.params).every((v) => v === null || Number.isFinite(v))).toBe(true);
  });
  it("without a dose, dose-dependent parameters are null", () => {
    const r = nca([0, 1, 2, 4, 8], [0, 10, 8, 4, 1], { route: "ev" });
    expect(r.params.CLFO).toBeNull();
    expect(r.params.LAMZ).not.toBeNull();
    expect(r.messages.join(" ")).toMatch(/no dose/);
  });
  it("handles BLQ samples with PKNCA-style rules (first kept as 0, middle dropped)", () => {
    const r = nca([0, 1, 2, 4, 8], [Number.NaN, 10, Number.NaN, 4, 1], { route: "ev", dose: 1 });
    expect(r.messages.join(" ")).toMatch(/1 BLQ/);
    expect(r.params.AUCLST).toBeCloseTo(5 + 21 + 10, 12);
  });
});

describe("NCA properties", () => {
  it("AUC of a profile equals the sum of partial AUCs over any split point (linear and linlog)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 4, maxLength: 12 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.constantFrom("linear" as const, "linlog" as const),
        (cs, f, method) => {
          const t = cs.map((_, i) => i + 1);
          const c = cs;
          const tEnd = t[t.length - 1];
          const whole = partialAuc(t, c, 1, tEnd, method);
          const split = 1 + f * (tEnd - 1);
          const parts = partialAuc(t, c, 1, split, method) + partialAuc(t, c, split, tEnd, method);
          return Math.abs(whole - parts) <= 1e-9 * Math.max(1, whole);
        },
      ),
    );
  });
  it("log-down AUC never exceeds linear AUC on a declining profile; doubling the dose halves CL·AUC-invariants", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 4, maxLength: 10 }),
        (raw) => {
          const c = [...raw].sort((a, b) => b - a);
          const t = c.map((_, i) => i + 1);
          const lin = nca(t, c, { route: "iv-bolus", auc: "linear", dose: 1 });
          const log = nca(t, c, { route: "iv-bolus", auc: "linlog", dose: 1 });
          const two = nca(t, c, { route: "iv-bolus", auc: "linear", dose: 2 });
          const okAuc = (log.params.AUCLST as number) <= (lin.params.AUCLST as number) * (1 + 1e-12);
          const okCl =
            lin.params.CLO === null ||
            Math.abs((two.params.CLO as number) - 2 * (lin.params.CLO as number)) <
              1e-9 * (two.params.CLO as number);
          return okAuc && okCl;
        },
      ),
    );
  });
});
