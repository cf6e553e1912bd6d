/** The embedded SQLite store behind the asynchronous store interface (tasks read it directly). */
import type { SqliteStore } from "./sqliteStore.js";
import type { AsyncResultStore, ResultReader } from "./types.js";

export function asyncSqlite(s: SqliteStore): AsyncResultStore {
  return {
    backend: "sqlite",
    location: s.path,
    getAnalysis: async (id) => s.getAnalysis(id),
    listAnalyses: async () => s.listAnalyses(),
    saveAnalysis: async (r, rows, p) => s.saveAnalysis(r, rows, p),
    pruneAnalyses: async (keep) => s.pruneAnalyses(keep),
    listResults: async (f) => s.listResults(f),
    getProvenance: async (id) => s.getProvenance(id),
    reader: async (): Promise<ResultReader> => s,
    close: async () => s.close(),
  };
}
