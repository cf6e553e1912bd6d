import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, runCliJson } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "fret-cli-"));

describe("eprscope fret", () => {
  it("efficiency at r = R0 is 0.5, at 2R0 1/65; distance inverts it", () => {
    const e = runCliJson<{ r_nm: number; efficiency: number }[]>([
      "fret",
      "efficiency",
      "--r-nm",
      "5,10",
      "--r0-nm",
      "5",
    ]);
    expect(e[0].efficiency).toBe(0.5);
    expect(e[1].efficiency).toBeCloseTo(1 / 65, 15);
    const d = runCliJson<{ r_nm: number }[]>(["fret", "distance", "--efficiency", "0.5", "--r0-nm", "5.4"]);
    expect(d[0].r_nm).toBeCloseTo(5.4, 12);
    expect(runCli(["fret", "efficiency", "--r-nm", "5", "--r0-nm", "0", "--json"]).code).toBe(2);
  });
  it("ratio and de-quenching curves", () => {
    const f = join(dir, "rois.csv");
    writeFileSync(f, "cy5,cy7,cy5_alone\n300,700,1000\n500,500,1000\n");
    const r = runCliJson<{ fret_ratio: number; efficiency: number }[]>([
      "fret",
      "ratio",
      f,
      "--donor",
      "cy5",
      "--acceptor",
      "cy7",
      "--donor-alone",
      "cy5_alone",
    ]);
    expect(r[0].fret_ratio).toBeCloseTo(0.7, 15);
    expect(r[0].efficiency).toBeCloseTo(0.7, 15);
    const q = join(dir, "calcein.csv");
    writeFileSync(q, "time_s,lipo\n0,100\n60,550\n120,1000\n");
    const dq = runCliJson<{ fraction: number }[]>(["fret", "dequench", q, "--fmax", "1000"]);
    expect(dq.map((x) => x.fraction)).toEqual([0, 0.5, 1]);
  });
});
