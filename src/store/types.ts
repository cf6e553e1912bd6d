/**
 * The results store contract (DESIGN.md store/): long-format result rows, one analysis
 * record per task with its input hash and provenance. Backends: SQLite (embedded, default) and
 * PostgreSQL (chosen by a connection URL), from one SQL definition (sql.ts).
 */

export type ResultStatus = "ok" | "failed" | "missing" | "flagged";

/** One long-format result row — the `eprscope results --json` row shape. */
export interface ResultRow {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  status: ResultStatus;
  /** time point of the row (TACs, time series), seconds after administration */
  time_s?: number | null;
  /** group id, when the row is a group summary or belongs to a subject's group */
  group?: string | null;
  message?: string | null;
}

export interface ProvenanceEntry {
  kind: "file" | "param" | "software" | "input";
  name: string;
  value: string;
}

export interface AnalysisRecord {
  /** task id, unique within a study, e.g. "biodistribution/M01" */
  id: string;
  kind: string;
  subject: string | null;
  inputHash: string;
  status: "ok" | "failed";
  message: string | null;
  startedAt: string;
  finishedAt: string;
  version: string;
}

export interface ResultFilter {
  analysis?: string;
  kind?: string;
  subject?: string;
  parameter?: string;
}

/** What a running task may read (results of earlier tasks); synchronous for the analyses. */
export interface ResultReader {
  getAnalysis(id: string): AnalysisRecord | undefined;
  listAnalyses(): AnalysisRecord[];
  listResults(filter?: ResultFilter): ResultRow[];
}

export interface ResultStore extends ResultReader {
  getAnalysis(id: string): AnalysisRecord | undefined;
  listAnalyses(): AnalysisRecord[];
  /** atomically replace an analysis' record, rows and provenance */
  saveAnalysis(record: AnalysisRecord, rows: ResultRow[], provenance: ProvenanceEntry[]): void;
  /** drop analyses whose ids are not in `keep` (tasks that no longer exist) */
  pruneAnalyses(keep: Set<string>): number;
  listResults(filter?: ResultFilter): ResultRow[];
  getProvenance(analysisId: string): ProvenanceEntry[];
  close(): void;
}

/**
 * The store as the engine, CLI and server use it: asynchronous, so that PostgreSQL (pg) and the
 * embedded SQLite file (wrapped) are one interface. `reader` gives a task its synchronous view of
 * the results it depends on.
 */
export interface AsyncResultStore {
  readonly backend: "sqlite" | "postgres";
  /** where the results live, for messages (a file path, or a database URL without password) */
  readonly location: string;
  getAnalysis(id: string): Promise<AnalysisRecord | undefined>;
  listAnalyses(): Promise<AnalysisRecord[]>;
  saveAnalysis(record: AnalysisRecord, rows: ResultRow[], provenance: ProvenanceEntry[]): Promise<void>;
  pruneAnalyses(keep: Set<string>): Promise<number>;
  listResults(filter?: ResultFilter): Promise<ResultRow[]>;
  getProvenance(analysisId: string): Promise<ProvenanceEntry[]>;
  /** a synchronous view holding every analysis record and the rows of these analyses */
  reader(analysisIds: string[]): Promise<ResultReader>;
  close(): Promise<void>;
}
