import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import {
  HB_EXTINCTION_PER_CM_M,
  HB_WAVELENGTH_NM,
  HBO2_EXTINCTION_PER_CM_M,
} from "../../src/core/optical/hbExtinction.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "unmix-cli-"));
const WL = Array.from({ length: 16 }, (_, i) => 620 + 15 * i);
const g = (mu: number, s: number) => WL.map((w) => Math.exp(-(((w - mu) / s) ** 2) / 2));
const S = { dyeA: g(680, 20), dyeB: g(760, 30), autofluorescence: WL.map((w) => Math.exp(-(w - 620) / 150)) };

describe("eprscope unmix", () => {
  it("CSV mixtures → [{ curve, <component>…, rss }] with known abundances (one zero)", () => {
    const spectra = join(dir, "spectra.csv");
    writeFileSync(
      spectra,
      `wavelength_nm,dyeA,dyeB,autofluorescence\n${WL.map((w, i) => `${w},${S.dyeA[i]},${S.dyeB[i]},${S.autofluorescence[i]}`).join("\n")}\n`,
    );
    const truth = { s1: [1.5, 0, 0.3], s2: [0.2, 2, 0.1] };
    const mix = (c: number[]) =>
      WL.map((_, i) => c[0] * S.dyeA[i] + c[1] * S.dyeB[i] + c[2] * S.autofluorescence[i]);
    const m1 = mix(truth.s1);
    const m2 = mix(truth.s2);
    const mixtures = join(dir, "mixtures.csv");
    writeFileSync(
      mixtures,
      `wavelength_nm,s1,s2\n${WL.map((w, i) => `${w},${m1[i]},${m2[i]}`).join("\n")}\n`,
    );
    const out = runCliJson<Record<string, number | string>[]>(["unmix", mixtures, "--spectra", spectra]);
    expect(out.map((r) => r.curve)).toEqual(["s1", "s2"]);
    expect(Object.keys(out[0])).toEqual(["curve", "dyeA", "dyeB", "autofluorescence", "rss"]);
    (["s1", "s2"] as const).forEach((k, j) =>
      truth[k].forEach((c, i) =>
        expect(Math.abs((out[j][["dyeA", "dyeB", "autofluorescence"][i]] as number) - c)).toBeLessThan(1e-9),
      ),
    );
  });
  it("4D stack + --hemoglobin + --wavelengths-nm → Hb, HbO2, sO2 maps", () => {
    const wl = [700, 750, 800, 850, 900];
    const [nx, ny, nz] = [4, 3, 2];
    const nv = nx * ny * nz;
    const data = new Float32Array(nv * wl.length);
    for (let v = 0; v < nv; v++) {
      const so2 = v / (nv - 1);
      wl.forEach((w, f) => {
        const j = HB_WAVELENGTH_NM.indexOf(w);
        data[f * nv + v] =
          (100 * ((1 - so2) * HB_EXTINCTION_PER_CM_M[j] + so2 * HBO2_EXTINCTION_PER_CM_M[j])) / 1000;
      });
    }
    const stack = join(dir, "msot.nii.gz");
    writeNifti(stack, {
      dims: [nx, ny, nz, wl.length],
      spacingMm: [1, 1, 1],
      affine: identityAffine([1, 1, 1]),
      data,
    });
    const outDir = join(dir, "msot_maps");
    const s = runCliJson<{ components: string[]; files: string[] }>([
      "unmix",
      stack,
      "--hemoglobin",
      "--wavelengths-nm",
      wl.join(","),
      "--threads",
      "1",
      "--out",
      outDir,
    ]);
    expect(s.components).toEqual(["Hb", "HbO2"]);
    expect(s.files).toContain("sO2.nii.gz");
    const so2 = readNifti(join(outDir, "sO2.nii.gz"));
    for (let v = 1; v < nv; v++) expect(Math.abs(so2.data[v] - v / (nv - 1))).toBeLessThan(1e-5);
  });
  it("wavelength count mismatch and missing spectra exit 2", () => {
    const stack = join(dir, "msot.nii.gz");
    expect(
      runCli(["unmix", stack, "--hemoglobin", "--wavelengths-nm", "700,750", "--out", join(dir, "bad")]).code,
    ).toBe(2);
    expect(runCli(["unmix", join(dir, "mixtures.csv"), "--json"]).code).toBe(2);
  });
});
