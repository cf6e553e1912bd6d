/**
 * Planners of the modality analyses (conventional biomarkers, release, optical, histology,
 * transport, …): each returns its tasks for a study, or none when the study has no data for it.
 * One line per planner; planStudy lists their tasks after DCE and feeds them to the group
 * summary and (for kinds with LESION_BIOMARKERS) to stratification.
 */
import type { Planner } from "../task.js";
import { planCeus } from "./ceus.js";
import { planClinical } from "./clinical.js";
import { planDsc } from "./dsc.js";
import { planDwi } from "./dwi.js";
import { planFerumoxytol } from "./ferumoxytol.js";
import { planFerumoxytolCompanion } from "./ferumoxytolCompanion.js";
import { planGroupComparison } from "./groupComparison.js";
import { planHistology } from "./histology.js";
import { planOptical } from "./optical.js";
import { planPbpk } from "./pbpk.js";
import { planPlanar } from "./planar.js";
import { planRelease } from "./release.js";
import { planSegmentation } from "./segmentation.js";
import { planSwe } from "./swe.js";
import { planTumourTransport } from "./tumourTransport.js";

export const MODALITY_PLANNERS: Planner[] = [
  planFerumoxytol,
  planFerumoxytolCompanion,
  planCeus,
  planDwi,
  planDsc,
  planSwe,
  planRelease,
  planOptical,
  planHistology,
  planPbpk,
  planTumourTransport,
  planPlanar,
  planClinical,
  planSegmentation,
  planGroupComparison,
];
