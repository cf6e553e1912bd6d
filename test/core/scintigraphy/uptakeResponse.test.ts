/**
 * Cohort stratification by uptake (core/scintigraphy/uptakeResponse.ts) and the photopeak μ kinds
 * (attenuation.ts). Expected values are counted by hand here: the median split, the 2×2 table,
 * U = number of (responder, non-responder) pairs with the responder's uptake higher, AUC = U/(m·n);
 * Fisher's p of [[5, 1], [1, 5]] is scipy's (test/reference/fisher/); patient aggregation by mean,
 * median and max.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import {
  BROAD_BEAM_MU,
  MU_KINDS,
  narrowBeamMu,
  photopeakMu,
} from "../../../src/core/scintigraphy/attenuation.js";
import { aggregateByUnit, medianSplitResponse } from "../../../src/core/scintigraphy/uptakeResponse.js";
import { REF } from "../../helpers/cli.js";

const fisherRef = JSON.parse(readFileSync(`${REF}/fisher/fisher_reference.json`, "utf8")).cases.find(
  (c: { table: number[][] }) => JSON.stringify(c.table) === "[[5,1],[1,5]]",
);

describe("median split vs response", () => {
  // 12 patients: uptake 1..12; responders: 7, 8, 9, 10, 12 (high) and 2 (low)
  const units = Array.from({ length: 12 }, (_, i) => ({
    id: `P${i + 1}`,
    uptake: i + 1,
    response: [2, 7, 8, 9, 10, 12].includes(i + 1) ? 1 : 0,
  }));
  const m = medianSplitResponse(units);
  it("median, strata and the 2×2 table", () => {
    expect(m.median).toBe(6.5);
    expect(m.table).toEqual([
      [5, 1],
      [1, 5],
    ]);
    expect(m.high.response_rate).toBeCloseTo(5 / 6, 14);
    expect(m.units.filter((u) => u.stratum === "high").map((u) => u.id)).toEqual([
      "P7",
      "P8",
      "P9",
      "P10",
      "P11",
      "P12",
    ]);
  });
  it("Fisher exact p as scipy, odds ratio 25", () => {
    expect(Math.abs(m.fisher.p - fisherRef["two-sided"])).toBeLessThan(1e-12);
    expect(m.fisher.oddsRatio).toBe(25);
  });
  it("Mann–Whitney U counted by hand, exact; AUC = U/(m·n)", () => {
    const resp = units.filter((u) => u.response === 1).map((u) => u.uptake);
    const non = units.filter((u) => u.response === 0).map((u) => u.uptake);
    let U = 0;
    for (const a of resp) for (const b of non) U += a > b ? 1 : a === b ? 0.5 : 0;
    expect(m.mannWhitneyExact?.u).toBe(U);
    expect(m.mannWhitneyExact?.method).toBe("exact");
    expect(m.auc).toBeCloseTo(U / (resp.length * non.length), 12);
  });
});

describe("patients from lesions", () => {
  const rows = [
    { unit: "A", uptake: 2, response: 1 },
    { unit: "A", uptake: 6, response: 1 },
    { unit: "A", uptake: 10, response: 1 },
    { unit: "B", uptake: 3, response: 0 },
  ];
  it("mean, median, max", () => {
    expect(aggregateByUnit(rows, "mean")[0]).toMatchObject({ id: "A", uptake: 6, n_rows: 3 });
    expect(aggregateByUnit(rows.slice(0, 2), "median")[0].uptake).toBe(4);
    expect(aggregateByUnit(rows, "max")[0].uptake).toBe(10);
    expect(aggregateByUnit(rows, "max")[1]).toMatchObject({ id: "B", uptake: 3, response: 0, n_rows: 1 });
  });
  it("two responses for one patient → InputError", () => {
    expect(() => aggregateByUnit([...rows, { unit: "B", uptake: 1, response: 1 }], "mean")).toThrow(
      /one response per patient/,
    );
  });
});

describe("photopeak μ kinds", () => {
  it("narrow = the NIST table value; broad has no citable table value and says so", () => {
    expect(MU_KINDS).toEqual(["narrow", "broad"]);
    for (const n of ["Tc-99m", "In-111", "I-131", "Lu-177"]) {
      expect(photopeakMu(n, "narrow").muPerCm).toBe(narrowBeamMu(n).muPerCm);
      if (BROAD_BEAM_MU[n] === undefined) {
        expect(() => photopeakMu(n, "broad")).toThrow(InputError);
        expect(() => photopeakMu(n, "broad")).toThrow(/no citable broad-beam μ/);
      }
    }
  });
  it("every tabulated broad-beam μ names its source and is below the narrow-beam μ", () => {
    for (const [n, e] of Object.entries(BROAD_BEAM_MU)) {
      expect(e.source.length).toBeGreaterThan(10);
      expect(e.muPerCm).toBeLessThan(narrowBeamMu(n).muPerCm);
    }
  });
});
