/** All analysis planners, in the order their tasks are listed. */
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { planBiodistribution } from "./biodistribution.js";
import { planGroupSummary } from "./groupSummary.js";

export function planStudy(study: LoadedStudy): Task[] {
  const perSubject: Task[] = [...planBiodistribution(study)];
  return [...perSubject, ...planGroupSummary(study, perSubject)];
}
