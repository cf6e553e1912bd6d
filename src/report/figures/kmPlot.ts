/**
 * Kaplan–Meier curves: right-continuous step functions starting at S = 1, a tick mark at
 * every censoring time, and a numbers-at-risk table under the axis at the x ticks
 * (n at risk at t = subjects with time ≥ t, from the curve's own steps). The legend sits above
 * the plot (never cut at the right edge) and the left margin is wide enough for the at-risk row
 * labels, so they never overlap the numbers at t = 0.
 */
import { axes, esc, extent, linearScale, niceTicks, PALETTE, px, svgOpen } from "./scale.js";

export interface KmCurveData {
  label: string;
  steps: { time: number; surv: number; nRisk: number; nEvent: number; nCensor: number }[];
}

export interface KmPlotOptions {
  width?: number;
  height?: number;
  title?: string;
  xLabel?: string;
  /** times for the at-risk table (default: the x ticks) */
  riskTimes?: number[];
}

function atRisk(c: KmCurveData, t: number): number {
  for (const st of c.steps) if (st.time >= t) return st.nRisk;
  return 0;
}

export function kmPlotSvg(curves: KmCurveData[], o: KmPlotOptions = {}): string {
  const textW = (t: string) => t.length * 11 * 0.56;
  const rowH = 14;
  const tableH = 28 + rowH * curves.length;
  const labelW = Math.max(60, ...curves.map((c) => textW(c.label))) + 16;
  const left = Math.max(70, labelW + 10);
  const W = (o.width ?? 520) + (left - 70);
  const legendH = 14 * curves.length + 6;
  const H = (o.height ?? 360) + tableH + legendH;
  const m = { top: 20 + legendH, right: 20, bottom: 45 + tableH, left };
  const [, tMax] = extent(
    curves.flatMap((c) => c.steps.map((s) => s.time)),
    0,
  );
  const x = linearScale([0, Math.max(tMax, 1e-9)], [m.left, W - m.right]);
  const y = linearScale([0, 1], [H - m.bottom, m.top]);
  const ticks = o.riskTimes ?? niceTicks(0, tMax);
  let s = svgOpen(W, H, o.title ?? "Kaplan–Meier survival");
  s += axes(x, y, o.xLabel ?? "time", "survival probability", ticks, [0, 0.25, 0.5, 0.75, 1]);
  curves.forEach((c, k) => {
    const col = PALETTE[k % PALETTE.length];
    let d = `M${px(x(0))},${px(y(1))}`;
    let prev = 1;
    let ticksPath = "";
    for (const st of c.steps) {
      if (!Number.isFinite(st.time) || !Number.isFinite(st.surv)) continue;
      d += ` H${px(x(st.time))}`;
      if (st.surv !== prev) d += ` V${px(y(st.surv))}`;
      prev = st.surv;
      if (st.nCensor > 0) ticksPath += `M${px(x(st.time))},${px(y(st.surv) - 4)} v8 `;
    }
    s += `<path class="km" d="${d}" fill="none" stroke="${col}" stroke-width="2"/>`;
    if (ticksPath) s += `<path class="censor" d="${ticksPath.trim()}" stroke="${col}" stroke-width="1.5"/>`;
  });
  // numbers at risk
  const top = H - tableH + 10;
  s += `<g class="risk-table"><text x="${px(8)}" y="${px(top)}" font-weight="bold">Number at risk</text>`;
  curves.forEach((c, k) => {
    const yy = top + rowH * (k + 1);
    s += `<text x="${px(m.left - 14)}" y="${px(yy)}" text-anchor="end" fill="${PALETTE[k % PALETTE.length]}">${esc(c.label)}</text>`;
    for (const t of ticks) {
      s += `<text class="n-risk" x="${px(x(t))}" y="${px(yy)}" text-anchor="middle">${atRisk(c, t)}</text>`;
    }
  });
  s += "</g>";
  // legend
  curves.forEach((c, k) => {
    const col = PALETTE[k % PALETTE.length];
    const ly = 14 + 14 * k;
    s += `<line class="legend" x1="${px(m.left)}" y1="${px(ly)}" x2="${px(m.left + 20)}" y2="${px(ly)}" stroke="${col}" stroke-width="2"/>`;
    s += `<text x="${px(m.left + 25)}" y="${px(ly + 4)}">${esc(c.label)}</text>`;
  });
  return `${s}</svg>`;
}
