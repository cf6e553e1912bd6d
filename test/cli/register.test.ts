/**
 * `eprscope register` / `eprscope resample` end to end on a phantom pair with a known rigid
 * motion (test/reference/elastix/cases.ts "rigid-ct-mr-mi"): the JSON contract (transform,
 * matrix fixed→moving RAS, metric, iterations), accuracy of the matrix (max displacement error
 * ≤ 0.3 voxel), the resampled --out on the fixed grid, and clean exit-2 refusals; and
 * `register --transform bspline` / `labels propagate --transform bspline` on a small phantom with
 * a known deformation (deformPhantom.ts): the JSON keys, the displacement field file (5D NIfTI
 * vector, intent 1007, RAS mm — compared with the truth), --out and the propagated labels.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fromNested, maxDisplacementMm } from "../../src/core/registration/transform.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { deformPair, fieldError } from "../core/registration/deformPhantom.js";
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
    expectCleanFailure(runCli(["register", fixed, moving, "--transform", "spline", "--json"]), 2, "bspline");
    expectCleanFailure(
      runCli(["register", fixed, moving, "--transform", "affine", "--grid-spacing-mm", "4", "--json"]),
      2,
      "only with --transform bspline",
    );
    expectCleanFailure(
      runCli(["register", fixed, moving, "--transform", "bspline", "--grid-spacing-mm", "0", "--json"]),
      2,
      "grid-spacing-mm",
    );
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

describe("eprscope register --transform bspline", () => {
  const dir = tempDir("eprscope-register-bspline-");
  const p = deformPair({ fixedDims: [24, 20, 24], texture: 60 });
  const fixed = join(dir, "fixed.nii.gz");
  const moving = join(dir, "moving.nii.gz");
  const labels = join(dir, "labels.nii.gz");
  writeNifti(fixed, p.fixed);
  writeNifti(moving, p.moving);
  writeNifti(labels, p.movingLabels);

  it("JSON contract, displacement field file (5D vector, RAS mm) and the resampled image", () => {
    const out = join(dir, "moved.nii.gz");
    const fieldPath = join(dir, "xf", "field.nii.gz");
    const r = runCliJson<{
      transform: string;
      metric: string;
      matrix: number[][];
      iterations: number;
      grid_spacing_mm: number;
      control_points: number;
      control_grid: number[];
      quality: { jacobian: { min: number; foldedFraction: number } };
      field: string;
    }>([
      "register",
      fixed,
      moving,
      "--transform",
      "bspline",
      "--metric",
      "ncc",
      "--grid-spacing-mm",
      "6",
      "--iterations",
      "40",
      "--out",
      out,
      "--out-transform",
      fieldPath,
      "--save-transform",
      join(dir, "bspline.json"),
      "--json",
    ]);
    expect(r.transform).toBe("bspline");
    expect(r.metric).toBe("ncc");
    expect(r.grid_spacing_mm).toBe(6);
    expect(r.control_points).toBe(r.control_grid.reduce((a, b) => a * b, 1));
    expect(r.iterations).toBeGreaterThan(0);
    expect(r.matrix[3]).toEqual([0, 0, 0, 1]);
    expect(r.quality.jacobian.foldedFraction).toBe(0);
    expect(r.field).toBe(fieldPath);
    const raw = gunzipSync(readFileSync(fieldPath));
    expect(raw.readInt16LE(68)).toBe(1007); // NIFTI_INTENT_VECTOR
    const f = readNifti(fieldPath);
    expect(f.dims).toEqual([24, 20, 24, 1, 3]);
    // the written field is the recovered deformation (RAS mm): well inside the affine-only error
    const e = fieldError(f.data, p.truthField, p.bodyMask);
    expect(e.rms).toBeLessThan(0.4);
    expect(readNifti(out).dims).toEqual([24, 20, 24]);
  });

  it("resample applies a bspline transform through its field, never through its affine start alone", () => {
    const tf = join(dir, "bspline.json");
    const viaJson = join(dir, "resampled-json.nii.gz");
    const viaField = join(dir, "resampled-field.nii.gz");
    runCliJson(["resample", moving, "--like", fixed, "--transform", tf, "--out", viaJson, "--json"]);
    runCliJson([
      "resample",
      moving,
      "--like",
      fixed,
      "--field",
      join(dir, "xf", "field.nii.gz"),
      "--out",
      viaField,
      "--json",
    ]);
    const moved = readNifti(join(dir, "moved.nii.gz")).data;
    // the register --out image, to float32 rounding of the stored field
    for (const f of [viaJson, viaField]) {
      const d = readNifti(f).data;
      let worst = 0;
      for (let v = 0; v < d.length; v++) worst = Math.max(worst, Math.abs(d[v] - moved[v]));
      expect(worst).toBeLessThan(1e-3 * 60);
    }
    // …which the affine start alone would not give (the check can fail)
    const affineOnly = join(dir, "resampled-affine.nii.gz");
    const j0 = JSON.parse(readFileSync(tf, "utf8"));
    runCliJson([
      "resample",
      moving,
      "--like",
      fixed,
      "--matrix",
      j0.matrix.flat().join(","),
      "--out",
      affineOnly,
      "--json",
    ]);
    const a = readNifti(affineOnly).data;
    let far = 0;
    for (let v = 0; v < a.length; v++) far = Math.max(far, Math.abs(a[v] - moved[v]));
    expect(far).toBeGreaterThan(1);
    // a bspline JSON whose field is gone, --invert with a field, a field on another grid: exit 2
    const orphan = join(dir, "orphan.json");
    const j = JSON.parse(readFileSync(tf, "utf8"));
    writeFileSync(orphan, JSON.stringify({ ...j, field: join(dir, "nowhere.nii.gz") }));
    expectCleanFailure(
      runCli(["resample", moving, "--like", fixed, "--transform", orphan, "--out", join(dir, "x1.nii.gz")]),
      2,
      /field/,
    );
    expectCleanFailure(
      runCli([
        "resample",
        moving,
        "--like",
        fixed,
        "--transform",
        tf,
        "--invert",
        "--out",
        join(dir, "x2.nii.gz"),
      ]),
      2,
      /--invert/,
    );
    expectCleanFailure(
      runCli([
        "resample",
        moving,
        "--like",
        moving,
        "--field",
        join(dir, "xf", "field.nii.gz"),
        "--out",
        join(dir, "x3.nii.gz"),
      ]),
      2,
      /displacement field|affine/,
    );
    for (const x of ["x1", "x2", "x3"]) expect(existsSync(join(dir, `${x}.nii.gz`))).toBe(false);
  });

  it("labels propagate --transform bspline writes the labels on the target grid", () => {
    const out = join(dir, "labels_on_fixed.nii.gz");
    const r = runCliJson<{ transform: string; control_points: number; labels: unknown[] }>([
      "labels",
      "propagate",
      labels,
      moving,
      fixed,
      "--transform",
      "bspline",
      "--grid-spacing-mm",
      "6",
      "--out",
      out,
      "--json",
    ]);
    expect(r.transform).toBe("bspline");
    expect(r.control_points).toBeGreaterThan(0);
    expect(r.labels.length).toBeGreaterThan(2);
    const lab = readNifti(out);
    expect(lab.dims).toEqual([24, 20, 24]);
    let agree = 0;
    let n = 0;
    for (let v = 0; v < lab.data.length; v++)
      if (p.truthLabels.data[v] > 0 || lab.data[v] > 0) {
        n++;
        if (lab.data[v] === p.truthLabels.data[v]) agree++;
      }
    expect(agree / n).toBeGreaterThan(0.8);
  });
});
