/**
 * Scatter plot with a fitted regression line and its 95 % confidence band (the band is the
 * caller's, e.g. from src/core/stats/regression.ts `predictMean`). Non-finite points are
 * skipped (never a NaN attribute).
 */
import { linearRegression, predictMean } from "../../core/stats/regression.js";
import { axes, extent, linearScale, PALETTE, px, svgOpen } from "./scale.js";

export interface ScatterFitData {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** fitted line and band evaluated at increasing xs */
  fit?: { x: number[]; fit: number[]; lower: number[]; upper: number[] };
}

export interface ScatterFitOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** annotation, e.g. "r = 0.57 (0.44–0.69)" */
  label?: string;
}

/** least-squares line of y on x with its 95 % CI band (mean response), at 30 points from min to max x */
export function regressionBand(xs: number[], ys: number[]): NonNullable<ScatterFitData["fit"]> {
  const lm = linearRegression(ys, [xs]);
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  const grid = Array.from({ length: 30 }, (_, i) => lo + ((hi - lo) * i) / 29);
  const band = grid.map((g) => predictMean(lm, [g]));
  return {
    x: grid,
    fit: band.map((b) => b.fit),
    lower: band.map((b) => b.lower),
    upper: band.map((b) => b.upper),
  };
}

export function scatterFitSvg(data: ScatterFitData, o: ScatterFitOptions = {}): string {
  const W = o.width ?? 480;
  const H = o.height ?? 360;
  const m = { top: 20, right: 20, bottom: 45, left: 55 };
  const xs = Array.from(data.x);
  const ys = Array.from(data.y);
  const band = data.fit;
  const x = linearScale(extent([...xs, ...(band?.x ?? [])], 0.05), [m.left, W - m.right]);
  const y = linearScale(extent([...ys, ...(band?.lower ?? []), ...(band?.upper ?? [])], 0.05), [
    H - m.bottom,
    m.top,
  ]);
  let s = svgOpen(W, H, o.title ?? "scatter with regression fit");
  s += axes(x, y, o.xLabel ?? "x", o.yLabel ?? "y");
  if (band) {
    const ok = band.x.map((_, i) =>
      [band.x[i], band.fit[i], band.lower[i], band.upper[i]].every(Number.isFinite),
    );
    const idx = band.x.map((_, i) => i).filter((i) => ok[i]);
    if (idx.length >= 2) {
      const up = idx.map((i) => `${px(x(band.x[i]))},${px(y(band.upper[i]))}`);
      const lo = idx.reverse().map((i) => `${px(x(band.x[i]))},${px(y(band.lower[i]))}`);
      s += `<polygon class="ci-band" points="${[...up, ...lo].join(" ")}" fill="${PALETTE[0]}" fill-opacity="0.18" stroke="none"/>`;
      idx.reverse();
      s += `<polyline class="fit-line" points="${idx.map((i) => `${px(x(band.x[i]))},${px(y(band.fit[i]))}`).join(" ")}" fill="none" stroke="${PALETTE[0]}" stroke-width="2"/>`;
    }
  }
  s += '<g class="points">';
  for (let i = 0; i < xs.length; i++) {
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i])) continue;
    s += `<circle cx="${px(x(xs[i]))}" cy="${px(y(ys[i]))}" r="3" fill="#333" fill-opacity="0.7"/>`;
  }
  s += "</g>";
  if (o.label)
    s += `<text x="${px(m.left + 8)}" y="${px(m.top + 12)}">${o.label.replace(/[<>&"]/g, "")}</text>`;
  return `${s}</svg>`;
}
