/**
 * Observable Plot charts of the workspace: a voxel/ROI curve in its own units (decay-corrected
 * %ID/cc vs hours for SPECT/PET; mM vs s for DCE with the fit, residuals and the AIF), %ID/g by
 * organ and group (mean ± SD, n, time point, the report's group colours) and the study timeline.
 */
import * as Plot from "@observablehq/plot";
import type { Curve, ResultRow, TimelineEvent } from "./api.js";
import { groupColors } from "./colors.js";

const MARGIN_LEFT = 64; // room for tick labels like "0.0005" and the rotated y label

export function curvePlot(c: Curve): Element {
  const hoursAxis = c.timeUnit === "h";
  const xs = hoursAxis ? c.time_h : c.timeS;
  const data = xs.map((t, i) => ({ t, v: c.values[i], f: c.fitted?.[i] }));
  return Plot.plot({
    width: 440,
    height: 230,
    marginLeft: MARGIN_LEFT,
    marginBottom: 40,
    x: {
      label: hoursAxis ? "time after injection (h)" : "time (s)",
      labelAnchor: "center",
      labelArrow: "none",
    },
    y: {
      label: hoursAxis ? c.unit : (c.quantity ?? c.unit),
      grid: true,
      labelAnchor: "center",
      labelArrow: "none",
    },
    marks: [
      Plot.ruleY([0], { stroke: "#bbb" }),
      Plot.dot(data, { x: "t", y: "v", r: 2.5, fill: "#1f77b4", tip: true }),
      ...(c.fitted
        ? [Plot.line(data, { x: "t", y: "f", stroke: "#d62728", strokeWidth: 1.8 })]
        : [Plot.line(data, { x: "t", y: "v", stroke: "#1f77b4" })]),
    ],
    caption: hoursAxis ? `${c.label} — ${c.quantity}` : c.label,
  });
}

/** residuals of the fit (values − fitted) under the curve */
export function residualPlot(c: Curve): Element | null {
  if (!c.residuals) return null;
  const xs = c.timeUnit === "h" ? c.time_h : c.timeS;
  const data = xs.map((t, i) => ({ t, r: c.residuals?.[i] ?? 0 }));
  return Plot.plot({
    width: 440,
    height: 110,
    marginLeft: MARGIN_LEFT,
    x: { label: null },
    y: { label: `residual (${c.unit})`, grid: true, labelAnchor: "center", labelArrow: "none" },
    marks: [Plot.ruleY([0], { stroke: "#999" }), Plot.dot(data, { x: "t", y: "r", r: 1.5, fill: "#555" })],
  });
}

/** the arterial input function (plasma, mM vs s) the DCE fit used */
export function aifPlot(c: Curve): Element | null {
  const a = c.aif;
  if (!a) return null;
  const data = a.timeS.map((t, i) => ({ t, v: a.values[i] }));
  return Plot.plot({
    width: 440,
    height: 150,
    marginLeft: MARGIN_LEFT,
    x: { label: "time (s)", labelAnchor: "center", labelArrow: "none" },
    y: { label: `AIF Cp (${a.unit})`, grid: true, labelAnchor: "center", labelArrow: "none" },
    marks: [Plot.line(data, { x: "t", y: "v", stroke: "#9467bd" })],
    caption: a.label,
  });
}

/** ex vivo %ID/g by organ at the last time point: mean ± SD bars per group, n in the tooltip */
export function biodistPlot(rows: ResultRow[], groups: string[]): Element {
  const tEnd = Math.max(...rows.map((r) => r.time_s ?? 0));
  const at = rows.filter((r) => r.time_s === tEnd && r.value !== null);
  const key = (r: ResultRow) => `${r.group}|${r.roi}`;
  const pick = (suffix: string) =>
    new Map(at.filter((r) => r.parameter.endsWith(`.${suffix}`)).map((r) => [key(r), r.value as number]));
  const sd = pick("sd");
  const n = pick("n");
  const data = at
    .filter((r) => r.parameter.endsWith(".mean"))
    .map((r) => ({
      organ: (r.roi ?? "").replace("tumour_", "tumour "),
      group: r.group as string,
      v: r.value as number,
      lo: Math.max(0, (r.value as number) - (sd.get(key(r)) ?? 0)),
      hi: (r.value as number) + (sd.get(key(r)) ?? 0),
      n: n.get(key(r)) ?? null,
    }));
  const present = groups.filter((g) => data.some((d) => d.group === g));
  return Plot.plot({
    width: 620,
    height: 300,
    marginLeft: MARGIN_LEFT,
    marginBottom: 56,
    x: { label: null, axis: null, domain: present },
    fx: { label: null, tickRotate: -30 },
    y: { label: "%ID/g (mean ± SD)", grid: true, labelAnchor: "center", labelArrow: "none" },
    color: { ...groupColors(groups), legend: true },
    marks: [
      Plot.barY(data, { fx: "organ", x: "group", y: "v", fill: "group" }),
      Plot.ruleX(data, { fx: "organ", x: "group", y1: "lo", y2: "hi", stroke: "#333" }),
      Plot.tip(
        data,
        Plot.pointer({
          fx: "organ",
          x: "group",
          y: "v",
          title: (d: { group: string; organ: string; v: number; hi: number; n: number | null }) =>
            `${d.group} ${d.organ}: ${d.v.toPrecision(3)} ± ${(d.hi - d.v).toPrecision(2)} %ID/g (n = ${d.n ?? "?"})`,
        }),
      ),
    ],
    caption: `Ex vivo %ID/g at ${Math.round(tEnd / 3600)} h p.i. (mean ± SD; n = ${[...new Set(data.map((d) => d.n))].join("/")} per group)`,
  });
}

/** Doses, scans and samples per subject over study days. */
export function timelinePlot(events: TimelineEvent[]): Element {
  return Plot.plot({
    width: 620,
    height: Math.max(200, 14 * new Set(events.map((e) => e.subject)).size + 60),
    marginLeft: 70,
    x: { label: "days from first administration" },
    y: { label: null },
    color: { legend: true },
    marks: [Plot.dot(events, { x: "day", y: "subject", fill: "kind", r: 3, title: "label" })],
  });
}
