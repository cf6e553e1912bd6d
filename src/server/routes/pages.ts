/** GET / — the first page: the study's subjects and links to the workspace, report and results. */
import { esc } from "../../report/figures/scale.js";
import { loadStudy } from "../../study/load.js";
import { VERSION } from "../../version.js";
import type { RouteContext } from "../context.js";

export function registerPages({ app, studyDir }: RouteContext): void {
  app.get("/", async (_req, reply) => {
    const s = loadStudy(studyDir).study;
    const rows = s.subjects
      .map(
        (x) =>
          `<tr><td class="subject">${esc(x.id)}</td><td>${esc(x.group)}</td><td>${esc(x.species)}</td><td>${esc(x.bodyWeight)}</td></tr>`,
      )
      .join("");
    reply
      .type("text/html")
      .send(
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse}</style></head><body><h1>${esc(s.title)}</h1><p><a href="/app/">workspace</a> · <a href="/report">report</a> · <a href="/api/results.csv">results (CSV)</a> · <a href="/api/results">results (JSON)</a></p><h2>Subjects</h2><table id="subjects"><thead><tr><th>id</th><th>group</th><th>species</th><th>body weight</th></tr></thead><tbody>${rows}</tbody></table><p>eprscope ${esc(VERSION)}</p></body></html>`,
      );
  });
}
