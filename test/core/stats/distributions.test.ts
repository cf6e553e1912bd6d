import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as d from "../../../src/core/stats/distributions.js";
import { REF } from "../../helpers/cli.js";

const ref = JSON.parse(readFileSync(`${REF}/scipy/distributions.json`, "utf8")) as Record<string, number[][]>;
const rel = (m: number, r: number) => (r === 0 ? Math.abs(m) : Math.abs(m - r) / Math.abs(r));

describe("distributions vs scipy (relative 1e-12 unless noted)", () => {
  it.each(ref.normCdf)("Φ(%d)", (x, p) => expect(rel(d.normalCdf(x), p)).toBeLessThan(1e-12));
  it.each(ref.normSf)("1−Φ(%d) in the far tail", (x, p) => expect(rel(d.normalSf(x), p)).toBeLessThan(1e-12));
  it.each(ref.normQ)("Φ⁻¹(%d)", (p, x) =>
    expect(Math.abs(d.normalQuantile(p) - x)).toBeLessThan(1e-12 * Math.max(1, Math.abs(x))),
  );
  it.each(ref.chi2Sf)("χ² sf(%d, %d)", (x, k, p) => expect(rel(d.chiSquareSf(x, k), p)).toBeLessThan(1e-12));
  it.each(ref.tCdf)("t cdf(%d, %d)", (x, df, p) => expect(rel(d.tCdf(x, df), p)).toBeLessThan(1e-12));
  it.each(ref.tQ)("t quantile(%d, %d)", (p, df, x) => expect(rel(d.tQuantile(p, df), x)).toBeLessThan(1e-11));
  it.each(ref.fSf)("F sf(%d, %d, %d)", (x, a, b, p) => expect(rel(d.fSf(x, a, b), p)).toBeLessThan(1e-12));
  it.each(ref.lgamma)("lnΓ(%d)", (x, v) =>
    expect(Math.abs(d.logGamma(x) - v)).toBeLessThan(1e-13 * Math.max(1, Math.abs(v))),
  );
  it.each(ref.betaI)("I_%d(%d, %d)", (x, a, b, v) => expect(rel(d.betaI(x, a, b), v)).toBeLessThan(1e-12));
  it("Φ(Φ⁻¹(p)) = p (property)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }),
        (p) => Math.abs(d.normalCdf(d.normalQuantile(p)) - p) <= 1e-14 + 1e-12 * p,
      ),
    );
  });
});
