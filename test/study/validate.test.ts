import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { loadStudy, validateStudyJson } from "../../src/study/load.js";
import { runCli } from "../helpers/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "eprscope-study-"));
  writeDemoStudy(dir, { noImages: true });
});

describe("study.json validation", () => {
  it("accepts the demo study", () => {
    const s = loadStudy(dir);
    expect(s.study.subjects.length).toBeGreaterThanOrEqual(15);
    expect(s.study.samples.length).toBeGreaterThan(100);
  });

  it("names all three deliberate mistakes with their JSON paths (exit 2)", () => {
    const raw = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    raw.subjects[2].bodyWeight = "22 MBq"; // wrong unit
    raw.administrations[0].agent = "NOPE"; // dangling reference
    raw.samples[5].colour = "red"; // unknown field
    const bad = mkdtempSync(join(tmpdir(), "eprscope-bad-"));
    writeFileSync(join(bad, "study.json"), JSON.stringify(raw));
    const r = runCli(["validate", bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/subjects\[2\]\.bodyWeight/);
    expect(r.stderr).toMatch(/"22 MBq"/);
    expect(r.stderr).toMatch(/samples\[5\]\.colour/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    // the dangling reference is reported once the schema passes: fix the other two and re-check
    raw.subjects[2].bodyWeight = "22 g";
    delete raw.samples[5].colour;
    writeFileSync(join(bad, "study.json"), JSON.stringify(raw));
    const r2 = runCli(["validate", bad, "--json"]);
    expect(r2.code).toBe(2);
    const out = JSON.parse(r2.stdout);
    expect(out.valid).toBe(false);
    expect(out.problems.map((p: { field: string }) => p.field)).toContain("administrations[0].agent");
  });

  it("reports schema and cross-reference problems together", () => {
    const raw = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    raw.subjects[0].sex = "X";
    raw.samples[0].subject = "GHOST";
    const { problems } = validateStudyJson(raw, "study.json");
    expect(problems.map((p) => p.field)).toContain("subjects[0].sex");
    // cross-references are checked only for schema-valid studies
    raw.subjects[0].sex = "F";
    const second = validateStudyJson(raw, "study.json");
    expect(second.problems.map((p) => p.field)).toContain("samples[0].subject");
  });

  it("gives a clear error for a missing folder, missing study.json and bad JSON", () => {
    expect(() => loadStudy(join(dir, "nope"))).toThrow(InputError);
    const empty = mkdtempSync(join(tmpdir(), "eprscope-empty-"));
    expect(() => loadStudy(empty)).toThrow(/study\.json/);
    writeFileSync(join(empty, "study.json"), "{ not json");
    expect(() => loadStudy(empty)).toThrow(/valid JSON/);
  });
});
