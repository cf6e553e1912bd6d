/**
 * Importers for ROI/VOI statistics exported by other tools, into one row shape
 * { roi, frame, time_s, mean, sd, min, max, voxels, volume_mm3, unit }:
 *  - PMOD "VOI statistics" text export (.voistat/.txt): comment lines start with "//", a
 *    tab-separated header with units in brackets, e.g. `VoiName(Region) [string]`,
 *    `Time [seconds]`, `Averaged [kBq/cc]`, `SD [kBq/cc]`, `Volume [ccm]`;
 *  - AMIDE "ROI statistics" export: comment lines start with "#", tab-separated columns such as
 *    `ROI`, `Frame`, `Time Midpt (s)`, `Mean`, `Std Err`/`Var`, `Min`, `Max`, `Size (mm^3)`, `Voxels`;
 *  - generic CSV with the same column names as `eprscope roi stats`.
 * Columns are recognised by name (case-insensitive); volumes in cc/ccm/mL are converted to mm³,
 * times in minutes to seconds. Unrecognised files give an InputError listing the header found.
 */
import { InputError } from "../../core/errors.js";

export interface RoiTableRow {
  roi: string;
  frame: number | null;
  time_s: number | null;
  mean: number;
  sd: number | null;
  min: number | null;
  max: number | null;
  voxels: number | null;
  volume_mm3: number | null;
  unit: string | null;
}

interface Column {
  index: number;
  unit: string | null;
}

const PATTERNS: Record<keyof Omit<RoiTableRow, "unit">, RegExp> = {
  roi: /^(voi ?name|roi( ?name)?|region|label|name)\b/i,
  frame: /^frame\b/i,
  time_s: /^(time( ?midpt)?|mid ?time|frame ?mid)/i,
  mean: /^(averaged?|mean)\b/i,
  sd: /^(sd|std(dev)?|standard deviation)\b/i,
  min: /^min/i,
  max: /^max/i,
  voxels: /^(voxels|number ?of ?(voxels|pixels)|n ?voxels)/i,
  volume_mm3: /^(volume|size)\b/i,
};

function unitOf(header: string): string | null {
  const m = /\[([^\]]+)\]|\(([^)]+)\)/.exec(header);
  return m ? (m[1] ?? m[2]).trim() : null;
}

export function parseRoiTable(text: string, file = "<roi table>"): RoiTableRow[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== "" && !l.startsWith("//") && !l.startsWith("#"));
  if (lines.length < 2) throw new InputError({ file, expected: "a header line and at least one data line" });
  const sep = lines[0].includes("\t") ? "\t" : lines[0].includes(";") ? ";" : ",";
  const header = lines[0].split(sep).map((h) => h.trim());
  const cols: Partial<Record<keyof typeof PATTERNS, Column>> = {};
  header.forEach((h, index) => {
    for (const [key, re] of Object.entries(PATTERNS) as [keyof typeof PATTERNS, RegExp][]) {
      if (!cols[key] && re.test(h)) {
        cols[key] = { index, unit: unitOf(h) };
        break;
      }
    }
  });
  if (!cols.roi || !cols.mean)
    throw new InputError({
      file,
      field: "header",
      value: header,
      expected: "an ROI name column and a mean/averaged column (PMOD, AMIDE or eprscope format)",
    });
  const volScale = (() => {
    const u = (cols.volume_mm3?.unit ?? "mm^3").toLowerCase();
    return /cc|ml|cm/.test(u) ? 1000 : /mm/.test(u) ? 1 : 1;
  })();
  const timeScale = /min/i.test(cols.time_s?.unit ?? "") ? 60 : 1;
  return lines.slice(1).map((line, r) => {
    const cells = line.split(sep).map((c) => c.trim());
    const num = (key: keyof typeof PATTERNS): number | null => {
      const c = cols[key];
      if (!c) return null;
      const v = Number(cells[c.index]);
      if (cells[c.index] === undefined || cells[c.index] === "" || !Number.isFinite(v)) {
        if (key === "mean")
          throw new InputError({
            file,
            field: `row ${r + 1}, column ${header[c.index]}`,
            value: cells[c.index],
            expected: "a number",
          });
        return null;
      }
      return v;
    };
    const vol = num("volume_mm3");
    const t = num("time_s");
    return {
      roi: cells[(cols.roi as Column).index],
      frame: num("frame"),
      time_s: t === null ? null : t * timeScale,
      mean: num("mean") as number,
      sd: num("sd"),
      min: num("min"),
      max: num("max"),
      voxels: num("voxels"),
      volume_mm3: vol === null ? null : vol * volScale,
      unit: cols.mean?.unit ?? null,
    };
  });
}
