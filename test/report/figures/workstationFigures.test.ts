/**
 * Figure defects fixed for the workstation (issue 19), checked geometrically on the SVG text:
 * SD bars stay inside a log axis; group colours follow the group across series; the fitted
 * curve is drawn; long category labels rotate; the Kaplan–Meier legend fits inside the figure
 * and the at-risk row labels end left of the first column of numbers; the statistics table's
 * names and units are readable.
 */
import { describe, expect, it } from "vitest";
import { groupBarsSvg } from "../../../src/report/figures/groupBars.js";
import { kmPlotSvg } from "../../../src/report/figures/kmPlot.js";
import { PALETTE } from "../../../src/report/figures/scale.js";
import { seriesStyles, timeCurvesSvg } from "../../../src/report/figures/timeCurves.js";
import { statName, statUnit, statValue } from "../../../src/report/statLabels.js";

const num = (s: string) => Number(s);
const attrs = (svg: string, tag: string, cls: string) =>
  [...svg.matchAll(new RegExp(`<${tag} class="${cls}"([^>]*)>`, "g"))].map((m) =>
    Object.fromEntries([...m[1].matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  );

describe("time curves", () => {
  it("SD bars on a log axis stay between the axis ends (mean − SD ≤ 0 ends at the bottom)", () => {
    const H = 320;
    const svg = timeCurvesSvg(
      [{ name: "UNP", x: [0.1, 1, 24, 96], y: [50, 30, 5, 0.5], sd: [60, 5, 4, 2] }],
      { logY: true, height: H },
    );
    const bars = attrs(svg, "line", "sd");
    expect(bars.length).toBe(4);
    const top = 28;
    const bottom = H - (40 + 14);
    for (const b of bars)
      for (const v of [num(b.y1), num(b.y2)]) {
        expect(v).toBeGreaterThanOrEqual(top - 0.05);
        expect(v).toBeLessThanOrEqual(bottom + 0.05);
      }
    expect(Math.max(...bars.map((b) => num(b.y2)))).toBeCloseTo(bottom, 0); // 50 − 60 < 0 → axis bottom
  });

  it("series of one group share its colour and differ by dash; explicit colours win", () => {
    const st = seriesStyles([
      { name: "UNP psma", x: [], y: [] },
      { name: "UNP flu", x: [], y: [] },
      { name: "TNP psma", x: [], y: [] },
      { name: "TNP flu", x: [], y: [], color: "#000" },
    ]);
    expect(st.map((s) => s.color)).toEqual([PALETTE[0], PALETTE[0], PALETTE[1], "#000"]);
    expect(st[0].dash).toBe("");
    expect(st[1].dash).not.toBe("");
    expect(
      seriesStyles([
        { name: "UNP", x: [], y: [] },
        { name: "TNP", x: [], y: [] },
      ]).map((s) => s.color),
    ).toEqual([PALETTE[0], PALETTE[1]]);
  });

  it("draws a fitted curve when the series carries one", () => {
    const svg = timeCurvesSvg(
      [{ name: "UNP", x: [1, 24, 96], y: [30, 5, 0.5], fit: { x: [24, 48, 96], y: [5.1, 2, 0.49] } }],
      { logY: true },
    );
    expect(attrs(svg, "polyline", "fit").length).toBe(1);
    expect(svg).not.toMatch(/NaN|undefined/);
  });
});

describe("group bars", () => {
  it("rotates long category labels so they cannot overlap", () => {
    const cats = [
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
    const svg = groupBarsSvg(
      { categories: cats, groups: [{ name: "UNP", mean: cats.map(() => 1), sd: cats.map(() => 0.1) }] },
      { width: 480 },
    );
    expect(svg.match(/class="category" transform="translate\([^)]*\) rotate\(-35\)"/g)?.length).toBe(
      cats.length,
    );
    const short = groupBarsSvg({
      categories: ["a", "b"],
      groups: [{ name: "g", mean: [1, 2], sd: [null, null] }],
    });
    expect(short).not.toMatch(/rotate\(-35\)/);
  });
});

describe("Kaplan–Meier", () => {
  const steps = [
    { time: 10, surv: 0.8, nRisk: 6, nEvent: 1, nCensor: 0 },
    { time: 30, surv: 0.6, nRisk: 5, nEvent: 1, nCensor: 1 },
  ];
  const curves = [
    { label: "high accumulation (n = 6)", steps },
    { label: "low accumulation (n = 6)", steps },
  ];
  it("the legend lies inside the figure (above the plot), the at-risk labels end before the numbers", () => {
    const svg = kmPlotSvg(curves, { xLabel: "days" });
    const W = num(svg.match(/<svg[^>]*width="([\d.]+)"/)?.[1] ?? "0");
    for (const l of attrs(svg, "line", "legend")) expect(num(l.x2)).toBeLessThan(W);
    const legendText = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+">(high|low) accumulation/g)];
    for (const t of legendText) expect(num(t[1]) + 26 * 11 * 0.56).toBeLessThan(W);
    const rowLabels = [...svg.matchAll(/<text x="([\d.]+)" y="[\d.]+" text-anchor="end" fill="[^"]+">/g)].map(
      (m) => num(m[1]),
    );
    const firstNumbers = [...svg.matchAll(/<text class="n-risk" x="([\d.]+)"/g)].map((m) => num(m[1]));
    expect(rowLabels.length).toBe(2);
    for (const x of rowLabels) {
      expect(x).toBeLessThan(Math.min(...firstNumbers) - 8); // right end of the label, left of "6"
      expect(x - 26 * 11 * 0.56).toBeGreaterThan(0); // the label's left end is inside the figure
    }
  });
});

describe("statistics table names", () => {
  it("machine names become readable, unit 1 becomes dimensionless", () => {
    expect(statName("Ktrans_vs_accumulation.pearson.ci_lower")).toBe(
      "Ktrans vs accumulation — Pearson 95 % CI lower bound",
    );
    expect(statName("vp_vs_accumulation.spearman.r")).toBe("vp vs accumulation — Spearman ρ");
    expect(statName("accumulation_predicts_response.auc")).toBe(
      "accumulation predicting objective response — ROC AUC",
    );
    expect(statName("accumulation_cutoff_median")).toBe("accumulation cut-off (median split)");
    expect(statName("logrank_by_accumulation.p")).toBe("log-rank test between accumulation strata — p");
    expect(statUnit("1")).toBe("");
    expect(statUnit("d")).toBe("days");
    expect(statUnit("%ID/g")).toBe("%ID/g");
    expect(statValue("median_time_to_endpoint", null)).toBe("not reached");
    expect(statValue("n", 6)).toBe(6);
  });
});
