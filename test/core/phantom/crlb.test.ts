/**
 * Precision of the fits on their accuracy phantoms against the Cramér–Rao lower bound: for
 * Gaussian noise of SD σ on a model f(θ) sampled at N points, cov(θ̂) ≥ σ²·(JᵀJ)⁻¹ with
 * J_ij = ∂f_i/∂θ_j; a derived g(θ) has var ≥ ∇gᵀ·cov·∇g. The models and their Jacobians are
 * written here from the published formulas (Parker AIF, extended Tofts, mono-exponential decay,
 * log-normal bolus), independently of src/. Least squares is asymptotically efficient, so at
 * SNR ≥ 50 the Monte-Carlo SD of each estimate must lie within ±20 % of the bound (400
 * realisations: the sampling error of an SD is ≈ 1/√(2·399) = 3.5 %). Rician noise (relax, ADC)
 * is ≈ Gaussian of the same σ at these SNRs. The log-linear ADC is not efficient: its SD is
 * checked against the delta-method variance of ordinary least squares on ln S instead.
 * The evaluators' noise-free curves are checked against the same independent models.
 */
import { describe, expect, it } from "vitest";
import { evaluatePhantom } from "../../../src/core/phantom/evaluator.js";
import { ceusEvaluator } from "../../../src/core/phantom/kinds/ceus.js";
import { dceEvaluator } from "../../../src/core/phantom/kinds/dce.js";
import { adcEvaluator } from "../../../src/core/phantom/kinds/dwi.js";
import { relaxEvaluator } from "../../../src/core/phantom/kinds/relax.js";

const N_MC = 400;
const SNRS = [50, 100];

/** inverse of a small symmetric positive-definite matrix (Gauss–Jordan) */
function inverse(a: number[][]): number[][] {
  const n = a.length;
  const m = a.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r][c];
      for (let k = 0; k < 2 * n; k++) m[r][k] -= f * m[c][k];
    }
  }
  return m.map((row) => row.slice(n));
}

/** σ²·(JᵀJ)⁻¹ for J given row by row (N × p) */
function crlbCovariance(jac: number[][], sigma: number): number[][] {
  const p = jac[0].length;
  const f = Array.from({ length: p }, (_, a) =>
    Array.from({ length: p }, (_, b) => jac.reduce((s, row) => s + row[a] * row[b], 0)),
  );
  return inverse(f).map((row) => row.map((v) => v * sigma * sigma));
}

const quad = (cov: number[][], g: number[]) =>
  g.reduce((s, gi, i) => s + gi * g.reduce((t, gj, j) => t + cov[i][j] * gj, 0), 0);

function sdOf(table: ReturnType<typeof evaluatePhantom>, parameter: string, snr: number, method?: string) {
  const r = table.rows.find((x) => x.parameter === parameter && x.snr === snr && x.method === method);
  if (!r) throw new Error(`no row ${parameter} ${snr} ${method}`);
  expect(r.n_failed, `${parameter} SNR ${snr}: failed fits`).toBe(0);
  return r.sd as number;
}

function expectNearBound(mc: number, bound: number, what: string) {
  const ratio = mc / bound;
  expect(
    ratio,
    `${what}: Monte-Carlo SD ${mc.toPrecision(4)} vs CRLB ${bound.toPrecision(4)}`,
  ).toBeGreaterThan(0.8);
  expect(ratio, `${what}: Monte-Carlo SD ${mc.toPrecision(4)} vs CRLB ${bound.toPrecision(4)}`).toBeLessThan(
    1.2,
  );
}

// ---- extended Tofts with the Parker AIF (Parker et al., MRM 2006;56:993, eq. 1 and Table 1)
function parkerBlood(tMin: number): number {
  if (tMin < 0) return 0;
  const g = (a: number, mu: number, s: number) =>
    (a / (s * Math.sqrt(2 * Math.PI))) * Math.exp(-((tMin - mu) ** 2) / (2 * s * s));
  return (
    g(0.809, 0.17046, 0.0563) +
    g(0.33, 0.365, 0.132) +
    (1.05 * Math.exp(-0.1685 * tMin)) / (1 + Math.exp(-38.078 * (tMin - 0.483)))
  );
}

