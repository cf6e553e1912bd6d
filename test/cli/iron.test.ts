/** `eprscope iron fe|vsi|relaxivities` contracts. References: Knobloch 2018 r2*; Troprès 2001 formula by hand. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "iron-cli-"));

describe("iron", () => {
  it("fe: [Fe] = ΔR2* / r2* with the 3 T plasma relaxivity", () => {
    const csv = join(dir, "r2s.csv");
    writeFileSync(csv, "roi,R2star_pre_per_s,R2star_post_per_s\nlesion1,30,41.14\nlesion2,28,28\n");
    const r = runCliJson<Record<string, number | string>[]>(["iron", "fe", csv, "--field-t", "3"]);
    expect(r[0].dR2star_per_s as number).toBeCloseTo(11.14, 10);
    expect(r[0].Fe_mM as number).toBeCloseTo(11.14 / 55.7, 12);
    expect(r[0].Fe_ug_per_mL as number).toBeCloseTo((11.14 / 55.7) * 55.845, 10);
    expect(String(r[0].relaxivity_source)).toMatch(/Knobloch/);
    expect(r[1].Fe_mM).toBe(0);
  });
  it("fe at 7 T needs a measured r2*", () => {
    const csv = join(dir, "d.csv");
    writeFileSync(csv, "roi,dR2star_per_s\na,10\n");
    expect(runCli(["iron", "fe", csv, "--field-t", "7", "--json"]).code).toBe(2);
    const r = runCliJson<Record<string, number>[]>(["iron", "fe", csv, "--r2star", "50"]);
    expect(r[0].Fe_mM).toBeCloseTo(0.2, 12);
  });
  it("vsi: VSI_um and BVf", () => {
    const csv = join(dir, "vsi.csv");
    writeFileSync(csv, "roi,ADC_mm2_per_s,dR2star_per_s,dR2_per_s\nt,0.0008,30,5\n");
    const r = runCliJson<Record<string, number>[]>([
      "iron",
      "vsi",
      csv,
      "--b0-t",
      "4.7",
      "--delta-chi-ppm",
      "0.1",
    ]);
    const g = 2.6752218744e8;
    expect(r[0].VSI_um).toBeCloseTo(0.425 * Math.sqrt(0.8e-9 / (g * 1e-7 * 4.7)) * 6 ** 1.5 * 1e6, 8);
    expect(r[0].BVf).toBeCloseTo(90 / (4 * Math.PI * g * 1e-7 * 4.7), 12);
  });
  it("relaxivities lists the cited table", () => {
    const r = runCliJson<{ fieldT: number; reference: string }[]>(["iron", "relaxivities"]);
    expect(r.filter((x) => x.reference.includes("Knobloch")).length).toBe(4);
  });
});
