/**
 * The PostgreSQL store and the pg-boss job queue against a real PostgreSQL server started by the
 * test (Debian's postgresql): the same results as the embedded store, from `run --db`, and from
 * `submit` + two worker processes; idempotent re-runs; dead-letter reporting; report and server.
 */
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "../../src/server/app.js";
import { studyNamespace } from "../../src/store/open.js";
import { PgStore } from "../../src/store/pgStore.js";
import type { AnalysisRecord, ResultRow } from "../../src/store/types.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { BIN, runCli, runCliJson } from "../helpers/cli.js";
import { type PgServer, startPostgres } from "../helpers/postgres.js";

type Row = {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  time_s: number | null;
  group: string | null;
};
const key = (r: Row) => JSON.stringify([r.analysis, r.subject, r.group, r.roi, r.parameter, r.time_s]);
const byKey = (rows: Row[]) => new Map(rows.map((r) => [key(r), r.value]));

let pg: PgServer | null;
let base: string;
let reference: Row[];
const env = () => ({ EPRSCOPE_JOB_RETRIES: "1", EPRSCOPE_JOB_RETRY_DELAY_S: "1" });

beforeAll(async () => {
  pg = await startPostgres();
  if (!pg) throw new Error("PostgreSQL is not installed (Debian package postgresql; .ci/run installs it)");
  base = mkdtempSync(join(tmpdir(), "eprscope-pgstudy-"));
  writeDemoStudy(join(base, "ref"), { noImages: true });
  expect(runCli(["run", join(base, "ref"), "--no-progress"]).code).toBe(0);
  reference = runCliJson<Row[]>(["results", join(base, "ref")]);
}, 120_000);
afterAll(() => {
  pg?.stop();
  rmSync(base, { recursive: true, force: true });
});

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

