/**
 * `eprscope register` / `eprscope resample` end to end on a phantom pair with a known rigid
 * motion (test/reference/elastix/cases.ts "rigid-ct-mr-mi"): the JSON contract (transform,
 * matrix fixed→moving RAS, metric, iterations), accuracy of the matrix (max displacement error
 * ≤ 0.3 voxel), the resampled --out on the fixed grid, and clean exit-2 refusals.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromNested, maxDisplacementMm } from "../../src/core/registration/transform.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { expectCleanFailure, runCli, runCliJson, tempDir } from "../helpers/cli.js";
import { CASES } from "../reference/elastix/cases.js";

describe("eprscope register", () => {
  const dir = tempDir("eprscope-register-");
  const c = CASES[0];
  const p = c.pair();
  const fixed = join(dir, "fixed.nii.gz");
  const moving = join(dir, "moving.nii.gz");
  writeNifti(fixed, p.fixed);
  writeNifti(moving, p.moving);

  it("rigid MI: contract, accuracy ≤ 0.3 voxel, resampled output on the fixed grid", () => {
    const out = join(dir, "moved.nii.gz");
    const tf = join(dir, "t.json");
    const r = runCliJson<{
      transform: string;
      metric: string;
      matrix: number[][];
      iterations: number;
      metricValue: number;
      quality: { maxDisplacement_mm: number };
    }>([
      "register",
      fixed,
      moving,
      "--transform",
      "rigid",
      "--metric",
      "mi",
      "--out",
      out,
      "--save-transform",
      tf,
      "--json",
    ]);
    expect(r.transform).toBe("rigid");
    expect(r.metric).toBe("mi");
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.matrix).toHaveLength(4);
    expect(r.matrix[3]).toEqual([0, 0, 0, 1]);
    expect(maxDisplacementMm(fromNested(r.matrix), p.truth, p.fixed)).toBeLessThan(0.3);
    const moved = readNifti(out);
    expect(moved.dims).toEqual(p.fixed.dims);
    // resample with the saved transform reproduces --out
    const again = join(dir, "again.nii.gz");
    runCliJson(["resample", moving, "--like", fixed, "--transform", tf, "--out", again, "--json"]);
    const b = readNifti(again);
    let maxDiff = 0;
    for (let i = 0; i < b.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(b.data[i] - moved.data[i]));
    expect(maxDiff).toBeLessThan(1e-3);
  });

  it("resample through the identity onto the same grid is exact", () => {
    const out = join(dir, "id.nii.gz");
    runCliJson(["resample", fixed, "--like", fixed, "--out", out, "--json"]);
    const a = readNifti(out);
    const f = readNifti(fixed);
    expect(Array.from(a.data)).toEqual(Array.from(f.data));
  });

  it("refuses a bad --transform, an output over an input and a missing file (exit 2)", () => {
    expectCleanFailure(runCli(["register", fixed, moving, "--transform", "bspline", "--json"]), 2, "rigid");
    expectCleanFailure(
      runCli(["register", fixed, moving, "--transform", "rigid", "--out", moving, "--json"]),
      2,
      "input",
    );
    expectCleanFailure(
      runCli(["register", fixed, join(dir, "nope.nii"), "--transform", "rigid", "--json"]),
      2,
      "nope",
    );
    expect(existsSync(join(dir, "nope.nii"))).toBe(false);
    expectCleanFailure(
      runCli(["resample", moving, "--like", fixed, "--matrix", "1,2,3", "--out", join(dir, "x.nii")]),
      2,
      "16",
    );
  });
});
