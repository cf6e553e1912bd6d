import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli } from "../helpers/cli.js";

describe("eprscope report on the demo study", () => {
  it("writes one self-contained HTML file with every figure and no external requests", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    writeDemoStudy(dir);
    expect(runCli(["report", dir]).code).toBe(1); // no results yet: analysis error, exit 1
    expect(runCli(["run", dir, "--no-progress"]).code).toBe(0);
    const r = runCli(["report", dir, "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { file: string; figures: number };
    // 6 core figures (biodistribution, blood PK, TACs, DCE vs accumulation, KM, ROC) + the modality arms
    expect(out.figures).toBeGreaterThanOrEqual(15);
    expect((readFileSync(out.file, "utf8").match(/<figure>/g) ?? []).length).toBe(out.figures);
    const html = readFileSync(out.file, "utf8");
    expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html).not.toMatch(/(src|href)=["']https?:/);
    expect(html).not.toMatch(/NaN/);
    for (const tag of ["html", "body", "table", "svg", "figure", "h2"]) {
      expect((html.match(new RegExp(`<${tag}[ >]`, "g")) ?? []).length, tag).toBe(
        (html.match(new RegExp(`</${tag}>`, "g")) ?? []).length,
      );
    }
    for (const h of [
      "Biodistribution",
      "Blood pharmacokinetics",
      "Imaging",
      "DCE-MRI biomarkers",
      "Stratification",
      "Provenance",
      "Methods",
      "Ferumoxytol MRI and accumulation",
      "CEUS perfusion",
      "Diffusion-weighted MRI",
      "Shear-wave elastography",
      "Drug release under hyperthermia",
      "Multispectral optical imaging",
      "Histology",
      "PBPK prediction",
      "DSC-MRI perfusion",
      "Clinical nanotheranostic cohort",
      "Tumour transport model",
    ])
      expect(html).toContain(h);
  }, 300_000); // writes, runs and reports the whole demo study (≈ 60 s of CPU)
});
