import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
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
    expect(r.stderr).toMatch(/administrations\[0\]\.agent/); // reported in the same round
  });

  it("reports schema, reference and file problems in one round", () => {
    const raw = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    raw.subjects[0].sex = "X"; // schema
    raw.samples[0].subject = "GHOST"; // dangling reference
    raw.scans.push({ id: "x0", subject: raw.subjects[0].id, files: ["missing.nii.gz"] }); // missing file
    raw.scans.push({ id: "x1", subject: raw.subjects[0].id, files: ["../../etc/passwd"] }); // leaves the folder
    const k = raw.scans.length - 2;
    const { problems } = validateStudyJson(raw, "study.json", dir);
    const fields = problems.map((p) => p.field);
    expect(fields).toContain("subjects[0].sex");
    expect(fields).toContain("samples[0].subject");
    expect(fields).toContain(`scans[${k}].files[0]`);
    expect(fields).toContain(`scans[${k + 1}].files[0]`);
    expect(problems.find((p) => p.field === `scans[${k + 1}].files[0]`)?.expected).toMatch(
      /inside the study folder/,
    );
  });

  it("validate exits 2 listing a schema error, a dangling reference and a missing file together", () => {
    const raw = JSON.parse(readFileSync(join(dir, "study.json"), "utf8"));
    raw.subjects[1].bodyWeight = "20 MBq";
    raw.outcomes[0].subject = "NOBODY";
    raw.scans.push({ id: "x2", subject: raw.subjects[0].id, files: ["gone.nii.gz"] });
    const k = raw.scans.length - 1;
    const bad = mkdtempSync(join(tmpdir(), "eprscope-bad-"));
    writeFileSync(join(bad, "study.json"), JSON.stringify(raw));
    const r = runCli(["validate", bad, "--json"]);
    expect(r.code).toBe(2);
    const fields = JSON.parse(r.stdout).problems.map((p: { field: string }) => p.field);
    expect(fields).toEqual(
      expect.arrayContaining(["subjects[1].bodyWeight", "outcomes[0].subject", `scans[${k}].files[0]`]),
    );
  });

  it("a study.json that is a folder, or a study folder that is a file, is bad input (exit 2)", () => {
    const d = mkdtempSync(join(tmpdir(), "eprscope-dirjson-"));
    mkdirSync(join(d, "study.json"));
    const r = runCli(["validate", d]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/study\.json.*folder/);
    const f = join(d, "plain.txt");
    writeFileSync(f, "x");
    const r2 = runCli(["run", f]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/this is a file/);
  });

  it("gives a clear error for a missing folder, missing study.json and bad JSON", () => {
    expect(() => loadStudy(join(dir, "nope"))).toThrow(InputError);
    const empty = mkdtempSync(join(tmpdir(), "eprscope-empty-"));
    expect(() => loadStudy(empty)).toThrow(/study\.json/);
    writeFileSync(join(empty, "study.json"), "{ not json");
    expect(() => loadStudy(empty)).toThrow(/valid JSON/);
  });
});
