/**
 * Group comparisons of ex vivo organ uptake (%ID/g) at necropsy: for every pair of groups
 * (in order of first appearance among the subjects, difference = first − second) and every
 * tissue, Welch's t-test (Welch–Satterthwaite df, 95 % CI of the mean difference) and the
 * Mann–Whitney U test (exact for n < 50 without ties, else normal with tie and continuity
 * correction, as R's wilcox.test), each with Benjamini–Hochberg q-values across the tissues
 * of that pair (R p.adjust "BH"). Formulas: src/core/stats/groupTests.ts,
 * mannWhitneyExact.ts, multipleTesting.ts.
 *
 * Necropsy time: the latest %ID/g sample time in the study; a subject contributes its own
 * last-time values when that time lies within 10 % of it (so early terminal samples of a
 * sparse-sampling arm are not compared with necropsy values).
 *
 * Rows: subject null, roi = tissue, group = "<A> vs <B>", time_s = necropsy time;
 * parameters welch.t, welch.df, welch.p, welch.p_bh, mannwhitney.U, mannwhitney.p,
 * mannwhitney.p_bh, mean_difference (+ .ci95_lower/.ci95_upper, %ID/g), n_first, n_second.
 * Only tissues measured in both groups are compared. A test that cannot be computed (n < 2, zero variance) gives null with status "missing"
 * and a message, and is left out of the BH family.
 */

import { welchTTest } from "../../core/stats/groupTests.js";
import { mannWhitneyTest } from "../../core/stats/mannWhitneyExact.js";
import { benjaminiHochberg } from "../../core/stats/multipleTesting.js";
import type { ResultReader, ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { BIODISTRIBUTION, planBiodistribution } from "./biodistribution.js";
import { row } from "./common.js";

export const GROUP_COMPARISON = "group-comparison";
const PARAMETER = "pctIDperG";
const UNIT = "%ID/g";
const NECROPSY_WINDOW = 0.1;

export function planGroupComparison(ls: LoadedStudy): Task[] {
  const groupOf = new Map(ls.study.subjects.map((s) => [s.id, s.group]));
  const groups = [...new Set(ls.study.subjects.map((s) => s.group))];
  const deps = planBiodistribution(ls).filter((t) => t.kind === BIODISTRIBUTION);
  if (deps.length === 0 || groups.length < 2) return [];
  return [
    {
      id: GROUP_COMPARISON,
      kind: GROUP_COMPARISON,
      revision: 1,
      subject: null,
      inputFiles: [],
      inputs: { groups: [...groupOf.entries()], parameter: PARAMETER, window: NECROPSY_WINDOW },
      dependsOn: deps.map((t) => t.id),
      run: ({ store }) => ({ rows: groupComparisonRows(necropsyValues(store, deps, groupOf), groups) }),
    },
  ];
}

interface NecropsyValues {
  time_s: number;
  /** tissue → group → values */
  values: Map<string, Map<string, number[]>>;
}

function necropsyValues(store: ResultReader, deps: Task[], groupOf: Map<string, string>): NecropsyValues {
  const perSubject = new Map<string, ResultRow[]>();
  for (const dep of deps) {
    for (const r of store.listResults({ analysis: dep.id })) {
      if (r.parameter !== PARAMETER || !r.subject || r.time_s === null || r.roi === null) continue;
      const list = perSubject.get(r.subject) ?? [];
      list.push(r);
      perSubject.set(r.subject, list);
    }
  }
  const lastOf = (rows: ResultRow[]) => Math.max(...rows.map((r) => r.time_s as number));
  const tEnd = Math.max(...[...perSubject.values()].map(lastOf));
  const values = new Map<string, Map<string, number[]>>();
  for (const [subject, rows] of perSubject) {
    const group = groupOf.get(subject);
    const tLast = lastOf(rows);
    if (!group || tLast < tEnd * (1 - NECROPSY_WINDOW)) continue;
    for (const r of rows) {
      if (r.time_s !== tLast || r.value === null || r.status !== "ok") continue;
      const byGroup = values.get(r.roi as string) ?? new Map<string, number[]>();
      const list = byGroup.get(group) ?? [];
      list.push(r.value);
      byGroup.set(group, list);
      values.set(r.roi as string, byGroup);
    }
  }
  return { time_s: Number.isFinite(tEnd) ? Math.round(tEnd) : 0, values };
}

interface PairResult {
  tissue: string;
  difference: number;
  nA: number;
  nB: number;
  welch: ReturnType<typeof welchTTest> | null;
  welchMessage: string | null;
  mw: ReturnType<typeof mannWhitneyTest> | null;
  mwMessage: string | null;
}

function variance(v: number[]): number {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1);
}

