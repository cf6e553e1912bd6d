/** `eprscope stats …` on the R reference files: the printed numbers equal R's (relative 1e-6). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectCleanFailure, REF, runCli, runCliJson, tempDir, writeFiles } from "../helpers/cli.js";
import { relDiff } from "../helpers/tolerance.js";

const D = `${REF}/stats`;
const ref = JSON.parse(readFileSync(`${D}/r_reference.json`, "utf8"));

function expectMatches(measured: unknown, expected: unknown, path = ""): void {
  if (typeof expected === "number") {
    expect(typeof measured, path).toBe("number");
    expect(
      relDiff(measured as number, expected),
      `${path}: ${measured} vs R ${expected}`,
    ).toBeLessThanOrEqual(1e-6);
  } else if (typeof expected === "string") {
    expect(measured, path).toBe(expected);
  } else if (expected && typeof expected === "object") {
    for (const [k, v] of Object.entries(expected))
      expectMatches((measured as Record<string, unknown>)?.[k], v, `${path}.${k}`);
  }
}

describe("eprscope stats (CLI contract vs R)", () => {
  it("roc", () => {
    const r = runCliJson(["stats", "roc", `${D}/aSAH.csv`, "--marker", "s100b", "--outcome", "outcome"]);
    expectMatches(r, ref.roc_s100b);
    const forced = runCliJson<{ auc: number }>([
      "stats",
      "roc",
      `${D}/aSAH.csv`,
      "--marker",
      "s100b",
      "--outcome",
      "outcome",
      "--direction",
      ">",
    ]);
    expect(forced.auc).toBeCloseTo(1 - ref.roc_s100b.auc, 12);
  });
  it("roc bootstrap CI is seeded and near the DeLong CI; extras present", () => {
    const args = [
      "stats",
      "roc",
      `${D}/aSAH.csv`,
      "--marker",
      "s100b",
      "--outcome",
      "outcome",
      "--ci-method",
      "bootstrap",
      "--boot-n",
      "500",
      "--seed",
      "3",
    ];
    const a = runCliJson<{ ci_lower: number; ci_upper: number; youden_sensitivity_ci: number[] }>(args);
    const b = runCliJson<{ ci_lower: number; ci_upper: number }>(args);
    expect(a.ci_lower).toBe(b.ci_lower);
    expect(Math.abs(a.ci_lower - ref.roc_s100b.ci_lower)).toBeLessThan(0.03);
    expect(Math.abs(a.ci_upper - ref.roc_s100b.ci_upper)).toBeLessThan(0.03);
    expect(a.youden_sensitivity_ci[0]).toBeLessThan(ref.roc_s100b.youden.sensitivity);
  });
  it("roc-compare", () => {
    const r = runCliJson([
      "stats",
      "roc-compare",
      `${D}/aSAH.csv`,
      "--markers",
      "s100b,ndka",
      "--outcome",
      "outcome",
    ]);
    expectMatches(r, ref.roc_compare_s100b_ndka);
  });
  it("km with event coded 0/1 and status coded 1/2", () => {
    for (const ev of ["event", "status"]) {
      const r = runCliJson([
        "stats",
        "km",
        `${D}/lung.csv`,
        "--time",
        "time",
        "--event",
        ev,
        "--group",
        "sex",
      ]);
      expectMatches(r, ref.km_lung_sex);
      expect((r as unknown[]).length).toBe(2);
    }
  });
  it("logrank", () => {
    const r = runCliJson([
      "stats",
      "logrank",
      `${D}/lung.csv`,
      "--time",
      "time",
      "--event",
      "status",
      "--group",
      "sex",
    ]);
    expectMatches(r, ref.logrank_lung_sex);
  });
  it("cox (lung, ovarian)", () => {
    expectMatches(
      runCliJson([
        "stats",
        "cox",
        `${D}/lung.csv`,
        "--time",
        "time",
        "--event",
        "event",
        "--covariates",
        "age,sex,ph.ecog",
      ]),
      ref.cox_lung,
    );
    expectMatches(
      runCliJson([
        "stats",
        "cox",
        `${D}/ovarian.csv`,
        "--time",
        "futime",
        "--event",
        "fustat",
        "--covariates",
        "age,rx",
      ]),
      ref.cox_ovarian,
    );
  });
  it("corr", () => {
    const r = runCliJson<{ n: number }>(["stats", "corr", `${D}/aSAH.csv`, "--x", "s100b", "--y", "ndka"]);
    expectMatches(r, ref.pearson_s100b_ndka);
    expect(r.n).toBe(113);
  });
  it("logistic with R's term names", () => {
    const r = runCliJson([
      "stats",
      "logistic",
      `${D}/aSAH.csv`,
      "--outcome",
      "outcome",
      "--predictors",
      "s100b,age",
    ]);
    expectMatches(r, ref.logistic_aSAH);
  });

  describe("bad input → exit 2 naming file, column, row, value", () => {
    const dir = writeFiles(tempDir("eprscope-stats-"), {
      "bad.csv": "t,e,x,y\n1,1,0.5,0\n2,0,abc,1\n3,1,0.7,2\n4,0,0.1,1\n",
      "noev.csv": "t,e,g\n1,0,a\n2,0,b\n3,0,a\n",
    });
    const bad = join(dir, "bad.csv");
    const noEv = join(dir, "noev.csv");
    const cases: [string, string[], RegExp][] = [
      [
        "missing column",
        ["stats", "roc", `${D}/aSAH.csv`, "--marker", "nope", "--outcome", "outcome"],
        /aSAH\.csv.*"nope"/,
      ],
      ["non-numeric", ["stats", "corr", bad, "--x", "x", "--y", "t"], /bad\.csv.*column x, row 2.*"abc"/],
      [
        "outcome not binary",
        ["stats", "roc", bad, "--marker", "t", "--outcome", "y"],
        /bad\.csv.*column y, row 3.*2/,
      ],
      [
        "no events",
        ["stats", "logrank", noEv, "--time", "t", "--event", "e", "--group", "g"],
        /noev\.csv.*column e.*event/,
      ],
      [
        "bad direction",
        ["stats", "roc", `${D}/aSAH.csv`, "--marker", "s100b", "--outcome", "outcome", "--direction", "up"],
        /--direction/,
      ],
    ];
    it.each(cases)("%s", (_name, args, msg) => {
      const r = runCli([...args, "--json"]);
      expectCleanFailure(r, 2, msg);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  });

  it("rows with missing values are dropped like na.omit and counted", () => {
    const src = readFileSync(`${D}/aSAH.csv`, "utf8").trimEnd().split("\n");
    const dir = writeFiles(tempDir("eprscope-stats-"), {
      "na.csv": `${[...src, "NA,0.3,9,1,50", "1,,9,1,50"].join("\n")}\n`,
    });
    const f = join(dir, "na.csv");
    const r = runCli(["stats", "roc", f, "--marker", "s100b", "--outcome", "outcome", "--json"]);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.n_dropped).toBe(2);
    expectMatches(j, ref.roc_s100b);
    expect(r.stderr).toMatch(/dropped 2 row/);
  });
});
