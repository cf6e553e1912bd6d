/** `eprscope ceus fit` contracts. Reference: analytic log-normal and replenishment curves (SCIENCE.md §12). */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "ceus-cli-"));
const t = Array.from({ length: 161 }, (_, i) => 0.25 * i);
const logn = (auc: number, mu: number, s: number, t0: number) => (x: number) =>
  x > t0
    ? (auc / (Math.sqrt(2 * Math.PI) * s * (x - t0))) *
      Math.exp(-((Math.log(x - t0) - mu) ** 2) / (2 * s * s))
    : 0;

describe("ceus fit", () => {
  it("lognormal: { curve, AUC, peak, TTP_s, MTT_s, t0_s } on the file's time axis", () => {
    const csv = join(dir, "tic.csv");
    const a = logn(400, Math.log(6), 0.5, 4);
    writeFileSync(csv, `time_s,tumour\n${t.map((x) => `${x},${a(x)}`).join("\n")}\n`);
    const r = runCliJson<Record<string, number | string>[]>(["ceus", "fit", csv, "--model", "lognormal"]);
    expect(r[0].curve).toBe("tumour");
    expect(r[0].AUC as number).toBeCloseTo(400, 4);
    expect(r[0].MTT_s as number).toBeCloseTo(Math.exp(Math.log(6) + 0.125), 5);
    expect(r[0].TTP_s as number).toBeCloseTo(4 + Math.exp(Math.log(6) - 0.25), 5);
    expect(r[0].t0_s as number).toBeCloseTo(4, 5);
    expect(r[0].status).toBe("converged");
  });
  it("replenishment: { curve, A, beta_per_s, flow_index = A·β }", () => {
    const csv = join(dir, "dr.csv");
    writeFileSync(csv, `time_s,roi1\n${t.map((x) => `${x},${50 * (1 - Math.exp(-0.4 * x))}`).join("\n")}\n`);
    const r = runCliJson<Record<string, number>[]>(["ceus", "fit", csv, "--model", "replenishment"]);
    expect(r[0].A).toBeCloseTo(50, 6);
    expect(r[0].beta_per_s).toBeCloseTo(0.4, 8);
    expect(r[0].flow_index).toBeCloseTo(20, 6);
  });
  it("unknown model is exit 2", () => {
    writeFileSync(join(dir, "x.csv"), "time_s,a\n0,0\n1,1\n");
    expect(runCli(["ceus", "fit", join(dir, "x.csv"), "--model", "bolus", "--json"]).code).toBe(2);
  });
});
