/**
 * Intratumoural penetration: a signal (nanoparticle fluorescence channel, a stain amount,
 * any parametric map rendered to 8 bits) as a function of the distance to the nearest vessel
 * (distance transform of the vessel mask) or to the tumour edge (distance transform of the
 * complement of the tumour mask, measured inside the tumour).
 *
 *   profile: mean signal per distance bin [k·Δ, (k+1)·Δ) µm, k = 0 … ⌈max/Δ⌉ − 1
 *   penetration depth D50 (D1/e): first distance, linearly interpolated between bin centres,
 *     at which the background-subtracted profile falls to 50 % (1/e) of its first bin
 *   rim/core ratio: mean signal at distance ≤ rim_um over mean signal beyond it
 * (Primeau et al. 2005, Clin Cancer Res 11:8782 — doxorubicin vs distance from vessels;
 * SCIENCE.md §11). Pixels inside vessels (distance 0) are excluded from the vessel-mode
 * profile; pixels beyond max_um are counted in `beyond` and in the core mean.
 * Pure accumulator: tiles in, numbers out. Pure: no Node APIs.
 */

export interface PenetrationProfile {
  bin_um: number;
  max_um: number;
  rim_um: number;
  bins: Array<{ from_um: number; to_um: number; mean: number | null; pixels: number }>;
  beyond_pixels: number;
  beyond_mean: number | null;
  rim_mean: number | null;
  core_mean: number | null;
  rim_core_ratio: number | null;
  depth50_um: number | null;
  depth_1e_um: number | null;
  status: string;
}

export class PenetrationAccumulator {
  private readonly sum: Float64Array;
  private readonly n: Float64Array;
  private beyondSum = 0;
  private beyondN = 0;
  private rimSum = 0;
  private rimN = 0;
  private coreSum = 0;
  private coreN = 0;

  constructor(
    readonly binUm: number,
    readonly maxUm: number,
    readonly rimUm: number,
  ) {
    const nb = Math.ceil(maxUm / binUm);
    this.sum = new Float64Array(nb);
    this.n = new Float64Array(nb);
  }

  /** distances in µm (∞ = farther than any feature seen), signal values, optional region mask */
  add(
    distUm: ArrayLike<number>,
    signal: ArrayLike<number>,
    region?: ArrayLike<number>,
    excludeZero = true,
  ): void {
    const nb = this.sum.length;
    for (let i = 0; i < distUm.length; i++) {
      if (region && !region[i]) continue;
      const d = distUm[i];
      if (excludeZero && d === 0) continue;
      const s = signal[i];
      if (d <= this.rimUm) {
        this.rimSum += s;
        this.rimN++;
      } else {
        this.coreSum += s;
        this.coreN++;
      }
      const k = Math.floor(d / this.binUm);
      if (k < nb && d < this.maxUm) {
        this.sum[k] += s;
        this.n[k]++;
      } else {
        this.beyondSum += s;
        this.beyondN++;
      }
    }
  }

  result(background = 0): PenetrationProfile {
    const bins = Array.from(this.sum, (s, k) => ({
      from_um: k * this.binUm,
      to_um: Math.min((k + 1) * this.binUm, this.maxUm),
      mean: this.n[k] > 0 ? s / this.n[k] : null,
      pixels: this.n[k],
    }));
    const filled = bins.filter((b) => b.mean !== null);
    let status = "ok";
    const depth = (frac: number): number | null => {
      if (filled.length < 2) return null;
      const s0 = (filled[0].mean as number) - background;
      if (!(s0 > 0)) return null;
      const target = frac * s0;
      for (let i = 1; i < filled.length; i++) {
        const a = (filled[i - 1].mean as number) - background;
        const b = (filled[i].mean as number) - background;
        if (b <= target) {
          const ca = (filled[i - 1].from_um + filled[i - 1].to_um) / 2;
          const cb = (filled[i].from_um + filled[i].to_um) / 2;
          return a === b ? ca : ca + ((a - target) / (a - b)) * (cb - ca);
        }
      }
      return null;
    };
    if (filled.length === 0) status = "no pixels in range (no vessel/edge found, or empty region)";
    const d50 = depth(0.5);
    const d1e = depth(Math.exp(-1));
    if (status === "ok" && d50 === null) status = "signal does not fall to 50 % within max_um";
    const rim = this.rimN ? this.rimSum / this.rimN : null;
    const core = this.coreN ? this.coreSum / this.coreN : null;
    return {
      bin_um: this.binUm,
      max_um: this.maxUm,
      rim_um: this.rimUm,
      bins,
      beyond_pixels: this.beyondN,
      beyond_mean: this.beyondN ? this.beyondSum / this.beyondN : null,
      rim_mean: rim,
      core_mean: core,
      rim_core_ratio: rim !== null && core !== null && core !== 0 ? rim / core : null,
      depth50_um: d50,
      depth_1e_um: d1e,
      status,
    };
  }
}
