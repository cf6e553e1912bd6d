/**
 * Exact colour histogram of an 8-bit RGB slide: one counter per colour (2^24, 64 MiB), filled
 * tile by tile. Every per-pixel statistic of a colour transform — stain means, percentiles,
 * the histogram that Otsu/triangle thresholds need, positive-pixel fractions — is a function
 * of this histogram, so whole slides give exactly the numbers of the whole image in one pass
 * and bounded memory, whatever their size. Counters wrap at 2^32; wraps are carried in a map
 * (a 65,536² all-white background would otherwise overflow). Pure: no Node APIs.
 */
import type { RgbTile } from "./raster.js";

export class ColourHistogram {
  readonly counts = new Uint32Array(1 << 24);
  private readonly carry = new Map<number, number>();
  total = 0;

  addTile(tile: RgbTile, mask?: Uint8Array): void {
    const d = tile.data;
    const h = this.counts;
    const n = tile.width * tile.height;
    let added = 0;
    for (let i = 0, p = 0; i < n; i++, p += 3) {
      if (mask && !mask[i]) continue;
      const c = (d[p] << 16) | (d[p + 1] << 8) | d[p + 2];
      h[c] = (h[c] + 1) >>> 0;
      if (h[c] === 0) this.carry.set(c, (this.carry.get(c) ?? 0) + 2 ** 32);
      added++;
    }
    this.total += added;
  }

  count(c: number): number {
    return this.counts[c] + (this.carry.get(c) ?? 0);
  }

  /** Visit every colour present: f(colour, r, g, b, count). */
  forEach(f: (c: number, r: number, g: number, b: number, count: number) => void): void {
    const h = this.counts;
    for (let c = 0; c < h.length; c++) {
      if (h[c] === 0 && !this.carry.has(c)) continue;
      f(c, c >>> 16, (c >>> 8) & 255, c & 255, this.count(c));
    }
  }
}

/** Values with integer weights, sorted ascending: the distribution of a colour transform. */
export interface WeightedValues {
  values: Float64Array;
  weights: Float64Array;
  total: number;
}

export function transformDistribution(
  h: ColourHistogram,
  f: (r: number, g: number, b: number) => number,
): WeightedValues {
  const vals: number[] = [];
  const wts: number[] = [];
  h.forEach((_c, r, g, b, n) => {
    vals.push(f(r, g, b));
    wts.push(n);
  });
  const order = Array.from(vals.keys()).sort((i, j) => vals[i] - vals[j]);
  const values = new Float64Array(order.length);
  const weights = new Float64Array(order.length);
  let total = 0;
  order.forEach((o, i) => {
    values[i] = vals[o];
    weights[i] = wts[o];
    total += wts[o];
  });
  return { values, weights, total };
}
