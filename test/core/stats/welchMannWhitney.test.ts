/**
 * Welch t-test (groupTests.welchTTest) and Mann–Whitney U (mannWhitneyExact.mannWhitneyTest)
 * against test/reference/group-tests/reference.json (scipy 1.10.1 + brute-force enumeration,
 * generate.py there), relative tolerance 1e-6, and against the digits R prints for its own
 * help examples (sleep data; Hollander & Wolfe 1973 p. 69) at their printed precision.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { welchTTest } from "../../../src/core/stats/groupTests.js";
import {
  mannWhitneyExactP,
  mannWhitneyNullDistribution,
  mannWhitneyTest,
} from "../../../src/core/stats/mannWhitneyExact.js";
import { REF } from "../../helpers/cli.js";
import { relDiff } from "../../helpers/tolerance.js";

interface Case {
  x: number[];
  y: number[];
  welch: Record<"t" | "df" | "p" | "meanDifference" | "ciLower" | "ciUpper", number>;
  mannwhitney: { u: number; p: number; method: "exact" | "normal" };
}
const ref = JSON.parse(readFileSync(`${REF}/group-tests/reference.json`, "utf8")) as {
  cases: Record<string, Case>;
  pmf: Record<string, number[]>;
};
const RTOL = 1e-6;
const close = (m: number, e: number, what: string) =>
  expect(e === 0 ? Math.abs(m) : relDiff(m, e), `${what}: ${m} vs ${e}`).toBeLessThanOrEqual(RTOL);

describe("Welch t-test vs scipy", () => {
  for (const [name, c] of Object.entries(ref.cases)) {
    it(name, () => {
      const w = welchTTest(c.x, c.y);
      for (const k of Object.keys(c.welch) as (keyof Case["welch"])[])
        close(w[k], c.welch[k], `${name}.${k}`);
    });
  }
  it("R t.test(extra ~ group, sleep) printed digits", () => {
    const c = ref.cases.sleep;
    const w = welchTTest(c.x, c.y);
    expect(w.t).toBeCloseTo(-1.8608, 4);
    expect(w.df).toBeCloseTo(17.776, 3);
    expect(w.p).toBeCloseTo(0.07939, 5);
    expect(w.ciLower).toBeCloseTo(-3.3654832, 7);
    expect(w.ciUpper).toBeCloseTo(0.2054832, 7);
  });
});

describe("Mann–Whitney U vs scipy", () => {
  for (const [name, c] of Object.entries(ref.cases)) {
    it(name, () => {
      const m = mannWhitneyTest(c.x, c.y);
      expect(m.method).toBe(c.mannwhitney.method);
      close(m.u, c.mannwhitney.u, `${name}.U`);
      close(m.p, c.mannwhitney.p, `${name}.p`);
    });
  }
  it("R printed digits: sleep W = 25.5, p = 0.06933; Hollander–Wolfe W = 35, one-sided p = 0.1272", () => {
    const s = mannWhitneyTest(ref.cases.sleep.x, ref.cases.sleep.y);
    expect(s.u).toBe(25.5);
    expect(s.p).toBeCloseTo(0.06933, 5);
    const h = mannWhitneyTest(ref.cases.hollander_wolfe.x, ref.cases.hollander_wolfe.y);
    expect(h.u).toBe(35);
    expect(h.p / 2).toBeCloseTo(0.1272, 4);
  });
  it("null distribution equals brute-force enumeration", () => {
    for (const [key, pmf] of Object.entries(ref.pmf)) {
      const [m, n] = key.split("x").map(Number);
      const d = mannWhitneyNullDistribution(m, n);
      expect(d.length).toBe(pmf.length);
      pmf.forEach((p, u) => close(d[u], p, `${key}[${u}]`));
    }
  });
  it("completely separated 3 vs 3: p = 2/C(6,3) = 0.1 by hand", () => {
    expect(mannWhitneyExactP(0, 3, 3)).toBeCloseTo(0.1, 12);
    expect(mannWhitneyExactP(9, 3, 3)).toBeCloseTo(0.1, 12);
  });
  it("property: p in [0, 1], symmetric in swapping groups, U_x + U_y = n1·n2", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 24 }),
        fc.integer({ min: 1, max: 23 }),
        (vals, cut) => {
          const k = Math.min(cut, vals.length - 1);
          const x = vals.slice(0, k);
          const y = vals.slice(k);
          const a = mannWhitneyTest(x, y);
          const b = mannWhitneyTest(y, x);
          expect(a.p).toBeGreaterThanOrEqual(0);
          expect(a.p).toBeLessThanOrEqual(1);
          expect(Math.abs(a.p - b.p)).toBeLessThan(1e-12);
          expect(a.u + b.u).toBe(x.length * y.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
