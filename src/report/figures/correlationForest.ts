/**
 * Correlations of several markers with one outcome as a forest plot on a linear axis from −1 to 1:
 * the estimate (square) with its 95 % CI (line), a reference line at r = 0 and the numeric
 * r [CI] beside each row; rows are drawn in the order given. Rows without a finite estimate are
 * listed with "–" and no marks.
 */
import { esc, fmt, linearScale, px, svgOpen } from "./scale.js";

export interface CorrelationRow {
  name: string;
  r: number | null;
  lower: number | null;
  upper: number | null;
}

export function correlationForestSvg(
  rows: CorrelationRow[],
  o: { width?: number; title?: string; xLabel?: string } = {},
): string {
  const W = o.width ?? 620;
  const rowH = 22;
  const top = 34;
  const H = top + rowH * rows.length + 44;
  const left = 150;
  const right = W - 150;
  const x = linearScale([-1, 1], [left, right]);
  const yEnd = top + rowH * rows.length;
  let s = svgOpen(W, H, o.title ?? "correlations");
  if (o.title) s += `<text x="${px(left)}" y="16" font-weight="bold">${esc(o.title)}</text>`;
  for (const t of [-1, -0.5, 0, 0.5, 1]) {
    s += `<line x1="${px(x(t))}" y1="${top - 6}" x2="${px(x(t))}" y2="${px(yEnd)}" stroke="${t === 0 ? "#999" : "#eee"}"${t === 0 ? ' stroke-dasharray="4 3"' : ""}/>`;
    s += `<text x="${px(x(t))}" y="${px(yEnd + 16)}" text-anchor="middle">${t}</text>`;
  }
  s += `<text x="${px((left + right) / 2)}" y="${px(yEnd + 34)}" text-anchor="middle">${esc(o.xLabel ?? "correlation coefficient r (95 % CI)")}</text>`;
  rows.forEach((r, i) => {
    const yy = top + rowH * i + rowH / 2;
    s += `<text x="8" y="${px(yy + 4)}">${esc(r.name)}</text>`;
    const ok = r.r !== null && Number.isFinite(r.r);
    if (ok) {
      const lo = r.lower !== null && Number.isFinite(r.lower) ? r.lower : (r.r as number);
      const hi = r.upper !== null && Number.isFinite(r.upper) ? r.upper : (r.r as number);
      s += `<line class="ci" x1="${px(x(lo))}" y1="${px(yy)}" x2="${px(x(hi))}" y2="${px(yy)}" stroke="#333" stroke-width="1.5"/>`;
      s += `<rect class="estimate" x="${px(x(r.r as number) - 4)}" y="${px(yy - 4)}" width="8" height="8" fill="${(r.r as number) >= 0 ? "#1f77b4" : "#d62728"}"/>`;
      s += `<text x="${px(right + 12)}" y="${px(yy + 4)}">${fmt(r.r as number, 2)} [${fmt(lo, 2)}, ${fmt(hi, 2)}]</text>`;
    } else s += `<text x="${px(right + 12)}" y="${px(yy + 4)}">–</text>`;
  });
  return `${s}</svg>`;
}
