/**
 * Open the results store of a study folder: DIR/results/eprscope.sqlite. A store that cannot be
 * read (corrupted, not a database, newer schema) is reported naming the file with the way out:
 * results are re-derivable from the study, so `eprscope run DIR --rebuild-store` moves the damaged
 * file aside (kept, never deleted) and recomputes everything into a new store.
 */
import { existsSync, renameSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../core/errors.js";
import { SqliteStore } from "./sqliteStore.js";
import type { ResultStore } from "./types.js";

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
