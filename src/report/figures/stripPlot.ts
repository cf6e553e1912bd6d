/**
 * Strip (dot) plot of a value by category, e.g. lesion SUV by best response (CR/PR/SD/PD):
 * (data, options) → SVG. Points of a category are spread across its band deterministically
 * (by rank, never random), a short bar marks each category's median, optional horizontal
 * reference lines (e.g. a cohort median cut-off) are dashed and labelled, and points carry their
 * own colour with an optional legend. Non-finite values are skipped (never a NaN attribute).
 */
import { axes, esc, extent, linearScale, niceTicks, PALETTE, px, svgOpen } from "./scale.js";

export interface StripPlotData {
  categories: string[];
  points: { category: string; y: number; color?: string; title?: string }[];
  lines?: { y: number; label: string }[];
  legend?: { label: string; color: string }[];
}

export function stripPlotSvg(
  d: StripPlotData,
  o: { width?: number; height?: number; yLabel?: string; xLabel?: string; title?: string } = {},
): string {
  const W = o.width ?? 480;
  const H = o.height ?? 340;
  const m = { top: 28, right: 16, bottom: 48, left: 56 };
  const pts = d.points.filter((p) => Number.isFinite(p.y) && d.categories.includes(p.category));
  const ys = [...pts.map((p) => p.y), ...(d.lines ?? []).map((l) => l.y).filter(Number.isFinite)];
  const [lo, hi] = extent([0, ...ys], 0.05);
  const y = linearScale([Math.max(0, lo), hi], [H - m.bottom, m.top]);
  const band = (W - m.left - m.right) / Math.max(1, d.categories.length);
  const cx = (k: number) => m.left + band * (k + 0.5);
  const x = linearScale([0, 1], [m.left, W - m.right]);
  let s = svgOpen(W, H, o.title ?? "strip plot");
  s += axes(x, y, o.xLabel ?? "", o.yLabel ?? "", [], niceTicks(y.domain[0], y.domain[1]));
  d.categories.forEach((c, k) => {
    s += `<text x="${px(cx(k))}" y="${px(H - m.bottom + 15)}" text-anchor="middle">${esc(c)}</text>`;
    const inCat = pts.filter((p) => p.category === c).sort((a, b) => a.y - b.y);
    const w = Math.min(band * 0.6, 8 * inCat.length);
    inCat.forEach((p, i) => {
      const off = inCat.length > 1 ? (i / (inCat.length - 1) - 0.5) * w : 0;
      const col = p.color ?? PALETTE[0];
      s += `<circle cx="${px(cx(k) + off)}" cy="${px(y(p.y))}" r="3.5" fill="${col}" fill-opacity="0.8" stroke="#333" stroke-width="0.5">${p.title ? `<title>${esc(p.title)}</title>` : ""}</circle>`;
    });
    if (inCat.length) {
      const v = inCat.map((p) => p.y);
      const n = v.length;
      const med = n % 2 ? v[(n - 1) / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
      s += `<line x1="${px(cx(k) - band * 0.35)}" x2="${px(cx(k) + band * 0.35)}" y1="${px(y(med))}" y2="${px(y(med))}" stroke="#333" stroke-width="2"/>`;
    }
  });
  for (const l of d.lines ?? []) {
    if (!Number.isFinite(l.y)) continue;
    s += `<line x1="${m.left}" x2="${W - m.right}" y1="${px(y(l.y))}" y2="${px(y(l.y))}" stroke="#777" stroke-dasharray="5 3"/>`;
    s += `<text x="${W - m.right}" y="${px(y(l.y) - 4)}" text-anchor="end" fill="#555">${esc(l.label)}</text>`;
  }
  (d.legend ?? []).forEach((g, i) => {
    const lx = m.left + 8 + i * 140;
    s += `<circle cx="${lx}" cy="${m.top - 12}" r="4" fill="${g.color}"/><text x="${lx + 8}" y="${m.top - 8}">${esc(g.label)}</text>`;
  });
  return `${s}</svg>`;
}
