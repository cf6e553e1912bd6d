/** `eprscope report DIR [--out FILE]` — one self-contained HTML report (DIR/results/report.html). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { renderReport } from "../../report/htmlReport.js";
import { loadReportInput } from "../../report/reportInput.js";
import { loadStudy } from "../../study/load.js";
import { DB_HELP } from "./study.js";

export function register(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report of a study's results (figures inline, readable offline)")
    .argument("<dir>", "study folder")
    .option("--out <file>", "output file (default DIR/results/report.html)")
    .option("--db <url>", DB_HELP)
    .option("--json", "print { file, figures } as JSON")
    .action(async (dir: string, o: { out?: string; json?: boolean; db?: string }) => {
      const study = loadStudy(dir);
      const file = o.out ?? join(study.dir, "results", "report.html");
      // the report may live in the study folder, but never over study.json or a data file
      assertOutputOutsideInputs(file, [
        study.file,
        ...study.study.scans.flatMap((s) => s.files.map((f) => join(study.dir, f))),
      ]);
      const html = renderReport(
        await loadReportInput(study, { requireResults: true, dirArg: dir, db: o.db }),
      );
      writeFileSync(file, html);
      const figures = (html.match(/<figure>/g) ?? []).length;
      if (o.json) process.stdout.write(`${JSON.stringify({ file, figures, bytes: html.length })}\n`);
      else process.stderr.write(`wrote ${file} (${figures} figures)\n`);
    });
}
