/**
 * `eprscope segment` (threshold, grow, random-walker, atlas) and `eprscope labels propagate|dice`
 * end to end on a noisy CT phantom of the analytic atlas; reference: the atlas's organ shapes
 * rendered through the same known pose. Dice ≥ 0.9 (lungs by threshold and growing; organs by
 * atlas; labels propagated to a moved time point), and clean exit-2 refusals.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CT_HU, renderIntensity, renderLabels } from "../../src/core/segmentation/atlas.js";
import { dice } from "../../src/core/segmentation/propagate.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { addNoise, grid, rigidTruth } from "../core/registration/phantom.js";
import { expectCleanFailure, runCli, runCliJson, tempDir } from "../helpers/cli.js";

describe("eprscope segment / labels", () => {
  const dir = tempDir("eprscope-segment-");
  const g = grid([36, 28, 124], 0.8, [0, 0, -1]);
  const id = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  const move = rigidTruth([3, -2, 4], [1, 1.5, -1.5], [0, 0, 0]);
  const ct0 = join(dir, "ct0.nii.gz");
  const ct1 = join(dir, "ct1.nii.gz");
  writeNifti(ct0, addNoise(renderIntensity(g, id, CT_HU, 2), 20, 1));
  writeNifti(ct1, addNoise(renderIntensity(g, move, CT_HU, 2), 20, 2));
  const truth0 = renderLabels(g, id);
  const truth1 = renderLabels(g, move);
  const lungTruth = Uint8Array.from(truth0.data, (l) => (l === 2 ? 1 : 0));

  it("threshold: lung class Dice ≥ 0.9", () => {
    const out = join(dir, "classes.nii.gz");
    const r = runCliJson<{ labels: { label: number; name: string }[] }>([
      "segment",
      "threshold",
      ct0,
      "--out",
      out,
      "--json",
    ]);
    expect(r.labels.map((l) => l.name)).toContain("lung");
    const cls = readNifti(out);
    expect(
      dice(
        Uint8Array.from(cls.data, (c) => (c === 1 ? 1 : 0)),
        lungTruth,
      ),
    ).toBeGreaterThan(0.9);
  });

  it("grow: both lungs from two seeds, Dice ≥ 0.9", () => {
    const out = join(dir, "lungs.nii.gz");
    const seedR = `${Math.round(19.5 / 0.8)},${Math.round(11.8 / 0.8)},${Math.round(74.2 / 0.8)}`;
    const seedL = `${Math.round(8.5 / 0.8)},${Math.round(11.8 / 0.8)},${Math.round(74.2 / 0.8)}`;
    runCliJson([
      "segment",
      "grow",
      ct0,
      "--seed",
      seedR,
      "--seed",
      seedL,
      "--lo",
      "-850",
      "--hi",
      "-250",
      "--out",
      out,
      "--json",
    ]);
    expect(dice(readNifti(out).data, lungTruth)).toBeGreaterThan(0.9);
  });

  it("atlas --refine, then labels propagate --refine to the moved CT, labels dice: Dice ≥ 0.9", () => {
    const lab0 = join(dir, "atlas0.nii.gz");
    runCliJson(["segment", "atlas", ct0, "--refine", "--out", lab0, "--json"]);
    const a = readNifti(lab0);
    for (const l of [1, 2, 3, 7, 8]) expect(dice(a.data, truth0.data, l), `label ${l}`).toBeGreaterThan(0.9);
    const lab1 = join(dir, "prop1.nii.gz");
    const r = runCliJson<{ matrix: number[][] }>([
      "labels",
      "propagate",
      lab0,
      ct0,
      ct1,
      "--refine",
      "--out",
      lab1,
      "--json",
    ]);
    expect(r.matrix).toHaveLength(4);
    const p = readNifti(lab1);
    for (const l of [1, 2, 3, 7, 8]) expect(dice(p.data, truth1.data, l), `label ${l}`).toBeGreaterThan(0.9);
    const truthFile = join(dir, "truth1.nii.gz");
    writeNifti(truthFile, truth1, { datatype: "uint8" });
    const d = runCliJson<{ label: number; dice: number }[]>(["labels", "dice", lab1, truthFile, "--json"]);
    expect(d.find((x) => x.label === 3)?.dice).toBeGreaterThan(0.9);
  }, 60_000);

  it("refuses an unknown method, a grow without seeds and an output over the input (exit 2)", () => {
    expectCleanFailure(runCli(["segment", "magic", ct0, "--out", join(dir, "m.nii")]), 2, "threshold");
    expectCleanFailure(runCli(["segment", "grow", ct0, "--out", join(dir, "g.nii")]), 2, "--seed");
    expectCleanFailure(runCli(["segment", "threshold", ct0, "--out", ct0]), 2, "input");
    expectCleanFailure(runCli(["segment", "random-walker", ct0, "--out", join(dir, "rw.nii")]), 2, "--seeds");
  });
});
