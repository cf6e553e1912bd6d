/**
 * Group summaries: mean, SD (n − 1) and n per group for every per-subject result
 * (same analysis kind, ROI, parameter and time point). Failed or missing values are
 * excluded and counted in n_missing, so a summary never hides a failed subject.
 * Time points are matched to the second, and from 2 h on to the nearest hour (clinical scans at
 * a nominal 24 h are minutes apart; the summary's time is then the nominal hour).
 */

import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { row } from "./common.js";

export const GROUP_SUMMARY = "group-summary";

/** the time point a result belongs to: to the second, from 2 h on to the nearest hour */
export function nominalTimeS(t: number): number {
  return t >= 7200 ? Math.round(t / 3600) * 3600 : Math.round(t);
}

export function planGroupSummary(study: LoadedStudy, subjectTasks: Task[]): Task[] {
  const groupOf = new Map(study.study.subjects.map((s) => [s.id, s.group]));
  const deps = subjectTasks.filter((t) => t.subject !== null);
  if (deps.length === 0) return [];
  return [
    {
      id: GROUP_SUMMARY,
      kind: GROUP_SUMMARY,
      revision: 2,
      subject: null,
      inputFiles: [],
      inputs: { groups: [...groupOf.entries()] },
      dependsOn: deps.map((t) => t.id),
      run: ({ store }) => {
        const buckets = new Map<
          string,
          { group: string; kind: string; r: ResultRow; t: number | null; values: number[]; missing: number }
        >();
        const kindOf = new Map(store.listAnalyses().map((a) => [a.id, a.kind]));
        for (const dep of deps) {
          for (const r of store.listResults({ analysis: dep.id })) {
            const group = r.subject ? groupOf.get(r.subject) : undefined;
            if (!group) continue;
            const kind = kindOf.get(r.analysis) ?? r.analysis;
            const t = r.time_s === null || r.time_s === undefined ? null : nominalTimeS(r.time_s);
            const key = JSON.stringify([group, kind, r.roi, r.parameter, t]);
            let b = buckets.get(key);
            if (!b) {
              b = { group, kind, r, t, values: [], missing: 0 };
              buckets.set(key, b);
            }
            if (r.value !== null && r.status === "ok") b.values.push(r.value);
            else b.missing++;
          }
        }
        const rows: ResultRow[] = [];
        for (const b of buckets.values()) {
          const n = b.values.length;
          const mean = n > 0 ? b.values.reduce((a, v) => a + v, 0) / n : null;
          const sd =
            n > 1 && mean !== null
              ? Math.sqrt(b.values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1))
              : null;
          // below 2 h the first row's own time (as before), from 2 h on the nominal hour
          const extra = { group: b.group, time_s: b.t !== null && b.t >= 7200 ? b.t : (b.r.time_s ?? null) };
          const param = `${b.kind}:${b.r.parameter}`;
          rows.push(row(GROUP_SUMMARY, null, b.r.roi, `${param}.mean`, mean, b.r.unit, extra));
          rows.push(row(GROUP_SUMMARY, null, b.r.roi, `${param}.sd`, sd, b.r.unit, extra));
          rows.push(row(GROUP_SUMMARY, null, b.r.roi, `${param}.n`, n, "1", extra));
          if (b.missing > 0)
            rows.push(row(GROUP_SUMMARY, null, b.r.roi, `${param}.n_missing`, b.missing, "1", extra));
        }
        return { rows };
      },
    },
  ];
}
