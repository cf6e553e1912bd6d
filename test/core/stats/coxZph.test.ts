/**
 * cox.zph-style PH test: checked against a brute-force computation — the Efron partial
 * log-likelihood of the extended model [x, x·g(t)] written out directly, with its score and
 * information at (β̂, 0) by central finite differences — on survival's lung data (many ties).
 */
import { readFileSync } from "node:fs";
import { inverse, Matrix } from "ml-matrix";
import { describe, expect, it } from "vitest";
import { coxph } from "../../../src/core/stats/cox.js";
import { coxZph, zphTransform } from "../../../src/core/stats/coxZph.js";
import { numericColumn, parseCsv } from "../../../src/io/csv.js";
import { REF } from "../../helpers/cli.js";

const lung = parseCsv(readFileSync(`${REF}/stats/lung.csv`, "utf8"), "lung.csv");
const time = numericColumn(lung, "time");
const event = numericColumn(lung, "event");
const names = ["age", "sex", "ph.ecog"];
const X = names.map((c) => numericColumn(lung, c));

function extendedLogLik(theta: number[], g: Float64Array): number {
  const p = X.length;
  const n = time.length;
  let ll = 0;
  const evTimes = [...new Set(Array.from(time).filter((_, i) => event[i] === 1))];
  for (const t of evTimes) {
    let gt = 0;
    for (let i = 0; i < n; i++) if (time[i] === t && event[i] === 1) gt = g[i];
    const eta = (i: number) => {
      let e = 0;
      for (let j = 0; j < p; j++) e += X[j][i] * (theta[j] + theta[p + j] * gt);
      return e;
    };
    let sR = 0;
    let sD = 0;
    let d = 0;
    for (let i = 0; i < n; i++) {
      if (time[i] < t) continue;
      const w = Math.exp(eta(i));
      sR += w;
      if (time[i] === t && event[i] === 1) {
        sD += w;
        d++;
        ll += eta(i);
      }
    }
    for (let l = 0; l < d; l++) ll -= Math.log(sR - (l / d) * sD);
  }
  return ll;
}

function bruteForce(beta: number[], g: Float64Array, idx: number[]): number {
  const th0 = [...beta, 0, 0, 0];
  const gMax = Math.max(...Array.from(g, Math.abs));
  const hk = (k: number) => (k < 3 ? 1e-4 : 1e-4 / gMax);
  const f = (dv: number[]) =>
    extendedLogLik(
      th0.map((v, k) => v + dv[k]),
      g,
    );
  const e = (k: number, s: number) => th0.map((_, q) => (q === k ? s * hk(k) : 0));
  const add = (a: number[], b: number[]) => a.map((v, k) => v + b[k]);
  const u = idx.map((k) => (f(e(k, 1)) - f(e(k, -1))) / (2 * hk(k)));
  const info = idx.map((a) =>
    idx.map(
      (b) =>
        -(
          f(add(e(a, 1), e(b, 1))) -
          f(add(e(a, 1), e(b, -1))) -
          f(add(e(a, -1), e(b, 1))) +
          f(add(e(a, -1), e(b, -1)))
        ) /
        (4 * hk(a) * hk(b)),
    ),
  );
  const U = Matrix.columnVector(u);
  return U.transpose()
    .mmul(inverse(new Matrix(info)))
    .mmul(U)
    .get(0, 0);
}

describe("cox.zph score test (Efron) vs brute-force extended likelihood", () => {
  const fit = coxph(time, event, X, { names });
  const beta = fit.terms.map((t) => t.coef);
  for (const transform of ["km", "identity"] as const) {
    it(`transform ${transform}: per covariate and GLOBAL`, () => {
      const z = coxZph(time, event, X, fit, transform);
      const g = zphTransform(time, event, transform);
      for (let j = 0; j < 3; j++) {
        const ref = bruteForce(beta, g, [0, 1, 2, 3 + j]);
        expect(Math.abs(z.terms[j].chisq - ref) / ref).toBeLessThan(1e-4);
      }
      const refG = bruteForce(beta, g, [0, 1, 2, 3, 4, 5]);
      expect(Math.abs(z.global.chisq - refG) / refG).toBeLessThan(1e-4);
      expect(z.global.df).toBe(3);
    });
  }
  it("km transform = 1 − left-continuous pooled KM", () => {
    const g = zphTransform([1, 2, 3, 4], [1, 1, 0, 1], "km");
    expect(Array.from(g)).toEqual([0, 0.25, 0.5, 0.5]);
  });
});
