/** The public shape of a result row (CLI `results --json`, CSV exports, the server API). */
import type { ResultRow } from "./types.js";

export const PUBLIC_COLUMNS = [
  "analysis",
  "subject",
  "roi",
  "parameter",
  "value",
  "unit",
  "status",
  "time_s",
  "group",
] as const;

export function publicRow(r: ResultRow): Record<(typeof PUBLIC_COLUMNS)[number], unknown> {
  return {
    analysis: r.analysis,
    subject: r.subject,
    roi: r.roi,
    parameter: r.parameter,
    value: r.value,
    unit: r.unit,
    status: r.status,
    time_s: r.time_s ?? null,
    group: r.group ?? null,
  };
}
