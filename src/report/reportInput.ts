/** The one place the report's input (study, result rows, analyses, version) is assembled: CLI report, server /report and /api/figures. */
import { AnalysisError } from "../core/errors.js";
import { openResultStore } from "../store/open.js";
import type { LoadedStudy } from "../study/load.js";
import { VERSION } from "../version.js";
import type { ReportInput } from "./htmlReport.js";

export async function loadReportInput(
  study: LoadedStudy,
  opts: { requireResults?: boolean; dirArg?: string; db?: string } = {},
): Promise<ReportInput> {
  const store = await openResultStore(study.dir, opts.db);
  try {
    const analyses = await store.listAnalyses();
    if (opts.requireResults && analyses.length === 0)
      throw new AnalysisError(
        `no results yet in ${store.location}: run \`eprscope run ${opts.dirArg ?? study.dir}\` first`,
      );
    return {
      study,
      rows: await store.listResults(),
      analyses,
      version: VERSION,
      generatedAt: new Date().toISOString(),
    };
  } finally {
    await store.close();
  }
}
