/** GET /api/scans/:id — one scan of the study as study.json holds it (with its acquisition: image units …). */
import { NotFoundError } from "../../engine/voxelCurve.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

export function registerScans({ app, studyDir }: RouteContext): void {
  app.get("/api/scans/:id", async (req) => {
    const { id } = req.params as { id: string };
    const scan = loadStudy(studyDir).study.scans.find((s) => s.id === id);
    if (!scan) throw new NotFoundError({ field: "scan", value: id, expected: "a scan id of the study" });
    return scan;
  });
}
