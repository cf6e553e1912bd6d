/**
 * Intraclass correlation from the two-way ANOVA of an n-subjects × k-raters table
 * (Shrout & Fleiss, 1979, Psychol Bull 86:420, Table 2; McGraw & Wong, 1996, Psychol Methods
 * 1:30, Table 7), named as psych::ICC does:
 *   ICC1  = (MSR − MSW)/(MSR + (k−1)MSW)                  one-way random, single
 *   ICC2  = (MSR − MSE)/(MSR + (k−1)MSE + k(MSC − MSE)/n)  two-way random, absolute agreement
 *   ICC3  = (MSR − MSE)/(MSR + (k−1)MSE)                   two-way mixed, consistency
 *   ICC1k = (MSR − MSW)/MSR, ICC2k = (MSR − MSE)/(MSR + (MSC − MSE)/n), ICC3k = (MSR − MSE)/MSR
 * CIs: F-based (McGraw & Wong Table 7); ICC2 with Satterthwaite's df as in psych::ICC;
 * average-measure bounds by Spearman–Brown L·k/(1 + (k − 1)L). Complete tables only.
 */
import { InputError } from "../errors.js";
import { fQuantile, fSf } from "./distributions.js";

export interface IccEstimate {
  type: "ICC1" | "ICC2" | "ICC3" | "ICC1k" | "ICC2k" | "ICC3k";
  icc: number;
  f: number;
  df1: number;
  df2: number;
  p: number;
  ciLower: number;
  ciUpper: number;
}

/** ratings[i][j] = rating of subject i by rater j */
export function icc(ratings: number[][], confLevel = 0.95): IccEstimate[] {
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  if (n < 2 || k < 2)
    throw new InputError({ field: "ratings", value: [n, k], expected: "at least 2 subjects × 2 raters" });
  ratings.forEach((r, i) => {
    if (r.length !== k || r.some((v) => !Number.isFinite(v))) {
      throw new InputError({ field: `ratings[${i}]`, value: r, expected: `${k} finite ratings` });
    }
  });
  let grand = 0;
  for (const r of ratings) for (const v of r) grand += v;
  grand /= n * k;
  let ssr = 0;
  let ssc = 0;
  let sst = 0;
  for (const r of ratings) ssr += k * (r.reduce((a, b) => a + b, 0) / k - grand) ** 2;
  for (let j = 0; j < k; j++) {
    let m = 0;
    for (const r of ratings) m += r[j];
    ssc += n * (m / n - grand) ** 2;
  }
  for (const r of ratings) for (const v of r) sst += (v - grand) ** 2;
  const sse = sst - ssr - ssc;
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = sse / ((n - 1) * (k - 1));
  const msw = (ssc + sse) / (n * (k - 1));
  const a = (1 - confLevel) / 2;
  const sb = (l: number) => (l * k) / (1 + (k - 1) * l);

  const f1 = msr / msw;
  const df1w = n * (k - 1);
  const fl1 = f1 / fQuantile(1 - a, n - 1, df1w);
  const fu1 = f1 * fQuantile(1 - a, df1w, n - 1);
  const l1 = (fl1 - 1) / (fl1 + k - 1);
  const u1 = (fu1 - 1) / (fu1 + k - 1);

  const f3 = msr / mse;
  const df3 = (n - 1) * (k - 1);
  const fl3 = f3 / fQuantile(1 - a, n - 1, df3);
  const fu3 = f3 * fQuantile(1 - a, df3, n - 1);
  const l3 = (fl3 - 1) / (fl3 + k - 1);
  const u3 = (fu3 - 1) / (fu3 + k - 1);

  const icc2 = (msr - mse) / (msr + (k - 1) * mse + (k * (msc - mse)) / n);
  const fj = msc / mse;
  const vn = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vd = (n - 1) * k ** 2 * icc2 ** 2 * fj ** 2 + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vn / vd;
  const f2u = fQuantile(1 - a, n - 1, v);
  const f2l = fQuantile(1 - a, v, n - 1);
  const l2 = (n * (msr - f2u * mse)) / (f2u * (k * msc + (k * n - k - n) * mse) + n * msr);
  const u2 = (n * (f2l * msr - mse)) / (k * msc + (k * n - k - n) * mse + n * f2l * msr);

  const e = (
    type: IccEstimate["type"],
    value: number,
    f: number,
    d1: number,
    d2: number,
    lo: number,
    hi: number,
  ) => ({
    type,
    icc: value,
    f,
    df1: d1,
    df2: d2,
    p: fSf(f, d1, d2),
    ciLower: lo,
    ciUpper: hi,
  });
  return [
    e("ICC1", (msr - msw) / (msr + (k - 1) * msw), f1, n - 1, df1w, l1, u1),
    e("ICC2", icc2, f3, n - 1, df3, l2, u2),
    e("ICC3", (msr - mse) / (msr + (k - 1) * mse), f3, n - 1, df3, l3, u3),
    e("ICC1k", (msr - msw) / msr, f1, n - 1, df1w, sb(l1), sb(u1)),
    e("ICC2k", (msr - mse) / (msr + (msc - mse) / n), f3, n - 1, df3, sb(l2), sb(u2)),
    e("ICC3k", (msr - mse) / msr, f3, n - 1, df3, sb(l3), sb(u3)),
  ];
}
