/**
 * Boxerman–Weisskoff leakage correction. References: an analytic reference curve
 * ref(t) = t·e^{−t/τ} with the closed-form integral τ²(1 − e^{−t/τ}(1 + t/τ)), tissue built from
 * the model's own formula with known K1, K2; and OSIPI DSC curves (test/reference/dce/DSCmodels)
 * with leakage added, whose corrected CBV must pass the OSIPI CBV tolerance (a_tol 1, r_tol 0.1).
 */
import { describe, expect, it } from "vitest";
import { cumulativeTrapezoid } from "../../../src/core/fit/integrate.js";
import { dscCbv } from "../../../src/core/perfusion/dsc.js";
import { boxermanLeakageCorrection } from "../../../src/core/perfusion/dscLeakage.js";
import { arr, close, readOsipi } from "../../helpers/osipi.js";

describe("leakage correction", () => {
  const tau = 5;
  const t = Array.from({ length: 601 }, (_, i) => 0.1 * i);
  const ref = t.map((x) => x * Math.exp(-x / tau));
  const integral = t.map((x) => tau * tau * (1 - Math.exp(-x / tau) * (1 + x / tau)));
  for (const [k1, k2] of [
    [0.8, 0.01],
    [1.2, -0.02],
    [1, 0],
  ]) {
    it(`recovers K1 = ${k1}, K2 = ${k2}/s from the analytic model`, () => {
      const tissue = ref.map((r, i) => k1 * r - k2 * integral[i]);
      const c = boxermanLeakageCorrection(tissue, ref, t);
      expect(c.K1).toBeCloseTo(k1, 4);
      expect(c.K2_per_s).toBeCloseTo(k2, 5);
      // corrected curve = K1·ref (up to the trapezoid error of the integral)
      const err = Math.max(...c.corrected.map((v, i) => Math.abs(v - k1 * ref[i])));
      expect(err).toBeLessThan(1e-3);
    });
  }
  it("OSIPI curves with added leakage: corrected CBV passes the OSIPI tolerance, uncorrected does not", () => {
    const rows = readOsipi("DSCmodels/dsc_data.csv");
    let uncorrectedFails = 0;
    for (const r of rows) {
      const tis = arr(r.C_tis);
      const aif = arr(r.C_aif);
      const dt = Number(r.tr);
      const time = tis.map((_, i) => i * dt);
      const cum = cumulativeTrapezoid(time, tis);
      const k2 = 0.004; // T1-dominant leakage: the measured ΔR2* is pulled down
      const leaky = tis.map((v, i) => v - k2 * cum[i]);
      const c = boxermanLeakageCorrection(leaky, tis, time);
      expect(c.K1).toBeCloseTo(1, 8);
      expect(c.K2_per_s).toBeCloseTo(k2, 10);
      const cbvCorr = dscCbv(c.corrected, aif, dt);
      expect(close(cbvCorr, Number(r.cbv), 1, 0.1), r.label).toBe(true);
      if (!close(dscCbv(leaky, aif, dt), Number(r.cbv), 1, 0.1)) uncorrectedFails++;
    }
    expect(uncorrectedFails).toBeGreaterThan(rows.length / 2);
  });
  it("mismatched lengths are input errors", () => {
    expect(() => boxermanLeakageCorrection([1, 2], [1, 2, 3], [0, 1, 2])).toThrow();
  });
});
