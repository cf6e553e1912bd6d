/**
 * Embedded results store: one SQLite file inside the study folder (better-sqlite3: synchronous,
 * transactional, prebuilt or node-gyp-built for Node 20). The SQL — versioned migrations and
 * queries — comes from the one definition in sql.ts (kysely, compiled for SQLite); each analysis
 * is written in one transaction so a killed run leaves either the whole analysis or none of it
 * (WAL mode).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { CompiledQuery } from "kysely";
import { migrations, q, SCHEMA_VERSION, toRecord, toRow } from "./sql.js";
import type { AnalysisRecord, ProvenanceEntry, ResultFilter, ResultRow, ResultStore } from "./types.js";

export { SCHEMA_VERSION };

const D = "sqlite" as const;

export class SqliteStore implements ResultStore {
  readonly backend = "sqlite" as const;
  private db: Database.Database;
  private statements = new Map<string, Database.Statement>();

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
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("busy_timeout = 5000");
      this.migrate();
    } catch (e) {
      this.db.close();
      throw e;
    }
  }

  private stmt(c: CompiledQuery): Database.Statement {
    let s = this.statements.get(c.sql);
    if (!s) {
      s = this.db.prepare(c.sql);
      this.statements.set(c.sql, s);
    }
    return s;
  }
  private run(c: CompiledQuery): number {
    return this.stmt(c).run(...(c.parameters as unknown[])).changes;
  }
  private all(c: CompiledQuery): Record<string, unknown>[] {
    return this.stmt(c).all(...(c.parameters as unknown[])) as Record<string, unknown>[];
  }

  private migrate(): void {
    this.db.exec(q.createMigrationsTable(D).sql);
    const current = (this.all(q.currentVersion(D))[0]?.v as number | null) ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new Error(
        `${this.path}: store schema version ${current} is newer than this eprscope (${SCHEMA_VERSION}); upgrade eprscope`,
      );
    }
    for (const m of migrations(D)) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        for (const s of m.statements) this.db.prepare(s.sql).run(...(s.parameters as unknown[]));
        this.run(q.recordMigration(D, m.version));
      })();
    }
  }

  schemaVersion(): number {
    return this.all(q.currentVersion(D))[0].v as number;
  }

  getAnalysis(id: string): AnalysisRecord | undefined {
    const r = this.all(q.getAnalysis(D, id))[0];
    return r ? toRecord(r) : undefined;
  }

  listAnalyses(): AnalysisRecord[] {
    return this.all(q.listAnalyses(D)).map(toRecord);
  }

  saveAnalysis(record: AnalysisRecord, rows: ResultRow[], provenance: ProvenanceEntry[]): void {
    this.db.transaction(() => {
      this.run(q.upsertAnalysis(D, record));
      this.run(q.deleteResults(D, record.id));
      this.run(q.deleteProvenance(D, record.id));
      for (const c of q.insertResults(D, record.id, rows))
        this.db.prepare(c.sql).run(...(c.parameters as unknown[]));
      for (const c of q.insertProvenance(D, record.id, provenance))
        this.db.prepare(c.sql).run(...(c.parameters as unknown[]));
    })();
  }

  pruneAnalyses(keep: Set<string>): number {
    const ids = this.all(q.analysisIds(D)).map((r) => String(r.id));
    let n = 0;
    this.db.transaction(() => {
      for (const id of ids) if (!keep.has(id)) n += this.run(q.deleteAnalysis(D, id));
    })();
    return n;
  }

  listResults(filter: ResultFilter = {}): ResultRow[] {
    return this.all(q.listResults(D, filter)).map(toRow);
  }

  getProvenance(analysisId: string): ProvenanceEntry[] {
    return this.all(q.getProvenance(D, analysisId)) as unknown as ProvenanceEntry[];
  }

  close(): void {
    this.db.close();
  }
}
