/**
 * The per-lesion biomarker table the stratification workflow works on, and R-style
 * complete-case selection (na.omit over the fields a model uses; the dropped count is reported,
 * never silent).
 */
import { InputError } from "../errors.js";

export interface LesionRecord {
  id: string;
  /** e.g. treatment arm, "primed" / "control" */
  group?: string;
  /** imaging biomarkers by name, e.g. feMicrogramPerG, ktransPerMin, adcMm2PerS (NaN = missing) */
  markers: Record<string, number>;
  /** accumulation of the therapeutic, e.g. %ID/g (continuous target) */
  accumulation?: number;
  /** tumour response, 1 = responder (binary target) */
  response?: number;
  /** follow-up time (caller's unit) and event 1/0 (survival target) */
  time?: number;
  event?: number;
}

export type Field = { marker: string } | "accumulation" | "response" | "time" | "event";

export function fieldValue(r: LesionRecord, f: Field): number {
  const v = typeof f === "string" ? r[f] : r.markers[f.marker];
  return typeof v === "number" ? v : Number.NaN;
}

export function fieldName(f: Field): string {
  return typeof f === "string" ? f : f.marker;
}

/** Rows complete in every field (finite numbers), and how many were dropped. */
export function completeCases(
  records: LesionRecord[],
  fields: Field[],
): { rows: LesionRecord[]; dropped: number } {
  const rows = records.filter((r) => fields.every((f) => Number.isFinite(fieldValue(r, f))));
  if (rows.length === 0) {
    throw new InputError({
      field: fields.map(fieldName).join(", "),
      expected: "at least one lesion with all values present",
    });
  }
  return { rows, dropped: records.length - rows.length };
}

export function column(rows: LesionRecord[], f: Field): Float64Array {
  return Float64Array.from(rows, (r) => fieldValue(r, f));
}
