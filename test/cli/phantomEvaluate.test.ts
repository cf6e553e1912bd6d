/**
 * `eprscope phantom evaluate <analysis|all>` (accuracy tables), `phantom dce` (tumour DRO) and
 * `phantom dce --checkerboard` (QIBA-style DRO): the JSON contract, files, determinism, bad
 * input, `dce map` recovering the tumour truth maps (median relative error < 5 %) and every
 * checkerboard patch (noise-free) within 1 %. The built CLI is spawned where the contract is
 * checked; repeated runs and bad input go through main() in-process (cheap).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNifti } from "../../src/io/nifti.js";
import { expectCleanFailure, runCli, runCliInProcess, runCliJson, tempDir } from "../helpers/cli.js";

const ROW_KEYS = [
  "bias",
  "bias_pct",
  "cov_pct",
  "mean",
  "n_failed",
  "n_ok",
  "parameter",
  "rmse",
  "sd",
  "snr",
  "truth",
];

/**
 * `dce map` of a `phantom dce` series <dir>/dce/<stem>_{dyn,t1,mask}.nii.gz with the phantom's
 * acquisition (SPGR 15°, TR 4 ms, r1 4.5 /mM/s, Hct 0.45), extended Tofts, maps into <dir>/maps
 */
function dceMap(dir: string, stem: string, extra: string[] = []) {
  const r = runCli([
    "dce",
    "map",
    `${dir}/dce/${stem}_dyn.nii.gz`,
    "--aif",
    `${dir}/dce/aif.csv`,
    "--t1",
    `${dir}/dce/${stem}_t1.nii.gz`,
    "--mask",
    `${dir}/dce/${stem}_mask.nii.gz`,
    "--fa-deg",
    "15",
    "--tr-ms",
    "4",
    "--r1",
    "4.5",
    "--hct",
    "0.45",
    "--model",
    "etofts",
    "--threads",
    "2",
    "--out",
    `${dir}/maps`,
    ...extra,
  ]);
  expect(r.code, r.stderr).toBe(0);
}

interface Table {
  kind: string;
  seed: number;
  n: number;
  snr: number[];
  rows: Record<string, unknown>[];
}

describe("phantom evaluate", () => {
  it("relax: JSON contract, CSV/JSON files, same seed → identical output", async () => {
    const dir = tempDir("ph-eval-");
    const args = ["phantom", "evaluate", "relax", "--snr", "10,50", "--n", "30", "--seed", "2"];
    const a = runCli([...args, "--json", "--out", dir]);
    expect(a.code, a.stderr).toBe(0);
    const t = JSON.parse(a.stdout) as Table;
    expect(t.kind).toBe("relax");
    expect(t.seed).toBe(2);
    expect(t.n).toBe(30);
    expect(t.snr).toEqual([10, 50]);
    expect(t.rows.length).toBe(6); // T2_ms, R2_per_s, S0 × 2 SNRs
    for (const r of t.rows) {
      expect(Object.keys(r).sort()).toEqual(ROW_KEYS);
      expect((r.n_ok as number) + (r.n_failed as number)).toBe(30);
    }
    const t2 = t.rows.find((r) => r.parameter === "T2_ms" && r.snr === 50) as Record<string, number>;
    expect(t2.truth).toBe(50);
    expect(Math.abs(t2.bias_pct)).toBeLessThan(3);
    expect(JSON.parse(readFileSync(join(dir, "accuracy_relax.json"), "utf8"))).toEqual(t);
    const csv = readFileSync(join(dir, "accuracy_relax.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe("parameter,method,snr,truth,mean,bias,bias_pct,sd,cov_pct,rmse,n_ok,n_failed");
    expect(csv.length).toBe(7);
    const b = await runCliInProcess([...args, "--json"]);
    expect(b.stdout).toBe(a.stdout);
    const c = await runCliInProcess([...args.slice(0, -1), "3", "--json"]);
    expect(c.stdout).not.toBe(a.stdout);
    // readable table without --json
    const h = await runCliInProcess(args);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/^relax: /);
    expect(h.stdout).toMatch(/T2_ms\s+10\s+50/);
  });

  it("all: one table per analysis; methods listed for dwi", () => {
    const dir = tempDir("ph-eval-all-");
    const tables = runCliJson<Table[]>([
      "phantom",
      "evaluate",
      "all",
      "--snr",
      "20",
      "--n",
      "3",
      "--out",
      dir,
    ]);
    expect(tables.map((t) => t.kind)).toEqual([
      "dce",
      "relax",
      "dwi-adc",
      "dwi-ivim",
      "ceus",
      "dsc",
      "swe",
      "ferumoxytol",
    ]);
    const ivim = tables[3].rows;
    expect(new Set(ivim.map((r) => r.method))).toEqual(new Set(["segmented", "full"]));
    for (const t of tables)
      expect(readFileSync(join(dir, `accuracy_${t.kind}.csv`), "utf8")).toMatch(/^parameter,/);
  });

  it("bad input is exit 2 with the field named", async () => {
    expectCleanFailure(await runCliInProcess(["phantom", "evaluate"]), 2, /analysis: .*dce, relax/);
    expectCleanFailure(await runCliInProcess(["phantom", "evaluate", "mri"]), 2, /analysis: got "mri"/);
    expectCleanFailure(
      await runCliInProcess(["phantom", "evaluate", "relax", "--snr", "0,10"]),
      2,
      /--snr\[0\]/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "evaluate", "relax", "--snr", "a"]),
      2,
      /--snr\[0\]: got "a"/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "evaluate", "relax", "--n", "1"]),
      2,
      /--n: got "1"/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "evaluate", "relax", "--checkerboard"]),
      2,
      /--checkerboard/,
    );
    const f = join(tempDir(), "file");
    expectCleanFailure(
      await runCliInProcess(["phantom", "dce", "relax", "--out", f]),
      2,
      /analysis: got "relax"/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "dce", "--n", "5", "--out", f]),
      2,
      /--n only with phantom evaluate/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "dce", "--snr", "5", "--out", f]),
      2,
      /--snr only with/,
    );
    expectCleanFailure(
      await runCliInProcess(["phantom", "swe", "--checkerboard", "--out", f]),
      2,
      /--checkerboard only/,
    );
  });
});

