/**
 * `eprscope phantom <arm>`: every modality arm of the demo study is a digital reference object
 * with its ground truth, and the same seed gives byte-identical files (issue 20's determinism).
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { walkFiles } from "../../src/io/walkFiles.js";
import { DEMO_ARMS } from "../../src/study/demo/arms/index.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const digest = (dir: string) =>
  Object.fromEntries(
    walkFiles(dir).map((f) => [relative(dir, f), createHash("sha256").update(readFileSync(f)).digest("hex")]),
  );

describe("phantoms for every modality arm", () => {
  it.each(DEMO_ARMS.map((a) => a.name))("%s: files, scans and truth; same seed → byte-identical", (name) => {
    const a = mkdtempSync(join(tmpdir(), `ph-${name}-a-`));
    const b = mkdtempSync(join(tmpdir(), `ph-${name}-b-`));
    const out = runCliJson<{ kind: string; scans: number; files: string[]; truth: string }>([
      "phantom",
      name,
      "--out",
      a,
      "--seed",
      "7",
    ]);
    expect(out.kind).toBe(name);
    expect(out.scans).toBeGreaterThan(0);
    const meta = JSON.parse(readFileSync(join(a, "phantom.json"), "utf8"));
    expect(meta.scans.length).toBe(out.scans);
    expect(JSON.parse(readFileSync(join(a, out.truth), "utf8"))).toBeTruthy();
    for (const f of out.files) expect(readFileSync(join(a, f)).length).toBeGreaterThan(0);
    expect(runCli(["phantom", name, "--out", b, "--seed", "7"]).code).toBe(0);
    expect(digest(b)).toEqual(digest(a));
  });

  it("an unknown kind is exit 2 listing the kinds", () => {
    const r = runCli(["phantom", "nope", "--out", mkdtempSync(join(tmpdir(), "ph-x-"))]);
    expect(r.code).toBe(2);
    for (const a of DEMO_ARMS) expect(r.stderr).toContain(a.name);
  });

  it("the whole demo study is deterministic: same seed → byte-identical folder", () => {
    const a = mkdtempSync(join(tmpdir(), "demo-a-"));
    const b = mkdtempSync(join(tmpdir(), "demo-b-"));
    writeDemoStudy(a, { seed: 11 });
    writeDemoStudy(b, { seed: 11 });
    expect(digest(b)).toEqual(digest(a));
  });
});
