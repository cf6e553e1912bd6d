/**
 * Automatic arterial input function selection from a 4D concentration image (in the spirit of
 * Mouridsen et al., MRM 2006;55:524 and Peruzzo et al., Comput Methods Programs Biomed 2011):
 * arterial voxels have an early, high and narrow first-pass peak. Candidates are voxels whose
 * peak is in the top `peakQuantile` fraction; among them the earliest arrivals (time to peak
 * within `ttpToleranceS` of the earliest) are ranked by peak height divided by the first-pass
 * width (full width at half maximum) and the best `count` are averaged.
 */
import { InputError } from "../errors.js";

export interface AifSelection {
  voxels: number[];
  aif: Float64Array;
  timeToPeakS: number;
}

export function selectAif(
  conc: ArrayLike<number>,
  nVoxels: number,
  timeS: ArrayLike<number>,
  opts: { mask?: (v: number) => boolean; count?: number; peakQuantile?: number; ttpToleranceS?: number } = {},
): AifSelection {
  const nt = timeS.length;
  if (conc.length !== nVoxels * nt)
    throw new InputError({
      field: "concentration image",
      value: conc.length,
      expected: `${nVoxels} voxels × ${nt} frames`,
    });
  const count = opts.count ?? 10;
  const peak = new Float64Array(nVoxels);
  const ttp = new Float64Array(nVoxels);
  const width = new Float64Array(nVoxels);
  const cand: number[] = [];
  for (let v = 0; v < nVoxels; v++) {
    if (opts.mask && !opts.mask(v)) continue;
    let best = 0;
    let bi = 0;
    for (let f = 0; f < nt; f++) {
      const c = conc[f * nVoxels + v];
      if (c > best) {
        best = c;
        bi = f;
      }
    }
    if (!(best > 0)) continue;
    let lo = bi;
    while (lo > 0 && conc[(lo - 1) * nVoxels + v] > best / 2) lo--;
    let hi = bi;
    while (hi < nt - 1 && conc[(hi + 1) * nVoxels + v] > best / 2) hi++;
    peak[v] = best;
    ttp[v] = timeS[bi];
    width[v] = Math.max(timeS[hi] - timeS[lo], timeS[1] - timeS[0]);
    cand.push(v);
  }
  if (cand.length === 0)
    throw new InputError({ field: "concentration image", expected: "voxels with positive enhancement" });
  const sortedPeaks = cand.map((v) => peak[v]).sort((a, b) => a - b);
  const threshold = sortedPeaks[Math.floor((1 - (opts.peakQuantile ?? 0.05)) * (sortedPeaks.length - 1))];
  const high = cand.filter((v) => peak[v] >= threshold);
  const earliest = Math.min(...high.map((v) => ttp[v]));
  const early = high.filter((v) => ttp[v] <= earliest + (opts.ttpToleranceS ?? 2 * (timeS[1] - timeS[0])));
  const ranked = early.sort((a, b) => peak[b] / width[b] - peak[a] / width[a]).slice(0, count);
  const aif = new Float64Array(nt);
  for (const v of ranked) for (let f = 0; f < nt; f++) aif[f] += conc[f * nVoxels + v] / ranked.length;
  return { voxels: ranked, aif, timeToPeakS: earliest };
}
