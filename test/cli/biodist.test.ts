import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectCleanFailure, runCli, runCliJson, tempDir, writeFiles } from "../helpers/cli.js";

type Row = {
  roi: string;
  pctIDperG: number | null;
  pctIDperCC: number | null;
  suvBW: number | null;
  decayFactor: number;
};

describe("eprscope biodist — hand-computed 111In cases", () => {
  // 111In T½ = 2.8047 d = 67.3128 h (NNDC). Measured 48 h after injection:
  // decay factor = 2^(−48/67.3128) = 0.61001…; 15 MBq injected.
  const df48 = 2 ** (-48 / 67.3128);
  const dir = tempDir("biodist-");
  const f = join(dir, "roi.csv");
  writeFiles(dir, {
    "roi.csv": [
      "roi,measured,activity_mbq,mass_g,volume_ml,conc_kbq_per_ml,body_weight_g",
      // liver: 1.2 g holding 1.0 MBq at 48 h → at injection 1/df48 MBq → %ID/g = 100·(1/df48)/15/1.2
      "liver,2026-03-04T09:00:00Z,1.0,1.2,,,",
      // tumour from an image: 50 kBq/mL at 48 h, 0.3 mL, mouse 25 g
      "tumour,2026-03-04T09:00:00Z,,,0.3,50,25",
    ].join("\n"),
  });
  const out = runCliJson<Row[]>([
    "biodist",
    f,
    "--nuclide",
    "In-111",
    "--dose-mbq",
    "15",
    "--injected",
    "2026-03-02T09:00:00Z",
  ]);
  it("decay factor after 48 h", () => {
    expect(out[0].decayFactor).toBeCloseTo(df48, 12);
    expect(df48).toBeCloseTo(0.61001, 5);
  });
  it("%ID/g of a weighed organ", () =>
    expect(out[0].pctIDperG).toBeCloseTo((100 * (1 / df48)) / 15 / 1.2, 10));
  it("%ID/cc and SUV of an image ROI", () => {
    const c0 = 50 / df48; // kBq/mL at injection
    expect(out[1].pctIDperCC).toBeCloseTo((100 * c0) / 15000, 10);
    expect(out[1].suvBW).toBeCloseTo(c0 / (15000 / 25), 10);
    expect(out[1].pctIDperG).toBeNull();
  });
  it("gamma counts: (counts/t − background)/efficiency", () => {
    const g = join(dir, "gamma.csv");
    // 600,000 counts in 60 s, background 60 cpm, efficiency 0.5 → (10000 − 1)/0.5 Bq = 19998 Bq
    writeFiles(dir, {
      "gamma.csv":
        "roi,measured,counts,counting_time_s,efficiency,background_cpm,mass_g\nspleen,2026-03-02T09:00:00Z,600000,60,0.5,60,0.1\n",
    });
    const r = runCliJson<Row[]>([
      "biodist",
      g,
      "--nuclide",
      "111In",
      "--dose-mbq",
      "1",
      "--injected",
      "2026-03-02T09:00:00Z",
    ]);
    expect(r[0].decayFactor).toBe(1);
    expect(r[0].pctIDperG).toBeCloseTo((100 * 0.019998) / 1 / 0.1, 10);
  });
  it("bad input: unknown nuclide, bad date, missing activity → exit 2 with the value named", () => {
    const a = runCli([
      "biodist",
      f,
      "--nuclide",
      "Xx-999",
      "--dose-mbq",
      "15",
      "--injected",
      "2026-03-02T09:00:00Z",
    ]);
    expectCleanFailure(a, 2, /--nuclide: got "Xx-999"; expected a known nuclide/);
    const b = runCli(["biodist", f, "--nuclide", "In-111", "--dose-mbq", "15", "--injected", "yesterday"]);
    expectCleanFailure(b, 2, /--injected: got "yesterday"/);
    const c = runCli([
      "biodist",
      f,
      "--nuclide",
      "In-111",
      "--dose-mbq",
      "-1",
      "--injected",
      "2026-03-02T09:00:00Z",
    ]);
    expectCleanFailure(c, 2, /--dose-mbq: got "-1"/);
    const h = join(
      writeFiles(dir, { "none.csv": "roi,measured,mass_g\nx,2026-03-04T09:00:00Z,1\n" }),
      "none.csv",
    );
    expect(
      runCli(["biodist", h, "--nuclide", "In-111", "--dose-mbq", "15", "--injected", "2026-03-02T09:00:00Z"])
        .stderr,
    ).toMatch(/expected an activity column/);
  });
});
