/**
 * Compartment fits that cannot give estimates say so (issue 11, class 4): an all-zero profile
 * has no information about CL, V or ka (any CL fits a zero curve with V → ∞), so the result is
 * "not-estimable" with NaN parameters, never "converged" with invented numbers; doses ≤ 0 are
 * refused.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { fitCompartmentModel } from "../../../src/core/pk/compartmentFit.js";

const t = [0.5, 1, 2, 4, 8, 12];
const opts = { compartments: 1 as const, route: "ev" as const, doses: [{ timeH: 0, amount: 100 }] };

describe("fitCompartmentModel: not estimable", () => {
  it("all-zero concentrations → not-estimable, NaN parameters and secondary parameters", () => {
    const r = fitCompartmentModel(t, [0, 0, 0, 0, 0, 0], opts);
    expect(r.status).toBe("not-estimable");
    expect(r.converged).toBe(false);
    expect(Object.values(r.params).every(Number.isNaN)).toBe(true);
    expect(Object.keys(r.secondary).length).toBeGreaterThan(0);
    expect(Object.values(r.secondary).every(Number.isNaN)).toBe(true);
    expect(r.message).toMatch(/0 positive concentrations/);
  });
  it("fewer positive concentrations than parameters → not-estimable", () => {
    expect(fitCompartmentModel(t, [0, 3, 0, 0, 1, 0], opts).status).toBe("not-estimable");
  });
  it("a measurable profile still converges", () => {
    const c = t.map((x) => 10 * (Math.exp(-0.2 * x) - Math.exp(-1.5 * x)));
    expect(fitCompartmentModel(t, c, opts).status).toBe("converged");
  });
  it("doses ≤ 0 are InputErrors", () => {
    const c = t.map((x) => 10 * (Math.exp(-0.2 * x) - Math.exp(-1.5 * x)));
    for (const amount of [0, -5, Number.NaN])
      expect(() => fitCompartmentModel(t, c, { ...opts, doses: [{ timeH: 0, amount }] })).toThrow(InputError);
  });
});
