/**
 * Blood pharmacokinetics of the labelled nanoparticle from the biodistribution results:
 *  - serial sampling (≥ 3 blood samples per subject): NCA per subject on %ID/g vs time (h),
 *    Phoenix WinNonlin conventions (core/pk/nca.ts), dose = 100 %ID so CL is in g/h and
 *    V in g of blood-equivalent;
 *  - destructive sampling (one blood sample per subject, several subjects per time in a
 *    group): Bailer's AUC with SE and Satterthwaite CI per group (core/pk/sparseAuc.ts).
 * Options (study.json analyses["blood-pk"]): route (default iv-bolus), auc (default linlog).
 */
import { nca } from "../../core/pk/nca.js";
import { ncaUnit, parametersFor, type Route } from "../../core/pk/ncaParameters.js";
import { sparseAuc } from "../../core/pk/sparseAuc.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { BIODISTRIBUTION } from "./biodistribution.js";
import { row } from "./common.js";

export const BLOOD_PK = "blood-pk";
export const SPARSE_PK = "sparse-pk";
const UNITS = { time: "h", conc: "%ID/g", dose: "%ID" };
/** with dose in %ID and concentration in %ID/g, volumes are in g and clearances in g/h */
const SIMPLIFIED: Record<string, string> = {
  "%ID/%ID/g": "g",
  "%ID/(%ID/g*h)": "g/h",
  "%ID/g/%ID": "1/g",
  "%ID/g*h/%ID": "h/g",
};
const unitOf = (kind: Parameters<typeof ncaUnit>[0]) => {
  const u = ncaUnit(kind, UNITS);
  return SIMPLIFIED[u] ?? u;
};

function options(ls: LoadedStudy): { route: Route; auc: "linear" | "linlog" } {
  const o = ls.study.analyses?.[BLOOD_PK] ?? {};
  const route = (["ev", "iv-bolus", "iv-infusion"].includes(String(o.route)) ? o.route : "iv-bolus") as Route;
  const auc = o.auc === "linear" ? "linear" : "linlog";
  return { route, auc };
}

function bloodSeries(rows: ResultRow[]): { tH: number[]; c: number[] } {
  const pts = rows
    .filter(
      (r) =>
        r.roi === "blood" &&
        r.parameter === "pctIDperG" &&
        r.value !== null &&
        r.time_s !== null &&
        r.time_s !== undefined,
    )
    .map((r) => [(r.time_s as number) / 3600, r.value as number] as const)
    .sort((a, b) => a[0] - b[0]);
  return { tH: pts.map((p) => p[0]), c: pts.map((p) => p[1]) };
}

export function planBloodPk(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const opts = options(ls);
  const bloodCount = new Map<string, number>();
  for (const s of study.samples)
    if (s.kind === "blood") bloodCount.set(s.subject, (bloodCount.get(s.subject) ?? 0) + 1);
  const tasks: Task[] = [];
  for (const subject of study.subjects) {
    if ((bloodCount.get(subject.id) ?? 0) < 3) continue;
    const dep = `${BIODISTRIBUTION}/${subject.id}`;
    tasks.push({
      id: `${BLOOD_PK}/${subject.id}`,
      kind: BLOOD_PK,
      revision: 1,
      subject: subject.id,
      inputFiles: [],
      inputs: opts,
      dependsOn: [dep],
      run: ({ store }) => {
        const { tH, c } = bloodSeries(store.listResults({ analysis: dep }));
        const res = nca(tH, c, { route: opts.route, auc: opts.auc, dose: 100 });
        const rows = parametersFor(opts.route).map((p) =>
          row(BLOOD_PK, subject.id, "blood", p.code, res.params[p.code], unitOf(p.unit), {
            status: res.params[p.code] === null ? "missing" : "ok",
            message: res.params[p.code] === null ? res.messages.join("; ") || null : null,
          }),
        );
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "nca",
              value: JSON.stringify({ ...opts, dose: "100 %ID", timeUnit: "h" }),
            },
          ],
        };
      },
    });
  }
  // sparse groups: every subject of the group has exactly one blood sample
  for (const g of study.groups ?? []) {
    const members = study.subjects.filter((s) => s.group === g.id);
    if (members.length < 2 || !members.every((s) => bloodCount.get(s.id) === 1)) continue;
    const deps = members.map((s) => `${BIODISTRIBUTION}/${s.id}`);
    tasks.push({
      id: `${SPARSE_PK}/${g.id}`,
      kind: SPARSE_PK,
      revision: 1,
      subject: null,
      inputFiles: [],
      inputs: { group: g.id, members: members.map((m) => m.id) },
      dependsOn: deps,
      run: ({ store }) => {
        const byTime = new Map<number, number[]>();
        for (const d of deps) {
          const { tH, c } = bloodSeries(store.listResults({ analysis: d }));
          // nominal time: round to 0.01 h so animals sampled at the same nominal time pool
          if (tH.length === 1) {
            const t = Math.round(tH[0] * 100) / 100;
            byTime.set(t, [...(byTime.get(t) ?? []), c[0]]);
          }
        }
        const r = sparseAuc(
          [...byTime.entries()].map(([time, values]) => ({ time, values })),
          { ci: "satterthwaite" },
        );
        const extra = { group: g.id };
        const rows: ResultRow[] = [
          row(SPARSE_PK, null, "blood", "AUC_sparse", r.auc, "%ID/g*h", extra),
          row(SPARSE_PK, null, "blood", "AUC_sparse.se", r.se, "%ID/g*h", extra),
          row(SPARSE_PK, null, "blood", "AUC_sparse.df", r.df, "1", extra),
          row(SPARSE_PK, null, "blood", "AUC_sparse.ci_lower", r.ciLower, "%ID/g*h", extra),
          row(SPARSE_PK, null, "blood", "AUC_sparse.ci_upper", r.ciUpper, "%ID/g*h", extra),
          ...r.points.flatMap((p) => [
            row(SPARSE_PK, null, "blood", "pctIDperG.mean", p.mean, "%ID/g", {
              ...extra,
              time_s: p.time * 3600,
            }),
            row(SPARSE_PK, null, "blood", "pctIDperG.sd", p.sd, "%ID/g", { ...extra, time_s: p.time * 3600 }),
            row(SPARSE_PK, null, "blood", "pctIDperG.n", p.n, "1", { ...extra, time_s: p.time * 3600 }),
          ]),
        ];
        return {
          rows,
          provenance: [
            {
              kind: "param",
              name: "method",
              value: "Bailer 1988, Satterthwaite 95% CI, AUC over the sampled interval",
            },
          ],
        };
      },
    });
  }
  return tasks;
}
