import { describe, expect, it } from "vitest";
import { parkerAif } from "../../../src/core/perfusion/aif.js";
import { DceModel } from "../../../src/core/perfusion/dceModel.js";
import { type DceModelName, MODEL_PARAMETERS } from "../../../src/core/perfusion/models.js";

const t = Array.from({ length: 80 }, (_, i) => i * 4);
const cp = Float64Array.from(parkerAif(t, 20), (v) => v / (1 - 0.42));

describe("noise-free synthetic curves recover the parameters to 1e-6 relative", () => {
  const truth: Record<DceModelName, number[]> = {
    tofts: [0.25, 0.35],
    etofts: [0.12, 0.3, 0.05],
    patlak: [0.08, 0.06],
    "2cxm": [0.06, 0.25, 0.5, 0.1],
    "2cum": [0.05, 0.4, 0.06],
  };
  for (const [name, p] of Object.entries(truth) as [DceModelName, number[]][]) {
    it(name, () => {
      const m = new DceModel(name, t, cp);
      const y = m.curve(p);
      const f = m.fit(y);
      expect(f.converged).toBe(true);
      MODEL_PARAMETERS[name].forEach((spec, j) =>
        expect(Math.abs(f.params[spec.key] - p[j]) / p[j], spec.key).toBeLessThan(1e-6),
      );
    });
  }
  it("flags a curve with NaN samples instead of fitting it", () => {
    const m = new DceModel("tofts", t, cp);
    const y = Float64Array.from(m.curve([0.2, 0.3]));
    y[10] = Number.NaN;
    const f = m.fit(y);
    expect(f.converged).toBe(false);
    expect(f.status).toBe("invalid-input");
  });
});

describe("model selection by AIC", () => {
  it("prefers extended Tofts for a curve with a vascular component and Tofts for one without", () => {
    const withVp = new DceModel("etofts", t, cp).curve([0.12, 0.3, 0.06]);
    const noVp = new DceModel("tofts", t, cp).curve([0.12, 0.3]);
    const noise = (i: number) => 0.002 * Math.sin(7.3 * i);
    const y1 = Float64Array.from(withVp, (v, i) => v + noise(i));
    const y2 = Float64Array.from(noVp, (v, i) => v + noise(i));
    const aic = (m: DceModelName, y: Float64Array) => new DceModel(m, t, cp).fit(y).aic;
    expect(aic("etofts", y1)).toBeLessThan(aic("tofts", y1) - 10);
    expect(aic("tofts", y2)).toBeLessThan(aic("etofts", y2) + 2.5);
  });
});
