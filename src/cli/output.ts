/**
 * Output conventions for every command: `--json` prints exactly one JSON document on
 * stdout; `--out FILE` writes it (JSON, or CSV when FILE ends in .csv) instead; otherwise a
 * human-readable table. Non-finite numbers never reach JSON: they become null.
 */
import { writeFileSync } from "node:fs";
import { toCsv } from "../io/csv.js";

export interface OutputOptions {
  json?: boolean;
  out?: string;
}

export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) return Array.from(v);
  return v;
}

export function toJson(value: unknown, pretty = false): string {
  return JSON.stringify(value, jsonReplacer, pretty ? 2 : undefined);
}

/** Emit a command's result following the conventions above. */
export function emit(value: unknown, opts: OutputOptions, human?: () => string): void {
  if (opts.out) {
    if (opts.out.endsWith(".csv") && Array.isArray(value)) {
      writeFileSync(opts.out, toCsv(value.map((r) => flatten(r))));
    } else {
      writeFileSync(opts.out, `${toJson(value, true)}\n`);
    }
    if (!opts.json) process.stderr.write(`wrote ${opts.out}\n`);
  }
  if (opts.json) {
    process.stdout.write(`${toJson(value)}\n`);
    return;
  }
  if (!opts.out) process.stdout.write(human ? human() : formatTable(value));
}

function flatten(row: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (row === null || typeof row !== "object") return { value: row };
  for (const [k, v] of Object.entries(row as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) Object.assign(out, flatten(v, key));
    else out[key] = Array.isArray(v) ? v.join(" ") : v;
  }
  return out;
}

/** Plain aligned text table for arrays of flat objects; JSON otherwise. */
export function formatTable(value: unknown): string {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== "object") {
    return `${toJson(value, true)}\n`;
  }
  const rows = value.map((r) => flatten(r));
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const fmt = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    if (typeof v === "number") return Number.isInteger(v) ? String(v) : Number(v.toPrecision(6)).toString();
    return String(v);
  };
  const cells = rows.map((r) => cols.map((c) => fmt(r[c])));
  const widths = cols.map((c, j) => Math.max(c.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]) =>
    r
      .map((s, j) => s.padEnd(widths[j]))
      .join("  ")
      .trimEnd();
  return `${[line(cols), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)].join("\n")}\n`;
}
