/**
 * PostgreSQL results store (pg), for cohorts run by many workers. Same tables and versioned
 * migrations as the embedded store (sql.ts, compiled for PostgreSQL); each study lives in its own
 * schema (namespace) `eprscope_<hash of the study folder's real path>`, set as the connections'
 * search_path, so studies never mix. Migrations run under an advisory lock (many workers may
 * start at once); each analysis is saved in one transaction.
 */
import type { CompiledQuery } from "kysely";
import pg from "pg";
import { MemoryReader } from "./memoryReader.js";
import { migrations, q, SCHEMA_VERSION, toRecord, toRow } from "./sql.js";
import type {
  AnalysisRecord,
  AsyncResultStore,
  ProvenanceEntry,
  ResultFilter,
  ResultReader,
  ResultRow,
} from "./types.js";

const D = "postgres" as const;

/**
 * A pooled client for a transaction. A checked-out client whose connection dies (server restart,
 * admin shutdown) emits "error"; without a listener that event would end the process. The error
 * also rejects the pending query, which is where it is handled.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const c = await pool.connect();
  c.on("error", () => {});
  return c;
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

export class PgStore implements AsyncResultStore {
  readonly backend = "postgres" as const;
  readonly location: string;
  private constructor(
    private pool: pg.Pool,
    url: string,
    readonly namespace: string,
  ) {
    this.location = `${redactUrl(url)} (schema ${namespace})`;
  }

  static async open(url: string, namespace: string): Promise<PgStore> {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(namespace)) throw new Error(`bad schema name ${namespace}`);
    const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${namespace}` });
    pool.on("error", () => {}); // idle-client errors surface on the next query instead
    const s = new PgStore(pool, url, namespace);
    try {
      await s.migrate();
    } catch (e) {
      await pool.end();
      throw e;
    }
    return s;
  }

  private async exec(c: CompiledQuery, client?: pg.PoolClient): Promise<Record<string, unknown>[]> {
    const r = await (client ?? this.pool).query(c.sql, c.parameters as unknown[]);
    return r.rows as Record<string, unknown>[];
  }

  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await checkout(this.pool);
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (e) {
      await c.query("ROLLBACK").catch(() => {});
      throw e;
    } finally {
      c.release();
    }
  }

  private async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // one migrator at a time across all workers (key: the schema name)
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [this.namespace]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.namespace}`);
      await this.exec(q.createMigrationsTable(D), c);
      const current = Number((await this.exec(q.currentVersion(D), c))[0]?.v ?? 0);
      if (current > SCHEMA_VERSION)
        throw new Error(
          `${this.location}: store schema version ${current} is newer than this eprscope (${SCHEMA_VERSION}); upgrade eprscope`,
        );
      for (const m of migrations(D)) {
        if (m.version <= current) continue;
        for (const s of m.statements) await this.exec(s, c);
        await this.exec(q.recordMigration(D, m.version), c);
      }
    });
  }

  async schemaVersion(): Promise<number> {
    return Number((await this.exec(q.currentVersion(D)))[0].v);
  }
  async getAnalysis(id: string): Promise<AnalysisRecord | undefined> {
    const r = (await this.exec(q.getAnalysis(D, id)))[0];
    return r ? toRecord(r) : undefined;
  }
  async listAnalyses(): Promise<AnalysisRecord[]> {
    return (await this.exec(q.listAnalyses(D))).map(toRecord);
  }
  async saveAnalysis(
    record: AnalysisRecord,
    rows: ResultRow[],
    provenance: ProvenanceEntry[],
  ): Promise<void> {
    await this.tx(async (c) => {
      // serialise writers of the same analysis (two workers finishing the same retried task)
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${this.namespace}/${record.id}`]);
      await this.exec(q.upsertAnalysis(D, record), c);
      await this.exec(q.deleteResults(D, record.id), c);
      await this.exec(q.deleteProvenance(D, record.id), c);
      for (const x of q.insertResults(D, record.id, rows)) await this.exec(x, c);
      for (const x of q.insertProvenance(D, record.id, provenance)) await this.exec(x, c);
    });
  }
  async pruneAnalyses(keep: Set<string>): Promise<number> {
    const ids = (await this.exec(q.analysisIds(D))).map((r) => String(r.id));
    let n = 0;
    for (const id of ids)
      if (!keep.has(id)) n += (await this.pool.query(q.deleteAnalysis(D, id).sql, [id])).rowCount ?? 0;
    return n;
  }
  async listResults(filter: ResultFilter = {}): Promise<ResultRow[]> {
    return (await this.exec(q.listResults(D, filter))).map(toRow);
  }
  async getProvenance(analysisId: string): Promise<ProvenanceEntry[]> {
    return (await this.exec(q.getProvenance(D, analysisId))) as unknown as ProvenanceEntry[];
  }
  async reader(analysisIds: string[]): Promise<ResultReader> {
    const analyses = await this.listAnalyses();
    const rows: ResultRow[] = [];
    for (const id of analysisIds) rows.push(...(await this.listResults({ analysis: id })));
    return new MemoryReader(analyses, rows);
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}
