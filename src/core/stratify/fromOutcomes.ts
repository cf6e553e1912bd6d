/**
 * Build the per-lesion table from a study's outcomes (structurally typed on the study schema's
 * `outcomes[]`, so core stays independent of src/study) and per-lesion biomarker values.
 * Response: RECIST categories → binary by `responseRule`: "objective" (CR/PR = 1, Eisenhauer
 * et al., 2009, RECIST 1.1) or "disease-control" (CR/PR/SD = 1, PD = 0). Survival: timeD in
 * days (`time` is then in days), event true → 1. The lesion id is `subject/tumour` (or the
 * subject when no tumour is named).
 */
import type { LesionRecord } from "./lesionTable.js";

export interface OutcomeLike {
  subject: string;
  tumour?: string;
  response?: "CR" | "PR" | "SD" | "PD";
  survival?: { timeD: number; event: boolean };
}

export type ResponseRule = "objective" | "disease-control";

export function lesionId(subject: string, tumour?: string): string {
  return tumour ? `${subject}/${tumour}` : subject;
}

export function binaryResponse(r: OutcomeLike["response"], rule: ResponseRule = "objective"): number {
  if (r === undefined) return Number.NaN;
  if (rule === "objective") return r === "CR" || r === "PR" ? 1 : 0;
  return r === "PD" ? 0 : 1;
}

export function lesionRecordsFromOutcomes(
  outcomes: OutcomeLike[],
  /** biomarkers by lesion id (see lesionId) */
  markers: Map<string, Record<string, number>>,
  opts: {
    accumulation?: Map<string, number>;
    groupOf?: (subject: string) => string | undefined;
    responseRule?: ResponseRule;
  } = {},
): LesionRecord[] {
  return outcomes.map((o) => {
    const id = lesionId(o.subject, o.tumour);
    return {
      id,
      group: opts.groupOf?.(o.subject),
      markers: markers.get(id) ?? {},
      accumulation: opts.accumulation?.get(id),
      response: binaryResponse(o.response, opts.responseRule),
      time: o.survival?.timeD,
      event: o.survival ? (o.survival.event ? 1 : 0) : undefined,
    };
  });
}
