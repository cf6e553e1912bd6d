/**
 * Multi-echo relaxometry. References: analytic noise-free curves (parameters must be recovered
 * to 1e-6 relative), the Rician second moment E[M²] = A² + 2σ² (Gudbjartsson & Patz 1995) for the
 * noise-floor model, and a property test (fast-check) over T2, S0 and echo spacing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fitRelaxation, RelaxFitter, r2PerSFromT2Ms } from "../../../src/core/mri/relaxometry.js";
import { Rng } from "../../../src/core/random.js";

const te = Array.from({ length: 12 }, (_, i) => 10 * (i + 1)); // 10 … 120 ms

describe("relaxometry: noise-free recovery", () => {
  it("mono recovers T2, S0 and R2 = 1000/T2", () => {
    for (const t2 of [8, 25, 45, 80, 150, 400]) {
      const s = te.map((t) => 1234 * Math.exp(-t / t2));
      const f = fitRelaxation(te, s, { model: "mono" });
      expect(f.status).toBe("converged");
      expect(f.T2_ms).toBeCloseTo(t2, 6);
      expect(Math.abs(f.S0 / 1234 - 1)).toBeLessThan(1e-8);
      expect(f.R2_per_s).toBeCloseTo(1000 / t2, 6);
    }
  });
  it("offset recovers T2, S0 and C", () => {
    for (const [t2, c] of [
      [30, 50],
      [60, 200],
      [20, -10],
    ]) {
      const s = te.map((t) => 1000 * Math.exp(-t / t2) + c);
      const f = fitRelaxation(te, s, { model: "offset" });
      expect(f.status).toBe("converged");
      expect(Math.abs(f.T2_ms / t2 - 1)).toBeLessThan(1e-6);
      expect(Math.abs((f.offset as number) - c)).toBeLessThan(1e-4);
      expect(Math.abs(f.S0 / 1000 - 1)).toBeLessThan(1e-6);
    }
  });
  it("noise-floor recovers T2, S0 and NF from √(A² + NF²), fitted or with σ known", () => {
    const sigma = 20;
    const nf = Math.SQRT2 * sigma;
    for (const t2 of [15, 40, 90]) {
      const s = te.map((t) => Math.sqrt((1000 * Math.exp(-t / t2)) ** 2 + nf * nf));
      const f = fitRelaxation(te, s, { model: "noise-floor" });
      expect(f.status).toBe("converged");
      expect(Math.abs(f.T2_ms / t2 - 1)).toBeLessThan(1e-6);
      expect(Math.abs((f.noise_floor as number) / nf - 1)).toBeLessThan(1e-5);
      const k = fitRelaxation(te, s, { model: "noise-floor", sigma });
      expect(Math.abs(k.T2_ms / t2 - 1)).toBeLessThan(1e-8);
      expect(k.noise_floor).toBeCloseTo(nf, 10);
    }
  });
  it("property: mono fit recovers any T2 within the echo train's range", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 300, noNaN: true }),
        fc.double({ min: 1, max: 1e5, noNaN: true }),
        fc.double({ min: 1, max: 15, noNaN: true }),
        (t2, s0, dte) => {
          const tes = Array.from({ length: 8 }, (_, i) => dte * (i + 1));
          if (tes[0] / t2 > 8) return; // first echo already at e^-8: nothing to fit
          const f = fitRelaxation(
            tes,
            tes.map((t) => s0 * Math.exp(-t / t2)),
          );
          expect(f.converged).toBe(true);
          expect(Math.abs(f.T2_ms / t2 - 1)).toBeLessThan(1e-6);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("relaxometry: Rician data", () => {
  it("noise-floor model removes the T2 bias of the plain fit at low SNR (Rician magnitude)", () => {
    const rng = new Rng(7);
    const t2 = 30;
    const sigma = 30;
    const tes = Array.from({ length: 16 }, (_, i) => 8 * (i + 1));
    let monoSum = 0;
    let nfSum = 0;
    const n = 200;
    const fitMono = new RelaxFitter(tes, { model: "mono" });
    const fitNf = new RelaxFitter(tes, { model: "noise-floor", sigma });
    for (let k = 0; k < n; k++) {
      const s = tes.map((t) => {
        const a = 600 * Math.exp(-t / t2);
        return Math.hypot(a + sigma * rng.normal(), sigma * rng.normal());
      });
      monoSum += fitMono.fit(s).T2_ms;
      nfSum += fitNf.fit(s).T2_ms;
    }
    const monoBias = monoSum / n / t2 - 1;
    const nfBias = nfSum / n / t2 - 1;
    expect(monoBias).toBeGreaterThan(0.1); // the floor lengthens the apparent T2
    expect(Math.abs(nfBias)).toBeLessThan(0.05);
  });
});

describe("relaxometry: contracts", () => {
  it("a curve without decay is a failed fit with NaN, not a huge T2", () => {
    const f = fitRelaxation(
      te,
      te.map(() => 100),
    );
    expect(f.converged).toBe(false);
    expect(Number.isNaN(f.T2_ms)).toBe(true);
  });
  it("non-finite samples are invalid input", () => {
    const s = te.map((t) => Math.exp(-t / 50));
    s[3] = Number.NaN;
    expect(fitRelaxation(te, s).status).toBe("invalid-input");
  });
  it("R2 conversion", () => {
    expect(r2PerSFromT2Ms(50)).toBe(20);
  });
});
