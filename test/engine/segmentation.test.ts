/**
 * Batch image-based biodistribution without label maps (engine/analyses/segmentation.ts → the
 * imaging task of each scan) on a two-time-point hybrid SPECT/CT phantom of one mouse made here
 * from the analytic atlas (the CT as the SPECT scan's files[1], contrast-enhanced HU): the mouse
 * is posed by a known affine at 4 h (not a rigid copy of the atlas) and moved rigidly at 24 h;
 * SPECT images (same grid and world frame as their CT, decay-corrected, partial-volume edges,
 * 5 % noise) carry known organ concentrations. Checks: label maps written to results/labels/
 * (activity scan and its CT), their Dice against the phantom's organs ≥ 0.9, the imaging task
 * depending on the segmentation task, and %ID/cc rows equal to the truth within partial-volume
 * limits (ROI means over Dice ≥ 0.9 labels with partial-volume edges: 10 % for the large organs,
 * 20 % for kidney, spleen and bladder).
 */
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import { ATLAS_ORGANS, CT_HU, renderIntensity, renderLabels } from "../../src/core/segmentation/atlas.js";
import { dice } from "../../src/core/segmentation/propagate.js";
import { injectedMBq } from "../../src/engine/analyses/biodistribution.js";
import { subjectAdministration } from "../../src/engine/analyses/common.js";
import { planImaging } from "../../src/engine/analyses/imaging.js";
import { planSegmentation } from "../../src/engine/analyses/segmentation.js";
import { runTasks } from "../../src/engine/runner.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import { generateDemoStudy } from "../../src/study/demo/generate.js";
import type { LoadedStudy } from "../../src/study/load.js";
import { addNoise, affineTruth, grid, rigidTruth } from "../core/registration/phantom.js";

const CONC_KBQ: Record<string, number> = {
  soft: 20,
  heart: 120,
  lung: 60,
  liver: 300,
  spleen: 250,
  kidney: 400,
  muscle: 25,
  tumour_psma: 180,
  tumour_flu: 90,
  bladder: 500,
  bone: 30,
  air: 0,
};

function mul(a: Float64Array, b: Float64Array): Float64Array {
  const o = new Float64Array(16);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) for (let k = 0; k < 4; k++) o[r * 4 + c] += a[r * 4 + k] * b[k * 4 + c];
  return o;
}

describe("segmentation engine: atlas + registration → organ TACs", () => {
  it("labels every time point and recovers %ID/cc", async () => {
    const dir = mkdtempSync(join(tmpdir(), "eprscope-seg-"));
    mkdirSync(join(dir, "images"));
    const demo = generateDemoStudy(7);
    const study = demo.study;
    study.rois.push({ id: "bladder", name: "bladder", label: 9, kind: "organ" });
    const subj = study.subjects[0].id;
    const { admin, agent } = subjectAdministration(study, subj);
    const a0 = injectedMBq(admin, agent.label?.nuclide as string);
    const g = grid([36, 28, 124], 0.8, [0, 0, -1]);
    const pose0 = affineTruth([1.04, 0.02, 0, -0.01, 0.97, 0.01, 0, 0.01, 1.02], [1, -0.8, 1.2], [0, 0, 0]);
    const poses = [pose0, mul(pose0, rigidTruth([3, -2, 5], [1.2, 1.5, -2], [0, 0, 0]))];
    const rng = new Rng(5);
    const truthLabels = poses.map((p) => renderLabels(g, p));
    study.scans = poses.map((p, t) => {
      const ct = addNoise(renderIntensity(g, p, CT_HU, 2), 20, 40 + t);
      const spect = renderIntensity(g, p, (tissue) => CONC_KBQ[tissue] ?? 20, 2);
      for (let v = 0; v < spect.data.length; v++) spect.data[v] *= 1 + 0.05 * rng.normal();
      writeNifti(join(dir, `images/ct_${t}.nii.gz`), ct);
      writeNifti(join(dir, `images/spect_${t}.nii.gz`), spect);
      return {
        id: `${subj}-SPECT-${t}`,
        subject: subj,
        modality: "SPECT" as const,
        time: new Date(Date.parse(admin.time) + (t === 0 ? 4 : 24) * 3600_000).toISOString(),
        files: [`images/spect_${t}.nii.gz`, `images/ct_${t}.nii.gz`],
        purpose: "activity" as const,
        acquisition: { units: "kBq/mL", decayCorrected: true },
      };
    });
    const ls = { dir, file: join(dir, "study.json"), text: "", study } as unknown as LoadedStudy;
    const seg = planSegmentation(ls);
    expect(seg.map((t) => t.id)).toEqual([`segmentation/${subj}`]);
    const imaging = planImaging(ls);
    expect(imaging.map((t) => t.dependsOn)).toEqual([[`segmentation/${subj}`], [`segmentation/${subj}`]]);
    const store = new SqliteStore(join(dir, "results.sqlite"));
    const run = await runTasks(ls, [...seg, ...imaging], store);
    expect(run.failed).toEqual([]);
    for (const [t, scan] of study.scans.entries()) {
      for (const f of [`${scan.id}.nii.gz`, `${scan.id}_ct.nii.gz`]) {
        const file = join(dir, "results", "labels", f);
        expect(existsSync(file)).toBe(true);
        const lab = readNifti(file);
        for (const l of [1, 2, 3, 4, 5, 7, 8, 9])
          expect(dice(lab.data, truthLabels[t].data, l), `${ATLAS_ORGANS[l]} t${t} ${f}`).toBeGreaterThan(
            0.9,
          );
      }
    }
    const out = { rows: imaging.flatMap((t) => store.listResults({ analysis: t.id })) };
    const times = [...new Set(out.rows.map((r) => r.time_s))];
    expect(times.length).toBe(2);
    for (const organ of [
      "heart",
      "lung",
      "liver",
      "spleen",
      "kidney",
      "tumour_psma",
      "tumour_flu",
      "bladder",
    ]) {
      const truth = (100 * CONC_KBQ[organ] * 1e-3) / a0;
      const tol = ["kidney", "spleen", "bladder"].includes(organ) ? 0.2 : 0.1;
      const rows = out.rows.filter((r) => r.roi === organ && r.parameter === "pctIDperCC");
      expect(rows.length, organ).toBe(2);
      for (const r of rows)
        expect(Math.abs((r.value as number) / truth - 1), `${organ} @ ${r.time_s}`).toBeLessThan(tol);
    }
  }, 120_000);
});
