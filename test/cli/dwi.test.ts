/** `eprscope dwi fit|map` contracts. References: analytic ADC/IVIM curves (OSIPI b-values). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "dwi-cli-"));
const b = [0, 1, 2, 5, 10, 20, 30, 50, 75, 100, 150, 250, 350, 400, 550, 700, 850, 1000];
const ivim = (s0: number, f: number, d: number, ds: number) =>
  b.map((x) => s0 * (f * Math.exp(-x * ds) + (1 - f) * Math.exp(-x * d)));

describe("dwi fit", () => {
  const csv = join(dir, "dwi.csv");
  const liver = ivim(1, 0.11, 0.0015, 0.1);
  const pancreas = ivim(2, 0.15, 0.0013, 0.01);
  writeFileSync(
    csv,
    `b_s_per_mm2,liver,pancreas\n${b.map((x, i) => `${x},${liver[i]},${pancreas[i]}`).join("\n")}\n`,
  );
  it("ivim (full): { curve, f, D_mm2_per_s, Dstar_mm2_per_s, S0, converged, status }", () => {
    const r = runCliJson<Record<string, number | string | boolean>[]>(["dwi", "fit", csv, "--model", "ivim"]);
    expect(r[0].curve).toBe("liver");
    expect(r[0].f as number).toBeCloseTo(0.11, 6);
    expect(r[0].D_mm2_per_s as number).toBeCloseTo(0.0015, 9);
    expect(r[0].Dstar_mm2_per_s as number).toBeCloseTo(0.1, 5);
    expect(r[1].S0 as number).toBeCloseTo(2, 6);
    expect(r[1].converged).toBe(true);
    expect(r[1].status).toBe("converged");
  });
  it("ivim segmented and adc", () => {
    const s = runCliJson<Record<string, number>[]>([
      "dwi",
      "fit",
      csv,
      "--model",
      "ivim",
      "--method",
      "segmented",
    ]);
    expect(s[0].D_mm2_per_s).toBeGreaterThan(0.0014);
    const mono = join(dir, "adc.csv");
    writeFileSync(mono, `b_s_per_mm2,a\n0,1000\n500,${1000 * Math.exp(-0.5)}\n1000,${1000 * Math.exp(-1)}\n`);
    const a = runCliJson<Record<string, number>[]>([
      "dwi",
      "fit",
      mono,
      "--model",
      "adc",
      "--method",
      "nonlinear",
    ]);
    expect(a[0].ADC_mm2_per_s).toBeCloseTo(0.001, 10);
    expect(a[0].S0).toBeCloseTo(1000, 6);
  });
  it("a method of the other model is exit 2", () => {
    expect(runCli(["dwi", "fit", csv, "--model", "adc", "--method", "full", "--json"]).code).toBe(2);
  });
});

describe("dwi map", () => {
  it("ivim maps: f, D_mm2_per_s, Dstar_mm2_per_s, S0, status", () => {
    const nv = 3 * 3 * 1;
    const data = new Float32Array(nv * b.length);
    const fs = Array.from({ length: nv }, (_, v) => 0.05 + 0.02 * v);
    for (let v = 0; v < nv; v++) {
      const s = ivim(1000, fs[v], 0.0012, 0.05);
      for (let i = 0; i < b.length; i++) data[i * nv + v] = s[i];
    }
    const img = join(dir, "dwi.nii.gz");
    writeNifti(img, {
      dims: [3, 3, 1, b.length],
      spacingMm: [2, 2, 4],
      affine: identityAffine([2, 2, 4]),
      data,
      frameS: 1,
    });
    const out = join(dir, "ivim");
    const s = runCliJson<{ fitted: number; files: string[] }>([
      "dwi",
      "map",
      img,
      "--b-values",
      b.join(","),
      "--model",
      "ivim",
      "--threads",
      "1",
      "--out",
      out,
    ]);
    expect(s.fitted).toBe(nv);
    for (const k of ["f", "D_mm2_per_s", "Dstar_mm2_per_s", "S0", "status"])
      expect(s.files).toContain(`${k}.nii.gz`);
    const f = readNifti(join(out, "f.nii.gz"));
    const d = readNifti(join(out, "D_mm2_per_s.nii.gz"));
    for (let v = 0; v < nv; v++) {
      // float32 input: ~1e-7 relative signal precision
      expect(Math.abs(f.data[v] - fs[v])).toBeLessThan(1e-4);
      expect(Math.abs(d.data[v] / 0.0012 - 1)).toBeLessThan(1e-3);
    }
  });
});
