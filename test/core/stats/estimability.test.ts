/**
 * Not estimable is said, never printed as numbers (issue 11, class 4). References:
 *  - separation: Albert & Anderson (1984, Biometrika 71:1) — with complete separation the
 *    logistic ML estimate does not exist (data constructed so that x > 3.5 ⇔ y = 1);
 *  - monotone Cox likelihood: a covariate that orders the event times perfectly has an
 *    infinite ML coefficient (Heinze & Schemper 2001, Biometrics 57:114); coxph warns
 *    "Loglik converged before variable 1; coefficient may be infinite";
 *  - aliasing: a covariate equal to 2 × another is collinear by construction (R prints NA).
 * The R reference fits of the conformance suite must keep status "converged".
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { coxph } from "../../../src/core/stats/cox.js";
import { logisticRegression } from "../../../src/core/stats/logistic.js";
import { aliasedColumns } from "../../../src/core/stats/rank.js";
import { numericColumn, parseCsv } from "../../../src/io/csv.js";

const REF = new URL("../../reference/stats/", import.meta.url);
const aSAH = parseCsv(readFileSync(new URL("aSAH.csv", REF), "utf8"));

describe("aliasedColumns (R's QR rank decision)", () => {
  it("finds constant, duplicate and linear-combination columns", () => {
    const a = [1, 2, 3, 4, 5];
    const b = [2, 1, 4, 3, 7];
    expect(aliasedColumns([a, b], true)).toEqual([]);
    expect(aliasedColumns([a, [3, 3, 3, 3, 3]], true)).toEqual([1]);
    expect(aliasedColumns([a, b, a.map((v, i) => v + 2 * b[i])], true)).toEqual([2]);
    expect(aliasedColumns([[0, 0, 0, 0, 0]], false)).toEqual([0]);
    expect(aliasedColumns([a.map((v) => v * 1e-9), b], true)).toEqual([]);
  });
});

describe("logistic regression status", () => {
  it("R's aSAH fit converges (status converged)", () => {
    const y = numericColumn(aSAH, "outcome");
    const r = logisticRegression(y, [numericColumn(aSAH, "s100b"), numericColumn(aSAH, "age")]);
    expect(r.status).toBe("converged");
    expect(r.fit.converged).toBe(true);
  });
  it("complete separation: status separation, not converged", () => {
    const r = logisticRegression([0, 0, 0, 1, 1, 1], [[1, 2, 3, 4, 5, 6]]);
    expect(r.status).toBe("separation");
    expect(r.fit.converged).toBe(false);
    expect(r.message).toMatch(/firth/i);
  });
  it("quasi-complete separation (a tie at the boundary) is separation too", () => {
    const r = logisticRegression([0, 0, 0, 1, 0, 1, 1, 1], [[1, 2, 3, 4, 4, 5, 6, 7]]);
    expect(r.status).toBe("separation");
  });
  it("overlapping data with a strong effect is not flagged", () => {
    const r = logisticRegression([0, 0, 1, 0, 1, 0, 1, 1, 1, 0], [[1, 2, 3, 4, 5, 6, 7, 8, 9, 3.5]]);
    expect(r.status).toBe("converged");
  });
  it("Firth under separation converges to finite estimates", () => {
    const r = logisticRegression([0, 0, 0, 1, 1, 1], [[1, 2, 3, 4, 5, 6]], { firth: true });
    expect(r.status).toBe("converged");
    expect(Number.isFinite(r.terms[1].coef)).toBe(true);
  });
  it("collinear and constant predictors are singular with the aliased name", () => {
    const y = [0, 0, 1, 1, 0, 1];
    const x = [1, 2, 3, 4, 5, 6];
    const c = logisticRegression(y, [x, x.map((v) => 2 * v)], { names: ["x", "z"] });
    expect(c.status).toBe("singular");
    expect(c.message).toMatch(/z constant or collinear/);
    expect(logisticRegression(y, [[5, 5, 5, 5, 5, 5]], { names: ["k"] }).status).toBe("singular");
  });
});

describe("Cox regression status", () => {
  const lung = parseCsv(readFileSync(new URL("lung.csv", REF), "utf8"));
  it("R's lung fit converges (status converged)", () => {
    const ev = numericColumn(lung, "status").map((s) => (s === 2 ? 1 : 0));
    const r = coxph(numericColumn(lung, "time"), ev, [
      numericColumn(lung, "age"),
      numericColumn(lung, "sex"),
    ]);
    expect(r.status).toBe("converged");
  });
  it("a covariate ordering the events perfectly: monotone likelihood → separation", () => {
    const r = coxph([1, 2, 3, 4, 5], [1, 1, 1, 0, 1], [[5, 4, 3, 2, 1]], { names: ["x"] });
    expect(r.status).toBe("separation");
    expect(r.message).toMatch(/x is infinite/);
  });
  it("constant and collinear covariates are singular", () => {
    const t = [1, 2, 3, 4, 5, 6];
    const e = [1, 0, 1, 1, 0, 1];
    expect(coxph(t, e, [[1, 1, 1, 1, 1, 1]]).status).toBe("singular");
    const x = [0.3, 0.1, 0.9, 0.4, 0.7, 0.2];
    const r = coxph(t, e, [x, x.map((v) => 3 * v)], { names: ["x", "x3"] });
    expect(r.status).toBe("singular");
    expect(r.message).toMatch(/x3/);
  });
});
