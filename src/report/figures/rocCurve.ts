/**
 * ROC curve(s): sensitivity against 1 − specificity as step lines through the empirical ROC
 * points, the chance diagonal, an AUC label per curve (with its CI when given) and an optional
 * marked cut-off point (e.g. Youden).
 */
import { axes, esc, fmt, linearScale, PALETTE, px, svgOpen } from "./scale.js";

export interface RocCurveData {
  label: string;
  points: { sensitivity: number; specificity: number }[];
  auc: number;
  ciLower?: number;
  ciUpper?: number;
  cutoff?: { sensitivity: number; specificity: number };
}

export function rocCurveSvg(
  curves: RocCurveData[],
  o: { width?: number; height?: number; title?: string } = {},
): string {
  const W = o.width ?? 400;
  const H = o.height ?? 400;
  const m = { top: 20, right: 20, bottom: 45, left: 55 };
  const x = linearScale([0, 1], [m.left, W - m.right]);
  const y = linearScale([0, 1], [H - m.bottom, m.top]);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  let s = svgOpen(W, H, o.title ?? "ROC curve");
  s += axes(x, y, "1 − specificity", "sensitivity", ticks, ticks);
  s += `<line class="chance" x1="${px(x(0))}" y1="${px(y(0))}" x2="${px(x(1))}" y2="${px(y(1))}" stroke="#999" stroke-dasharray="4 3"/>`;
  curves.forEach((c, k) => {
    const col = PALETTE[k % PALETTE.length];
    const pts = c.points
      .filter((p) => Number.isFinite(p.sensitivity) && Number.isFinite(p.specificity))
      .map((p) => [1 - p.specificity, p.sensitivity])
      .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    s += `<polyline class="roc" points="${pts.map(([a, b]) => `${px(x(a))},${px(y(b))}`).join(" ")}" fill="none" stroke="${col}" stroke-width="2"/>`;
    if (c.cutoff && Number.isFinite(c.cutoff.sensitivity) && Number.isFinite(c.cutoff.specificity)) {
      s += `<circle class="cutoff" cx="${px(x(1 - c.cutoff.specificity))}" cy="${px(y(c.cutoff.sensitivity))}" r="4" fill="${col}"/>`;
    }
    const ci =
      c.ciLower !== undefined && c.ciUpper !== undefined ? ` (${fmt(c.ciLower)}–${fmt(c.ciUpper)})` : "";
    s += `<text class="auc-label" x="${px(x(0.45))}" y="${px(y(0.08 + 0.07 * (curves.length - 1 - k)))}" fill="${col}">${esc(`${c.label}: AUC ${fmt(c.auc)}${ci}`)}</text>`;
  });
  return `${s}</svg>`;
}
