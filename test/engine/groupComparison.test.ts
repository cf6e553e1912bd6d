/**
 * group-comparison on the demo study (`eprscope demo --no-images`, then
 * `run --only group-comparison`): rows for every tissue measured at necropsy in both demo
 * arms, p in [0, 1], BH q ≥ p, CI containing the difference, and the sign of the UNP − TNP
 * differences of spleen, liver and tumour_flu equal to the sign in the generator's ground
 * truth of these animals (truth/ground_truth.json, organPctIDperG at necropsy). The design
 * medians (src/study/demo/design.ts) give liver and tumour_flu the same sign; the spleen
 * design difference (35 vs 40 %ID/g) is smaller than the between-animal spread of n = 6 and
 * the seeded animals do not reproduce it, so spleen is checked against the realised truth and
 * required to be non-significant.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { ARMS, NECROPSY_H } from "../../src/study/demo/design.js";
import { type DemoTruth, organPctIDperG } from "../../src/study/demo/generate.js";
import { runCli, runCliJson } from "../helpers/cli.js";

type Row = {
  analysis: string;
  roi: string | null;
  parameter: string;
  value: number | null;
  unit: string;
  status: string;
  time_s: number | null;
  group: string | null;
};

let dir: string;
let rows: Row[];
let truth: DemoTruth;
const PAIR = "UNP vs TNP";
const TISSUES = [
  "heart",
  "lung",
  "liver",
  "spleen",
  "kidney",
  "muscle",
  "tumour_psma",
  "tumour_flu",
  "blood",
];

beforeAll(() => {
  dir = join(mkdtempSync(join(tmpdir(), "group-comparison-")), "study");
  const d = runCli(["demo", dir, "--no-images"]);
  expect(d.code, d.stderr).toBe(0);
  const r = runCli(["run", dir, "--only", "group-comparison", "--no-progress"]);
  expect(r.code, r.stderr).toBe(0);
  rows = runCliJson<Row[]>(["results", dir]).filter((x) => x.analysis === "group-comparison");
  truth = JSON.parse(readFileSync(join(dir, "truth", "ground_truth.json"), "utf8"));
}, 120_000);

const get = (roi: string, parameter: string, group = PAIR) =>
  rows.find((x) => x.roi === roi && x.parameter === parameter && x.group === group);

describe("group-comparison on the demo study", () => {
  it("has every test parameter for every tissue at the necropsy time", () => {
    const params = [
      "welch.t",
      "welch.df",
      "welch.p",
      "welch.p_bh",
      "mannwhitney.U",
      "mannwhitney.p",
      "mannwhitney.p_bh",
      "mean_difference",
      "mean_difference.ci95_lower",
      "mean_difference.ci95_upper",
    ];
    for (const t of TISSUES)
      for (const p of params) {
        const r = get(t, p);
        expect(r, `${t} ${p}`).toBeDefined();
        expect(r?.status, `${t} ${p}`).toBe("ok");
        expect(r?.time_s).toBe(NECROPSY_H * 3600);
      }
    expect(get("liver", "mean_difference")?.unit).toBe("%ID/g");
    expect(get("liver", "n_first")?.value).toBe(ARMS[0].n);
    expect(get("liver", "n_second")?.value).toBe(ARMS[1].n);
  });

  it("p in [0, 1], BH q ≥ p, CI contains the difference, U in [0, n1·n2]", () => {
    const groups = new Set(rows.map((r) => r.group));
    expect(groups.has(PAIR)).toBe(true);
    for (const g of groups) {
      for (const t of new Set(rows.filter((r) => r.group === g).map((r) => r.roi as string))) {
        for (const test of ["welch", "mannwhitney"]) {
          const p = get(t, `${test}.p`, g ?? "")?.value as number;
          const q = get(t, `${test}.p_bh`, g ?? "")?.value as number;
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
          expect(q).toBeGreaterThanOrEqual(p - 1e-15);
          expect(q).toBeLessThanOrEqual(1);
        }
        const d = get(t, "mean_difference", g ?? "")?.value as number;
        expect(get(t, "mean_difference.ci95_lower", g ?? "")?.value).toBeLessThan(d);
        expect(get(t, "mean_difference.ci95_upper", g ?? "")?.value).toBeGreaterThan(d);
        const n1 = get(t, "n_first", g ?? "")?.value as number;
        const n2 = get(t, "n_second", g ?? "")?.value as number;
        const u = get(t, "mannwhitney.U", g ?? "")?.value as number;
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(n1 * n2);
      }
    }
  });

  it("UNP − TNP signs: spleen, liver, tumour_flu as the animals' ground truth; liver, tumour_flu as the design", () => {
    const mean = (g: string, tissue: string) => {
      const ss = truth.subjects.filter((s) => s.group === g);
      return ss.reduce((a, s) => a + organPctIDperG(s, tissue, NECROPSY_H), 0) / ss.length;
    };
    for (const t of ["spleen", "liver", "tumour_flu"]) {
      const d = get(t, "mean_difference")?.value as number;
      expect(Math.sign(d), t).toBe(Math.sign(mean("UNP", t) - mean("TNP", t)));
    }
    const [unp, tnp] = ARMS;
    expect(Math.sign(get("liver", "mean_difference")?.value as number)).toBe(
      Math.sign(unp.organs.liver.pctIDperG96h - tnp.organs.liver.pctIDperG96h),
    );
    expect(Math.sign(get("tumour_flu", "mean_difference")?.value as number)).toBe(
      Math.sign(unp.tumour.tumour_flu.pctIDperG48h - tnp.tumour.tumour_flu.pctIDperG48h),
    );
    // spleen: design difference not resolvable with n = 6 here → not significant after BH
    expect(get("spleen", "welch.p_bh")?.value as number).toBeGreaterThan(0.05);
    // tumour_flu: the large designed difference (7.5 vs 3.5 %ID/g at 48 h) is detected
    expect(get("tumour_flu", "welch.p_bh")?.value as number).toBeLessThan(0.05);
  });
});
