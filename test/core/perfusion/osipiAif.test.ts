/** OSIPI population-AIF conformance (README §6): Parker 2006, Georgiou 2019 (functional form vs
 * the published table) and McGrath 2009 mouse model B. */
import { describe, expect, it } from "vitest";
import { georgiouAif, mcGrathMouseAif, parkerAif } from "../../../src/core/perfusion/aif.js";
import { close, readOsipi } from "../../helpers/osipi.js";

function groups(file: string, timeInMinutes: boolean) {
  const rows = readOsipi(`PopulationAIF_DCE/${file}`);
  const by = new Map<string, { t: number[]; cb: number[]; delay: number }>();
  for (const r of rows) {
    const g = by.get(r.label) ?? { t: [], cb: [], delay: Number(r.delay ?? 0) };
    g.t.push(Number(r.time) * (timeInMinutes ? 60 : 1));
    g.cb.push(Number(r.Cb));
    by.set(r.label, g);
  }
  return [...by.entries()];
}

const SETS: [string, boolean, (t: number[], d: number) => Float64Array, number, number][] = [
  ["ParkerAIF_ref.csv", true, parkerAif, 1e-4, 0.01],
  ["ParkerAIF_ref_with_delay.csv", true, parkerAif, 0.1, 0.1],
  ["preclinicalAIF_ref.csv", false, mcGrathMouseAif, 1e-4, 0.01],
  ["preclinicalAIF_ref_delay.csv", false, mcGrathMouseAif, 1e-4, 0.01],
];

describe("OSIPI population AIFs", () => {
  for (const [file, minutes, f, atol, rtol] of SETS) {
    it(file, () => {
      const failed: string[] = [];
      for (const [label, g] of groups(file, minutes)) {
        const c = f(g.t, g.delay);
        if (!g.cb.every((v, i) => close(c[i], v, atol, rtol))) failed.push(label);
      }
      expect(failed).toEqual([]);
    });
  }

  it("GeorgiouAIF_ref.csv: known deviation of the published functional form from the published table", () => {
    // Investigated: eq. 1 with the Table 3 parameters (4 digits) reproduces the tabulated curve
    // within 1 % + 1e-4 mM after the first pass (t > 0.34 min) at every sampling; on the steep
    // first-pass upslope and first trough the form deviates by up to ~3 % (it is a fit to the
    // measured curve). The strict OSIPI criterion therefore fails there for every label; we
    // assert where and by how much.
    for (const [label, g] of groups("GeorgiouAIF_ref.csv", true)) {
      const c = georgiouAif(g.t);
      let worst = 0;
      g.cb.forEach((v, i) => {
        const ok = close(c[i], v, 1e-4, 0.01);
        if (!ok) {
          expect(g.t[i], `${label}: deviation outside the first pass at t = ${g.t[i]} s`).toBeLessThan(21);
          worst = Math.max(worst, Math.abs(c[i] - v) / Math.abs(v));
        }
      });
      expect(worst, label).toBeLessThan(0.04);
    }
  });
});
