/** `eprscope swe` contract. Reference: μ = ρc² by hand. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { writeNifti } from "../../src/io/nifti.js";
import { runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "swe-cli-"));

describe("swe", () => {
  it("CSV → per ROI { roi, shear_modulus_kPa, youngs_modulus_kPa }", () => {
    const csv = join(dir, "speed.csv");
    writeFileSync(csv, "roi,speed_m_per_s\ntumour,2\ntumour,2\nliver,1.5\n");
    const r = runCliJson<Record<string, number | string>[]>(["swe", csv]);
    const tum = r.find((x) => x.roi === "tumour");
    expect(tum?.shear_modulus_kPa).toBeCloseTo(4, 12);
    expect(tum?.youngs_modulus_kPa).toBeCloseTo(12, 12);
    expect(r.find((x) => x.roi === "liver")?.shear_modulus_kPa).toBeCloseTo(2.25, 12);
  });
  it("NIfTI speed map with a label image", () => {
    const sp = Float32Array.from([1, 1, 3, 3]);
    const lab = Float32Array.from([1, 1, 2, 0]);
    const g = {
      dims: [2, 2, 1],
      spacingMm: [1, 1, 1] as [number, number, number],
      affine: identityAffine([1, 1, 1]),
    };
    writeNifti(join(dir, "sp.nii.gz"), { ...g, data: sp });
    writeNifti(join(dir, "lab.nii.gz"), { ...g, data: lab });
    const r = runCliJson<Record<string, number | string>[]>([
      "swe",
      join(dir, "sp.nii.gz"),
      "--roi",
      join(dir, "lab.nii.gz"),
    ]);
    expect(r).toHaveLength(2);
    expect(r.find((x) => x.roi === "2")?.shear_modulus_kPa).toBeCloseTo(9, 12);
    expect(r.find((x) => x.roi === "1")?.n).toBe(2);
  });
});
