/**
 * Statistics of a weighted, sorted distribution of pixel values (see colourHistogram.ts):
 * mean, SD, percentiles with numpy's default "linear" definition (index p/100·(n−1) between
 * order statistics, numpy's _lerp), the numpy/scikit-image histogram (np.histogram binning
 * with linspace edges and its edge corrections; integer data binned per integer as
 * skimage.exposure.histogram does), and heterogeneity indices:
 *   CoV  = SD / mean (population SD),
 *   Gini = Σᵢ Σⱼ wᵢwⱼ|xᵢ − xⱼ| / (2 W² μ)  = Σᵢ wᵢxᵢ(2Cᵢ₋₁ + wᵢ − W) / (W² μ) on sorted values,
 *   entropy = −Σ p log2 p over `bins` equal bins between min and max (bits).
 * Hand-written because the sufficient statistic is a weighted histogram, not an array.
 * Pure: no Node APIs.
 */
import type { WeightedValues } from "./colourHistogram.js";

export function fromArray(a: ArrayLike<number>, mask?: ArrayLike<number>): WeightedValues {
  const v: number[] = [];
  for (let i = 0; i < a.length; i++) if (!mask || mask[i]) v.push(a[i]);
  v.sort((x, y) => x - y);
  const values = new Float64Array(v.length);
  const weights = new Float64Array(v.length);
  // merge equal values
  let k = -1;
  for (const x of v) {
    if (k >= 0 && values[k] === x) weights[k]++;
    else {
      k++;
      values[k] = x;
      weights[k] = 1;
    }
  }
  return { values: values.slice(0, k + 1), weights: weights.slice(0, k + 1), total: v.length };
}

export function mean(d: WeightedValues): number {
  if (d.total === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < d.values.length; i++) s += d.values[i] * d.weights[i];
  return s / d.total;
}

/** population SD (divide by N) */
export function sd(d: WeightedValues): number {
  const m = mean(d);
  let s = 0;
  for (let i = 0; i < d.values.length; i++) s += (d.values[i] - m) ** 2 * d.weights[i];
  return Math.sqrt(s / d.total);
}

/** value of the k-th order statistic (0-based) */
export function orderStatistic(d: WeightedValues, k: number): number {
  let c = 0;
  for (let i = 0; i < d.values.length; i++) {
    c += d.weights[i];
    if (k < c) return d.values[i];
  }
  return d.values[d.values.length - 1];
}

function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** numpy.percentile(x, p) with the default linear method */
export function percentile(d: WeightedValues, p: number): number {
  if (d.total === 0) return Number.NaN;
  const idx = (p / 100) * (d.total - 1);
  const lo = Math.floor(idx);
  const t = idx - lo;
  const a = orderStatistic(d, lo);
  if (t === 0) return a;
  return lerp(a, orderStatistic(d, lo + 1), t);
}

export interface Histogram {
  counts: Float64Array;
  centers: Float64Array;
}

/**
 * skimage.exposure.histogram(x, nbins, source_range="image"): data of an integer type
 * (`integer`, e.g. an 8-bit channel) per integer value, else np.histogram with nbins bins.
 */
export function imageHistogram(d: WeightedValues, nbins = 256, integer = false): Histogram {
  const n = d.values.length;
  const lo = d.values[0];
  const hi = d.values[n - 1];
  if (integer) {
    const m = hi - lo + 1;
    const counts = new Float64Array(m);
    const centers = new Float64Array(m);
    for (let i = 0; i < m; i++) centers[i] = lo + i;
    for (let i = 0; i < n; i++) counts[d.values[i] - lo] += d.weights[i];
    return { counts, centers };
  }
  const edges = new Float64Array(nbins + 1);
  const step = (hi - lo) / nbins;
  for (let i = 0; i <= nbins; i++) edges[i] = i * step + lo;
  edges[nbins] = hi;
  const norm = nbins / (hi - lo);
  const counts = new Float64Array(nbins);
  for (let i = 0; i < n; i++) {
    const v = d.values[i];
    let k = Math.trunc((v - lo) * norm);
    if (k === nbins) k--;
    if (v < edges[k]) k--;
    else if (v >= edges[k + 1] && k !== nbins - 1) k++;
    counts[k] += d.weights[i];
  }
  const centers = new Float64Array(nbins);
  for (let i = 0; i < nbins; i++) centers[i] = (edges[i] + edges[i + 1]) / 2;
  return { counts, centers };
}

