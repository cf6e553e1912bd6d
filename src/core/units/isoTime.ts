/**
 * Strict ISO 8601 / RFC 3339 date-times: `YYYY-MM-DDTHH:MM[:SS[.fraction]]` followed by a time
 * zone (`Z`, `±HH:MM` or `±HHMM`), parsed field by field into milliseconds since the epoch.
 * Hand-written because `Date.parse` silently rolls impossible dates over (2026-02-30 → 2 March,
 * 24:30 → next day) and reads zone-less strings in the machine's local time zone, so the same
 * file would give different decay corrections on different machines. The calendar is the
 * proleptic Gregorian one (leap years: divisible by 4, except centuries not divisible by 400).
 * Pure: no Node APIs.
 */
import { InputError } from "../errors.js";

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})$/;

export const ISO_EXAMPLE = "2026-03-04T09:00:00Z";

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/** Why `s` is not a valid date-time, or null when it is. */
export function isoDateTimeProblem(s: string): string | null {
  const m = ISO.exec(s);
  if (!m) return `the form YYYY-MM-DDTHH:MM[:SS][.sss] with a time zone (Z or ±HH:MM), e.g. ${ISO_EXAMPLE}`;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  if (mo < 1 || mo > 12) return `a month 01–12 (got ${m[2]})`;
  if (d < 1 || d > daysInMonth(y, mo))
    return `a day 01–${daysInMonth(y, mo)} for ${m[1]}-${m[2]} (got ${m[3]})`;
  if (h > 23) return `an hour 00–23 (got ${m[4]})`;
  if (mi > 59) return `minutes 00–59 (got ${m[5]})`;
  if (sec > 59) return `seconds 00–59 (got ${m[6]})`;
  if (m[8] !== "Z") {
    const z = m[8].replace(":", "");
    const zh = Number(z.slice(1, 3));
    const zm = Number(z.slice(3, 5));
    if (zh > 23 || zm > 59) return `a time-zone offset ±00:00–±23:59 (got ${m[8]})`;
  }
  return null;
}

/** Milliseconds since 1970-01-01T00:00:00Z; InputError (naming `field`) for anything invalid. */
export function parseIsoDateTime(s: string, where: { file?: string; field?: string } = {}): number {
  const problem = typeof s === "string" ? isoDateTimeProblem(s) : "a string";
  if (problem !== null)
    throw new InputError({ ...where, value: s, expected: `an ISO 8601 date-time: ${problem}` });
  const m = ISO.exec(s) as RegExpExecArray;
  const [y, mo, d, h, mi] = [m[1], m[2], m[3], m[4], m[5]].map(Number);
  const sec = m[6] === undefined ? 0 : Number(m[6]);
  const frac = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
  let offsetMin = 0;
  if (m[8] !== "Z") {
    const z = m[8].replace(":", "");
    offsetMin = (z[0] === "-" ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  const utc = new Date(0);
  utc.setUTCFullYear(y, mo - 1, d);
  utc.setUTCHours(h, mi, sec, 0);
  return utc.getTime() + frac - offsetMin * 60_000;
}

export function isIsoDateTime(s: string): boolean {
  return typeof s === "string" && isoDateTimeProblem(s) === null;
}
