/**
 * Group colours shared with the report's SVG figures (src/report/figures/scale.ts PALETTE, by the
 * study's group order), so a group has one colour on every chart of the workspace.
 */
export const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

export function groupColors(groups: string[]): { domain: string[]; range: string[] } {
  return { domain: groups, range: groups.map((_, k) => PALETTE[k % PALETTE.length]) };
}

/** distinct colours for label-map values 1…n (organ legend, label LUT) */
export const LABEL_COLORS = [
  "#e6194b",
  "#3cb44b",
  "#ffe119",
  "#4363d8",
  "#f58231",
  "#911eb4",
  "#46f0f0",
  "#f032e6",
  "#bcf60c",
  "#fabebe",
  "#008080",
  "#e6beff",
];

export function hexRgb(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}
