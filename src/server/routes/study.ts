/**
 * GET /api/study, /api/subjects, /api/timeline — the study model as the workspace reads it; the
 * analysis settings (routes/settings.ts) and a scan's anatomy / %ID/cc scale (routes/anatomy.ts)
 * are registered here too.
 */
import { loadStudy } from "../../study/load.js";
import { studyTimeline } from "../../study/timeline.js";
import type { RouteContext } from "../context.js";
import { registerAnatomy } from "./anatomy.js";
import { registerSettings } from "./settings.js";

export function registerStudy(ctx: RouteContext): void {
  const { app, studyDir } = ctx;
  registerSettings(ctx); // GET/PUT /api/settings
  registerAnatomy(ctx); // GET /api/scans/:id/anatomy, /api/scans/:id/scale
  app.get("/api/study", async () => {
    const s = loadStudy(studyDir).study;
    return {
      id: s.id,
      title: s.title,
      description: s.description,
      groups: s.groups ?? [],
      agents: s.agents,
      subjects: s.subjects,
      administrations: s.administrations,
      scans: s.scans.map((x) => ({
        id: x.id,
        subject: x.subject,
        modality: x.modality,
        time: x.time,
        purpose: x.purpose,
        files: x.files,
        labels: x.labels,
      })),
      rois: s.rois,
      samples: s.samples.length,
      outcomes: s.outcomes,
    };
  });
  app.get("/api/subjects", async () =>
    loadStudy(studyDir).study.subjects.map((x) => ({
      id: x.id,
      group: x.group,
      species: x.species,
      sex: x.sex,
      bodyWeight: x.bodyWeight,
    })),
  );
  app.get("/api/timeline", async () => studyTimeline(loadStudy(studyDir).study));
}
