/** A synchronous, in-memory ResultReader over rows fetched from an asynchronous store. */
import type { AnalysisRecord, ResultFilter, ResultReader, ResultRow } from "./types.js";

export class MemoryReader implements ResultReader {
  private byId: Map<string, AnalysisRecord>;
  constructor(
    private analyses: AnalysisRecord[],
    private rows: ResultRow[],
  ) {
    this.byId = new Map(analyses.map((a) => [a.id, a]));
  }
  getAnalysis(id: string): AnalysisRecord | undefined {
    return this.byId.get(id);
  }
  listAnalyses(): AnalysisRecord[] {
    return this.analyses;
  }
  listResults(f: ResultFilter = {}): ResultRow[] {
    return this.rows.filter(
      (r) =>
        (!f.analysis || r.analysis === f.analysis) &&
        (!f.kind || this.byId.get(r.analysis)?.kind === f.kind) &&
        (!f.subject || r.subject === f.subject) &&
        (!f.parameter || r.parameter === f.parameter),
    );
  }
}
