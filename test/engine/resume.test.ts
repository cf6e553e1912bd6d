import { spawn } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { BIN, runCli, runCliJson } from "../helpers/cli.js";

type Row = {
  group: string | null;
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  time_s: number | null;
};
const key = (r: Row) => JSON.stringify([r.analysis, r.subject, r.group, r.roi, r.parameter, r.time_s]);

describe("eprscope run: killed mid-way, then resumed", () => {
  it("completes with no duplicated or lost results", async () => {
    const base = mkdtempSync(join(tmpdir(), "resume-"));
    const a = join(base, "a");
    const b = join(base, "b");
    writeDemoStudy(a, { noImages: true });
    cpSync(a, b, { recursive: true });

    // reference: an uninterrupted run
    expect(runCli(["run", b, "--no-progress"]).code).toBe(0);
    const reference = runCliJson<Row[]>(["results", b]);

    // interrupted run: SIGKILL after a few tasks have completed
    const child = spawn(process.execPath, [BIN, "run", a], {
      env: { ...process.env, EPRSCOPE_TASK_DELAY_MS: "200" },
    });
    let done = 0;
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        done += (d.toString().match(/ ok \(/g) ?? []).length;
        if (done >= 3 && !child.killed) {
          child.kill("SIGKILL");
        }
      });
      child.on("exit", () => resolve());
    });
    expect(done).toBeGreaterThanOrEqual(3);
    const partial = runCli(["results", a, "--json"]);
    const partialRows: Row[] = partial.code === 0 ? JSON.parse(partial.stdout) : [];
    expect(partialRows.length).toBeLessThan(reference.length);

    const resumed = runCli(["run", a]);
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(/up to date/);
    const rows = runCliJson<Row[]>(["results", a]);
    expect(rows.length).toBe(reference.length);
    expect(new Set(rows.map(key)).size).toBe(rows.length); // no duplicates
    const byKey = new Map(reference.map((r) => [key(r), r.value]));
    for (const r of rows) expect(r.value).toBe(byKey.get(key(r)));
  }, 120_000);
});
