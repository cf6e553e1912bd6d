import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SCHEMA_VERSION, SqliteStore } from "../../src/store/sqliteStore.js";
import type { AnalysisRecord, ResultRow } from "../../src/store/types.js";

const rec = (id: string, hash = "h1"): AnalysisRecord => ({
  id,
  kind: "k",
  subject: "S1",
  inputHash: hash,
  status: "ok",
  message: null,
  startedAt: "2026-01-01T00:00:00Z",
  finishedAt: "2026-01-01T00:00:01Z",
  version: "0.0.0",
});
const r = (parameter: string, value: number | null): ResultRow => ({
  analysis: "a",
  subject: "S1",
  roi: "liver",
  parameter,
  value,
  unit: "%ID/g",
  status: "ok",
});

describe("SQLite results store", () => {
  it("migrates to the current schema version and records it", () => {
    const path = join(mkdtempSync(join(tmpdir(), "store-")), "x.sqlite");
    const s = new SqliteStore(path);
    expect(s.schemaVersion()).toBe(SCHEMA_VERSION);
    s.close();
    const again = new SqliteStore(path); // re-open: no duplicate migration
    expect(again.schemaVersion()).toBe(SCHEMA_VERSION);
    again.close();
  });

  it("replaces an analysis' rows atomically and never stores NaN", () => {
    const s = new SqliteStore(join(mkdtempSync(join(tmpdir(), "store-")), "x.sqlite"));
    s.saveAnalysis(rec("a"), [r("p", 1), r("q", 2)], [{ kind: "file", name: "f", value: "abc" }]);
    s.saveAnalysis(rec("a", "h2"), [r("p", 3), r("nan", Number.NaN)], []);
    const rows = s.listResults();
    expect(rows.map((x) => [x.parameter, x.value, x.status])).toEqual([
      ["p", 3, "ok"],
      ["nan", null, "missing"],
    ]);
    expect(s.getAnalysis("a")?.inputHash).toBe("h2");
    expect(s.getProvenance("a")).toEqual([]);
    s.close();
  });

  it("rolls back a failed write: the previous result survives", () => {
    const s = new SqliteStore(join(mkdtempSync(join(tmpdir(), "store-")), "x.sqlite"));
    s.saveAnalysis(rec("a"), [r("p", 1)], []);
    const bad = { ...r("p", 2), parameter: null as unknown as string }; // NOT NULL violation mid-transaction
    expect(() => s.saveAnalysis(rec("a", "h2"), [r("q", 5), bad], [])).toThrow();
    expect(s.listResults().map((x) => x.value)).toEqual([1]);
    expect(s.getAnalysis("a")?.inputHash).toBe("h1");
    s.close();
  });

  it("refuses a database written by a newer schema", () => {
    const path = join(mkdtempSync(join(tmpdir(), "store-")), "x.sqlite");
    new SqliteStore(path).close();
    const db = new Database(path);
    db.prepare("INSERT INTO schema_migrations VALUES (?, ?)").run(SCHEMA_VERSION + 1, "later");
    db.close();
    expect(() => new SqliteStore(path)).toThrow(/newer than this eprscope/);
  });
});
