/**
 * Co-localisation of two channels (carrier vs payload maps, e.g. ΔR2* and ΔR1, or two dyes):
 *  - Pearson's r over the voxels of the mask (Manders, Verbeek & Aten 1993, J Microsc 169:375);
 *  - thresholded Manders coefficients (as Fiji Coloc 2's tM1/tM2; Costes et al. 2004 for the
 *    thresholds): over the voxels where channel 1 exceeds its threshold t1,
 *      M1 = Σ_{i: A_i > t1, B_i > t2} A_i / Σ_{i: A_i > t1} A_i,
 *      M2 = Σ_{i: B_i > t2, A_i > t1} B_i / Σ_{i: B_i > t2} B_i
 *    (thresholds default 0: plain Manders M1/M2). Non-finite voxels are skipped.
 */
import { InputError } from "../errors.js";

export interface ColocalisationResult {
  pearson: number;
  M1: number;
  M2: number;
  n: number;
  thresholds: [number, number];
}

export function colocalisation(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts: { thresholdA?: number; thresholdB?: number; mask?: ArrayLike<number> } = {},
): ColocalisationResult {
  if (a.length !== b.length)
    throw new InputError({
      field: "channel 2",
      value: b.length,
      expected: `${a.length} voxels like channel 1`,
    });
  if (opts.mask && opts.mask.length !== a.length)
    throw new InputError({ field: "mask", value: opts.mask.length, expected: `${a.length} voxels` });
  const t1 = opts.thresholdA ?? 0;
  const t2 = opts.thresholdB ?? 0;
  let n = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < a.length; i++) {
    if ((opts.mask && !(opts.mask[i] > 0)) || !Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    n++;
    sa += a[i];
    sb += b[i];
  }
  const ma = sa / n;
  const mb = sb / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  let m1n = 0;
  let m1d = 0;
  let m2n = 0;
  let m2d = 0;
  for (let i = 0; i < a.length; i++) {
    if ((opts.mask && !(opts.mask[i] > 0)) || !Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
    const inA = a[i] > t1;
    const inB = b[i] > t2;
    if (inA) m1d += a[i];
    if (inB) m2d += b[i];
    if (inA && inB) {
      m1n += a[i];
      m2n += b[i];
    }
  }
  return {
    pearson: saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : Number.NaN,
    M1: m1d > 0 ? m1n / m1d : Number.NaN,
    M2: m2d > 0 ? m2n / m2d : Number.NaN,
    n,
    thresholds: [t1, t2],
  };
}
