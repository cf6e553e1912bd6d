/** GET /api/scans/:id/maps — the scan's parametric and status maps `{ name, unit, file }[]` (engine/mapsList). */
import { listScanMaps } from "../../engine/mapsList.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

export function registerMaps({ app, studyDir }: RouteContext): void {
  app.get("/api/scans/:id/maps", async (req) => {
    const { id } = req.params as { id: string };
    const { study, dir } = loadStudy(studyDir);
    return listScanMaps(
      dir,
      study.scans.map((s) => s.id),
      id,
    );
  });
}
