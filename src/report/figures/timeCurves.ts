/** Time curves (mean ± SD per group; TACs, blood curves), optional log y: (series, options) → SVG. */
import { esc, extent, fmt, linearScale, niceTicks, PALETTE } from "./scale.js";

export interface TimeSeries {
  name: string;
  x: number[];
  y: number[];
  sd?: (number | null)[];
}

export function timeCurvesSvg(
  series: TimeSeries[],
  o: {
    width?: number;
    height?: number;
    xLabel?: string;
    yLabel?: string;
    logY?: boolean;
    title?: string;
  } = {},
): string {
  const W = o.width ?? 520;
  const H = o.height ?? 320;
  const m = { top: 28, right: 16, bottom: 48, left: 60 };
  const tf = (v: number) => (o.logY ? Math.log10(Math.max(v, 1e-6)) : v);
  const [x0, x1] = extent(series.flatMap((s) => s.x));
  const [y0, y1] = extent(series.flatMap((s) => s.y.map(tf)));
  const x = linearScale([Math.min(0, x0), x1], [m.left, W - m.right]);
  const y = linearScale(o.logY ? [Math.floor(y0), Math.ceil(y1)] : [Math.min(0, y0), y1 * 1.05], [
    H - m.bottom,
    m.top,
  ]);
  const parts: string[] = [];
  const yTicks = o.logY
    ? Array.from({ length: Math.ceil(y1) - Math.floor(y0) + 1 }, (_, i) => Math.floor(y0) + i)
    : niceTicks(Math.min(0, y0), y1 * 1.05);
  for (const t of yTicks)
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/><text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${o.logY ? fmt(10 ** t) : fmt(t)}</text>`,
    );
  for (const t of niceTicks(Math.min(0, x0), x1))
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`,
    );
  series.forEach((s, k) => {
    const c = PALETTE[k % PALETTE.length];
    const pts = s.x.map((xv, i) => `${x(xv).toFixed(1)},${y(tf(s.y[i])).toFixed(1)}`);
    parts.push(
      `<polyline class="curve" fill="none" stroke="${c}" stroke-width="2" points="${pts.join(" ")}"><title>${esc(s.name)}</title></polyline>`,
    );
    s.x.forEach((xv, i) => {
      const sd = s.sd?.[i];
      if (sd !== null && sd !== undefined && Number.isFinite(sd))
        parts.push(
          `<line x1="${x(xv).toFixed(1)}" x2="${x(xv).toFixed(1)}" y1="${y(tf(s.y[i] + sd)).toFixed(1)}" y2="${y(tf(Math.max(s.y[i] - sd, 1e-6))).toFixed(1)}" stroke="${c}"/>`,
        );
      parts.push(`<circle cx="${x(xv).toFixed(1)}" cy="${y(tf(s.y[i])).toFixed(1)}" r="3" fill="${c}"/>`);
    });
    parts.push(
      `<rect x="${m.left + k * 110}" y="${H - 16}" width="10" height="10" fill="${c}"/><text x="${m.left + k * 110 + 14}" y="${H - 7}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${o.title ? `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${esc(o.title)}</text>` : ""}${parts.join("")}<text x="${(W + m.left) / 2}" y="${H - m.bottom + 32}" text-anchor="middle" font-size="12">${esc(o.xLabel ?? "")}</text><text transform="translate(14 ${(H - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.yLabel ?? "")}</text></svg>`;
}