describe("eprscope phantom dce → dce map recovers the truth maps", () => {
  it("voxelwise Ktrans and vp within noise of the truth (median relative error < 5 %)", () => {
    const dir = tempDir("phantom-");
    expect(runCli(["phantom", "dce", "--out", dir, "--json"]).code).toBe(0);
    dceMap(dir, "tumour", ["--chunk-size", "64"]);
    const mask = readNifti(`${dir}/dce/tumour_mask.nii.gz`);
    for (const p of ["Ktrans_per_min", "vp"]) {
      const fit = readNifti(`${dir}/maps/${p}.nii.gz`);
      const truth = readNifti(`${dir}/truth/tumour_${p}.nii.gz`);
      const err: number[] = [];
      for (let v = 0; v < mask.data.length; v++)
        if (mask.data[v] > 0) err.push(Math.abs(fit.data[v] - truth.data[v]) / truth.data[v]);
      err.sort((a, b) => a - b);
      expect(err[Math.floor(err.length / 2)], p).toBeLessThan(0.05);
    }
    expect(runCli(["phantom", "nope", "--out", dir]).code).toBe(2);
  });
});

describe("phantom dce --checkerboard", () => {
  it("dce map recovers every Ktrans × ve patch within 1 % (noise-free)", () => {
    const dir = tempDir("ph-cb-");
    const meta = runCliJson<{
      truth: { ktransPerMin: number[]; ve: number[]; vp: number };
      patchVoxels: number;
      files: string[];
      dims: number[];
    }>(["phantom", "dce", "--checkerboard", "--out", dir]);
    // QIBA DCE DRO v6 lists
    expect(meta.truth.ktransPerMin).toEqual([0.01, 0.02, 0.05, 0.1, 0.2, 0.35]);
    expect(meta.truth.ve).toEqual([0.01, 0.05, 0.1, 0.2, 0.5]);
    expect(meta.dims).toEqual([60, 50, 1, 60]);
    for (const f of meta.files) expect(readFileSync(join(dir, f)).length).toBeGreaterThan(0);
    dceMap(dir, "checkerboard");
    const p = meta.patchVoxels;
    const nx = meta.dims[0];
    const truth = {
      Ktrans_per_min: (i: number, _j: number) => meta.truth.ktransPerMin[Math.floor(i / p)],
      ve: (_i: number, j: number) => meta.truth.ve[Math.floor(j / p)],
      vp: () => meta.truth.vp,
    };
    for (const [key, tv] of Object.entries(truth)) {
      const fit = readNifti(`${dir}/maps/${key}.nii.gz`);
      const tmap = readNifti(`${dir}/truth/checkerboard_${key}.nii.gz`);
      let worst = 0;
      for (let j = 0; j < meta.dims[1]; j++)
        for (let i = 0; i < nx; i++) {
          const v = i + nx * j;
          const want = tv(i, j);
          expect(tmap.data[v]).toBeCloseTo(want, 7);
          worst = Math.max(worst, Math.abs(fit.data[v] - want) / want);
        }
      expect(worst, key).toBeLessThan(0.01);
    }
  });

  it("--snr adds noise (recorded in phantom.json); same seed → same signal", async () => {
    const a = tempDir("ph-cb-a-");
    const b = tempDir("ph-cb-b-");
    const ra = await runCliInProcess([
      "phantom",
      "dce",
      "--checkerboard",
      "--snr",
      "50",
      "--out",
      a,
      "--json",
    ]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(JSON.parse(ra.stdout).snr).toBe(50);
    expect(
      (await runCliInProcess(["phantom", "dce", "--checkerboard", "--snr", "50", "--out", b])).code,
    ).toBe(0);
    const da = readNifti(`${a}/dce/checkerboard_dyn.nii.gz`).data;
    expect(readNifti(`${b}/dce/checkerboard_dyn.nii.gz`).data).toEqual(da);
    // two voxels of one patch differ by noise
    expect(da[0]).not.toBe(da[1]);
  });
});
