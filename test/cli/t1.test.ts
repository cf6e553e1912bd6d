/** `eprscope t1 map` (voxelwise engine) on an analytic SPGR phantom, and `t1 vfa` not-estimable rows. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { spgrSignal } from "../../src/core/mri/spgr.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "t1-cli-"));

describe("eprscope t1 map", () => {
  it("recovers T1 and M0 of analytic SPGR signals (B1-corrected), flags the masked-out voxel", () => {
    const [nx, ny] = [4, 3];
    const nv = nx * ny;
    const fa = [2, 5, 12];
    const trS = 0.0054;
    const t1 = Float64Array.from({ length: nv }, (_, v) => 0.5 + 0.15 * v);
    const b1 = Float32Array.from({ length: nv }, (_, v) => 0.85 + 0.025 * v);
    const data = new Float32Array(nv * 3);
    for (let v = 0; v < nv; v++)
      fa.forEach((a, i) => (data[i * nv + v] = spgrSignal(1500, 1 / t1[v], trS, a * b1[v])));
    const affine = identityAffine([1, 1, 1]);
    writeNifti(join(dir, "vfa.nii.gz"), { dims: [nx, ny, 1, 3], spacingMm: [1, 1, 1], affine, data });
    writeNifti(join(dir, "b1.nii.gz"), { dims: [nx, ny, 1], spacingMm: [1, 1, 1], affine, data: b1 });
    writeNifti(
      join(dir, "mask.nii.gz"),
      {
        dims: [nx, ny, 1],
        spacingMm: [1, 1, 1],
        affine,
        data: Float32Array.from({ length: nv }, (_, v) => (v ? 1 : 0)),
      },
      { datatype: "uint8" },
    );
    const out = join(dir, "maps");
    const summary = runCliJson<{ voxels: number; workers: number }>([
      "t1",
      "map",
      join(dir, "vfa.nii.gz"),
      "--fa-deg",
      "2,5,12",
      "--tr-ms",
      "5.4",
      "--b1",
      join(dir, "b1.nii.gz"),
      "--mask",
      join(dir, "mask.nii.gz"),
      "--threads",
      "2",
      "--chunk-size",
      "4",
      "--out",
      out,
    ]);
    expect(summary.voxels).toBe(nv - 1);
    expect(summary.workers).toBe(2);
    const T1 = readNifti(join(out, "T1_s.nii.gz"));
    const M0 = readNifti(join(out, "M0.nii.gz"));
    const st = readNifti(join(out, "status.nii.gz"));
    expect(st.data[0]).toBe(3);
    expect(T1.data[0]).toBeNaN();
    for (let v = 1; v < nv; v++) {
      expect(st.data[v]).toBe(0);
      // float32 signal and map storage: 1e-4 relative
      expect(Math.abs(T1.data[v] - t1[v]) / t1[v]).toBeLessThan(1e-4);
      expect(Math.abs(M0.data[v] - 1500) / 1500).toBeLessThan(1e-4);
    }
    const side = JSON.parse(readFileSync(join(out, "t1_map.json"), "utf8"));
    expect(side.model).toBe("t1-vfa");
    expect(side.parameters.map((p: { key: string }) => p.key)).toEqual(["T1_s", "M0"]);
    // volume count ≠ flip angles, identical angles → exit 2
    const bad = runCli([
      "t1",
      "map",
      join(dir, "vfa.nii.gz"),
      "--fa-deg",
      "2,5",
      "--tr-ms",
      "5.4",
      "--out",
      join(dir, "m2"),
    ]);
    expect(bad.code, bad.stderr).toBe(2);
    expect(bad.stderr).toMatch(/2 volumes, one per flip angle/);
    const same = runCli([
      "t1",
      "map",
      join(dir, "vfa.nii.gz"),
      "--fa-deg",
      "5,5,5",
      "--tr-ms",
      "5.4",
      "--out",
      join(dir, "m3"),
    ]);
    expect(same.code, same.stderr).toBe(2);
    expect(same.stderr).toMatch(/distinct flip angles/);
  });
});

describe("eprscope t1 vfa", () => {
  it("identical flip angles: null values and status not-estimable, never converged", () => {
    const f = join(dir, "same.csv");
    writeFileSync(f, "a,b,c\n100,100,100\n");
    const out = runCliJson<{ t1_s: number | null; m0: number | null; status: string }[]>([
      "t1",
      "vfa",
      f,
      "--fa-deg",
      "5,5,5",
      "--tr-ms",
      "5",
    ]);
    expect(out[0]).toEqual({ t1_s: null, m0: null, status: "not-estimable" });
  });
});
