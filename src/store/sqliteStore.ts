/**
 * Embedded results store: one SQLite file inside the study folder (better-sqlite3: synchronous,
 * transactional, prebuilt or node-gyp-built for Node 20). Schema changes are versioned
 * migrations recorded in `schema_migrations`; each analysis is written in one transaction so a
 * killed run leaves either the whole analysis or none of it (WAL mode).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type {
  AnalysisRecord,
  ProvenanceEntry,
  ResultFilter,
  ResultRow,
  ResultStatus,
  ResultStore,
} from "./types.js";

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE analyses (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT,
        input_hash TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok','failed')),
        message TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        version TEXT NOT NULL
      );
      CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        subject TEXT,
        roi TEXT,
        parameter TEXT NOT NULL,
        value REAL,
        unit TEXT NOT NULL,
        status TEXT NOT NULL,
        time_s REAL,
        group_id TEXT,
        message TEXT
      );
      CREATE INDEX results_analysis ON results(analysis_id);
      CREATE INDEX results_subject ON results(subject, parameter);
      CREATE TABLE provenance (
        analysis_id TEXT NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL
      );
      CREATE INDEX provenance_analysis ON provenance(analysis_id);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

interface RowRecord {
  analysis_id: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  status: string;
  time_s: number | null;
  group_id: string | null;
  message: string | null;
}

export class SqliteStore implements ResultStore {
  private db: Database.Database;

  constructor(
    readonly path: string,
    opts: { check?: boolean } = {},
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    try {
      this.db.pragma("journal_mode = WAL");
      if (opts.check) {
        const r = this.db.pragma("quick_check", { simple: true });
        if (r !== "ok")
          throw Object.assign(new Error(`integrity check: ${String(r)}`), { code: "SQLITE_CORRUPT" });
      }
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.migrate();
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    );
    const current =
      (this.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null }).v ??
      0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `${this.path}: store schema version ${current} is newer than this eprscope (${SCHEMA_VERSION}); upgrade eprscope`,
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)")
          .run(m.version, new Date().toISOString());
      })();
    }
  }

  schemaVersion(): number {
    return (this.db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number }).v;
  }

  getAnalysis(id: string): AnalysisRecord | undefined {
    const r = this.db.prepare("SELECT * FROM analyses WHERE id = ?").get(id) as
      | Record<string, unknown>
      | undefined;
    return r ? toRecord(r) : undefined;
  }

  listAnalyses(): AnalysisRecord[] {
    return (this.db.prepare("SELECT * FROM analyses ORDER BY id").all() as Record<string, unknown>[]).map(
      toRecord,
    );
  }

  saveAnalysis(record: AnalysisRecord, rows: ResultRow[], provenance: ProvenanceEntry[]): void {
    const delRows = this.db.prepare("DELETE FROM results WHERE analysis_id = ?");
    const delProv = this.db.prepare("DELETE FROM provenance WHERE analysis_id = ?");
    const upsert = this.db.prepare(
      `INSERT INTO analyses (id, kind, subject, input_hash, status, message, started_at, finished_at, version)
       VALUES (@id, @kind, @subject, @inputHash, @status, @message, @startedAt, @finishedAt, @version)
       ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, subject=excluded.subject, input_hash=excluded.input_hash,
         status=excluded.status, message=excluded.message, started_at=excluded.started_at,
         finished_at=excluded.finished_at, version=excluded.version`,
    );
    const ins = this.db.prepare(
      `INSERT INTO results (analysis_id, subject, roi, parameter, value, unit, status, time_s, group_id, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insProv = this.db.prepare(
      "INSERT INTO provenance (analysis_id, kind, name, value) VALUES (?, ?, ?, ?)",
    );
    this.db.transaction(() => {
      upsert.run(record);
      delRows.run(record.id);
      delProv.run(record.id);
      for (const r of rows) {
        const v = r.value !== null && Number.isFinite(r.value) ? r.value : null;
        const status = v === null && r.status === "ok" ? "missing" : r.status;
        ins.run(
          record.id,
          r.subject,
          r.roi,
          r.parameter,
          v,
          r.unit,
          status,
          r.time_s ?? null,
          r.group ?? null,
          r.message ?? null,
        );
      }
      for (const p of provenance) insProv.run(record.id, p.kind, p.name, p.value);
    })();
  }

  pruneAnalyses(keep: Set<string>): number {
    const ids = (this.db.prepare("SELECT id FROM analyses").all() as { id: string }[]).map((r) => r.id);
    const del = this.db.prepare("DELETE FROM analyses WHERE id = ?");
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) if (!keep.has(id)) n += del.run(id).changes;
    })();
    return n;
  }

  listResults(filter: ResultFilter = {}): ResultRow[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.analysis) {
      where.push("r.analysis_id = ?");
      args.push(filter.analysis);
    }
    if (filter.kind) {
      where.push("a.kind = ?");
      args.push(filter.kind);
    }
    if (filter.subject) {
      where.push("r.subject = ?");
      args.push(filter.subject);
    }
    if (filter.parameter) {
      where.push("r.parameter = ?");
      args.push(filter.parameter);
    }
    const sql = `SELECT r.* FROM results r JOIN analyses a ON a.id = r.analysis_id
      ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY r.analysis_id, r.id`;
    return (this.db.prepare(sql).all(...args) as RowRecord[]).map((r) => ({
      analysis: r.analysis_id,
      subject: r.subject,
      roi: r.roi,
      parameter: r.parameter,
      value: r.value,
      unit: r.unit,
      status: r.status as ResultStatus,
      time_s: r.time_s,
      group: r.group_id,
      message: r.message,
    }));
  }

  getProvenance(analysisId: string): ProvenanceEntry[] {
    return this.db
      .prepare("SELECT kind, name, value FROM provenance WHERE analysis_id = ? ORDER BY rowid")
      .all(analysisId) as ProvenanceEntry[];
  }

  close(): void {
    this.db.close();
  }
}

function toRecord(r: Record<string, unknown>): AnalysisRecord {
  return {
    id: r.id as string,
    kind: r.kind as string,
    subject: (r.subject as string | null) ?? null,
    inputHash: r.input_hash as string,
    status: r.status as "ok" | "failed",
    message: (r.message as string | null) ?? null,
    startedAt: r.started_at as string,
    finishedAt: r.finished_at as string,
    version: r.version as string,
  };
}
