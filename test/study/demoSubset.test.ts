/**
 * writeDemoStudy's `subjects` and `arms` options (and `eprscope demo --subjects --arms`): a
 * subset's tables are the full demo's rows of those subjects, byte for byte; a kept arm's files
 * are the full demo's (its own seeded stream); an unknown subject or arm is an input error
 * naming it (exit 2).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { histologyArm } from "../../src/study/demo/arms/histology.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli } from "../helpers/cli.js";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const json = (dir: string, f: string) => JSON.parse(readFileSync(join(dir, f), "utf8"));

describe("demo subsets", () => {
  it("subjects: the full demo's rows of those subjects; arms: the full demo's files of that arm", () => {
    const full = tmp("demo-full-");
    writeDemoStudy(full, { noImages: true, arms: [histologyArm] });
    const sub = tmp("demo-sub-");
    writeDemoStudy(sub, { noImages: true, subjects: ["UNP01", "TNP02"], arms: [histologyArm] });
    const a = json(full, "study.json");
    const b = json(sub, "study.json");
    const keep = new Set(["UNP01", "TNP02"]);
    expect(b.subjects).toEqual(a.subjects.filter((s: { id: string }) => keep.has(s.id)));
    expect(b.samples.filter((x: { subject: string }) => !keep.has(x.subject))).toEqual([]);
    for (const key of ["administrations", "outcomes"])
      expect(b[key]).toEqual(a[key].filter((x: { subject: string }) => keep.has(x.subject)));
    expect(b.groups.map((g: { id: string }) => g.id).sort()).toEqual(
      [...new Set(b.subjects.map((s: { group: string }) => s.group))].sort(),
    );
    const subScans = b.scans.filter((s: { subject: string }) => s.subject === "UNP01");
    expect(subScans.length).toBeGreaterThan(0);
    for (const s of subScans) {
      expect(a.scans).toContainEqual(s);
      for (const f of s.files as string[])
        expect(readFileSync(join(sub, f)).equals(readFileSync(join(full, f)))).toBe(true);
    }
    expect(b.scans.some((s: { subject: string }) => !keep.has(s.subject))).toBe(false);
  });

  it("an unknown subject or arm: input error naming it; the CLI exits 2", () => {
    expect(() => writeDemoStudy(tmp("demo-bad-"), { noImages: true, subjects: ["UNP99"] })).toThrow(
      InputError,
    );
    const d = tmp("demo-cli-");
    const bad = runCli(["demo", join(d, "x"), "--no-images", "--arms", "histology,bogus"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bogus/);
    const ok = runCli([
      "demo",
      join(d, "y"),
      "--no-images",
      "--subjects",
      "UNP01,UNP02",
      "--arms",
      "none",
      "--json",
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).subjects).toBe(2);
    expect(existsSync(join(d, "y", "study.json"))).toBe(true);
  });
});
