/**
 * Output conventions for every command: `--json` prints exactly one JSON document on
 * stdout; `--out FILE` writes it (JSON, or CSV when FILE ends in .csv) instead; otherwise a
 * human-readable table. Non-finite numbers never reach JSON: they become null.
 *
 * `--out` is checked before anything is written (and, through `checkOutPath`, before the work
 * starts): it must be a file in an existing, writable folder, not a folder, and never one of
 * the command's inputs or inside an input folder (assertOutputOutsideInputs; inputs are the
 * positional arguments naming existing paths, recorded by main.ts, plus any passed here).
 * Every problem is an InputError (exit 2) naming `--out`. An empty result table (a
 * header-only file, a filter that selects nothing) is an InputError too, never `[]`.
 */
import { accessSync, constants, existsSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InputError } from "../core/errors.js";
import { toCsv } from "../io/csv.js";
import { assertOutputOutsideInputs } from "../io/safePaths.js";

export interface OutputOptions {
  json?: boolean;
  out?: string;
  /** input files/folders of the command, besides the recorded positional arguments */
  inputs?: string[];
  /** message for an empty result table (default: a generic "selects no rows") */
  emptyMessage?: string;
}

let commandInputs: string[] = [];

/** Record the positional arguments of the running command that name existing paths. */
export function setCommandInputs(args: readonly unknown[]): void {
  commandInputs = args.filter((a): a is string => typeof a === "string" && a !== "" && existsSync(a));
}

export function recordedInputs(): string[] {
  return [...commandInputs];
}

/** Refuse an --out path that cannot be written, is a folder, or is (inside) an input. */
export function checkOutPath(out: string, inputs: string[] = []): void {
  if (out.trim() === "") throw new InputError({ field: "--out", value: out, expected: "a file name" });
  assertOutputOutsideInputs(out, [...commandInputs, ...inputs]);
  const abs = resolve(out);
  if (/[\\/]$/.test(out) || (existsSync(abs) && statSync(abs).isDirectory()))
    throw new InputError({ field: "--out", value: out, expected: "a file name (this is a folder)" });
  const parent = dirname(abs);
  if (!existsSync(parent))
    throw new InputError({
      field: "--out",
      value: out,
      expected: `a file in an existing folder (${parent} does not exist)`,
    });
  if (!statSync(parent).isDirectory())
    throw new InputError({
      field: "--out",
      value: out,
      expected: `a file in a folder (${parent} is a file)`,
    });
  try {
    accessSync(existsSync(abs) ? abs : parent, constants.W_OK);
  } catch {
    throw new InputError({
      field: "--out",
      value: out,
      expected: `a writable location (permission denied on ${existsSync(abs) ? abs : parent})`,
    });
  }
}

export function jsonReplacer(_k: string, v: unknown): unknown {
  if (typeof v === "number" && !Number.isFinite(v)) return null;
  if (v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array) return Array.from(v);
  return v;
}

export function toJson(value: unknown, pretty = false): string {
  return JSON.stringify(value, jsonReplacer, pretty ? 2 : undefined);
}

function writeOut(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new InputError({ field: "--out", value: path, expected: `a writable file (${code})` });
  }
}

/** Emit a command's result following the conventions above. */
export function emit(value: unknown, opts: OutputOptions, human?: () => string): void {
  if (Array.isArray(value) && value.length === 0) {
    throw new InputError({
      field: "input",
      expected: opts.emptyMessage ?? "input that selects at least one row (the result is empty)",
    });
  }
  if (opts.out) {
    checkOutPath(opts.out, opts.inputs);
    if (opts.out.endsWith(".csv") && Array.isArray(value)) {
      writeOut(opts.out, toCsv(value.map((r) => flatten(r))));
    } else {
      writeOut(opts.out, `${toJson(value, true)}\n`);
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
