/**
 * Shared helpers for the SVG figures: linear scales, "nice" ticks (Heckbert, 1990, Graphics
 * Gems "Nice numbers for graph labels"), number formatting, XML escaping and axis drawing.
 * Pure string building: no DOM, no dependencies (usable in the report, workers and browser).
 */

export interface Scale {
  (v: number): number;
  domain: [number, number];
  range: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain[0] === domain[1] ? [domain[0] - 1, domain[1] + 1] : domain;
  const f = ((v: number) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  f.domain = [d0, d1];
  f.range = range;
  return f;
}

function niceNum(x: number, round: boolean): number {
  const e = Math.floor(Math.log10(x));
  const f = x / 10 ** e;
  let nf: number;
  if (round) nf = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10;
  else nf = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
  return nf * 10 ** e;
}

/** About `target` round tick values covering [min, max] (just the ends when the span is below floating-point resolution). */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) return [min];
  const range = niceNum(max - min, false);
  const step = niceNum(range / Math.max(1, target - 1), true);
  if (!(step > 0) || !Number.isFinite(step)) return [min, max];
  const first = Math.ceil(min / step - 1e-9);
  const count = Math.floor(max / step + 1e-9) - first + 1;
  // spans below floating-point resolution or absurd counts: just the ends
  if (!(count >= 1 && count <= 1000) || first * step + step === first * step) return [min, max];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = (first + i) * step;
    if (!Number.isFinite(v)) continue;
    out.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(15)));
  }
  return out;
}

/** Extent of finite values, padded by `pad` of the span. */
export function extent(values: Iterable<number>, pad = 0): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo > hi) return [0, 1];
  const p = (hi - lo || Math.abs(hi) || 1) * pad;
  return [lo - p, hi + p];
}

export function fmt(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return "–";
  const n = Number(v.toPrecision(digits));
  return Number.isFinite(n) ? n.toString() : v.toExponential(digits - 1);
}

/** Coordinates rounded to 0.01 px. */
export function px(v: number): string {
  return Number.isFinite(v) ? (Math.round(v * 100) / 100).toString() : "0";
}

export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export interface Frame {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export function plotArea(f: Frame): { x0: number; x1: number; y0: number; y1: number } {
  return {
    x0: f.margin.left,
    x1: f.width - f.margin.right,
    y0: f.height - f.margin.bottom,
    y1: f.margin.top,
  };
}

export function svgOpen(width: number, height: number, title: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="Helvetica, Arial, sans-serif" font-size="11" role="img"><title>${esc(title)}</title>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`
  );
}

/** Bottom and left axes with ticks and labels. */
export function axes(
  x: Scale,
  y: Scale,
  xLabel: string,
  yLabel: string,
  xTicks?: number[],
  yTicks?: number[],
): string {
  const [xa, xb] = x.range;
  const [ya, yb] = y.range;
  const xt = xTicks ?? niceTicks(x.domain[0], x.domain[1]);
  const yt = yTicks ?? niceTicks(Math.min(...y.domain), Math.max(...y.domain));
  let s = `<g class="axes" stroke="#333" fill="none"><line x1="${px(xa)}" y1="${px(ya)}" x2="${px(xb)}" y2="${px(ya)}"/>`;
  s += `<line x1="${px(xa)}" y1="${px(ya)}" x2="${px(xa)}" y2="${px(yb)}"/></g><g class="ticks" fill="#333">`;
  for (const t of xt) {
    const xp = x(t);
    s += `<line x1="${px(xp)}" y1="${px(ya)}" x2="${px(xp)}" y2="${px(ya + 4)}" stroke="#333"/>`;
    s += `<text x="${px(xp)}" y="${px(ya + 15)}" text-anchor="middle">${esc(fmt(t))}</text>`;
  }
  for (const t of yt) {
    const yp = y(t);
    s += `<line x1="${px(xa - 4)}" y1="${px(yp)}" x2="${px(xa)}" y2="${px(yp)}" stroke="#333"/>`;
    s += `<text x="${px(xa - 6)}" y="${px(yp + 4)}" text-anchor="end">${esc(fmt(t))}</text>`;
  }
  s += `</g><text x="${px((xa + xb) / 2)}" y="${px(ya + 32)}" text-anchor="middle">${esc(xLabel)}</text>`;
  s += `<text transform="translate(${px(xa - 40)} ${px((ya + yb) / 2)}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`;
  return s;
}

export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
