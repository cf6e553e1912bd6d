/** Small readers of DICOM attribute values shared by the DICOM modules. */

/** seconds since midnight from a DICOM TM value (HHMMSS.frac); NaN when absent or malformed */
export function dicomTimeS(tm: unknown): number {
  const s = String(Array.isArray(tm) ? tm[0] : (tm ?? ""));
  const m = /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?$/.exec(s.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0) + Number(m[4] ?? 0);
}

/** all values of a multi-valued numeric attribute (array, backslash string or scalar) */
export function numbers(v: unknown): number[] {
  const list = Array.isArray(v)
    ? v
    : typeof v === "string"
      ? v.split("\\")
      : v === undefined || v === null
        ? []
        : [v];
  return list.map((x) =>
    typeof x === "number" ? x : String(x).trim() === "" ? Number.NaN : Number(String(x).trim()),
  );
}

/** first value as a number, or d */
export function num(v: unknown, d = Number.NaN): number {
  const x = numbers(v)[0];
  return x !== undefined && Number.isFinite(x) ? x : d;
}
