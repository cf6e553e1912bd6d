import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";
import { arr, readOsipi } from "../helpers/osipi.js";

const dir = mkdtempSync(join(tmpdir(), "dce-cli-"));

describe("eprscope t1 vfa", () => {
  it("fits OSIPI brain voxels and names a flip-angle/column mismatch", () => {
    const rows = readOsipi("T1_mapping/t1_brain_data.csv").slice(0, 3);
    const f = join(dir, "vfa.csv");
    writeFileSync(
      f,
      `id,s2,s5,s12\n${rows.map((r) => [r.label.replace(/ /g, "_"), ...arr(r.s)].join(",")).join("\n")}\n`,
    );
    const out = runCliJson<{ id: string; t1_s: number; m0: number }[]>([
      "t1",
      "vfa",
      f,
      "--fa-deg",
      "2,5,12",
      "--tr-ms",
      "5.4",
    ]);
    out.forEach((o, i) =>
      expect(Math.abs(1 / o.t1_s - Number(rows[i].R1))).toBeLessThan(0.05 + 0.05 * Number(rows[i].R1)),
    );
    const bad = runCli(["t1", "vfa", f, "--fa-deg", "2,5", "--tr-ms", "5.4"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/expected 2 signal columns/);
  });
});

describe("eprscope dce fit", () => {
  const r = readOsipi("DCEmodels/dce_DRO_data_tofts.csv").find((x) => x.label === "test_vox_T1_highSNR")!;
  const t = arr(r.t);
  const c = arr(r.C);
  const ca = arr(r.ca);
  const tissue = join(dir, "tissue.csv");
  const aif = join(dir, "aif.csv");
  writeFileSync(tissue, `time_s,voxel1\n${t.map((v, i) => `${v},${c[i]}`).join("\n")}\n`);
  writeFileSync(aif, `time_s,cp_mM\n${t.map((v, i) => `${v},${ca[i]}`).join("\n")}\n`);
  it("Tofts on the QIBA DRO voxel T1: only the model's keys, Ktrans 0.35 and ve 0.5", () => {
    const out = runCliJson<Record<string, number | string | boolean>[]>([
      "dce",
      "fit",
      tissue,
      "--aif",
      aif,
      "--model",
      "tofts",
    ]);
    expect(out[0].curve).toBe("voxel1");
    expect(Math.abs((out[0].Ktrans_per_min as number) - 0.35)).toBeLessThan(0.005 + 0.035);
    expect(Math.abs((out[0].ve as number) - 0.5)).toBeLessThan(0.05);
    expect(out[0]).not.toHaveProperty("vp");
    expect(out[0]).not.toHaveProperty("delay_s");
    expect(out[0].converged).toBe(true);
    const withDelay = runCliJson<Record<string, number>[]>([
      "dce",
      "fit",
      tissue,
      "--aif",
      aif,
      "--model",
      "etofts",
      "--delay",
    ]);
    expect(withDelay[0]).toHaveProperty("delay_s");
    expect(withDelay[0]).toHaveProperty("vp");
  });
  it("bad input: mismatched time axes, non-numeric samples, unknown model → exit 2", () => {
    const aif2 = join(dir, "aif2.csv");
    writeFileSync(aif2, `time_s,cp_mM\n${t.map((v, i) => `${v + 1},${ca[i]}`).join("\n")}\n`);
    const a = runCli(["dce", "fit", tissue, "--aif", aif2, "--model", "tofts"]);
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/aif2\.csv: time_s, row 1/);
    const nanTissue = join(dir, "nan.csv");
    writeFileSync(nanTissue, `time_s,v\n${t[0]},0\n${t[1]},abc\n`);
    expect(runCli(["dce", "fit", nanTissue, "--aif", aif, "--model", "tofts"]).stderr).toMatch(
      /column v, row 2: got "abc"/,
    );
    expect(runCli(["dce", "fit", tissue, "--aif", aif, "--model", "aath"]).code).toBe(2);
  });
});

describe("eprscope dce map (worker threads)", () => {
  it("recovers noise-free extended-Tofts maps voxel by voxel and flags voxels outside the mask", async () => {
    const { identityAffine } = await import("../../src/core/image/volume.js");
    const { writeNifti, readNifti } = await import("../../src/io/nifti.js");
    const { parkerAif, bloodToPlasma } = await import("../../src/core/perfusion/aif.js");
    const { predict, createScratch } = await import("../../src/core/perfusion/models.js");
    const nx = 6;
    const ny = 5;
    const nt = 40;
    const nv = nx * ny;
    const tt = Array.from({ length: nt }, (_, i) => i * 5);
    const cb = parkerAif(tt, 15);
    const cp = bloodToPlasma(cb, 0.42);
    const conc = new Float32Array(nv * nt);
    const truthK = new Float64Array(nv);
    const s = createScratch(nt);
    const c = new Float64Array(nt);
    for (let v = 0; v < nv; v++) {
      truthK[v] = 0.05 + 0.01 * v;
      predict(
        "etofts",
        [truthK[v], 0.3, 0.02 + 0.001 * v],
        tt.map((x) => x / 60),
        cp,
        c,
        s,
      );
      for (let f = 0; f < nt; f++) conc[f * nv + v] = c[f];
    }
    const affine = identityAffine([1, 1, 2]);
    writeNifti(join(dir, "conc.nii.gz"), {
      dims: [nx, ny, 1, nt],
      spacingMm: [1, 1, 2],
      affine,
      data: conc,
      frameS: 5,
    });
    writeNifti(
      join(dir, "mask.nii.gz"),
      {
        dims: [nx, ny, 1],
        spacingMm: [1, 1, 2],
        affine,
        data: Float32Array.from({ length: nv }, (_, v) => (v === 0 ? 0 : 1)),
      },
      { datatype: "uint8" },
    );
    writeFileSync(join(dir, "aifmap.csv"), `time_s,cb_mM\n${tt.map((x, i) => `${x},${cb[i]}`).join("\n")}\n`);
    const out = join(dir, "maps");
    const r = runCli([
      "dce",
      "map",
      join(dir, "conc.nii.gz"),
      "--aif",
      join(dir, "aifmap.csv"),
      "--model",
      "etofts",
      "--mask",
      join(dir, "mask.nii.gz"),
      "--out",
      out,
      "--threads",
      "2",
      "--chunk-size",
      "8",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.workers).toBe(2);
    expect(summary.voxels).toBe(nv - 1);
    const k = readNifti(join(out, "Ktrans_per_min.nii.gz"));
    const st = readNifti(join(out, "status.nii.gz"));
    expect(st.data[0]).toBe(3);
    for (let v = 1; v < nv; v++) {
      expect(st.data[v]).toBe(0);
      expect(Math.abs(k.data[v] - truthK[v]) / truthK[v]).toBeLessThan(1e-4);
    }
  });
});
