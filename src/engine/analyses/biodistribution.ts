/**
 * Biodistribution per subject from gamma-counted (or activity-measured) samples:
 * activity decay-corrected to the injection time, %ID = 100·A/A_injected, %ID/g (or %ID/mL),
 * tumour-to-blood and tumour-to-muscle ratios at necropsy. Formulas: SCIENCE.md §2.
 */

import * as nuc from "../../core/nuclide/index.js";
import { parseQuantity, quantityIn } from "../../core/units/units.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Sample } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row, subjectAdministration } from "./common.js";

export const BIODISTRIBUTION = "biodistribution";

export function planBiodistribution(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const tasks: Task[] = [];
  for (const subject of study.subjects) {
    const samples = study.samples.filter((s) => s.subject === subject.id);
    if (samples.length === 0) continue;
    const { admin, agent } = subjectAdministration(study, subject.id);
    const rois = study.rois;
    tasks.push({
      id: `${BIODISTRIBUTION}/${subject.id}`,
      kind: BIODISTRIBUTION,
      revision: 1,
      subject: subject.id,
      inputFiles: [],
      inputs: { subject, admin, agent, samples, rois },
      dependsOn: [],
      run: () => ({ rows: biodistributionRows(subject.id, admin, agent.label?.nuclide, samples, rois) }),
    });
  }
  return tasks;
}

type Admin = LoadedStudy["study"]["administrations"][number];

/** Injected activity at injection time (MBq): syringe before − after − residue, each decay-corrected. */
export function injectedMBq(admin: Admin, nuclide: string): number {
  const tInj = Date.parse(admin.time);
  if (!admin.syringe) return quantityIn(parseQuantity(admin.dose, "activity", "administrations.dose"), "MBq");
  const at = (q: string, t: string) =>
    nuc.decayCorrect(quantityIn(parseQuantity(q, "activity"), "MBq"), nuclide, (Date.parse(t) - tInj) / 1000);
  const s = admin.syringe;
  return nuc.injectedActivityMBq({
    beforeMBq: at(s.before, s.beforeMeasuredAt),
    afterMBq: at(s.after, s.afterMeasuredAt),
    residueMBq: s.residue && s.residueMeasuredAt ? at(s.residue, s.residueMeasuredAt) : 0,
  });
}

/** Sample activity at injection time (MBq). */
export function sampleActivityAtInjectionMBq(sample: Sample, nuclide: string, injectionTime: string): number {
  const tInj = Date.parse(injectionTime);
  if (sample.gamma) {
    const g = sample.gamma;
    const aMBq = nuc.countsToActivityMBq({
      counts: g.counts,
      countingTimeS: g.countingTimeS,
      efficiency: g.efficiency,
      backgroundCpm: g.backgroundCpm ?? 0,
    });
    return nuc.decayCorrect(aMBq, nuclide, (Date.parse(g.measuredAt) - tInj) / 1000);
  }
  const a = quantityIn(parseQuantity(sample.activity ?? "", "activity", "samples.activity"), "MBq");
  const tMeas = sample.activityMeasuredAt ?? sample.collectedAt;
  return nuc.decayCorrect(a, nuclide, (Date.parse(tMeas) - tInj) / 1000);
}

export function biodistributionRows(
  subject: string,
  admin: Admin,
  nuclide: string | undefined,
  samples: Sample[],
  rois: { id: string; kind: string }[],
): ResultRow[] {
  if (!nuclide)
    throw new Error(`agent of subject ${subject} has no label.nuclide: cannot decay-correct counts`);
  const a0 = injectedMBq(admin, nuclide);
  const tInj = Date.parse(admin.time);
  const rows: ResultRow[] = [row(BIODISTRIBUTION, subject, null, "injectedActivity", a0, "MBq")];
  const perG = new Map<string, number>();
  const tEnd = Math.max(...samples.map((s) => Date.parse(s.collectedAt)));
  for (const s of samples) {
    const tS = (Date.parse(s.collectedAt) - tInj) / 1000;
    const a = sampleActivityAtInjectionMBq(s, nuclide, admin.time);
    const pctID = nuc.percentID(a, a0);
    rows.push(row(BIODISTRIBUTION, subject, s.tissue, "pctID", pctID, "%ID", { time_s: tS }));
    if (s.mass) {
      const g = quantityIn(parseQuantity(s.mass, "mass"), "g");
      const v = pctID / g;
      rows.push(row(BIODISTRIBUTION, subject, s.tissue, "pctIDperG", v, "%ID/g", { time_s: tS }));
      if (Date.parse(s.collectedAt) === tEnd) perG.set(s.tissue, v);
    } else if (s.volume) {
      const mL = quantityIn(parseQuantity(s.volume, "volume"), "mL");
      rows.push(row(BIODISTRIBUTION, subject, s.tissue, "pctIDperML", pctID / mL, "%ID/mL", { time_s: tS }));
    }
  }
  const blood = perG.get("blood");
  const reference = rois.find((r) => r.kind === "reference" && perG.has(r.id));
  for (const r of rois.filter((x) => x.kind === "tumour" && perG.has(x.id))) {
    const t = perG.get(r.id) as number;
    const tS = (tEnd - tInj) / 1000;
    if (blood !== undefined)
      rows.push(row(BIODISTRIBUTION, subject, r.id, "tumourToBlood", t / blood, "1", { time_s: tS }));
    if (reference)
      rows.push(
        row(BIODISTRIBUTION, subject, r.id, "tumourToMuscle", t / (perG.get(reference.id) as number), "1", {
          time_s: tS,
        }),
      );
  }
  return rows;
}
