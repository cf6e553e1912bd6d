/** `eprscope report DIR [--out FILE]` — one self-contained HTML report (DIR/results/report.html). */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { AnalysisError } from "../../core/errors.js";
import { renderReport } from "../../report/htmlReport.js";
import { openStore } from "../../store/open.js";
import { loadStudy } from "../../study/load.js";
import { VERSION } from "../../version.js";

export function register(program: Command): void {
  program
    .command("report")
    .description("write a self-contained HTML report of a study's results (figures inline, readable offline)")
    .argument("<dir>", "study folder")
    .option("--out <file>", "output file (default DIR/results/report.html)")
    .option("--json", "print { file, figures } as JSON")
    .action((dir: string, o: { out?: string; json?: boolean }) => {
      const study = loadStudy(dir);
      const store = openStore(study.dir);
      try {
        const analyses = store.listAnalyses();
        if (analyses.length === 0)
          throw new AnalysisError(`no results yet in ${study.dir}: run \`eprscope run ${dir}\` first`);
        const html = renderReport({
          study,
          rows: store.listResults(),
          analyses,
          version: VERSION,
          generatedAt: new Date().toISOString(),
        });
        const file = o.out ?? join(study.dir, "results", "report.html");
        writeFileSync(file, html);
        const figures = (html.match(/<figure>/g) ?? []).length;
        if (o.json) process.stdout.write(`${JSON.stringify({ file, figures, bytes: html.length })}\n`);
        else process.stderr.write(`wrote ${file} (${figures} figures)\n`);
      } finally {
        store.close();
      }
    });
}
