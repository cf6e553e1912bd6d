/** Open the results store of a study folder: DIR/results/eprscope.sqlite. */
import { join } from "node:path";
import { SqliteStore } from "./sqliteStore.js";
import type { ResultStore } from "./types.js";

export const STORE_FILE = join("results", "eprscope.sqlite");

export function openStore(studyDir: string): ResultStore {
  return new SqliteStore(join(studyDir, STORE_FILE));
}
