import { InputError } from "../core/errors.js";
import { readCsvBytes } from "./readInput.js";

export interface Table {
  file: string;
  columns: string[];
  rows: string[][];
}

export function parseCsv(text: string, file = "<csv>"): Table {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n|$/)));
  const delim = detectDelimiter(firstLine);
  const records: string[][] = [];
  let field = "";
  let rec: string[] = [];
  let inQuotes = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && field.length === 0) {
      inQuotes = true;
      i++;
    } else if (c === delim) {
      rec.push(field);
      field = "";
      i++;
    } else if (c === "\n" || c === "\r") {
      rec.push(field);
      records.push(rec);
      rec = [];
      field = "";
      if (c === "\r" && text[i + 1] === "\n") i++;
      i++;
    } else {
      field += c;
      i++;
    }
  }
  if (inQuotes)
    throw new InputError({ file, field: "quoting", expected: "a closing quote before end of file" });
  if (field.length > 0 || rec.length > 0) {
    rec.push(field);
    records.push(rec);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0].trim() === ""));
  if (nonEmpty.length === 0) throw new InputError({ file, expected: "a header row (the file is empty)" });
  const columns = nonEmpty[0].map((h) => h.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === "")
      throw new InputError({ file, field: "header", value: nonEmpty[0], expected: "no empty column names" });
    if (seen.has(c))
      throw new InputError({ file, field: "header", value: c, expected: "unique column names" });
    seen.add(c);
  }
  const rows = nonEmpty.slice(1);
  rows.forEach((r, k) => {
    if (r.length !== columns.length) {
      throw new InputError({
        file,
        field: `row ${k + 1}`,
        value: r.length,
        expected: `${columns.length} fields as in the header`,
      });
    }
  });
  return { file, columns, rows };
}

function detectDelimiter(header: string): string {
  const counts = [",", "\t", ";"].map((d) => [d, header.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ",";
}

/**
 * Read a CSV file. A file with a header and no data rows is an InputError (a table with
 * nothing in it is never analysed into `[]`) unless `allowEmpty`; so is a file with NUL bytes
 * (a binary file, not text).
 */
export function readCsv(path: string, opts: { allowEmpty?: boolean } = {}): Table {
  const bytes = readCsvBytes(path);
  const t = parseCsv(bytes.toString("utf8"), path);
  if (t.rows.length === 0 && !opts.allowEmpty)
    throw new InputError({
      file: path,
      field: "rows",
      expected: `at least one data row below the header (${t.columns.join(", ")})`,
    });
  return t;
}

export function columnIndex(t: Table, name: string): number {
  const i = t.columns.indexOf(name);
  if (i < 0) {
    throw new InputError({
      file: t.file,
      field: "column",
      value: name,
      expected: `one of ${t.columns.join(", ")}`,
    });
  }
  return i;
}

export function hasColumn(t: Table, name: string): boolean {
  return t.columns.includes(name);
}

export function stringColumn(t: Table, name: string): string[] {
  const j = columnIndex(t, name);
  return t.rows.map((r) => r[j].trim());
}

export interface NumericColumnOptions {
  /** empty cells (and NA/NaN/.) become NaN instead of an error */
  allowMissing?: boolean;
}

const MISSING = new Set(["", "NA", "NaN", "nan", ".", "BLQ", "null"]);

/** A numeric column; every non-number names file, column, row and value. */
export function numericColumn(t: Table, name: string, opts: NumericColumnOptions = {}): Float64Array {
  const j = columnIndex(t, name);
  const out = new Float64Array(t.rows.length);
  for (let k = 0; k < t.rows.length; k++) {
    const raw = t.rows[k][j].trim();
    if (MISSING.has(raw)) {
      if (opts.allowMissing) {
        out[k] = Number.NaN;
        continue;
      }
      throw new InputError({
        file: t.file,
        field: `column ${name}, row ${k + 1}`,
        value: raw,
        expected: "a number",
      });
    }
    const v = Number(raw);
    if (!Number.isFinite(v)) {
      throw new InputError({
        file: t.file,
        field: `column ${name}, row ${k + 1}`,
        value: raw,
        expected: "a finite number",
      });
    }
    out[k] = v;
  }
  return out;
}

/** Serialise rows of objects to CSV (header = keys of the first row, or `columns`). */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const cols = columns ?? (rows.length ? Object.keys(rows[0]) : []);
  const esc = (v: unknown): string => {
    if (v === null || v === undefined) return "";
    const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(","), ...rows.map((r) => cols.map((c) => esc(r[c])).join(","))].join("\n") + "\n";
}
