import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "release-cli-"));
const R = 8.314462618;
const kAt = (tc: number) => 2e-3 * Math.exp((-100e3 / R) * (1 / (tc + 273.15) - 1 / (42 + 273.15)));

describe("eprscope release", () => {
  it("fraction: f = (R1 − R1,pre)/(R1,full − R1,pre), mass balance, co-released drug", () => {
    const f = join(dir, "r1.csv");
    writeFileSync(f, "time_s,tsl,nontsl\n0,0.8,0.8\n60,1.0,0.82\n120,1.4,0.84\n180,1.6,0.86\n");
    const rows = runCliJson<Record<string, number | string>[]>([
      "release",
      "fraction",
      f,
      "--r1-full-per-s",
      "1.6",
      "--total",
      "50",
      "--r1-free-per-mm-s",
      "4",
      "--drug-gd-ratio",
      "0.1",
    ]);
    const tsl = rows.filter((r) => r.curve === "tsl");
    expect(tsl.map((r) => Number((r.fraction as number).toFixed(12)))).toEqual([0, 0.25, 0.75, 1]);
    for (const r of rows) expect((r.released as number) + (r.encapsulated as number)).toBeCloseTo(50, 12);
    expect(tsl[2].gd_released_mM).toBeCloseTo(0.15, 12);
    expect(tsl[2].drug_released_mM).toBeCloseTo(0.015, 12);
    const sum = runCliJson<Record<string, number | string | null>[]>([
      "release",
      "fraction",
      f,
      "--r1-full-per-s",
      "1.6",
      "--summary",
    ]);
    expect(sum[0].t50_s).toBeCloseTo(90, 10);
    expect(sum[1].t50_s).toBeNull();
    expect(runCli(["release", "fraction", f, "--json"]).code).toBe(2);
  });
  it("kinetics (Arrhenius) recovers k_ref and Ea; predict uses the fitted document", () => {
    const lines = ["temperature_C,time_s,fraction"];
    for (const T of [38, 40, 42, 44])
      for (let i = 0; i <= 20; i++) lines.push(`${T},${i * 60},${1 - Math.exp(-kAt(T) * i * 60)}`);
    const inv = join(dir, "invitro.csv");
    writeFileSync(inv, `${lines.join("\n")}\n`);
    const kin = join(dir, "kinetics.json");
    const res = runCliJson<{ rate: { kRefPerS: number; eaKjPerMol: number; tRefC: number } }>([
      "release",
      "kinetics",
      inv,
      "--t-ref-c",
      "42",
      "--out",
      kin,
    ]);
    expect(Math.abs(res.rate.kRefPerS - 2e-3) / 2e-3).toBeLessThan(1e-6);
    expect(Math.abs(res.rate.eaKjPerMol - 100) / 100).toBeLessThan(1e-6);
    const temps = join(dir, "temps.csv");
    writeFileSync(temps, "time_s,tumour\n0,42\n600,42\n");
    const meas = join(dir, "measured.csv");
    writeFileSync(
      meas,
      `time_s,tumour\n0,0\n300,${1 - Math.exp(-2e-3 * 300)}\n600,${1 - Math.exp(-2e-3 * 600)}\n`,
    );
    const pred = runCliJson<
      { curve: string; final_fraction: number; agreement: { rmse: number; n: number } }[]
    >(["release", "predict", temps, "--kinetics", kin, "--measured", meas]);
    expect(Math.abs(pred[0].final_fraction - (1 - Math.exp(-1.2)))).toBeLessThan(1e-6);
    expect(pred[0].agreement.n).toBe(3);
    expect(pred[0].agreement.rmse).toBeLessThan(1e-4);
    const direct = runCliJson<{ final_fraction: number }[]>([
      "release",
      "predict",
      temps,
      "--k-ref-per-s",
      "0.002",
      "--ea-kj-per-mol",
      "100",
      "--t-ref-c",
      "42",
    ]);
    expect(Math.abs(direct[0].final_fraction - (1 - Math.exp(-1.2)))).toBeLessThan(1e-7);
  });
});
