import { InputError } from "../core/errors.js";
import { parseCsv } from "./csv.js";
import { readCsvBytes } from "./readInput.js";

export interface NumericTable {
  file: string;
  columns: string[];
  nRows: number;
  /** column-major: column c occupies data[c * nRows, (c + 1) * nRows) */
  data: Float64Array;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** a column of the table (a view, no copy) */
export function numericTableColumn(t: NumericTable, name: string): Float64Array {
  const j = t.columns.indexOf(name);
  if (j < 0)
    throw new InputError({
      file: t.file,
      field: "column",
      value: name,
      expected: `one of ${t.columns.join(", ")}`,
    });
  return t.data.subarray(j * t.nRows, (j + 1) * t.nRows);
}

function fromTextTable(file: string, text: string): NumericTable {
  const t = parseCsv(text, file);
  const nRows = t.rows.length;
  const data = new Float64Array(t.columns.length * nRows);
  t.columns.forEach((name, j) => {
    for (let k = 0; k < nRows; k++) data[j * nRows + k] = cellValue(file, name, k + 1, t.rows[k][j].trim());
  });
  return { file, columns: t.columns, nRows, data };
}

function cellValue(file: string, column: string, row: number, raw: string): number {
  const v = raw === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(v))
    throw new InputError({
      file,
      field: `column ${column}, row ${row}`,
      value: raw,
      expected: raw === "" || /^(NA|NaN|nan|\.|BLQ|null)$/.test(raw) ? "a number" : "a finite number",
    });
  return v;
}