/**
 * C_i, ∂C/∂(Ktrans, ve, vp) at the frame times for a plasma AIF linear between samples:
 * I = ∫cp(τ)e^{−kep(t−τ)}dτ and ∂I/∂kep = −∫cp(τ)(t−τ)e^{−kep(t−τ)}dτ by Simpson's rule on
 * 16 sub-intervals of every frame interval (the integrand is smooth inside one).
 */
function toftsWithJacobian(tS: number[], cp: number[], k: number, ve: number, vp: number) {
  const kep = k / ve;
  const tm = tS.map((t) => t / 60);
  const c: number[] = [];
  const jac: number[][] = [];
  for (let i = 0; i < tm.length; i++) {
    let I = 0;
    let Ik = 0;
    for (let a = 0; a < i; a++) {
      const m = 16;
      const h = (tm[a + 1] - tm[a]) / m;
      for (let s = 0; s <= m; s++) {
        const tau = tm[a] + s * h;
        const cpv = cp[a] + ((cp[a + 1] - cp[a]) * (tau - tm[a])) / (tm[a + 1] - tm[a]);
        const w = ((s === 0 || s === m ? 1 : s % 2 ? 4 : 2) * h) / 3;
        const e = Math.exp(-kep * (tm[i] - tau));
        I += w * cpv * e;
        Ik -= w * cpv * (tm[i] - tau) * e;
      }
    }
    c.push(vp * cp[i] + k * I);
    jac.push([I + (k / ve) * Ik, -((k * k) / (ve * ve)) * Ik, cp[i]]);
  }
  return { c, jac };
}