function compare(tissue: string, a: number[], b: number[]): PairResult {
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const difference = mean(a) - mean(b);
  const out: PairResult = {
    tissue,
    difference,
    nA: a.length,
    nB: b.length,
    welch: null,
    welchMessage: null,
    mw: null,
    mwMessage: null,
  };
  if (a.length < 2 || b.length < 2) out.welchMessage = "fewer than 2 values in a group";
  else if (variance(a) + variance(b) === 0) out.welchMessage = "zero variance in both groups";
  else out.welch = welchTTest(a, b);
  const mw = mannWhitneyTest(a, b);
  if (Number.isFinite(mw.p)) out.mw = mw;
  else out.mwMessage = "all values tied";
  return out;
}

/** BH q-values of the finite p-values, null elsewhere. */
function bh(p: (number | null)[]): (number | null)[] {
  const idx = p.flatMap((v, i) => (v !== null && Number.isFinite(v) ? [i] : []));
  const q = benjaminiHochberg(idx.map((i) => p[i] as number));
  const out: (number | null)[] = p.map(() => null);
  idx.forEach((i, k) => {
    out[i] = q[k];
  });
  return out;
}

export function groupComparisonRows(nv: NecropsyValues, groups: string[]): ResultRow[] {
  const rows: ResultRow[] = [];
  const tissues = [...nv.values.keys()];
  for (let i = 0; i < groups.length; i++) {
    for (let j = i + 1; j < groups.length; j++) {
      const [ga, gb] = [groups[i], groups[j]];
      const results = tissues
        .map((t) => ({ t, a: nv.values.get(t)?.get(ga) ?? [], b: nv.values.get(t)?.get(gb) ?? [] }))
        .filter((x) => x.a.length > 0 && x.b.length > 0)
        .map((x) => compare(x.t, x.a, x.b));
      if (results.length === 0) continue;
      const qW = bh(results.map((r) => r.welch?.p ?? null));
      const qM = bh(results.map((r) => r.mw?.p ?? null));
      const extra = { group: `${ga} vs ${gb}`, time_s: nv.time_s };
      results.forEach((r, k) => {
        const w = r.welch;
        const wx = { ...extra, message: r.welchMessage };
        const mwMsg = r.mw ? (r.mw.method === "exact" ? "exact" : "normal approximation") : r.mwMessage;
        const mx = { ...extra, message: mwMsg };
        const push = (p: string, v: number | null, unit: string, x = extra) =>
          rows.push(row(GROUP_COMPARISON, null, r.tissue, p, v, unit, x));
        push("n_first", r.nA, "1");
        push("n_second", r.nB, "1");
        push("mean_difference", r.difference, UNIT, wx);
        push("mean_difference.ci95_lower", w?.ciLower ?? null, UNIT, wx);
        push("mean_difference.ci95_upper", w?.ciUpper ?? null, UNIT, wx);
        push("welch.t", w?.t ?? null, "1", wx);
        push("welch.df", w?.df ?? null, "1", wx);
        push("welch.p", w?.p ?? null, "1", wx);
        push("welch.p_bh", qW[k], "1", wx);
        push("mannwhitney.U", r.mw?.u ?? null, "1", mx);
        push("mannwhitney.p", r.mw?.p ?? null, "1", mx);
        push("mannwhitney.p_bh", qM[k], "1", mx);
      });
    }
  }
  return rows;
}
