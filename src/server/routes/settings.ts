/**
 * GET /api/settings — the study's analysis settings with the JSON Schema of the form, the
 * choices (AIF tables) and where each lives in study.json; PUT /api/settings { dce?, "blood-pk"? }
 * — validate and save them atomically into study.json (engine/settingsSave), answering the new
 * settings and the changes; 400 with the zod message (study.json untouched) when invalid.
 */
import { readAnalysisSettings, saveAnalysisSettings } from "../../engine/settingsSave.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

export function registerSettings({ app, studyDir }: RouteContext): void {
  app.get("/api/settings", async () => readAnalysisSettings(loadStudy(studyDir)));
  app.put("/api/settings", async (req) => saveAnalysisSettings(studyDir, req.body ?? {}));
}
