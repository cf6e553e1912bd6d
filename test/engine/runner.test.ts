import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { orderTasks, runTasks } from "../../src/engine/runner.js";
import type { Task } from "../../src/engine/task.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import type { LoadedStudy } from "../../src/study/load.js";

const study = { dir: "/nonexistent", file: "", text: "", study: {} } as unknown as LoadedStudy;
let calls: string[] = [];
const task = (id: string, opts: Partial<Task> & { fail?: boolean; value?: number } = {}): Task => ({
  id,
  kind: "test",
  revision: 1,
  subject: null,
  inputFiles: [],
  inputs: { value: opts.value ?? 1 },
  dependsOn: opts.dependsOn ?? [],
  run: () => {
    calls.push(id);
    if (opts.fail) throw new Error(`boom in ${id}`);
    return {
      rows: [
        {
          analysis: id,
          subject: null,
          roi: null,
          parameter: "x",
          value: opts.value ?? 1,
          unit: "1",
          status: "ok",
        },
      ],
    };
  },
});

describe("task runner", () => {
  it("orders by dependencies and detects cycles", () => {
    const order = orderTasks([
      task("c", { dependsOn: ["b"] }),
      task("b", { dependsOn: ["a"] }),
      task("a"),
    ]).map((t) => t.id);
    expect(order).toEqual(["a", "b", "c"]);
    expect(() => orderTasks([task("x", { dependsOn: ["y"] }), task("y", { dependsOn: ["x"] })])).toThrow(
      /cycle/,
    );
  });

  it("isolates a failing task, fails its dependants, and skips up-to-date tasks on re-run", async () => {
    const store = new SqliteStore(join(mkdtempSync(join(tmpdir(), "run-")), "s.sqlite"));
    calls = [];
    const tasks = [
      task("a"),
      task("bad", { fail: true }),
      task("after-bad", { dependsOn: ["bad"] }),
      task("c", { dependsOn: ["a"] }),
    ];
    const s1 = await runTasks(study, tasks, store);
    expect(s1.ran).toBe(2);
    expect(s1.failed.map((f) => f.id)).toEqual(["bad", "after-bad"]);
    expect(s1.failed[0].message).toMatch(/boom in bad/);
    expect(store.getAnalysis("bad")?.status).toBe("failed");
    calls = [];
    const s2 = await runTasks(study, tasks, store);
    expect(s2.skipped).toBe(2); // a and c are up to date; the failed ones are retried
    expect(calls).toEqual(["bad"]);
    // a change in a's inputs re-runs a and its dependant c
    calls = [];
    await runTasks(study, [task("a", { value: 2 }), task("c", { dependsOn: ["a"] })], store);
    expect(calls).toEqual(["a", "c"]);
    // tasks that no longer exist are pruned from the store
    expect(store.listAnalyses().map((a) => a.id)).toEqual(["a", "c"]);
    store.close();
  });
});
