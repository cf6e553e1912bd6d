/**
 * Seeded pseudo-random numbers for reproducible simulations (demo study, phantoms,
 * bootstrap). mulberry32 (Tommy Ettinger, 2017): 32-bit state, period 2^32, fast and
 * adequate for simulation (not cryptography). Normal deviates by Box–Muller; Poisson deviates
 * exact at every mean: Knuth's multiplication method below a mean of 30, Hörmann's transformed
 * rejection with squeeze (PTRS; W. Hörmann, Insurance: Math. Econ. 12 (1993) 39–45, as in numpy)
 * above. (Knuth alone fails beyond a mean of ~708, where e^(−mean) underflows to 0.)
 */
import { logGamma } from "./stats/distributions.js";

export class Rng {
  private state: number;
  private spare: number | null = null;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** uniform in [0, 1) */
  uniform(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** uniform in [a, b) */
  between(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** integer in [0, n) */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** standard normal deviate (Box–Muller, polar form) */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return mean + sd * s;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /** log-normal with the given median and log-scale SD */
  logNormal(median: number, sdLog: number): number {
    return median * Math.exp(this.normal(0, sdLog));
  }

  /** Poisson deviate (exact; see the module header) */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (!Number.isFinite(mean)) throw new RangeError(`Poisson mean ${mean} is not finite`);
    if (mean < 30) {
      const l = Math.exp(-mean);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= this.uniform();
      } while (p > l);
      return k - 1;
    }
    const slam = Math.sqrt(mean);
    const loglam = Math.log(mean);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + mean + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <=
        -mean + k * loglam - logGamma(k + 1)
      )
        return k;
    }
  }
}