/** Otsu (1979) threshold as skimage.filters.threshold_otsu: foreground is value > threshold. */
export function otsuThreshold(d: WeightedValues, nbins = 256, integer = false): number {
  if (d.values.length === 0) return Number.NaN;
  if (d.values.length === 1) return d.values[0];
  const { counts, centers } = imageHistogram(d, nbins, integer);
  const m = counts.length;
  const w1 = new Float64Array(m);
  const s1 = new Float64Array(m);
  let a = 0;
  let b = 0;
  for (let i = 0; i < m; i++) {
    a += counts[i];
    b += counts[i] * centers[i];
    w1[i] = a;
    s1[i] = b;
  }
  const w2 = new Float64Array(m);
  const s2 = new Float64Array(m);
  a = 0;
  b = 0;
  for (let i = m - 1; i >= 0; i--) {
    a += counts[i];
    b += counts[i] * centers[i];
    w2[i] = a;
    s2[i] = b;
  }
  let best = -1;
  let idx = 0;
  for (let i = 0; i < m - 1; i++) {
    const v = w1[i] * w2[i + 1] * (s1[i] / w1[i] - s2[i + 1] / w2[i + 1]) ** 2;
    if (v > best) {
      best = v;
      idx = i;
    }
  }
  return centers[idx];
}

/** Triangle threshold (Zack et al. 1977) as skimage.filters.threshold_triangle. */
export function triangleThreshold(d: WeightedValues, nbins = 256, integer = false): number {
  if (d.values.length <= 1) return d.values[0] ?? Number.NaN;
  const h = imageHistogram(d, nbins, integer);
  let hist = Array.from(h.counts);
  const m = hist.length;
  let peak = 0;
  for (let i = 1; i < m; i++) if (hist[i] > hist[peak]) peak = i;
  const peakHeight0 = hist[peak];
  let low = hist.findIndex((c) => c > 0);
  let high = m - 1;
  while (hist[high] === 0) high--;
  const flip = peak - low < high - peak;
  if (flip) {
    hist = hist.reverse();
    low = m - high - 1;
    peak = m - peak - 1;
  }
  const width0 = peak - low;
  if (width0 <= 0) return h.centers[flip ? m - peak - 1 : peak];
  const norm = Math.sqrt(peakHeight0 ** 2 + width0 ** 2);
  const ph = peakHeight0 / norm;
  const w = width0 / norm;
  let best = Number.NEGATIVE_INFINITY;
  let arg = 0;
  for (let x = 0; x < width0; x++) {
    const len = ph * x - w * hist[x + low];
    if (len > best) {
      best = len;
      arg = x;
    }
  }
  let level = arg + low;
  if (flip) level = m - level - 1;
  return h.centers[level];
}

export function coefficientOfVariation(d: WeightedValues): number {
  return sd(d) / mean(d);
}

export function gini(d: WeightedValues): number {
  const mu = mean(d);
  if (!(mu > 0)) return Number.NaN;
  const W = d.total;
  let c = 0;
  let s = 0;
  for (let i = 0; i < d.values.length; i++) {
    const w = d.weights[i];
    s += w * d.values[i] * (2 * c + w - W);
    c += w;
  }
  return s / (W * W * mu);
}

export function entropyBits(d: WeightedValues, bins = 64): number {
  if (d.total === 0) return Number.NaN;
  const lo = d.values[0];
  const hi = d.values[d.values.length - 1];
  if (hi === lo) return 0;
  const counts = new Float64Array(bins);
  for (let i = 0; i < d.values.length; i++) {
    counts[Math.min(bins - 1, Math.floor(((d.values[i] - lo) / (hi - lo)) * bins))] += d.weights[i];
  }
  let e = 0;
  for (const c of counts) if (c > 0) e -= (c / d.total) * Math.log2(c / d.total);
  return e;
}

/** Fraction of the distribution strictly above t. */
export function fractionAbove(d: WeightedValues, t: number): number {
  let s = 0;
  for (let i = 0; i < d.values.length; i++) if (d.values[i] > t) s += d.weights[i];
  return d.total ? s / d.total : Number.NaN;
}
