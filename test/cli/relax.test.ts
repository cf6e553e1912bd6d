/** `eprscope relax fit|map` contracts. Reference: analytic noise-free mono-exponential echoes. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "relax-cli-"));
const te = [10, 20, 30, 40, 50, 60, 80, 100];

describe("relax fit", () => {
  const csv = join(dir, "echoes.csv");
  writeFileSync(
    csv,
    `te_ms,lesion,muscle\n${te.map((t) => `${t},${1000 * Math.exp(-t / 35)},${800 * Math.exp(-t / 60) + 20}`).join("\n")}\n`,
  );
  it("mono: array of { curve, T2_ms, R2_per_s, S0, converged, status }", () => {
    const r = runCliJson<Record<string, unknown>[]>(["relax", "fit", csv]);
    expect(r.map((x) => x.curve)).toEqual(["lesion", "muscle"]);
    expect(r[0].T2_ms as number).toBeCloseTo(35, 6);
    expect(r[0].R2_per_s as number).toBeCloseTo(1000 / 35, 5);
    expect(r[0].S0 as number).toBeCloseTo(1000, 4);
    expect(r[0].converged).toBe(true);
    expect(r[0].status).toBe("converged");
  });
  it("offset model reports the baseline", () => {
    const r = runCliJson<Record<string, number>[]>(["relax", "fit", csv, "--model", "offset"]);
    expect(r[1].T2_ms).toBeCloseTo(60, 4);
    expect(r[1].offset).toBeCloseTo(20, 3);
  });
  it("bad model and --sigma without noise-floor are exit 2", () => {
    expect(runCli(["relax", "fit", csv, "--model", "biexp", "--json"]).code).toBe(2);
    expect(runCli(["relax", "fit", csv, "--sigma", "3", "--json"]).code).toBe(2);
  });
});

describe("relax map", () => {
  it("writes T2_ms, R2_per_s, S0 and status maps through the engine", () => {
    const nv = 4 * 3 * 2;
    const data = new Float32Array(nv * te.length);
    const t2 = Array.from({ length: nv }, (_, v) => 20 + 3 * v);
    for (let e = 0; e < te.length; e++)
      for (let v = 0; v < nv; v++) data[e * nv + v] = 500 * Math.exp(-te[e] / t2[v]);
    const img = join(dir, "me.nii.gz");
    writeNifti(img, {
      dims: [4, 3, 2, te.length],
      spacingMm: [1, 1, 1],
      affine: identityAffine([1, 1, 1]),
      data,
    });
    const mask = new Float32Array(nv).fill(1);
    mask[0] = 0;
    writeNifti(join(dir, "mask.nii.gz"), {
      dims: [4, 3, 2],
      spacingMm: [1, 1, 1],
      affine: identityAffine([1, 1, 1]),
      data: mask,
    });
    const out = join(dir, "t2map");
    const s = runCliJson<{ fitted: number; files: string[] }>([
      "relax",
      "map",
      img,
      "--te-ms",
      te.join(","),
      "--mask",
      join(dir, "mask.nii.gz"),
      "--threads",
      "1",
      "--out",
      out,
    ]);
    expect(s.fitted).toBe(nv - 1);
    expect(s.files).toEqual(
      expect.arrayContaining(["T2_ms.nii.gz", "R2_per_s.nii.gz", "S0.nii.gz", "status.nii.gz"]),
    );
    const m = readNifti(join(out, "T2_ms.nii.gz"));
    const st = readNifti(join(out, "status.nii.gz"));
    expect(st.data[0]).toBe(3);
    expect(Number.isNaN(m.data[0])).toBe(true);
    for (let v = 1; v < nv; v++) {
      expect(st.data[v]).toBe(0);
      expect(Math.abs(m.data[v] / t2[v] - 1)).toBeLessThan(1e-5);
    }
  });
  it("refuses to write into its input's folder", () => {
    const r = runCli([
      "relax",
      "map",
      join(dir, "me.nii.gz"),
      "--te-ms",
      te.join(","),
      "--out",
      join(dir, "me.nii.gz"),
      "--json",
    ]);
    expect(r.code).toBe(2);
  });
});
