/**
 * Time curves (mean ± SD per group; TACs, blood curves), optional log y: (series, options) → SVG.
 * The y range covers every SD bar (mean + SD, and mean − SD when positive), so no bar runs off
 * the axis; on a log axis a lower end ≤ 0 is drawn to the axis bottom. Colours: a series' own
 * `color`, else by group — series named "<group> <detail>" share their group's colour (by order
 * of first appearance, PALETTE) and differ by dash — so a group keeps one colour across figures.
 * An optional fitted curve per series (`fit`, e.g. the terminal-phase λz line) is drawn as a
 * thin line without markers.
 */
import { esc, extent, fmt, linearScale, niceTicks, PALETTE } from "./scale.js";

export interface TimeSeries {
  name: string;
  x: number[];
  y: number[];
  sd?: (number | null)[];
  color?: string;
  dash?: string;
  /** fitted curve drawn through the data (same axes) */
  fit?: { x: number[]; y: number[] };
}

const DASHES = ["", "5 3", "2 2", "8 3 2 3"];

/** colour and dash per series: explicit, else by the first word of the name (the group) */
export function seriesStyles(series: TimeSeries[]): { color: string; dash: string }[] {
  const groupOf = (s: TimeSeries) => s.name.split(" ")[0];
  const groups = [...new Set(series.map(groupOf))];
  const grouped = groups.length < series.length; // names share groups: colour by group
  const seen = new Map<string, number>();
  return series.map((s, k) => {
    const g = groupOf(s);
    const nth = seen.get(g) ?? 0;
    seen.set(g, nth + 1);
    const color = s.color ?? PALETTE[(grouped ? groups.indexOf(g) : k) % PALETTE.length];
    const dash = s.dash ?? (grouped ? DASHES[nth % DASHES.length] : "");
    return { color, dash };
  });
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
  const legendRows = Math.ceil(series.length / 4);
  const H = (o.height ?? 320) + 14 * Math.max(0, legendRows - 1);
  const m = { top: 28, right: 16, bottom: 40 + 14 * legendRows, left: 60 };
  const floor = 1e-6;
  const tf = (v: number) => (o.logY ? Math.log10(Math.max(v, floor)) : v);
  const ends = series.flatMap((s) =>
    s.y.flatMap((v, i) => {
      const sd = s.sd?.[i];
      if (sd === null || sd === undefined || !Number.isFinite(sd)) return [v];
      return o.logY ? [v, v + sd, ...(v - sd > 0 ? [v - sd] : [])] : [v, v + sd, v - sd];
    }),
  );
  const fits = series.flatMap((s) => s.fit?.y ?? []).filter((v) => !o.logY || v > 0);
  const [x0, x1] = extent(series.flatMap((s) => [...s.x, ...(s.fit?.x ?? [])]));
  const [y0, y1] = extent([...ends, ...fits].map(tf));
  const x = linearScale([Math.min(0, x0), x1], [m.left, W - m.right]);
  const yDomain: [number, number] = o.logY ? [Math.floor(y0), Math.ceil(y1)] : [Math.min(0, y0), y1 * 1.05];
  const y = linearScale(yDomain, [H - m.bottom, m.top]);
  const yc = (v: number) => y(Math.min(yDomain[1], Math.max(yDomain[0], tf(v))));
  const parts: string[] = [];
  const yTicks = o.logY
    ? Array.from({ length: yDomain[1] - yDomain[0] + 1 }, (_, i) => yDomain[0] + i)
    : niceTicks(yDomain[0], yDomain[1]);
  for (const t of yTicks)
    parts.push(
      `<line x1="${m.left}" x2="${W - m.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/><text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${o.logY ? fmt(10 ** t) : fmt(t)}</text>`,
    );
  for (const t of niceTicks(Math.min(0, x0), x1))
    parts.push(
      `<text x="${x(t).toFixed(1)}" y="${H - m.bottom + 16}" text-anchor="middle" font-size="11">${fmt(t)}</text>`,
    );
  const styles = seriesStyles(series);
  const legendY = H - 14 * legendRows + 4;
  series.forEach((s, k) => {
    const { color: c, dash } = styles[k];
    const da = dash ? ` stroke-dasharray="${dash}"` : "";
    const pts = s.x.map((xv, i) => `${x(xv).toFixed(1)},${yc(s.y[i]).toFixed(1)}`);
    if (s.fit && s.fit.x.length >= 2) {
      const fp = s.fit.x
        .map((xv, i) => [xv, s.fit?.y[i] ?? Number.NaN] as const)
        .filter(([, v]) => Number.isFinite(v) && (!o.logY || v > 0))
        .map(([xv, v]) => `${x(xv).toFixed(1)},${yc(v).toFixed(1)}`);
      parts.push(
        `<polyline class="fit" fill="none" stroke="${c}" stroke-width="1.2" stroke-opacity="0.8" points="${fp.join(" ")}"><title>${esc(s.name)} fit</title></polyline>`,
      );
    }
    parts.push(
      `<polyline class="curve" fill="none" stroke="${c}" stroke-width="2"${da}${s.fit ? ' stroke-opacity="0.35"' : ""} points="${pts.join(" ")}"><title>${esc(s.name)}</title></polyline>`,
    );
    s.x.forEach((xv, i) => {
      const sd = s.sd?.[i];
      if (sd !== null && sd !== undefined && Number.isFinite(sd)) {
        const lo = s.y[i] - sd;
        const yLo = o.logY && !(lo > 0) ? y(yDomain[0]) : yc(lo);
        parts.push(
          `<line class="sd" x1="${x(xv).toFixed(1)}" x2="${x(xv).toFixed(1)}" y1="${yc(s.y[i] + sd).toFixed(1)}" y2="${yLo.toFixed(1)}" stroke="${c}"/>`,
        );
      }
      parts.push(`<circle cx="${x(xv).toFixed(1)}" cy="${yc(s.y[i]).toFixed(1)}" r="3" fill="${c}"/>`);
    });
    const lx = m.left + (k % 4) * 120;
    const ly = legendY + 14 * Math.floor(k / 4);
    parts.push(
      `<line x1="${lx}" x2="${lx + 16}" y1="${ly - 4}" y2="${ly - 4}" stroke="${c}" stroke-width="2"${da}/><text x="${lx + 20}" y="${ly}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">${o.title ? `<text x="${m.left}" y="16" font-size="13" font-weight="bold">${esc(o.title)}</text>` : ""}${parts.join("")}<text x="${(W + m.left) / 2}" y="${H - m.bottom + 30}" text-anchor="middle" font-size="12">${esc(o.xLabel ?? "")}</text><text transform="translate(14 ${(H - m.bottom + m.top) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(o.yLabel ?? "")}</text></svg>`;
}