describe("PostgreSQL results store", () => {
  it("same schema and migrations; atomic replace; NaN never stored; studies kept apart", async () => {
    const url = (pg as PgServer).url;
    const a = await PgStore.open(url, "eprscope_test_a");
    const b = await PgStore.open(url, "eprscope_test_b");
    expect(await a.schemaVersion()).toBe(1);
    await a.saveAnalysis(rec("x"), [r("p", 1), r("q", 2)], [{ kind: "file", name: "f", value: "abc" }]);
    await a.saveAnalysis(rec("x", "h2"), [r("p", 3), r("nan", Number.NaN)], []);
    const rows = await a.listResults();
    expect(rows.map((x) => [x.parameter, x.value, x.status])).toEqual([
      ["p", 3, "ok"],
      ["nan", null, "missing"],
    ]);
    expect((await a.getAnalysis("x"))?.inputHash).toBe("h2");
    expect(await a.getProvenance("x")).toEqual([]);
    expect(await b.listResults()).toEqual([]);
    expect(await a.pruneAnalyses(new Set())).toBe(1);
    expect(await a.listResults()).toEqual([]);
    // re-open: migrations are not applied twice
    const again = await PgStore.open(url, "eprscope_test_a");
    expect(await again.schemaVersion()).toBe(1);
    await Promise.all([a.close(), b.close(), again.close()]);
  });

  it("run --db writes the same results as the embedded store; results/report read them back", () => {
    const dir = join(base, "run");
    cpSync(join(base, "ref"), dir, { recursive: true, filter: (p) => !p.includes("results") });
    const url = (pg as PgServer).url;
    expect(runCli(["run", dir, "--no-progress", "--db", url]).code).toBe(0);
    const rows = runCliJson<Row[]>(["results", dir, "--db", url]);
    expect(rows.length).toBe(reference.length);
    const ref = byKey(reference);
    for (const x of rows) expect(x.value).toBe(ref.get(key(x)));
    // a second run skips every task (input hashes in PostgreSQL)
    const again = runCliJson<{ ran: number; skipped: number }>(["run", dir, "--no-progress", "--db", url]);
    expect(again.ran).toBe(0);
    const rep = runCliJson<{ figures: number }>(["report", dir, "--db", url]);
    expect(rep.figures).toBeGreaterThan(3);
    // EPRSCOPE_DATABASE_URL works as --db does
    const viaEnv = runCli(["results", dir, "--json"], { env: { EPRSCOPE_DATABASE_URL: url } });
    expect(JSON.parse(viaEnv.stdout).length).toBe(reference.length);
  });

  it("serve --db answers from PostgreSQL", async () => {
    const app = createServer({ studyDir: join(base, "run"), db: (pg as PgServer).url });
    const rows = (await app.inject({ url: "/api/results?analysis=blood-pk&parameter=LAMZHL" })).json();
    expect(rows.length).toBe(12);
    await app.close();
  });

  it("a bad --db is exit 2 naming it (no password echoed)", () => {
    const bad = runCli(["results", join(base, "ref"), "--db", "postgres://u:secret@127.0.0.1:1/x"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cannot open the results database/);
    expect(bad.stderr).not.toContain("secret");
    const scheme = runCli(["results", join(base, "ref"), "--db", "mysql://h/x"]);
    expect(scheme.code).toBe(2);
    expect(scheme.stderr).toMatch(/PostgreSQL connection URL/);
  });
});

function worker(url: string, extra: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(
      process.execPath,
      [BIN, "worker", "--db", url, "--exit-when-idle", "--concurrency", "2", "--json"],
      {
        env: { ...process.env, ...env(), ...extra },
      },
    );
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    p.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe("pg-boss job queue: submit, workers, status", () => {
  it("two worker processes run a submitted study with dependencies; results equal the embedded run", async () => {
    const url = (pg as PgServer).url;
    const dir = join(base, "queue");
    cpSync(join(base, "ref"), dir, { recursive: true, filter: (p) => !p.includes("results") });
    const sub = runCliJson<{ tasks: number; enqueued: number }>(["submit", dir, "--db", url]);
    expect(sub.tasks).toBeGreaterThan(30);
    expect(sub.enqueued).toBeLessThan(sub.tasks); // dependants wait for their dependencies
    const [w1, w2] = await Promise.all([worker(url), worker(url)]);
    expect(w1.code).toBe(0);
    expect(w2.code).toBe(0);
    expect(w1.stderr.length + w2.stderr.length).toBeGreaterThan(0);
    const st = runCliJson<{
      queued: number;
      active: number;
      completed: number;
      failed: number;
      pending_tasks: number;
    }>(["status", dir, "--db", url]);
    expect(st).toMatchObject({ queued: 0, active: 0, completed: sub.tasks, failed: 0, pending_tasks: 0 });
    const rows = runCliJson<Row[]>(["results", dir, "--db", url]);
    expect(rows.length).toBe(reference.length);
    const ref = byKey(reference);
    for (const x of rows) expect(x.value).toBe(ref.get(key(x)));
    // the workspace sees the queue
    const app = createServer({ studyDir: dir, db: url });
    const q = (await app.inject({ url: "/api/queue" })).json();
    expect(q).toMatchObject({ backend: "postgres", completed: sub.tasks, failed: 0, queued: 0 });
    await app.close();

    // idempotent: the whole study again with --force writes no duplicates
    runCliJson(["submit", dir, "--db", url, "--force"]);
    await worker(url);
    expect(runCliJson<Row[]>(["results", dir, "--db", url]).length).toBe(reference.length);
  }, 180_000);

  it("a job that fails every retry is dead-lettered and reported by status", async () => {
    const url = (pg as PgServer).url;
    const dir = join(base, "gone");
    cpSync(join(base, "ref"), dir, { recursive: true, filter: (p) => !p.includes("results") });
    runCliJson(["submit", dir, "--db", url, "--only", "biodistribution/UNP01"]);
    // the study folder disappears before a worker gets to it: the job fails on every try
    const moved = join(base, "gone-moved");
    cpSync(dir, moved, { recursive: true });
    rmSync(dir, { recursive: true, force: true });
    await worker(url);
    cpSync(moved, dir, { recursive: true });
    const st = runCliJson<{ failed: number; dead_letter: number; completed: number }>([
      "status",
      dir,
      "--db",
      url,
    ]);
    expect(st.failed).toBeGreaterThanOrEqual(1);
    expect(st.dead_letter).toBeGreaterThanOrEqual(1);
    expect(studyNamespace(dir)).toMatch(/^eprscope_[0-9a-f]{20}$/);
  }, 120_000);

  it("a worker killed mid-task: the job expires, another worker retries it; complete, no duplicates", async () => {
    const url = (pg as PgServer).url;
    const dir = join(base, "kill");
    cpSync(join(base, "ref"), dir, { recursive: true, filter: (p) => !p.includes("results") });
    const faults = { ...process.env, ...env(), EPRSCOPE_JOB_EXPIRE_S: "2", EPRSCOPE_TASK_DELAY_MS: "1500" };
    // jobs carry their expiry: submit them with the short one
    expect(
      runCli(["submit", dir, "--db", url, "--only", "blood-pk"], {
        env: { ...env(), EPRSCOPE_JOB_EXPIRE_S: "2" },
      }).code,
    ).toBe(0);
    const victim = spawn(process.execPath, [BIN, "worker", "--db", url], { env: faults });
    await new Promise<void>((resolve) => {
      victim.stderr.on("data", (d: Buffer) => {
        if (d.toString().includes(": started")) resolve();
      });
    });
    victim.kill("SIGKILL");
    const rescue = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, "worker", "--db", url, "--exit-when-idle"], {
        env: { ...faults, EPRSCOPE_TASK_DELAY_MS: "0" },
      });
      let stderr = "";
      p.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
      });
      p.on("close", (code) => resolve({ code: code ?? -1, stderr }));
    });
    expect(rescue.code).toBe(0);
    const st = runCliJson<{ queued: number; active: number; failed: number; pending_tasks: number }>([
      "status",
      dir,
      "--db",
      url,
    ]);
    expect(st).toMatchObject({ queued: 0, active: 0, pending_tasks: 0 });
    const rows = runCliJson<Row[]>(["results", dir, "--db", url]);
    const ran = new Set(rows.map((x) => x.analysis));
    for (const x of reference) if (x.analysis.startsWith("blood-pk")) expect(ran.has(x.analysis)).toBe(true);
    const want = reference.filter((x) => ran.has(x.analysis));
    expect(rows.length).toBe(want.length);
    expect(new Set(rows.map(key)).size).toBe(rows.length);
    const ref = byKey(reference);
    for (const x of rows) expect(x.value).toBe(ref.get(key(x)));
  }, 180_000);

  it("PostgreSQL restarted mid-run: workers reconnect and finish", async () => {
    const url = (pg as PgServer).url;
    const dir = join(base, "restart");
    cpSync(join(base, "ref"), dir, { recursive: true, filter: (p) => !p.includes("results") });
    expect(runCli(["submit", dir, "--db", url], { env: { ...env(), EPRSCOPE_JOB_EXPIRE_S: "3" } }).code).toBe(
      0,
    );
    // slow tasks so that the restart falls in the middle of the run
    const running = worker(url, { EPRSCOPE_JOB_EXPIRE_S: "3", EPRSCOPE_TASK_DELAY_MS: "300" });
    await new Promise((r) => setTimeout(r, 2500));
    const before = runCliJson<{ pending_tasks: number; completed: number }>(["status", dir, "--db", url]);
    (pg as PgServer).restart();
    const w = await running;
    expect(before.completed).toBeGreaterThan(0);
    expect(before.pending_tasks).toBeGreaterThan(0); // the restart happened mid-run
    expect(w.code, w.stderr.slice(-3000)).toBe(0); // reconnected and finished by itself
    const st = runCliJson<{ queued: number; active: number; pending_tasks: number }>([
      "status",
      dir,
      "--db",
      url,
    ]);
    expect(st).toMatchObject({ queued: 0, active: 0, pending_tasks: 0 });
    const rows = runCliJson<Row[]>(["results", dir, "--db", url]);
    expect(rows.length).toBe(reference.length);
    const ref = byKey(reference);
    for (const x of rows) expect(x.value).toBe(ref.get(key(x)));
  }, 240_000);
});
