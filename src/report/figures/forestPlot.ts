/**
 * Forest plot of hazard (or odds) ratios with CIs on a log axis, a reference line at 1 and the
 * numeric HR (CI) beside each row. Rows with a non-finite or non-positive estimate are listed
 * with "–" and no marks.
 */
import { esc, fmt, linearScale, px, svgOpen } from "./scale.js";

export interface ForestRow {
  name: string;
  estimate: number;
  lower: number;
  upper: number;
}

export function forestPlotSvg(
  rows: ForestRow[],
  o: { width?: number; title?: string; xLabel?: string } = {},
): string {
  const W = o.width ?? 560;
  const rowH = 24;
  const H = 60 + rowH * rows.length;
  const left = 130;
  const right = W - 150;
  const ok = (r: ForestRow) => [r.estimate, r.lower, r.upper].every((v) => Number.isFinite(v) && v > 0);
  const vals = rows.filter(ok).flatMap((r) => [Math.log10(r.lower), Math.log10(r.upper)]);
  let lo = Math.min(0, ...vals);
  let hi = Math.max(0, ...vals);
  const pad = (hi - lo || 1) * 0.08;
  lo -= pad;
  hi += pad;
  const x = linearScale([lo, hi], [left, right]);
  let s = svgOpen(W, H, o.title ?? "forest plot");
  const yEnd = 20 + rowH * rows.length;
  s += `<line class="reference" x1="${px(x(0))}" y1="12" x2="${px(x(0))}" y2="${px(yEnd)}" stroke="#999" stroke-dasharray="4 3"/>`;
  rows.forEach((r, i) => {
    const yy = 20 + rowH * i + rowH / 2;
    s += `<text x="8" y="${px(yy + 4)}">${esc(r.name)}</text>`;
    if (ok(r)) {
      s += `<line class="ci" x1="${px(x(Math.log10(r.lower)))}" y1="${px(yy)}" x2="${px(x(Math.log10(r.upper)))}" y2="${px(yy)}" stroke="#333" stroke-width="1.5"/>`;
      s += `<rect class="estimate" x="${px(x(Math.log10(r.estimate)) - 4)}" y="${px(yy - 4)}" width="8" height="8" fill="#1f77b4"/>`;
    }
    s += `<text x="${px(right + 10)}" y="${px(yy + 4)}">${esc(ok(r) ? `${fmt(r.estimate)} (${fmt(r.lower)}–${fmt(r.upper)})` : "–")}</text>`;
  });
  // log axis ticks at 1-2-5 decades inside the range
  s += `<line x1="${left}" y1="${px(yEnd)}" x2="${right}" y2="${px(yEnd)}" stroke="#333"/>`;
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const mlt of [1, 2, 5]) {
      const v = Math.log10(mlt) + e;
      if (v < lo || v > hi) continue;
      s += `<line x1="${px(x(v))}" y1="${px(yEnd)}" x2="${px(x(v))}" y2="${px(yEnd + 4)}" stroke="#333"/>`;
      s += `<text x="${px(x(v))}" y="${px(yEnd + 16)}" text-anchor="middle">${fmt(10 ** v)}</text>`;
    }
  }
  s += `<text x="${px((left + right) / 2)}" y="${px(yEnd + 34)}" text-anchor="middle">${esc(o.xLabel ?? "hazard ratio (95% CI, log scale)")}</text>`;
  return `${s}</svg>`;
}
