/**
 * One definition of the store's SQL for both backends. Kysely builds every statement — the
 * versioned migrations (schema builder) and the queries — and compiles it for SQLite or
 * PostgreSQL; the backends only execute the compiled text with its parameters (better-sqlite3
 * synchronously, pg asynchronously). The builders are compile-only (DummyDriver): no connection
 * is made here. PostgreSQL keeps each study in its own schema (namespace, set as the
 * connection's search_path), so the tables are the same in both dialects.
 */
import {
  type CompiledQuery,
  DummyDriver,
  type Generated,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from "kysely";
import type { AnalysisRecord, ProvenanceEntry, ResultFilter, ResultRow } from "./types.js";

export type SqlDialect = "sqlite" | "postgres";

export interface DB {
  schema_migrations: { version: number; applied_at: string };
  analyses: {
    id: string;
    kind: string;
    subject: string | null;
    input_hash: string;
    status: string;
    message: string | null;
    started_at: string;
    finished_at: string;
    version: string;
  };
  results: {
    id: Generated<number>;
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
  };
  provenance: { analysis_id: string; kind: string; name: string; value: string };
}

const builders = new Map<SqlDialect, Kysely<DB>>();

export function builder(d: SqlDialect): Kysely<DB> {
  let b = builders.get(d);
  if (!b) {
    b = new Kysely<DB>({
      dialect:
        d === "sqlite"
          ? {
              createAdapter: () => new SqliteAdapter(),
              createDriver: () => new DummyDriver(),
              createIntrospector: (db) => new SqliteIntrospector(db),
              createQueryCompiler: () => new SqliteQueryCompiler(),
            }
          : {
              createAdapter: () => new PostgresAdapter(),
              createDriver: () => new DummyDriver(),
              createIntrospector: (db) => new PostgresIntrospector(db),
              createQueryCompiler: () => new PostgresQueryCompiler(),
            },
    });
    builders.set(d, b);
  }
  return b;
}

/** Versioned migrations: statements per version, compiled for the dialect. */
export function migrations(d: SqlDialect): { version: number; statements: CompiledQuery[] }[] {
  const db = builder(d);
  const serial = d === "postgres" ? "serial" : "integer";
  return [
    {
      version: 1,
      statements: [
        db.schema
          .createTable("analyses")
          .addColumn("id", "text", (c) => c.primaryKey())
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("subject", "text")
          .addColumn("input_hash", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull().check(sql`status IN ('ok','failed')`))
          .addColumn("message", "text")
          .addColumn("started_at", "text", (c) => c.notNull())
          .addColumn("finished_at", "text", (c) => c.notNull())
          .addColumn("version", "text", (c) => c.notNull())
          .compile(),
        db.schema
          .createTable("results")
          .addColumn("id", serial, (c) => (d === "sqlite" ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn("analysis_id", "text", (c) => c.notNull().references("analyses.id").onDelete("cascade"))
          .addColumn("subject", "text")
          .addColumn("roi", "text")
          .addColumn("parameter", "text", (c) => c.notNull())
          .addColumn("value", "double precision")
          .addColumn("unit", "text", (c) => c.notNull())
          .addColumn("status", "text", (c) => c.notNull())
          .addColumn("time_s", "double precision")
          .addColumn("group_id", "text")
          .addColumn("message", "text")
          .compile(),
        db.schema.createIndex("results_analysis").on("results").column("analysis_id").compile(),
        db.schema.createIndex("results_subject").on("results").columns(["subject", "parameter"]).compile(),
        db.schema
          .createTable("provenance")
          .addColumn("analysis_id", "text", (c) => c.notNull().references("analyses.id").onDelete("cascade"))
          .addColumn("kind", "text", (c) => c.notNull())
          .addColumn("name", "text", (c) => c.notNull())
          .addColumn("value", "text", (c) => c.notNull())
          .compile(),
        db.schema.createIndex("provenance_analysis").on("provenance").column("analysis_id").compile(),
      ],
    },
  ];
}

export const SCHEMA_VERSION = 1;

export const q = {
  createMigrationsTable: (d: SqlDialect) =>
    builder(d)
      .schema.createTable("schema_migrations")
      .ifNotExists()
      .addColumn("version", "integer", (c) => c.primaryKey())
      .addColumn("applied_at", "text", (c) => c.notNull())
      .compile(),
  currentVersion: (d: SqlDialect) =>
    builder(d)
      .selectFrom("schema_migrations")
      .select((e) => e.fn.max("version").as("v"))
      .compile(),
  recordMigration: (d: SqlDialect, version: number) =>
    builder(d)
      .insertInto("schema_migrations")
      .values({ version, applied_at: new Date().toISOString() })
      .compile(),
  getAnalysis: (d: SqlDialect, id: string) =>
    builder(d).selectFrom("analyses").selectAll().where("id", "=", id).compile(),
  listAnalyses: (d: SqlDialect) => builder(d).selectFrom("analyses").selectAll().orderBy("id").compile(),
  analysisIds: (d: SqlDialect) => builder(d).selectFrom("analyses").select("id").compile(),
  deleteAnalysis: (d: SqlDialect, id: string) =>
    builder(d).deleteFrom("analyses").where("id", "=", id).compile(),
  upsertAnalysis: (d: SqlDialect, r: AnalysisRecord) =>
    builder(d)
      .insertInto("analyses")
      .values(analysisValues(r))
      .onConflict((oc) =>
        oc.column("id").doUpdateSet((eb) => ({
          kind: eb.ref("excluded.kind"),
          subject: eb.ref("excluded.subject"),
          input_hash: eb.ref("excluded.input_hash"),
          status: eb.ref("excluded.status"),
          message: eb.ref("excluded.message"),
          started_at: eb.ref("excluded.started_at"),
          finished_at: eb.ref("excluded.finished_at"),
          version: eb.ref("excluded.version"),
        })),
      )
      .compile(),
  deleteResults: (d: SqlDialect, id: string) =>
    builder(d).deleteFrom("results").where("analysis_id", "=", id).compile(),
  deleteProvenance: (d: SqlDialect, id: string) =>
    builder(d).deleteFrom("provenance").where("analysis_id", "=", id).compile(),
  /** rows in batches (SQLite's bound-parameter limit) */
  insertResults: (d: SqlDialect, id: string, rows: ResultRow[]): CompiledQuery[] => {
    const out: CompiledQuery[] = [];
    for (let i = 0; i < rows.length; i += 500) {
      out.push(
        builder(d)
          .insertInto("results")
          .values(rows.slice(i, i + 500).map((r) => resultValues(id, r)))
          .compile(),
      );
    }
    return out;
  },
  insertProvenance: (d: SqlDialect, id: string, p: ProvenanceEntry[]): CompiledQuery[] =>
    p.length === 0
      ? []
      : [
          builder(d)
            .insertInto("provenance")
            .values(p.map((x) => ({ analysis_id: id, kind: x.kind, name: x.name, value: x.value })))
            .compile(),
        ],
  listResults: (d: SqlDialect, f: ResultFilter = {}) => {
    let b = builder(d)
      .selectFrom("results as r")
      .innerJoin("analyses as a", "a.id", "r.analysis_id")
      .select([
        "r.analysis_id",
        "a.kind",
        "r.subject",
        "r.roi",
        "r.parameter",
        "r.value",
        "r.unit",
        "r.status",
        "r.time_s",
        "r.group_id",
        "r.message",
      ]);
    if (f.analysis) b = b.where("r.analysis_id", "=", f.analysis);
    if (f.kind) b = b.where("a.kind", "=", f.kind);
    if (f.subject) b = b.where("r.subject", "=", f.subject);
    if (f.parameter) b = b.where("r.parameter", "=", f.parameter);
    return b.orderBy("r.analysis_id").orderBy("r.id").compile();
  },
  getProvenance: (d: SqlDialect, id: string) =>
    builder(d)
      .selectFrom("provenance")
      .select(["kind", "name", "value"])
      .where("analysis_id", "=", id)
      .orderBy("kind")
      .orderBy("name")
      .compile(),
};

function analysisValues(r: AnalysisRecord): DB["analyses"] {
  return {
    id: r.id,
    kind: r.kind,
    subject: r.subject,
    input_hash: r.inputHash,
    status: r.status,
    message: r.message,
    started_at: r.startedAt,
    finished_at: r.finishedAt,
    version: r.version,
  };
}

/** Non-finite values are stored as NULL; an "ok" row without a value becomes "missing". */
function resultValues(id: string, r: ResultRow) {
  const v = r.value !== null && Number.isFinite(r.value) ? r.value : null;
  return {
    analysis_id: id,
    subject: r.subject,
    roi: r.roi,
    parameter: r.parameter,
    value: v,
    unit: r.unit,
    status: v === null && r.status === "ok" ? "missing" : r.status,
    time_s: r.time_s ?? null,
    group_id: r.group ?? null,
    message: r.message ?? null,
  };
}

export function toRecord(r: Record<string, unknown>): AnalysisRecord {
  return {
    id: String(r.id),
    kind: String(r.kind),
    subject: (r.subject as string | null) ?? null,
    inputHash: String(r.input_hash),
    status: r.status as "ok" | "failed",
    message: (r.message as string | null) ?? null,
    startedAt: String(r.started_at),
    finishedAt: String(r.finished_at),
    version: String(r.version),
  };
}

export function toRow(r: Record<string, unknown>): ResultRow {
  return {
    analysis: String(r.analysis_id),
    subject: (r.subject as string | null) ?? null,
    roi: (r.roi as string | null) ?? null,
    parameter: String(r.parameter),
    value: r.value === null || r.value === undefined ? null : Number(r.value),
    unit: String(r.unit),
    status: r.status as ResultRow["status"],
    time_s: r.time_s === null || r.time_s === undefined ? null : Number(r.time_s),
    group: (r.group_id as string | null) ?? null,
    message: (r.message as string | null) ?? null,
  };
}
