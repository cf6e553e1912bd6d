/**
 * Fisher's exact test against scipy.stats.fisher_exact (scipy 1.10, test/reference/fisher/):
 * two-sided, greater and less p-values and the sample odds ratio of 15 tables (zero cells, a
 * table with tied probabilities, counts in the hundreds), relative tolerance 1e-9 (log-factorial
 * probabilities); invariants with fast-check (fixed seed): p ∈ [0, 1], the two-sided p does not
 * change when the table is transposed or its rows are swapped, and P(≥ a) + P(≤ a) − 1 = P(a) ≤
 * the two-sided p.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fisherExact } from "../../../src/core/stats/fisherExact.js";
import { REF } from "../../helpers/cli.js";

type Case = {
  table: [[number, number], [number, number]];
  "two-sided": number;
  greater: number;
  less: number;
  odds_ratio: number | null;
  odds_ratio_inf: boolean;
};
const ref = JSON.parse(readFileSync(`${REF}/fisher/fisher_reference.json`, "utf8")) as { cases: Case[] };
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1e-300, Math.abs(b)) + 1e-15;

describe("Fisher exact test vs scipy.stats.fisher_exact", () => {
  it.each(ref.cases.map((c) => [JSON.stringify(c.table), c] as const))("%s", (_, c) => {
    const r = fisherExact(c.table);
    expect(close(r.p, c["two-sided"]), `two-sided ${r.p} vs ${c["two-sided"]}`).toBe(true);
    expect(close(r.pGreater, c.greater), `greater ${r.pGreater} vs ${c.greater}`).toBe(true);
    expect(close(r.pLess, c.less), `less ${r.pLess} vs ${c.less}`).toBe(true);
    if (c.odds_ratio_inf) expect(r.oddsRatio).toBe(Number.POSITIVE_INFINITY);
    else if (c.odds_ratio === null) expect(r.oddsRatio).toBeNaN();
    else expect(r.oddsRatio).toBeCloseTo(c.odds_ratio, 12);
  });

  it("invariants (fast-check, seed 42)", () => {
    const cell = fc.integer({ min: 0, max: 40 });
    fc.assert(
      fc.property(cell, cell, cell, cell, (a, b, c, d) => {
        const r = fisherExact([
          [a, b],
          [c, d],
        ]);
        expect(r.p).toBeGreaterThanOrEqual(0);
        expect(r.p).toBeLessThanOrEqual(1);
        const t = fisherExact([
          [a, c],
          [b, d],
        ]);
        const s = fisherExact([
          [c, d],
          [a, b],
        ]);
        expect(Math.abs(t.p - r.p)).toBeLessThan(1e-9);
        expect(Math.abs(s.p - r.p)).toBeLessThan(1e-9);
        const pObs = r.pGreater + r.pLess - 1;
        expect(pObs).toBeGreaterThan(-1e-12);
        expect(pObs).toBeLessThanOrEqual(r.p + 1e-12);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("refuses non-count cells", () => {
    expect(() =>
      fisherExact([
        [1.5, 2],
        [3, 4],
      ]),
    ).toThrow(/count/);
    expect(() =>
      fisherExact([
        [-1, 2],
        [3, 4],
      ]),
    ).toThrow(/count/);
  });
});
