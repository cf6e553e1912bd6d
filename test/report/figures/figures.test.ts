/** SVG figures: well-formed XML, the expected number of marks, no NaN/undefined in attributes. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { coxph } from "../../../src/core/stats/cox.js";
import { kaplanMeier } from "../../../src/core/stats/kaplanMeier.js";
import { linearRegression, predictMean } from "../../../src/core/stats/regression.js";
import { roc } from "../../../src/core/stats/roc.js";
import { forestPlotSvg } from "../../../src/report/figures/forestPlot.js";
import { kmPlotSvg } from "../../../src/report/figures/kmPlot.js";
import { rocCurveSvg } from "../../../src/report/figures/rocCurve.js";
import { linearScale, niceTicks } from "../../../src/report/figures/scale.js";
import { scatterFitSvg } from "../../../src/report/figures/scatterFit.js";

/** Minimal XML check: balanced tags, quoted attributes, one root <svg>. */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<([^>]*)>/g;
  let roots = 0;
  let last = 0;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (m[5] !== undefined) return false; // a tag that did not match the strict pattern
    if (/[<>]/.test(xml.slice(last, m.index))) return false;
    last = re.lastIndex;
    const [, close, name, , self] = m;
    if (close) {
      if (stack.pop() !== name) return false;
    } else if (!self) {
      if (stack.length === 0) roots++;
      stack.push(name);
    }
  }
  return stack.length === 0 && roots === 1 && xml.startsWith("<svg") && xml.endsWith("</svg>");
}

const count = (s: string, re: RegExp) => (s.match(re) ?? []).length;
const clean = (s: string) => !/NaN|undefined|Infinity/.test(s);

describe("SVG figures", () => {
  it("the checker rejects broken XML", () => {
    expect(wellFormed('<svg><g><rect x="1"/></g></svg>')).toBe(true);
    expect(wellFormed("<svg><g></svg>")).toBe(false);
    expect(wellFormed("<svg><rect x=1/></svg>")).toBe(false);
  });

  it("scatter with fit and band", () => {
    const x = [1, 2, 3, 4, 5, 6, Number.NaN];
    const y = [1.1, 2.3, 2.8, 4.2, 5.1, 5.8, 3];
    const m = linearRegression(y.slice(0, 6), [x.slice(0, 6)]);
    const xs = Array.from({ length: 20 }, (_, i) => 1 + (5 * i) / 19);
    const b = xs.map((v) => predictMean(m, [v]));
    const svg = scatterFitSvg(
      {
        x,
        y,
        fit: { x: xs, fit: b.map((q) => q.fit), lower: b.map((q) => q.lower), upper: b.map((q) => q.upper) },
      },
      { xLabel: "[Fe] (µg/g)", yLabel: "%ID/g", label: "r = 0.99" },
    );
    expect(wellFormed(svg)).toBe(true);
    expect(clean(svg)).toBe(true);
    expect(count(svg, /<circle /g)).toBe(6);
    expect(count(svg, /class="ci-band"/g)).toBe(1);
    expect(count(svg, /class="fit-line"/g)).toBe(1);
  });

  it("ROC curves with AUC labels and cut-off", () => {
    const a = roc([3, 4, 5, 6, 2], [1, 2, 3, 1, 0]);
    const b = roc([1, 4, 2, 6, 2], [1, 2, 3, 5, 0]);
    const svg = rocCurveSvg([
      {
        label: "s100b",
        points: a.points,
        auc: a.auc,
        ciLower: a.ciLower,
        ciUpper: a.ciUpper,
        cutoff: a.youden,
      },
      { label: "ndka <&>", points: b.points, auc: b.auc },
    ]);
    expect(wellFormed(svg)).toBe(true);
    expect(clean(svg)).toBe(true);
    expect(count(svg, /class="roc"/g)).toBe(2);
    expect(count(svg, /class="auc-label"/g)).toBe(2);
    expect(count(svg, /class="cutoff"/g)).toBe(1);
    expect(svg).toContain("ndka &lt;&amp;&gt;");
  });

  it("KM curves with censor ticks and numbers at risk", () => {
    const k1 = kaplanMeier([1, 2, 3, 4, 5, 6], [1, 0, 1, 0, 1, 1]);
    const k2 = kaplanMeier([2, 4, 6, 8], [1, 1, 0, 1]);
    const svg = kmPlotSvg(
      [
        { label: "high", steps: k1.steps.map((s) => ({ ...s, surv: s.surv })) },
        { label: "low", steps: k2.steps.map((s) => ({ ...s, surv: s.surv })) },
      ],
      { riskTimes: [0, 2, 4, 6, 8] },
    );
    expect(wellFormed(svg)).toBe(true);
    expect(clean(svg)).toBe(true);
    expect(count(svg, /class="km"/g)).toBe(2);
    expect(count(svg, /v8/g)).toBe(3); // censored at 2, 4 (curve 1) and 6 (curve 2)
    expect(count(svg, /class="n-risk"/g)).toBe(10);
    const risk = [...svg.matchAll(/class="n-risk"[^>]*>(\d+)</g)].map((m) => Number(m[1]));
    expect(risk).toEqual([6, 5, 3, 1, 0, 4, 4, 3, 2, 1]);
  });

  it("forest plot of Cox HRs; invalid rows get no marks", () => {
    const c = coxph(
      [5, 8, 12, 3, 9, 15, 7, 4, 11, 2],
      [1, 1, 0, 1, 1, 0, 1, 1, 1, 0],
      [
        [0, 0, 0, 0, 0, 1, 1, 1, 1, 1],
        [60, 55, 70, 65, 50, 62, 58, 71, 49, 66],
      ],
      {
        names: ["primed", "age"],
      },
    );
    const rows = [
      ...c.terms.map((t) => ({ name: t.name, estimate: t.hr, lower: t.hrCiLower, upper: t.hrCiUpper })),
      { name: "broken", estimate: Number.NaN, lower: 0, upper: 1 },
    ];
    const svg = forestPlotSvg(rows);
    expect(wellFormed(svg)).toBe(true);
    expect(clean(svg)).toBe(true);
    expect(count(svg, /class="estimate"/g)).toBe(2);
    expect(count(svg, /class="ci"/g)).toBe(2);
  });

  it("scales and ticks (property: ticks inside the range, increasing; scale maps ends)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
        (a, w) => {
          const t = niceTicks(a, a + w);
          const eps = 1e-9 * (Math.abs(a) + w); // floating-point rounding of a + w and of the ticks
          return (
            t.length >= 2 && t.every((v, i) => v >= a - eps && v <= a + w + eps && (i === 0 || v > t[i - 1]))
          );
        },
      ),
    );
    // counterexample once found by fast-check: a span of 1e-3 at 1e6
    expect(
      niceTicks(999999.9999999999, 1000000.0009999999).every((v) => v <= 1000000.0009999999 + 1e-3),
    ).toBe(true);
    const s = linearScale([0, 10], [100, 200]);
    expect(s(0)).toBe(100);
    expect(s(10)).toBe(200);
  });

  it("all figures stay finite on degenerate input (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double(), fc.constant(Number.NaN)), { maxLength: 20 }), (v) => {
        const svg = scatterFitSvg({ x: v, y: v });
        return wellFormed(svg) && clean(svg);
      }),
    );
  });
});
