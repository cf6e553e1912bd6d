/**
 * Area fractions and HER2-style scoring bins from a stain amount (OD units).
 *
 * Area fraction = positive pixels / analysed pixels, positive = amount > threshold (fixed,
 * or Otsu / triangle of the stain's distribution): collagen (methyl blue / aniline blue in
 * Masson's trichrome), DAB-positive area for TAM markers (F4/80, CD68, CD206) and CD31.
 *
 * HER2 bins: each analysed pixel is classed 0 / 1+ / 2+ / 3+ by its DAB amount against three
 * thresholds (default 0.2 / 0.4 / 0.6 OD: QuPath's default DAB intensity thresholds for
 * "positive cell detection", Bankhead et al. 2017 Sci Rep 7:16878), and the slide is scored
 *   3+ if ≥ 10 % of the analysed area is 3+, else 2+ if ≥ 10 % is ≥ 2+, else 1+ if ≥ 10 %
 *   is ≥ 1+, else 0 (the 10 % cut-off of ASCO/CAP 2018, Wolff et al., J Clin Oncol 36:2105),
 * with the pixel H-score = 100·(1·f1 + 2·f2 + 3·f3) ∈ [0, 300].
 * THIS IS A MEMBRANE-AGNOSTIC APPROXIMATION: ASCO/CAP scores the completeness and intensity
 * of *membrane* staining per *tumour cell*; pixels here are not segmented into cells or
 * membranes, so cytoplasmic or stromal DAB counts too. Use it to rank and stratify
 * preclinical sections, not as a clinical HER2 score. Pure: no Node APIs.
 */
import type { WeightedValues } from "./colourHistogram.js";

export interface Her2Result {
  thresholds_od: [number, number, number];
  fraction_0: number;
  fraction_1plus: number;
  fraction_2plus: number;
  fraction_3plus: number;
  h_score: number;
  score: "0" | "1+" | "2+" | "3+";
  cutoff_fraction: number;
  note: string;
}

export function her2Bins(
  d: WeightedValues,
  t: [number, number, number] = [0.2, 0.4, 0.6],
  cutoff = 0.1,
): Her2Result {
  const f = [0, 0, 0, 0];
  for (let i = 0; i < d.values.length; i++) {
    const v = d.values[i];
    const k = v > t[2] ? 3 : v > t[1] ? 2 : v > t[0] ? 1 : 0;
    f[k] += d.weights[i];
  }
  for (let k = 0; k < 4; k++) f[k] /= d.total;
  const ge3 = f[3];
  const ge2 = f[2] + f[3];
  const ge1 = f[1] + ge2;
  const score = ge3 >= cutoff ? "3+" : ge2 >= cutoff ? "2+" : ge1 >= cutoff ? "1+" : "0";
  return {
    thresholds_od: t,
    fraction_0: f[0],
    fraction_1plus: f[1],
    fraction_2plus: f[2],
    fraction_3plus: f[3],
    h_score: 100 * (f[1] + 2 * f[2] + 3 * f[3]),
    score,
    cutoff_fraction: cutoff,
    note: "pixel-based, membrane-agnostic approximation of HER2 0/1+/2+/3+ (not ASCO/CAP cell membrane scoring)",
  };
}
