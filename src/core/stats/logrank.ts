/**
 * Log-rank test, optionally stratified, as R `survival::survdiff` (rho = 0).
 *
 * At each distinct event time (within a stratum) with n at risk and d events:
 *   E_g = d·n_g/n,  V_gh = d(n − d)/(n − 1) · n_g/n · (δ_gh − n_h/n)      (Mantel, 1966;
 *   Peto & Peto, 1972). O − E and V are summed over times (and strata);
 *   χ² = (O − E)ᵀ V⁻ (O − E) on the first G − 1 groups, df = G − 1 (G = groups with data).
 * Event coded 1/0. Groups are labels (strings), ordered by first appearance sorted as R
 * sorts factor levels (numeric when all labels are numbers, else lexicographic).
 */
import { inverse, Matrix } from "ml-matrix";
import { InputError } from "../errors.js";
import { chiSquareSf } from "./distributions.js";

export interface LogrankResult {
  chisq: number;
  df: number;
  p: number;
  groups: string[];
  observed: number[];
  expected: number[];
}

export function sortLevels(labels: string[]): string[] {
  const u = [...new Set(labels)];
  const numeric = u.every((s) => s !== "" && Number.isFinite(Number(s)));
  return numeric ? u.sort((a, b) => Number(a) - Number(b)) : u.sort();
}

export function logrank(
  time: ArrayLike<number>,
  event: ArrayLike<number>,
  group: string[],
  strata?: string[],
): LogrankResult {
  const levels = sortLevels(group);
  const g = levels.length;
  if (g < 2) throw new InputError({ field: "group", value: levels, expected: "at least two groups" });
  const gi = group.map((s) => levels.indexOf(s));
  const st = strata ?? group.map(() => "");
  const obs = new Float64Array(g);
  const exp = new Float64Array(g);
  const V = Matrix.zeros(g, g);
  for (const s of new Set(st)) {
    const idx: number[] = [];
    for (let i = 0; i < time.length; i++) if (st[i] === s) idx.push(i);
    idx.sort((a, b) => time[a] - time[b]);
    const nRisk = new Float64Array(g);
    for (const i of idx) nRisk[gi[i]]++;
    for (let k = 0; k < idx.length; ) {
      const t = time[idx[k]];
      const dG = new Float64Array(g);
      const leave = new Float64Array(g);
      while (k < idx.length && time[idx[k]] === t) {
        const i = idx[k];
        if (event[i]) dG[gi[i]]++;
        leave[gi[i]]++;
        k++;
      }
      let n = 0;
      let d = 0;
      for (let a = 0; a < g; a++) {
        n += nRisk[a];
        d += dG[a];
      }
      if (d > 0) {
        for (let a = 0; a < g; a++) {
          obs[a] += dG[a];
          exp[a] += (d * nRisk[a]) / n;
          if (n > 1) {
            const f = (d * (n - d)) / (n - 1);
            for (let b = 0; b < g; b++) {
              const v = f * (nRisk[a] / n) * ((a === b ? 1 : 0) - nRisk[b] / n);
              V.set(a, b, V.get(a, b) + v);
            }
          }
        }
      }
      for (let a = 0; a < g; a++) nRisk[a] -= leave[a];
    }
  }
  let totalEvents = 0;
  for (let a = 0; a < g; a++) totalEvents += obs[a];
  if (totalEvents === 0) throw new InputError({ field: "event", value: 0, expected: "at least one event" });
  const k = g - 1;
  const oe = new Matrix([Array.from({ length: k }, (_, a) => obs[a] - exp[a])]);
  const vk = V.subMatrix(0, k - 1, 0, k - 1);
  const chisq = oe.mmul(inverse(vk, true)).mmul(oe.transpose()).get(0, 0);
  return {
    chisq,
    df: k,
    p: chiSquareSf(chisq, k),
    groups: levels,
    observed: Array.from(obs),
    expected: Array.from(exp),
  };
}
