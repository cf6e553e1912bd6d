/** GET /api/study, /api/subjects, /api/timeline — the study model as the workspace reads it. */
import { loadStudy } from "../../study/load.js";
import { studyTimeline } from "../../study/timeline.js";
import type { RouteContext } from "../context.js";

export function registerStudy({ app, studyDir }: RouteContext): void {
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