describe("Cramér–Rao lower bound at SNR ≥ 50", () => {
  it("dce (extended Tofts, Parker AIF): Ktrans, ve, vp", () => {
    const ev = dceEvaluator();
    const tS = ev.acquisition.time_s as number[];
    const cp = tS.map((t) => parkerBlood((t - 20) / 60) / (1 - 0.45));
    const { Ktrans_per_min: k, ve, vp } = ev.truth;
    const { c, jac } = toftsWithJacobian(tS, cp, k, ve, vp);
    // the evaluator's noise-free curve is the model written here
    const clean = ev.noiseFree()[0];
    const peak = Math.max(...c);
    for (let i = 0; i < c.length; i++) expect(Math.abs(clean[i] - c[i])).toBeLessThan(1e-6 * peak);
    const table = evaluatePhantom(ev, { snr: SNRS, n: N_MC, seed: 11 });
    for (const snr of SNRS) {
      const cov = crlbCovariance(jac, peak / snr);
      ["Ktrans_per_min", "ve", "vp"].forEach((p, j) => {
        expectNearBound(sdOf(table, p, snr), Math.sqrt(cov[j][j]), `dce ${p} SNR ${snr}`);
      });
    }
  });

  it("relax (mono-exponential T2): T2 and S0", () => {
    const ev = relaxEvaluator();
    const te = ev.acquisition.te_ms as number[];
    const { S0: s0, T2_ms: t2 } = ev.truth;
    const s = te.map((t) => s0 * Math.exp(-t / t2));
    const clean = ev.noiseFree()[0];
    s.forEach((v, i) => expect(clean[i]).toBeCloseTo(v, 9));
    const jac = te.map((t, i) => [s[i] / s0, (s[i] * t) / (t2 * t2)]);
    const table = evaluatePhantom(ev, { snr: SNRS, n: N_MC, seed: 12 });
    for (const snr of SNRS) {
      const cov = crlbCovariance(jac, s0 / snr);
      expectNearBound(sdOf(table, "S0", snr), Math.sqrt(cov[0][0]), `relax S0 SNR ${snr}`);
      expectNearBound(sdOf(table, "T2_ms", snr), Math.sqrt(cov[1][1]), `relax T2 SNR ${snr}`);
      // R2 = 1000/T2: ∇ = −1000/T2²
      expectNearBound(
        sdOf(table, "R2_per_s", snr),
        (1000 / (t2 * t2)) * Math.sqrt(cov[1][1]),
        `relax R2 SNR ${snr}`,
      );
    }
  });

  it("dwi-adc: nonlinear at the CRLB, log-linear at its delta-method OLS variance", () => {
    const ev = adcEvaluator();
    const b = ev.acquisition.b_s_per_mm2 as number[];
    const { S0: s0, ADC_mm2_per_s: adc } = ev.truth;
    const s = b.map((v) => s0 * Math.exp(-v * adc));
    const clean = ev.noiseFree()[0];
    s.forEach((v, i) => expect(clean[i]).toBeCloseTo(v, 9));
    const jac = b.map((v, i) => [s[i] / s0, -v * s[i]]);
    const bm = b.reduce((x, y) => x + y, 0) / b.length;
    const sxx = b.reduce((x, v) => x + (v - bm) ** 2, 0);
    const table = evaluatePhantom(ev, { snr: SNRS, n: N_MC, seed: 13 });
    for (const snr of SNRS) {
      const sigma = s0 / snr;
      const cov = crlbCovariance(jac, sigma);
      expectNearBound(
        sdOf(table, "ADC_mm2_per_s", snr, "nonlinear"),
        Math.sqrt(cov[1][1]),
        `ADC nonlinear SNR ${snr}`,
      );
      // slope of OLS on ln S: Σ wᵢ·ln Sᵢ with wᵢ = (bᵢ − b̄)/Sxx, var(ln Sᵢ) ≈ σ²/Sᵢ²
      const olsVar = b.reduce((x, v, i) => x + ((v - bm) / sxx) ** 2 * (sigma / s[i]) ** 2, 0);
      expectNearBound(
        sdOf(table, "ADC_mm2_per_s", snr, "log-linear"),
        Math.sqrt(olsVar),
        `ADC log-linear SNR ${snr}`,
      );
    }
  });

  it("ceus (log-normal bolus): AUC, μ, σ, t0 and the derived peak, TTP, MTT", () => {
    const ev = ceusEvaluator();
    const t = ev.acquisition.time_s as number[];
    const { AUC: auc, mu, sigma: sg, t0_s: t0 } = ev.truth;
    const f: number[] = [];
    const jac: number[][] = [];
    for (const x of t) {
      const tau = x - t0;
      if (!(tau > 0)) {
        f.push(0);
        jac.push([0, 0, 0, 0]);
        continue;
      }
      const z = (Math.log(tau) - mu) / sg;
      const g = (auc / (Math.sqrt(2 * Math.PI) * sg * tau)) * Math.exp(-0.5 * z * z);
      f.push(g);
      // ∂/∂AUC, ∂/∂μ, ∂/∂σ, ∂/∂t0 (= −∂/∂τ)
      jac.push([g / auc, (g * z) / sg, (g * (z * z - 1)) / sg, (g / tau) * (1 + z / sg)]);
    }
    const clean = ev.noiseFree()[0];
    const peak = Math.max(...f);
    f.forEach((v, i) => expect(Math.abs(clean[i] - v)).toBeLessThan(1e-9 * peak));
    const mtt = Math.exp(mu + (sg * sg) / 2);
    const mode = Math.exp(mu - sg * sg);
    const peakTrue = (auc / (Math.sqrt(2 * Math.PI) * sg)) * Math.exp((sg * sg) / 2 - mu);
    const derived: [string, number[]][] = [
      ["MTT_s", [0, mtt, sg * mtt, 0]],
      ["TTP_s", [0, mode, -2 * sg * mode, 1]],
      ["peak", [peakTrue / auc, -peakTrue, peakTrue * (sg - 1 / sg), 0]],
    ];
    const table = evaluatePhantom(ev, { snr: SNRS, n: N_MC, seed: 14 });
    for (const snr of SNRS) {
      // SNR = analytic peak / σ, as the evaluator defines it
      const cov = crlbCovariance(jac, peakTrue / snr);
      ["AUC", "mu", "sigma", "t0_s"].forEach((p, j) => {
        expectNearBound(sdOf(table, p, snr), Math.sqrt(cov[j][j]), `ceus ${p} SNR ${snr}`);
      });
      for (const [p, g] of derived)
        expectNearBound(sdOf(table, p, snr), Math.sqrt(quad(cov, g)), `ceus ${p} SNR ${snr}`);
    }
  });
});
