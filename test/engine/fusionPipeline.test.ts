/**
 * The batch SPECT/CT pipeline on the demo study's images (src/study/demo/images.ts): each imaging
 * mouse is the analytic atlas, repositioned rigidly at every session; the SPECT scans carry no
 * label map, so segmentation/<subject> (atlas → first CT, later CTs → first CT, CT thresholds and
 * lung region growing, labels evaluated on the CT and SPECT grids) writes them and imaging/<scan>
 * quantifies inside them. References, all from the generator and independent of the pipeline:
 * the truth label maps in truth/labels/ (atlas labels at the voxel centres, the known poses) and
 * the known poses in truth/spect_ct.json.
 *  - Dice per organ ≥ 0.9 against the truth, on the SPECT grid and on the CT grid, every session
 *    (large organs ≥ 0.95; lungs and tumours on the 1 × 1 × 1.5 mm SPECT grid lose a few border
 *    voxels: thin organs, coarse voxels);
 *  - repositioning (largest displacement of the recovered rigid motion over the CT grid) within
 *    0.2 mm (0.27 CT voxel) of the truth poses' P₀·P_t⁻¹;
 *  - the generator's rasteriser equals the core atlas's labelAt at every voxel;
 *  - task graph, provenance, overlays (engine/mapsList.ts) and an unchanged re-run skipping.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../src/core/random.js";
import {
  fromNested,
  identity4,
  invert4,
  maxDisplacementMm,
  multiply4,
} from "../../src/core/registration/transform.js";
import { renderLabels } from "../../src/core/segmentation/atlas.js";
import { dice } from "../../src/core/segmentation/propagate.js";
import { planImaging } from "../../src/engine/analyses/imaging.js";
import { planSegmentation } from "../../src/engine/analyses/segmentation.js";
import { listScanMaps } from "../../src/engine/mapsList.js";
import { runTasks } from "../../src/engine/runner.js";
import { readNifti } from "../../src/io/nifti.js";
import { SqliteStore } from "../../src/store/sqliteStore.js";
import { generateDemoStudy } from "../../src/study/demo/generate.js";
import { writeDemoImages } from "../../src/study/demo/images.js";
import {
  atlasRaster,
  CT_GRID,
  organVolumesMl,
  sessionPose,
  truthLabels,
} from "../../src/study/demo/spect.js";
import { type LoadedStudy, loadStudy } from "../../src/study/load.js";

const SUBJECTS = ["UNP01", "UNP04", "TNP02"];
const ORGANS: Record<number, string> = {
  1: "heart",
  2: "lung",
  3: "liver",
  4: "spleen",
  5: "kidney",
  6: "muscle",
  7: "tumour_psma",
  8: "tumour_flu",
};
interface Session {
  subject: string;
  time_h: number;
  spectScan: string;
  ctScan: string;
  worldFromAtlas: number[][];
  truthLabels: { spect: string; ct: string };
}

let dir: string;
let ls: LoadedStudy;
let store: SqliteStore;
let sessions: Session[];
let firstRun: Awaited<ReturnType<typeof runTasks>>;
const only = SUBJECTS.map((s) => `imaging/${s}-`);
const tasks = () => [...planSegmentation(ls), ...planImaging(ls)];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "fusion-"));
  const demo = generateDemoStudy();
  writeDemoImages(dir, demo);
  writeFileSync(join(dir, "study.json"), `${JSON.stringify(demo.study, null, 2)}\n`);
  ls = loadStudy(dir);
  sessions = JSON.parse(readFileSync(join(dir, "truth", "spect_ct.json"), "utf8")).sessions;
  store = new SqliteStore(join(dir, "results.sqlite"));
  firstRun = await runTasks(ls, tasks(), store, { only });
});

describe("SPECT/CT batch pipeline on the demo images", () => {
  it("study.json references no generator label map; the pipeline's tasks depend on each other", () => {
    const text = readFileSync(join(dir, "study.json"), "utf8");
    expect(text).not.toMatch(/truth\/labels|_labels\.nii/);
    expect(ls.study.scans.filter((s) => s.modality === "SPECT").every((s) => s.labels === undefined)).toBe(
      true,
    );
    const all = tasks();
    const seg = all.find((t) => t.id === "segmentation/UNP01");
    expect(seg?.dependsOn).toEqual([]);
    expect(seg?.inputFiles).toEqual(
      expect.arrayContaining([
        "images/UNP01_spect_4h.nii.gz",
        "images/UNP01_ct_4h.nii.gz",
        "images/UNP01_ct_96h.nii.gz",
      ]),
    );
    const img = all.find((t) => t.id === "imaging/UNP01-SPECT-48h");
    expect(img?.dependsOn).toEqual(["segmentation/UNP01"]);
    expect(img?.inputFiles).toEqual([
      "images/UNP01_spect_48h.nii.gz",
      "results/labels/UNP01-SPECT-48h.nii.gz",
    ]);
    expect(firstRun.failed).toEqual([]);
    expect(firstRun.ran).toBe(SUBJECTS.length * 5);
  });

  it("organ volumes of the phantom mouse equal the ellipsoids' 4/3·π·abc (organs that overlap none)", () => {
    const v = organVolumesMl();
    const ell = (a: number, b: number, c: number) => (4 / 3) * Math.PI * a * b * c * 1e-3;
    for (const [label, expected] of [
      [5, 2 * ell(2.5, 2.5, 4)],
      [6, ell(3, 3, 7)],
      [7, ell(4, 4, 5)],
      [8, ell(4, 4, 5)],
    ] as const)
      expect(Math.abs((v.get(label) as number) / expected - 1), `label ${label}`).toBeLessThan(0.005);
  });

  it("the generator's rasteriser is the core atlas (labelAt at the same voxel centres)", () => {
    const pose = sessionPose(new Rng(11));
    const a = renderLabels(CT_GRID, invert4(pose)).data;
    const b = truthLabels(CT_GRID, atlasRaster(CT_GRID, pose), false).data;
    let diff = 0;
    for (let v = 0; v < a.length; v++) if (a[v] !== b[v]) diff++;
    expect(diff).toBe(0);
  });

  it("pipeline labels match the truth labels: Dice ≥ 0.9 per organ on the SPECT and CT grids", () => {
    const worst: Record<string, number> = {};
    for (const s of sessions.filter((x) => SUBJECTS.includes(x.subject))) {
      for (const [grid, scan] of [
        ["spect", s.spectScan],
        ["ct", s.ctScan],
      ] as const) {
        const truth = readNifti(join(dir, s.truthLabels[grid])).data;
        const got = readNifti(join(dir, "results", "labels", `${scan}.nii.gz`)).data;
        for (const [l, organ] of Object.entries(ORGANS)) {
          const d = dice(got, truth, Number(l));
          const key = `${organ} ${grid}`;
          worst[key] = Math.min(worst[key] ?? 1, d);
          expect(d, `${scan} ${organ}`).toBeGreaterThanOrEqual(0.9);
          if (["heart", "liver", "kidney", "spleen", "muscle"].includes(organ))
            expect(d, `${scan} ${organ}`).toBeGreaterThanOrEqual(0.95);
        }
      }
    }
    expect(Object.keys(worst)).toHaveLength(16);
  });

  it("the recovered repositioning agrees with the truth poses within 0.2 mm", () => {
    for (const subject of SUBJECTS) {
      const ss = sessions.filter((x) => x.subject === subject).sort((a, b) => a.time_h - b.time_h);
      const p0 = fromNested(ss[0].worldFromAtlas);
      const rows = store.listResults({ analysis: `segmentation/${subject}` });
      expect(rows.find((r) => r.parameter === "atlasMetric")?.time_s).toBe(4 * 3600);
      for (const s of ss.slice(1)) {
        const truthMove = multiply4(p0, invert4(fromNested(s.worldFromAtlas))); // CT_t world → CT_0 world
        const expected = maxDisplacementMm(truthMove, identity4(), CT_GRID);
        const r = rows.find((x) => x.parameter === "repositioning_mm" && x.time_s === s.time_h * 3600);
        expect(Math.abs((r?.value as number) - expected), `${subject} ${s.time_h} h`).toBeLessThan(0.2);
      }
    }
  });

  it("label maps are listed as overlays and recorded in the imaging provenance", () => {
    const ids = ls.study.scans.map((s) => s.id);
    for (const id of ["UNP01-SPECT-24h", "UNP01-CT-24h"])
      expect(listScanMaps(dir, ids, id)).toEqual([
        { name: "labels", unit: "label", file: `results/labels/${id}.nii.gz` },
      ]);
    expect(listScanMaps(dir, ids, "UNP02-SPECT-24h")).toEqual([]); // not run
    const prov = store.getProvenance("imaging/UNP01-SPECT-24h");
    expect(
      prov.find((p) => p.kind === "file" && p.name === "results/labels/UNP01-SPECT-24h.nii.gz")?.value,
    ).toMatch(/^[0-9a-f]{64}$/);
    const seg = store.getProvenance("segmentation/UNP01").map((p) => p.name);
    expect(seg).toEqual(expect.arrayContaining(["atlas", "propagation", "images/UNP01_ct_48h.nii.gz"]));
    expect(store.listResults({ analysis: "imaging/UNP01-SPECT-24h", parameter: "pctIDperCC" }).length).toBe(
      8,
    );
  });

  it("an unchanged re-run skips every task (the label maps are deterministic)", async () => {
    const again = await runTasks(ls, tasks(), store, { only });
    expect(again.ran).toBe(0);
    expect(again.skipped).toBe(SUBJECTS.length * 5);
  });
});
