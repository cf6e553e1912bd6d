/**
 * Strict ISO 8601 date-times (core/units/isoTime.ts). Reference values: Python's
 * datetime.fromisoformat(...).timestamp() (CPython, independent of JavaScript's Date), and for
 * the property test Date.UTC, which is correct for valid fields (it only misbehaves — rolls
 * over — for invalid ones, which is what the parser must refuse).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../../../src/core/errors.js";
import { daysInMonth, isIsoDateTime, parseIsoDateTime } from "../../../src/core/units/isoTime.js";

describe("parseIsoDateTime", () => {
  it("equals Python datetime for valid date-times (Z, ±HH:MM, ±HHMM, fractions)", () => {
    // python3 -c "import datetime; print(int(datetime.datetime.fromisoformat(S).timestamp()*1000))"
    expect(parseIsoDateTime("2026-03-04T09:00:00Z")).toBe(1772614800000);
    expect(parseIsoDateTime("2024-02-29T23:59:59.250+05:30")).toBe(1709231399250);
    expect(parseIsoDateTime("1999-12-31T23:00:00-0130")).toBe(946686600000);
    expect(parseIsoDateTime("2026-03-04T09:00Z")).toBe(1772614800000);
  });
  it.each([
    ["2026-02-30T09:00:00Z", /a day 01–28 for 2026-02/],
    ["2025-02-29T09:00:00Z", /a day 01–28/],
    ["1900-02-29T09:00:00Z", /a day 01–28/], // century, not a leap year
    ["2026-04-31T09:00:00Z", /a day 01–30/],
    ["2026-00-10T09:00:00Z", /a month 01–12/],
    ["2026-13-10T09:00:00Z", /a month 01–12/],
    ["2026-03-01T24:00:00Z", /an hour 00–23/],
    ["2026-03-01T09:60:00Z", /minutes 00–59/],
    ["2026-03-01T09:00:60Z", /seconds 00–59/],
    ["2026-03-01T09:00:00+24:00", /time-zone offset/],
    ["2026-03-01T09:00:00", /time zone/],
    ["2026-03-01", /time zone/],
    ["2026-3-1T09:00:00Z", /the form/],
    ["yesterday", /the form/],
    ["", /the form/],
  ])("refuses %s", (s, why) => {
    expect(() => parseIsoDateTime(s, { field: "--injected" })).toThrow(InputError);
    expect(() => parseIsoDateTime(s, { field: "--injected" })).toThrow(why);
  });
  it("2000-02-29 exists (divisible by 400)", () => expect(isIsoDateTime("2000-02-29T00:00:00Z")).toBe(true));

  it("agrees with Date.UTC for every valid field combination (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
        (y, mo, d, h, mi, s, off) => {
          const p2 = (n: number, w = 2) => String(Math.abs(n)).padStart(w, "0");
          const zone = `${off < 0 ? "-" : "+"}${p2(Math.floor(Math.abs(off) / 60))}:${p2(Math.abs(off) % 60)}`;
          const text = `${p2(y, 4)}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(s)}${zone}`;
          if (d > daysInMonth(y, mo)) {
            expect(() => parseIsoDateTime(text)).toThrow(InputError);
            return;
          }
          const utc = new Date(0);
          utc.setUTCFullYear(y, mo - 1, d);
          utc.setUTCHours(h, mi, s, 0);
          expect(parseIsoDateTime(text)).toBe(utc.getTime() - off * 60_000);
        },
      ),
    );
  });

  it("fuzz: any string gives a number or an InputError, never another exception", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 40 }),
          fc
            .tuple(
              fc.nat(9999),
              fc.nat(99),
              fc.nat(99),
              fc.nat(99),
              fc.nat(99),
              fc.constantFrom("Z", "+01:00", "", "-9999"),
            )
            .map(([y, m, d, h, mi, z]) => `${y}-${m}-${d}T${h}:${mi}${z}`),
        ),
        (s) => {
          try {
            expect(Number.isFinite(parseIsoDateTime(s))).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(InputError);
          }
        },
      ),
    );
  });
});
