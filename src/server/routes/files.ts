/** GET /api/files/* — study files (NIfTI, CSV, JSON) streamed for the viewer; never outside the study folder. */
import { createReadStream } from "node:fs";
import { sep } from "node:path";
import { type RouteContext, safeStudyPath } from "../context.js";

export function registerFiles({ app, studyDir }: RouteContext): void {
  app.get("/api/files/*", async (req, reply) => {
    const rel = decodeURIComponent((req.params as { "*": string })["*"]);
    const path = safeStudyPath(studyDir, rel.split("/").join(sep));
    if (!path) return reply.code(404).send({ error: "no such file in the study folder" });
    return reply
      .type(path.endsWith(".json") ? "application/json" : "application/octet-stream")
      .send(createReadStream(path));
  });
}
