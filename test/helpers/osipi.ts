/** Loader for the OSIPI DCE-DSC-MRI code-collection CSVs (test/reference/dce/README.md §2, §8). */
import { readFileSync } from "node:fs";
import { REF } from "./cli.js";

export type OsipiRow = Record<string, string>;

export function readOsipi(relPath: string): OsipiRow[] {
  let text = readFileSync(`${REF}/dce/${relPath}`, "utf8");
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== "");
  const header = lines[0].split(",");
  return lines.slice(1).map((l) => {
    const cells = l.split(",");
    const row: OsipiRow = {};
    header.forEach((h, i) => (row[h] = cells[i]));
    return row;
  });
}

export const arr = (cell: string): number[] => cell.trim().split(/\s+/).map(Number);
export const close = (m: number, r: number, atol: number, rtol: number) =>
  Number.isFinite(m) && Math.abs(m - r) <= atol + rtol * Math.abs(r);
