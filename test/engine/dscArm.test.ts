/**
 * Demo arm "dsc" → planner "dsc" → report section, in process (no `eprscope demo`/`run` spawn):
 * the arm writes its 24 tumour series with the demo's own random stream, the planner's tasks run
 * through the voxelwise engine (threads 1), and every tumour's ROI means are compared with the
 * arm's truth (ROI means of the voxel truth).
 * References: the arm's closed-form tissue curve F·∫a(s)e^{−(t−s)/MTT}ds against composite
 * Simpson quadrature of the convolution (relative 1e-8); the truth CBV = 100·F·MTT and
 * CBF = 6000·F of the continuous indicator-dilution model.
 * Tolerances (relative, per tumour): rCBV 5 % (∫ ratio: only noise and the 80 s window);
 * CBF 20 % and MTT 25 % — oSVD deconvolution at 1 s frames under-estimates CBF, by ~15 %
 * at MTT 5 s and a few % at 12 s even without noise (the regularised residue is smoothed; see
 * the report's methods), so CBF must also rank the tumours as the truth does (Spearman ≥ 0.9).
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import { correlation } from "../../src/core/stats/correlation.js";
import { LESION_BIOMARKERS } from "../../src/engine/analyses/biomarkers.js";
import { planDsc } from "../../src/engine/analyses/dsc.js";
import { renderReport } from "../../src/report/htmlReport.js";
import type { ResultReader, ResultRow } from "../../src/store/types.js";
import { DSC, type DscTumourTruth, dscAif, dscArm, dscTissue } from "../../src/study/demo/arms/dsc.js";
import { generateDemoStudy, type SubjectTruth, tumourPctIDperG } from "../../src/study/demo/generate.js";
import type { LoadedStudy } from "../../src/study/load.js";
import { scanSchema } from "../../src/study/schema.js";

let dir: string;
let truth: DscTumourTruth[];
let rows: ResultRow[];
let ls: LoadedStudy;
const demo = generateDemoStudy();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dsc-arm-"));
  const out = dscArm.write(dir, demo, new Rng(demo.truth.seed + dscArm.seedOffset));
  truth = (out.truth as { tumours: DscTumourTruth[] }).tumours;
  for (const s of out.scans) scanSchema.parse(s);
  ls = { dir, file: join(dir, "study.json"), study: { ...demo.study, scans: out.scans }, text: "" };
  rows = [];
  const store = {} as ResultReader;
  for (const task of planDsc(ls)) {
    const res = await task.run({ study: ls, store, progress: () => {} });
    // the runner stores rows under the task id (analysis "dsc/<scan>")
    rows.push(...res.rows.map((r) => ({ ...r, analysis: task.id })));
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function value(t: DscTumourTruth, parameter: string): number {
  const r = rows.find(
    (x) =>
      x.analysis === `dsc/${t.subject}-DSC-${t.tumour}` && x.roi === t.tumour && x.parameter === parameter,
  );
  expect(r, `${t.subject} ${t.tumour} ${parameter}`).toBeDefined();
  expect(r?.status).toBe("ok");
  return r?.value as number;
}

function worst(parameter: keyof DscTumourTruth, tol: number): number {
  let w = 0;
  for (const t of truth) {
    const e = Math.abs(value(t, parameter) / (t[parameter] as number) - 1);
    expect(e, `${t.subject} ${t.tumour} ${parameter}`).toBeLessThan(tol);
    w = Math.max(w, e);
  }
  return w;
}

describe("DSC demo arm", () => {
  it("closed-form tissue ΔR2* equals the numerical convolution of the gamma-variate AIF with e^(−t/MTT)", () => {
    for (const [F, mtt] of [
      [0.01, 5],
      [0.004, 12],
      [0.02, 1.5 * 1.0001],
    ])
      for (const t of [10.3, 12, 15, 25, 60]) {
        const m = 20000; // Simpson on [0, t]
        const h = t / m;
        let s = 0;
        for (let k = 0; k <= m; k++) {
          const u = k * h;
          s += (k === 0 || k === m ? 1 : k % 2 ? 4 : 2) * dscAif(u) * Math.exp(-(t - u) / mtt);
        }
        const num = (F * s * h) / 3;
        expect(Math.abs(dscTissue(t, F, mtt) / num - 1), `F ${F} MTT ${mtt} t ${t}`).toBeLessThan(1e-8);
      }
  });

  it("24 tumours; rCBV within 5 %, CBF within 20 %, MTT within 25 % of the truth; CBF ranks as the truth", () => {
    expect(truth.length).toBe(24);
    const wCbv = worst("CBV_ml_per_100ml", 0.05);
    const wCbf = worst("CBF_ml_per_100ml_per_min", 0.2);
    const wMtt = worst("MTT_s", 0.25);
    const rho = correlation(
      truth.map((t) => value(t, "CBF_ml_per_100ml_per_min")),
      truth.map((t) => t.CBF_ml_per_100ml_per_min),
      "spearman",
    ).r;
    expect(rho).toBeGreaterThanOrEqual(0.9);
    expect([wCbv, wCbf, wMtt].every(Number.isFinite)).toBe(true);
    for (const t of truth) expect(value(t, "voxels_ok")).toBe(value(t, "voxels"));
  });

  it("maps written per scan; rCBV and CBF registered as lesion biomarkers and rCBV tracks accumulation", () => {
    const maps = join(dir, "results", "maps", `${truth[0].subject}-DSC-${truth[0].tumour}`);
    for (const f of [
      "CBV_ml_per_100ml.nii.gz",
      "CBF_ml_per_100ml_per_min.nii.gz",
      "status.nii.gz",
      "dsc_map.json",
    ])
      expect(existsSync(join(maps, f)), f).toBe(true);
    const names = LESION_BIOMARKERS.filter((b) => b.kind === "dsc").map((b) => [b.name, b.parameter]);
    expect(names).toEqual([
      ["DSC_rCBV", "CBV_ml_per_100ml"],
      ["DSC_CBF", "CBF_ml_per_100ml_per_min"],
    ]);
    const sub = new Map(demo.truth.subjects.map((s) => [s.id, s]));
    const r = correlation(
      truth.map((t) => value(t, "CBV_ml_per_100ml")),
      truth.map((t) => tumourPctIDperG(sub.get(t.subject) as SubjectTruth, t.tumour, 96)),
      "pearson",
    ).r;
    expect(r).toBeGreaterThan(0.3);
  });

  it("report: the DSC section with its bars and table", () => {
    const analyses = [...new Set(rows.map((x) => x.analysis))].map((id) => ({
      id,
      kind: "dsc",
      subject: null,
      inputHash: "",
      status: "ok" as const,
      message: null,
      startedAt: "",
      finishedAt: "",
      version: "test",
    }));
    const html = renderReport({ study: ls, rows, analyses, version: "test", generatedAt: "2026-01-01" });
    expect(html).toContain("<h2>DSC-MRI perfusion</h2>");
    expect(html).toContain("Tumour DSC rCBV by group and tumour");
    expect(html).toContain("CBF (mL/100 mL/min)");
    expect(html).not.toMatch(/NaN/);
  });

  it("acquisition: TE, baseline frames and the ΔR2* AIF reach the planner", () => {
    const a = ls.study.scans[0].acquisition ?? {};
    expect([a.te_ms, a.baselineFrames, a.aifInput, a.method]).toEqual([
      DSC.teMs,
      DSC.baselineFrames,
      "deltaR2star",
      "osvd",
    ]);
    expect(ls.study.scans[0].files[2]).toBe("dsc/aif.csv");
  });
});
