/**
 * Planners of the modality analyses (conventional biomarkers, release, optical, histology,
 * transport, …): each returns its tasks for a study, or none when the study has no data for it.
 * One line per planner; planStudy lists their tasks after DCE and feeds them to the group
 * summary and (for kinds with LESION_BIOMARKERS) to stratification.
 */
import type { Planner } from "../task.js";

export const MODALITY_PLANNERS: Planner[] = [];
