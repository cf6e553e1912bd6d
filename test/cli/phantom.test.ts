import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNifti } from "../../src/io/nifti.js";
import { runCli } from "../helpers/cli.js";

describe("eprscope phantom dce → dce map recovers the truth maps", () => {
  it("voxelwise Ktrans and vp within noise of the truth (median relative error < 5 %)", () => {
    const dir = mkdtempSync(join(tmpdir(), "phantom-"));
    expect(runCli(["phantom", "dce", "--out", dir, "--json"]).code).toBe(0);
    const r = runCli([
      "dce",
      "map",
      `${dir}/dce/tumour_dyn.nii.gz`,
      "--aif",
      `${dir}/dce/aif.csv`,
      "--t1",
      `${dir}/dce/tumour_t1.nii.gz`,
      "--mask",
      `${dir}/dce/tumour_mask.nii.gz`,
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
      "--out",
      `${dir}/maps`,
      "--threads",
      "2",
      "--chunk-size",
      "64",
    ]);
    expect(r.code, r.stderr).toBe(0);
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
