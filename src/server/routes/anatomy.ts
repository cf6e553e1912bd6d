/**
 * GET /api/scans/:id/anatomy — the anatomical images the scan can be fused with, best first,
 * or the reason there is none (engine/anatomy); GET /api/scans/:id/scale — the factor from the
 * scan's image unit to decay-corrected %ID/cc, or null with the reason (engine/activityScale),
 * for a common colour scale across time points.
 */
import { activityScale } from "../../engine/activityScale.js";
import { anatomyOf } from "../../engine/anatomy.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

export function registerAnatomy({ app, studyDir }: RouteContext): void {
  app.get("/api/scans/:id/anatomy", async (req) =>
    anatomyOf(loadStudy(studyDir).study, (req.params as { id: string }).id),
  );
  app.get("/api/scans/:id/scale", async (req) =>
    activityScale(loadStudy(studyDir).study, (req.params as { id: string }).id),
  );
}
