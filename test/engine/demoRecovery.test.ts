/**
 * End-to-end recovery on the demo study: the generator's analytic ground truth (%ID/g of
 * every organ, blood curve) must come back out of counts → activity → decay correction →
 * %ID/g. The tolerance is counting statistics: 4 Poisson SDs of the sample's counts
 * (1/√N relative), plus 1e-6 for rounding.
 * SPECT: the organ labels come from the batch CT pipeline (segmentation/<subject>: atlas → CT,
 * later CTs → first CT, resampled onto each SPECT grid), not from the generator, whose label maps
 * are truth only (truth/labels/). Recovery tolerances per organ are set by the border voxels the
 * pipeline labels differently from the truth (partial-volume limit of 1 × 1 × 1.5 mm voxels),
 * which carry the activity of the neighbouring tissue; the SPECT noise (8 % per voxel) adds < 1 %
 * on ROI means of ≥ 100 voxels.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { dice } from "../../src/core/segmentation/propagate.js";
import { readNifti } from "../../src/io/nifti.js";
import { type DemoTruth, organPctIDperG } from "../../src/study/demo/generate.js";
import { writeDemoStudy } from "../../src/study/demo/write.js";
import { runCli, runCliJson } from "../helpers/cli.js";

type Row = {
  analysis: string;
  subject: string | null;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  status: string;
  time_s: number | null;
  group: string | null;
};

let dir: string;
let truth: DemoTruth;
let rows: Row[];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "demo-recovery-"));
  writeDemoStudy(dir);
  truth = JSON.parse(readFileSync(join(dir, "truth", "ground_truth.json"), "utf8"));
  const r = runCli(["run", dir, "--no-progress"]);
  expect(r.code, r.stderr).toBe(0);
  rows = runCliJson<Row[]>(["results", dir]);
}, 240_000); // the whole demo study: every analysis, incl. the SPECT/CT pipeline of 12 mice

describe("demo study: analyses recover the ground truth", () => {
  it("injected activity matches the syringe readings decay-corrected to injection", () => {
    for (const s of truth.subjects) {
      const r = rows.find(
        (x) => x.analysis === `biodistribution/${s.id}` && x.parameter === "injectedActivity",
      );
      expect(r?.value).toBeCloseTo(s.injectedMBq, 6);
      expect(r?.unit).toBe("MBq");
    }
  });

  it("organ, tumour and blood %ID/g at necropsy within counting statistics of truth", () => {
    const study = JSON.parse(readFileSync(join(dir, "study.json"), "utf8")) as {
      samples: { subject: string; tissue: string; collectedAt: string; gamma: { counts: number } }[];
    };
    let checked = 0;
    for (const s of truth.subjects.filter((x) => x.imaging)) {
      for (const roi of ["liver", "spleen", "kidney", "muscle", "tumour_psma", "tumour_flu", "blood"]) {
        const r = rows.find(
          (x) =>
            x.analysis === `biodistribution/${s.id}` &&
            x.roi === roi &&
            x.parameter === "pctIDperG" &&
            x.time_s === 96 * 3600,
        );
        expect(r, `${s.id} ${roi}`).toBeDefined();
        const expected = organPctIDperG(s, roi, 96);
        const t96 = new Date(Date.parse(s.injectionTime) + 96 * 3600_000).toISOString().replace(".000Z", "Z");
        const sample = study.samples.find(
          (x) => x.subject === s.id && x.tissue === roi && x.collectedAt === t96,
        );
        expect(sample, `${s.id} ${roi} sample`).toBeDefined();
        const tol = 4 / Math.sqrt(sample?.gamma.counts ?? 1) + 1e-6;
        expect(Math.abs((r?.value ?? 0) - expected) / expected).toBeLessThan(tol);
        checked++;
      }
    }
    expect(checked).toBe(12 * 7);
  });

  it("literature ranges: spleen, liver ≫ kidney; muscle < 1 %ID/g; UNP tumour falls from 48 to 96 h", () => {
    const mean = (group: string, roi: string) =>
      rows.find(
        (x) =>
          x.analysis === "group-summary" &&
          x.group === group &&
          x.roi === roi &&
          x.parameter === "biodistribution:pctIDperG.mean" &&
          x.time_s === 96 * 3600,
      )?.value ?? Number.NaN;
    for (const g of ["UNP", "TNP"]) {
      expect(mean(g, "spleen")).toBeGreaterThan(mean(g, "kidney"));
      expect(mean(g, "liver")).toBeGreaterThan(mean(g, "kidney"));
      expect(mean(g, "muscle")).toBeLessThan(1);
    }
    const unp = truth.subjects.filter((s) => s.group === "UNP");
    for (const s of unp)
      expect(organPctIDperG(s, "tumour_psma", 96)).toBeLessThan(organPctIDperG(s, "tumour_psma", 48));
  });

  it("blood terminal half-life from NCA recovers the slow blood phase (within 5 %)", () => {
    for (const s of truth.subjects.filter((x) => x.imaging)) {
      const hl = rows.find((x) => x.analysis === `blood-pk/${s.id}` && x.parameter === "LAMZHL");
      const expected = Math.LN2 / s.blood.ratesPerH[1];
      expect(Math.abs((hl?.value ?? 0) - expected) / expected, s.id).toBeLessThan(0.05);
      expect(hl?.unit).toBe("h");
    }
    const vz = rows.find((x) => x.analysis === "blood-pk/UNP01" && x.parameter === "VZO");
    expect(vz?.unit).toBe("g");
  });

  it("sparse-sampling group gets a Bailer AUC with a confidence interval", () => {
    const auc = rows.find((x) => x.analysis === "sparse-pk/UNPS" && x.parameter === "AUC_sparse");
    const lo = rows.find((x) => x.analysis === "sparse-pk/UNPS" && x.parameter === "AUC_sparse.ci_lower");
    const hi = rows.find((x) => x.analysis === "sparse-pk/UNPS" && x.parameter === "AUC_sparse.ci_upper");
    expect(lo?.value ?? Number.NaN).toBeLessThan(auc?.value ?? Number.NaN);
    expect(hi?.value ?? Number.NaN).toBeGreaterThan(auc?.value ?? Number.NaN);
  });

  it("SPECT images: ROI %ID/cc (decay-corrected) in the pipeline's labels recovers the organ truth at every time point", () => {
    // relative tolerance per organ, from the partial-volume limit of the pipeline labels
    const tol: Record<string, number> = {
      liver: 0.03, // large (≈ 1.1 mL, 750 voxels), Dice ≥ 0.98: < 1.5 % of its voxels are border mismatches
      heart: 0.03,
      muscle: 0.03, // its neighbours are soft tissue at the same (muscle) activity
      // ≈ 0.33 mL, half its surface against air (the CT's air rule trims ≈ 1 % of it) and soft
      // tissue at 1/10 of its activity, Dice ≥ 0.95
      tumour_psma: 0.05,
      tumour_flu: 0.05,
      // ≈ 0.17 mL (≈ 115 voxels, 40 % of them on the border) between liver (0.4×) and soft tissue
      // (0.015×): each border voxel labelled spleen but truly neighbour tissue costs ≈ 0.8 %
      spleen: 0.06,
      kidney: 0.06, // two ≈ 0.1 mL ellipsoids in soft tissue at 1/9 of their activity
      // thin (3.5 mm half-width) against the 1 mm grid: ≈ 4 % of its label voxels are soft tissue
      // at ≈ 1/4 of the lung activity — a systematic −3 %
      lung: 0.08,
    };
    let checked = 0;
    for (const s of truth.subjects.filter((x) => x.imaging)) {
      for (const tH of [4, 24, 48, 96]) {
        for (const roi of Object.keys(tol)) {
          const r = rows.find(
            (x) =>
              x.analysis === `imaging/${s.id}-SPECT-${tH}h` && x.roi === roi && x.parameter === "pctIDperCC",
          );
          const expected = organPctIDperG(s, roi, tH); // tissue density 1 g/mL in the phantom
          expect(Math.abs((r?.value ?? 0) - expected) / expected, `${s.id} ${roi} ${tH} h`).toBeLessThan(
            tol[roi],
          );
          checked++;
        }
      }
    }
    expect(checked).toBe(12 * 4 * 8);
  });

  it("SPECT labels: made by the CT pipeline (not the generator's), Dice ≥ 0.9 per organ against the truth", () => {
    const study = JSON.parse(readFileSync(join(dir, "study.json"), "utf8")) as {
      scans: { id: string; modality: string; labels?: string }[];
    };
    const spect = study.scans.filter((x) => x.modality === "SPECT");
    expect(spect).toHaveLength(48);
    expect(spect.every((x) => x.labels === undefined)).toBe(true);
    expect(study.scans.filter((x) => x.modality === "CT")).toHaveLength(48);
    const sessions = JSON.parse(readFileSync(join(dir, "truth", "spect_ct.json"), "utf8")).sessions as {
      spectScan: string;
      truthLabels: { spect: string };
    }[];
    let worst = 1;
    for (const x of sessions) {
      const got = readNifti(join(dir, "results", "labels", `${x.spectScan}.nii.gz`)).data;
      const want = readNifti(join(dir, x.truthLabels.spect)).data;
      for (let l = 1; l <= 8; l++) {
        const d = dice(got, want, l);
        worst = Math.min(worst, d);
        expect(d, `${x.spectScan} label ${l}`).toBeGreaterThanOrEqual(0.9);
      }
    }
    expect(worst).toBeLessThan(1); // the pipeline's labels, not a copy of the truth
    for (const s of truth.subjects.filter((x) => x.imaging))
      expect(rows.some((x) => x.analysis === `segmentation/${s.id}` && x.parameter === "atlasMetric")).toBe(
        true,
      );
  });

  it("DCE-MRI: ROI extended-Tofts Ktrans and vp track the voxel-mean truth (rim/core mixture)", () => {
    const lines = readFileSync(join(dir, "truth", "dce_truth.csv"), "utf8")
      .trim()
      .split("\n")
      .slice(1);
    const fitted: number[] = [];
    const expected: number[] = [];
    for (const l of lines) {
      const [subject, tumour, , , , kMean] = l.split(",");
      const r = rows.find(
        (x) => x.analysis === `dce/${subject}-DCE-${tumour}` && x.parameter === "Ktrans_per_min",
      );
      expect(r?.status, `${subject} ${tumour}`).toBe("ok");
      fitted.push(r?.value as number);
      expected.push(Number(kMean));
    }
    expect(fitted).toHaveLength(24);
    // a mixture of rim and core is not a single Tofts curve: the ROI fit is an effective Ktrans
    fitted.forEach((f, i) => expect(Math.abs(f - expected[i]) / expected[i]).toBeLessThan(0.3));
    const mf = fitted.reduce((a, b) => a + b) / 24;
    const me = expected.reduce((a, b) => a + b) / 24;
    const cov = fitted.reduce((a, f, i) => a + (f - mf) * (expected[i] - me), 0);
    const r =
      cov /
      Math.sqrt(
        fitted.reduce((a, f) => a + (f - mf) ** 2, 0) * expected.reduce((a, e) => a + (e - me) ** 2, 0),
      );
    expect(r).toBeGreaterThan(0.95);
  });

  it("stratification: Ktrans correlates with accumulation; ROC and log-rank by accumulation stratum are reported", () => {
    const get = (p: string) => rows.find((x) => x.analysis === "stratification" && x.parameter === p)?.value;
    expect(get("Ktrans_vs_accumulation.pearson.r") as number).toBeGreaterThan(0.5);
    expect(get("Ktrans_vs_accumulation.pearson.r") as number).toBeLessThan(0.99); // EPR is heterogeneous: not perfect
    expect(get("accumulation_predicts_response.auc")).toBeDefined();
    expect(get("logrank_by_accumulation.p")).toBeDefined();
  });

  it("group summaries carry mean, SD and n", () => {
    const n = rows.find(
      (x) =>
        x.analysis === "group-summary" &&
        x.group === "UNP" &&
        x.roi === "liver" &&
        x.parameter === "biodistribution:pctIDperG.n",
    );
    expect(n?.value).toBe(6);
  });
});
