/** Observable Plot panels: a voxel's time curve with its fit, and %ID/g bars by organ and group. */
import * as Plot from "@observablehq/plot";
import type { Curve, ResultRow, TimelineEvent } from "./api.js";

export function curvePlot(c: Curve): Element {
  const data = c.timeS.map((t, i) => ({ t, v: c.values[i], f: c.fitted?.[i] }));
  return Plot.plot({
    width: 480,
    height: 240,
    x: { label: "time (s)" },
    y: { label: c.unit, grid: true },
    marks: [
      Plot.dot(data, { x: "t", y: "v", r: 2 }),
      ...(c.fitted
        ? [Plot.line(data, { x: "t", y: "f", stroke: "red" })]
        : [Plot.line(data, { x: "t", y: "v" })]),
    ],
    caption: c.label,
  });
}

export function biodistPlot(rows: ResultRow[]): Element {
  const tEnd = Math.max(...rows.map((r) => r.time_s ?? 0));
  const data = rows
    .filter((r) => r.time_s === tEnd && r.value !== null)
    .map((r) => ({ organ: r.roi, group: r.group, v: r.value }));
  return Plot.plot({
    width: 560,
    height: 260,
    x: { label: null },
    y: { label: "%ID/g", grid: true },
    fx: { label: null },
    color: { legend: true },
    marks: [Plot.barY(data, { fx: "organ", x: "group", y: "v", fill: "group" })],
  });
}

/** Doses, scans and samples per subject over study days. */
export function timelinePlot(events: TimelineEvent[]): Element {
  return Plot.plot({
    width: 560,
    height: Math.max(200, 14 * new Set(events.map((e) => e.subject)).size + 60),
    marginLeft: 90,
    x: { label: "days from first administration" },
    y: { label: null },
    color: { legend: true },
    marks: [Plot.dot(events, { x: "day", y: "subject", fill: "kind", r: 3, title: "label" })],
  });
}
