/** The one place the report's input (study, result rows, analyses, version) is assembled: CLI report, server /report and /api/figures. */
import { AnalysisError } from "../core/errors.js";
import { openStore } from "../store/open.js";
import type { LoadedStudy } from "../study/load.js";
import { VERSION } from "../version.js";
import type { ReportInput } from "./htmlReport.js";

export function loadReportInput(
  study: LoadedStudy,
  opts: { requireResults?: boolean; dirArg?: string } = {},
): ReportInput {
  const store = openStore(study.dir);
  try {
    const analyses = store.listAnalyses();
    if (opts.requireResults && analyses.length === 0)
      throw new AnalysisError(
        `no results yet in ${study.dir}: run \`eprscope run ${opts.dirArg ?? study.dir}\` first`,
      );
    return {
      study,
      rows: store.listResults(),
      analyses,
      version: VERSION,
      generatedAt: new Date().toISOString(),
    };
  } finally {
    store.close();
  }
}
