/** GET /report (self-contained HTML) and /api/figures (the report's SVG figures for the dashboard). */
import { renderReport, reportFigures } from "../../report/htmlReport.js";
import { loadReportInput } from "../../report/reportInput.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";

export function registerReport({ app, studyDir, db }: RouteContext): void {
  app.get("/api/figures", async () => reportFigures(await loadReportInput(loadStudy(studyDir), { db })));
  app.get("/report", async (_req, reply) => {
    reply.type("text/html").send(renderReport(await loadReportInput(loadStudy(studyDir), { db })));
  });
}