export function parseNumericCsv(bytes: Uint8Array, file = "<csv>"): NumericTable {
  const n = bytes.length;
  let p = 0;
  if (n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) p = 3;
  // quotes anywhere: the general parser
  if (bytes.indexOf(0x22, p) >= 0) return fromTextTable(file, Buffer.from(bytes).toString("utf8"));
  // header line
  let eol = p;
  while (eol < n && bytes[eol] !== 0x0a && bytes[eol] !== 0x0d) eol++;
  const header = Buffer.from(bytes.buffer, bytes.byteOffset + p, eol - p).toString("utf8");
  const counts = [",", "\t", ";"]
    .map((d) => [d, header.split(d).length - 1] as const)
    .sort((a, b) => b[1] - a[1]);
  const delim = counts[0][1] > 0 ? counts[0][0] : ",";
  const dc = delim.charCodeAt(0);
  const columns = header.split(delim).map((h) => h.trim());
  if (header.trim() === "") throw new InputError({ file, expected: "a header row (the file is empty)" });
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === "")
      throw new InputError({ file, field: "header", value: columns, expected: "no empty column names" });
    if (seen.has(c))
      throw new InputError({ file, field: "header", value: c, expected: "unique column names" });
    seen.add(c);
  }
  const nc = columns.length;
  // count data rows (non-blank lines) to size the table
  let rowsCap = 0;
  {
    let blank = true;
    for (let i = eol; i < n; i++) {
      const b = bytes[i];
      if (b === 0x0a || b === 0x0d) {
        if (!blank) rowsCap++;
        blank = true;
      } else if (b !== 0x20 && b !== 0x09) blank = false;
    }
    if (!blank) rowsCap++;
  }
  const rowMajor = new Float64Array(rowsCap * nc);
  let row = 0;
  p = eol;
  const raw = (a: number, b: number) =>
    Buffer.from(bytes.buffer, bytes.byteOffset + a, b - a)
      .toString("utf8")
      .trim();
  while (p < n) {
    // next non-blank line: skip line breaks and whitespace-only lines
    let q = p;
    while (
      q < n &&
      bytes[q] !== dc &&
      (bytes[q] === 0x0a || bytes[q] === 0x0d || bytes[q] === 0x20 || bytes[q] === 0x09)
    )
      q++;
    if (q >= n) break;
    let lineStart = q;
    while (lineStart > p && bytes[lineStart - 1] !== 0x0a && bytes[lineStart - 1] !== 0x0d) lineStart--;
    p = lineStart;
    let col = 0;
    const base = row * nc;
    for (;;) {
      // one cell: [p, end)
      let s = p;
      while (s < n && (bytes[s] === 0x20 || (bytes[s] === 0x09 && dc !== 0x09))) s++;
      let i = s;
      let neg = false;
      if (bytes[i] === 0x2d) {
        neg = true;
        i++;
      } else if (bytes[i] === 0x2b) i++;
      let mant = 0;
      let digits = 0;
      let fracDigits = 0;
      let any = false;
      while (i < n) {
        const b = bytes[i] - 48;
        if (b < 0 || b > 9) break;
        if (digits > 0 || b > 0) digits++;
        mant = mant * 10 + b;
        any = true;
        i++;
      }
      if (bytes[i] === 0x2e) {
        i++;
        while (i < n) {
          const b = bytes[i] - 48;
          if (b < 0 || b > 9) break;
          if (digits > 0 || b > 0) digits++;
          mant = mant * 10 + b;
          fracDigits++;
          any = true;
          i++;
        }
      }
      let exp = 0;
      let ok = any;
      if (ok && (bytes[i] === 0x65 || bytes[i] === 0x45)) {
        i++;
        let eneg = false;
        if (bytes[i] === 0x2d) {
          eneg = true;
          i++;
        } else if (bytes[i] === 0x2b) i++;
        let ed = 0;
        while (i < n) {
          const b = bytes[i] - 48;
          if (b < 0 || b > 9) break;
          exp = exp * 10 + b;
          ed++;
          i++;
        }
        if (ed === 0) ok = false;
        if (eneg) exp = -exp;
      }
      let e = i;
      while (e < n && (bytes[e] === 0x20 || (bytes[e] === 0x09 && dc !== 0x09))) e++;
      const atEnd = e >= n || bytes[e] === dc || bytes[e] === 0x0a || bytes[e] === 0x0d;
      let v: number;
      const e10 = exp - fracDigits;
      if (ok && atEnd && digits <= 15 && e10 >= -22 && e10 <= 22) {
        v = e10 < 0 ? mant / POW10[-e10] : mant * POW10[e10];
        if (neg) v = -v;
      } else {
        // find the cell end, then the general conversion (names file, column, row)
        while (e < n && bytes[e] !== dc && bytes[e] !== 0x0a && bytes[e] !== 0x0d) e++;
        if (col >= nc)
          throw new InputError({
            file,
            field: `row ${row + 1}`,
            value: col + 1,
            expected: `${nc} fields as in the header`,
          });
        v = cellValue(file, columns[col], row + 1, raw(s, e));
      }
      if (col >= nc)
        throw new InputError({
          file,
          field: `row ${row + 1}`,
          value: col + 1,
          expected: `${nc} fields as in the header`,
        });
      rowMajor[base + col] = v;
      col++;
      if (e < n && bytes[e] === dc) {
        p = e + 1;
        continue;
      }
      p = e;
      break;
    }
    if (col !== nc)
      throw new InputError({
        file,
        field: `row ${row + 1}`,
        value: col,
        expected: `${nc} fields as in the header`,
      });
    row++;
  }
  const data = new Float64Array(row * nc);
  for (let r = 0; r < row; r++) for (let c = 0; c < nc; c++) data[c * row + r] = rowMajor[r * nc + c];
  return { file, columns, nRows: row, data };
}

/** Read an all-numeric CSV file (at least one data row, no NUL bytes). */
export function readNumericCsv(path: string): NumericTable {
  const bytes = readCsvBytes(path);
  const t = parseNumericCsv(bytes, path);
  if (t.nRows === 0)
    throw new InputError({
      file: path,
      field: "rows",
      expected: `at least one data row below the header (${t.columns.join(", ")})`,
    });
  return t;
}
