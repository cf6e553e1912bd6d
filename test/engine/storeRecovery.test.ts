import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { acquireRunLock, RUN_LOCK_FILE, RunLockedError } from "../../src/engine/runLock.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli, runCliJson } from "../helpers/cli.js";

type Row = {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
};

let dir: string;
let reference: Row[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "eprscope-store-"));
  writeDemoStudy(join(dir, "s"), { noImages: true });
  dir = join(dir, "s");
  expect(runCli(["run", dir, "--no-progress"]).code).toBe(0);
  reference = runCliJson<Row[]>(["results", dir]);
});

describe("a damaged results store", () => {
  it("is named with the way out (exit 2), and run --rebuild-store recovers every result", () => {
    const store = join(dir, "results", "eprscope.sqlite");
    // checkpoint-free damage: overwrite the file's header and body with garbage
    writeFileSync(store, Buffer.concat([Buffer.from("not a database at all "), Buffer.alloc(8192, 0x5a)]));
    for (const ext of ["-wal", "-shm"]) if (existsSync(store + ext)) writeFileSync(store + ext, "");
    const r = runCli(["results", dir, "--json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(store);
    expect(r.stderr).toContain("--rebuild-store");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const plain = runCli(["run", dir, "--no-progress"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("--rebuild-store");

    const rebuilt = runCli(["run", dir, "--no-progress", "--rebuild-store"]);
    expect(rebuilt.code).toBe(0);
    expect(rebuilt.stderr).toMatch(/moved the old results store to .*damaged-/);
    expect(readdirSync(join(dir, "results")).some((f) => f.startsWith("eprscope.sqlite.damaged-"))).toBe(
      true,
    );
    const rows = runCliJson<Row[]>(["results", dir]);
    const key = (x: Row) => `${x.analysis}|${x.subject}|${x.roi}|${x.parameter}`;
    expect(rows.map(key).sort()).toEqual(reference.map(key).sort());
  });
});

describe("one run per study at a time", () => {
  it("a second run is refused while the first holds the lock, naming the owner", () => {
    const release = acquireRunLock(dir);
    try {
      expect(() => acquireRunLock(dir)).toThrow(RunLockedError);
      const r = runCli(["run", dir, "--no-progress"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`another run of this study is in progress \\(pid ${process.pid}`));
    } finally {
      release();
    }
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });

  it("a stale lock (its process is gone) is taken over", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.exit(0)"]).pid as number;
    writeFileSync(
      join(dir, RUN_LOCK_FILE),
      JSON.stringify({ pid: dead, host: hostname(), startedAt: "2026-01-01T00:00:00Z" }),
    );
    const r = runCli(["run", dir, "--no-progress"]);
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });
});
