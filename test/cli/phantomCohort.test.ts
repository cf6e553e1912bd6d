import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectCleanFailure, runCli, tempDir } from "../helpers/cli.js";

describe("phantom cohort: a virtual cohort a stratification method can be scored on", () => {
  it("writes cohort.csv + truth.json; stats roc on it finds the expected AUC (within 2.5 DeLong SE)", () => {
    const dir = tempDir("cohort-");
    const r = runCli([
      "phantom",
      "cohort",
      "--n",
      "150",
      "--hours",
      "48",
      "--seed",
      "5",
      "--out",
      dir,
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.n).toBe(150);
    expect(existsSync(join(dir, "cohort.csv"))).toBe(true);
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
    expect(truth.responders).toBe(s.responders);
    const csv = readFileSync(join(dir, "cohort.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(151);
    for (const marker of ["auc_pctID_h_per_g", "Ktrans_per_min"]) {
      const roc = runCli([
        "stats",
        "roc",
        join(dir, "cohort.csv"),
        "--marker",
        marker,
        "--outcome",
        "response",
        "--json",
      ]);
      expect(roc.code, roc.stderr).toBe(0);
      const o = JSON.parse(roc.stdout);
      const auc = o.auc ?? o.AUC;
      const se = (o.ci_upper - o.ci_lower) / (2 * 1.96);
      expect(Math.abs(auc - truth.expected_roc_auc[marker])).toBeLessThan(2.5 * se + 1e-9);
    }
    // deterministic
    const dir2 = tempDir("cohort2-");
    expect(
      runCli(["phantom", "cohort", "--n", "150", "--hours", "48", "--seed", "5", "--out", dir2]).code,
    ).toBe(0);
    expect(readFileSync(join(dir2, "cohort.csv"), "utf8")).toBe(
      readFileSync(join(dir, "cohort.csv"), "utf8"),
    );
  });

  it("bad options exit 2 naming the option", () => {
    const dir = tempDir("cohort-bad-");
    expectCleanFailure(runCli(["phantom", "cohort", "--n", "1", "--out", dir]), 2, "--n");
    expectCleanFailure(runCli(["phantom", "cohort", "--surface", "gold", "--out", dir]), 2, "--surface");
    expectCleanFailure(runCli(["phantom", "cohort", "--n", "10"]), 2, "--out");
  });
});
