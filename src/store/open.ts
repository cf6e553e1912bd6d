/**
 * Open the results store of a study folder: DIR/results/eprscope.sqlite. A store that cannot be
 * read (corrupted, not a database, newer schema) is reported naming the file with the way out:
 * results are re-derivable from the study, so `eprscope run DIR --rebuild-store` moves the damaged
 * file aside (kept, never deleted) and recomputes everything into a new store.
 */
import { createHash } from "node:crypto";
import { existsSync, realpathSync, renameSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import { asyncSqlite } from "./asyncSqlite.js";
import { PgStore, redactUrl } from "./pgStore.js";
import { SqliteStore } from "./sqliteStore.js";
import type { AsyncResultStore, ResultStore } from "./types.js";

export const STORE_FILE = join("results", "eprscope.sqlite");

export class StoreUnreadableError extends InputError {
  constructor(
    readonly storeFile: string,
    reason: string,
  ) {
    super(
      { file: storeFile, expected: "a readable eprscope results store" },
      `${storeFile}: the results store cannot be read (${reason}). Results are re-derivable from the study: ` +
        "`eprscope run <dir> --rebuild-store` keeps the damaged file beside it and recomputes every result.",
    );
    this.name = "StoreUnreadableError";
  }
}

export function openStore(studyDir: string): ResultStore {
  const file = join(studyDir, STORE_FILE);
  try {
    return new SqliteStore(file, { check: true });
  } catch (e) {
    const code = (e as { code?: string }).code ?? "";
    if (
      /^SQLITE_(CORRUPT|NOTADB|CANTOPEN|IOERR)/.test(code) ||
      (e as Error).message.includes("schema version")
    ) {
      throw new StoreUnreadableError(file, (e as Error).message);
    }
    throw e;
  }
}

/** Move an unreadable store (and its WAL/SHM files) aside; returns the new name, or null when there was none. */
export function moveStoreAside(studyDir: string, now = new Date()): string | null {
  const file = join(studyDir, STORE_FILE);
  if (!existsSync(file)) return null;
  const aside = `${file}.damaged-${now.toISOString().replace(/[:.]/g, "-")}`;
  renameSync(file, aside);
  for (const ext of ["-wal", "-shm"]) if (existsSync(file + ext)) renameSync(file + ext, aside + ext);
  return aside;
}

/** The database URL of a command: --db, else EPRSCOPE_DATABASE_URL, else none (embedded SQLite). */
export function databaseUrl(db?: string): string | undefined {
  const url = db ?? process.env.EPRSCOPE_DATABASE_URL;
  return url === undefined || url === "" ? undefined : url;
}

/** PostgreSQL schema of a study: one namespace per study folder (its real path). */
export function studyNamespace(studyDir: string): string {
  let real = studyDir;
  try {
    real = realpathSync(studyDir);
  } catch {
    /* not there yet */
  }
  return `eprscope_${createHash("sha256").update(real).digest("hex").slice(0, 20)}`;
}

/**
 * The store of a study, embedded or PostgreSQL: `db` (a postgres:// URL) or EPRSCOPE_DATABASE_URL
 * selects PostgreSQL; without one the study's SQLite file is used.
 */
export async function openResultStore(studyDir: string, db?: string): Promise<AsyncResultStore> {
  const url = databaseUrl(db);
  if (!url) return asyncSqlite(openStore(studyDir) as SqliteStore);
  if (!/^postgres(ql)?:\/\//.test(url))
    throw new InputError({
      field: db !== undefined ? "--db" : "EPRSCOPE_DATABASE_URL",
      value: redactUrl(url),
      expected:
        "a PostgreSQL connection URL postgres://user@host:port/database (or none for the embedded SQLite store)",
    });
  try {
    return await PgStore.open(url, studyNamespace(studyDir));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(
      { field: "--db", value: redactUrl(url), expected: "a reachable PostgreSQL database" },
      `${redactUrl(url)}: cannot open the results database (${err.code ? `${err.code}: ` : ""}${err.message})`,
    );
  }
}
