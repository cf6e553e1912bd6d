/** All analysis planners, in the order their tasks are listed. */
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { planBiodistribution } from "./biodistribution.js";
import { planBloodPk } from "./bloodPk.js";
import { planDce } from "./dce.js";
import { planGroupSummary } from "./groupSummary.js";
import { planImaging } from "./imaging.js";
import { MODALITY_PLANNERS } from "./modalities.js";
import { planStratification } from "./stratification.js";

export function planStudy(study: LoadedStudy): Task[] {
  const biodist = planBiodistribution(study);
  const pk = planBloodPk(study);
  const imaging = planImaging(study);
  const dce = planDce(study);
  const modalities = MODALITY_PLANNERS.flatMap((p) => p(study));
  const perSubject: Task[] = [
    ...biodist,
    ...pk.filter((t) => t.subject !== null),
    ...imaging,
    ...dce,
    ...modalities.filter((t) => t.subject !== null),
  ];
  return [
    ...biodist,
    ...pk,
    ...imaging,
    ...dce,
    ...modalities,
    ...planGroupSummary(study, perSubject),
    ...planStratification(study, [...biodist, ...dce, ...modalities]),
  ];
}
