/** VFA T1 with fewer than 2 distinct flip angles is not estimable: never "converged", NaN values. */
import { describe, expect, it } from "vitest";
import { spgrSignal, vfaLinear, vfaNonlinear } from "../../../src/core/mri/spgr.js";

describe("VFA with identical flip angles", () => {
  const s = [5, 5, 5].map((a) => spgrSignal(1000, 1, 0.005, a));
  it("linear and nonlinear fits report not-estimable with NaN T1 and M0", () => {
    for (const f of [vfaLinear(s, [5, 5, 5], 0.005), vfaNonlinear(s, [5, 5, 5], 0.005)]) {
      expect(f.converged).toBe(false);
      expect(f.status).toBe("not-estimable");
      expect(f.t1S).toBeNaN();
      expect(f.m0).toBeNaN();
    }
  });
  it("two distinct angles are enough (analytic signal, T1 = 1 s)", () => {
    const f = vfaNonlinear(
      [2, 12].map((a) => spgrSignal(1000, 1, 0.005, a)),
      [2, 12],
      0.005,
    );
    expect(f.converged).toBe(true);
    expect(Math.abs(f.t1S - 1)).toBeLessThan(1e-6);
  });
});
