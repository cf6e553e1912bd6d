import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../src/core/errors.js";
import { numericColumn, parseCsv, readCsv, stringColumn, toCsv } from "../../src/io/csv.js";

describe("CSV tables", () => {
  it("handles BOM, CRLF, quotes and tab delimiters", () => {
    const t = parseCsv('\ufeffa,b,"c d"\r\n1,"x, y",3\r\n4,"say ""hi""",6\r\n', "f.csv");
    expect(t.columns).toEqual(["a", "b", "c d"]);
    expect(stringColumn(t, "b")).toEqual(["x, y", 'say "hi"']);
    expect(Array.from(numericColumn(t, "a"))).toEqual([1, 4]);
    const tsv = parseCsv("time_s\tconc_mM\n0\t1.5\n", "g.tsv");
    expect(Array.from(numericColumn(tsv, "conc_mM"))).toEqual([1.5]);
  });

  it("names file, column, row and value for a bad number", () => {
    const t = parseCsv("time_s,conc\n0,1\n1,abc\n", "data.csv");
    expect(() => numericColumn(t, "conc")).toThrow(
      /data\.csv: column conc, row 2: got "abc"; expected a (finite )?number/,
    );
    expect(() => numericColumn(t, "nope")).toThrow(/expected one of time_s, conc/);
    expect(Array.from(numericColumn(parseCsv("a\nNA\n2\n"), "a", { allowMissing: true }))).toEqual([
      Number.NaN,
      2,
    ]);
  });

  it("rejects ragged rows and duplicate headers", () => {
    expect(() => parseCsv("a,b\n1\n", "r.csv")).toThrow(/row 1: got 1; expected 2 fields/);
    expect(() => parseCsv("a,a\n1,2\n")).toThrow(/unique column names/);
  });

  it("round-trips toCsv → parseCsv for arbitrary strings (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { minLength: 1, maxLength: 10 }), (pairs) => {
        const rows = pairs.map(([x, y]) => ({ x: `v${x}`, y: `w${y}` }));
        const t = parseCsv(toCsv(rows));
        return (
          t.rows.length === rows.length && t.rows.every((r, i) => r[0] === rows[i].x && r[1] === rows[i].y)
        );
      }),
    );
  });

  it("never crashes on random bytes: parses or throws InputError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        try {
          parseCsv(s);
        } catch (e) {
          if (!(e instanceof InputError)) throw e;
        }
      }),
    );
  });

  it("readCsv: a header-only file and a binary file are InputErrors, not empty tables", () => {
    const dir = mkdtempSync(join(tmpdir(), "csv-"));
    writeFileSync(join(dir, "h.csv"), "a,b\n");
    writeFileSync(join(dir, "bin.csv"), Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x00, 0x01]));
    expect(() => readCsv(join(dir, "h.csv"))).toThrow(
      /h\.csv: rows: expected at least one data row below the header \(a, b\)/,
    );
    expect(readCsv(join(dir, "h.csv"), { allowEmpty: true }).rows).toEqual([]);
    expect(() => readCsv(join(dir, "bin.csv"))).toThrow(/NUL bytes/);
    expect(() => readCsv(dir)).toThrow(/this is a folder/);
  });
  it("fuzz: numericColumn on arbitrary cells gives finite numbers or an InputError", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.double().map(String)), {
          minLength: 1,
          maxLength: 20,
        }),
        (cells) => {
          const text = `x\n${cells.map((c) => `"${c.replace(/"/g, '""')}"`).join("\n")}\n`;
          try {
            const t = parseCsv(text);
            const v = numericColumn(t, "x", { allowMissing: true });
            for (const x of v) expect(Number.isNaN(x) || Number.isFinite(x)).toBe(true);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
          }
        },
      ),
    );
  });
});
