/**
 * Grouped bar chart with SD error bars (e.g. %ID/g by organ and group): (data, options) → SVG.
 * Category labels are rotated (−35°) when they would not fit their band, so long names such
 * as "tumour_psma" never overlap; error bars are clipped to the axis; a group's colour is its
 * own `color` or PALETTE by position (the report passes groups in the study's order).
 */
import { esc, extent, fmt, linearScale, niceTicks, PALETTE } from "./scale.js";

export interface GroupBarsData {
  categories: string[];
  groups: { name: string; mean: (number | null)[]; sd: (number | null)[]; color?: string }[];
}

/** approximate width of 11-px sans-serif text */
export const textWidth = (s: string, px = 11) => s.length * px * 0.56;

export function groupBarsSvg(
  d: GroupBarsData,
  o: { width?: number; height?: number; yLabel?: string; title?: string } = {},
): string {
  const W = o.width ?? 640;
  const band0 = (W - 56 - 16) / Math.max(1, d.categories.length);
  const widest = Math.max(0, ...d.categories.map((c) => textWidth(c)));
  const rotate = widest > band0 * 0.95;
  const labelH = rotate ? Math.min(120, widest * 0.58 + 8) : 16;
  const H = (o.height ?? 320) + (rotate ? labelH - 16 : 0);
  const m = { top: 28, right: 16, bottom: 44 + labelH, left: 56 };
  const tops = d.groups.flatMap((g) => g.mean.map((v, i) => (v ?? 0) + (g.sd[i] ?? 0)));
  const [, hi] = extent([0, ...tops]);
  const y = linearScale([0, hi * 1.05 || 1], [H - m.bottom, m.top]);
  const band = (W - m.left - m.right) / Math.max(1, d.categories.length);
  const bw = (band * 0.8) / Math.max(1, d.groups.length);
  const color = (k: number) => d.groups[k].color ?? PALETTE[k % PALETTE.length];
  const parts: string[] = [];
  for (const t of niceTicks(0, hi * 1.05 || 1)) {
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/><text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${fmt(t)}</text>`,
    );
  }
  d.categories.forEach((c, i) => {
    const x0 = m.left + i * band + band * 0.1;
    d.groups.forEach((g, k) => {
      const v = g.mean[i];
      if (v === null || !Number.isFinite(v)) return;
      const x = x0 + k * bw;
      parts.push(
        `<rect class="bar" x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${(y(0) - y(v)).toFixed(1)}" fill="${color(k)}"><title>${esc(g.name)} ${esc(c)}: ${fmt(v)} ± ${fmt(g.sd[i] ?? Number.NaN)}</title></rect>`,
      );
      const sd = g.sd[i];
      if (sd !== null && Number.isFinite(sd)) {
        const cx = x + (bw - 2) / 2;
        parts.push(
          `<line class="sd" x1="${cx.toFixed(1)}" x2="${cx.toFixed(1)}" y1="${y(v + sd).toFixed(1)}" y2="${y(Math.max(0, v - sd)).toFixed(1)}" stroke="#333"/>`,
        );
      }
    });
    const lx = x0 + band * 0.4;
    const ly = H - m.bottom + 14;
    parts.push(
      rotate
        ? `<text class="category" transform="translate(${lx.toFixed(1)} ${ly}) rotate(-35)" text-anchor="end" font-size="11">${esc(c)}</text>`
        : `<text class="category" x="${lx.toFixed(1)}" y="${ly + 2}" text-anchor="middle" font-size="11">${esc(c)}</text>`,
    );
  });
  let lx = m.left;
  const legend = d.groups
    .map((g, k) => {
      const s = `<rect x="${lx.toFixed(1)}" y="${H - 22}" width="10" height="10" fill="${color(k)}"/><text x="${(lx + 14).toFixed(1)}" y="${H - 13}" font-size="11">${esc(g.name)}</text>`;
      lx += 24 + textWidth(g.name);
      return s;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${o.title ? `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${esc(o.title)}</text>` : ""}${parts.join("")}<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${H - m.bottom}" stroke="#333"/><line x1="${m.left}" x2="${W - m.right}" y1="${H - m.bottom}" y2="${H - m.bottom}" stroke="#333"/><text transform="translate(14 ${(H - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.yLabel ?? "")}</text>${legend}</svg>`;
}
