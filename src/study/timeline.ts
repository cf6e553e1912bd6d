/** Timeline of a study's administrations, scans and samples, in days from its first administration. */
import type { Study } from "./schema.js";

export interface TimelineEvent {
  subject: string;
  kind: string;
  day: number;
  label: string;
}

export function studyTimeline(s: Study): TimelineEvent[] {
  const t0 = Math.min(...s.administrations.map((a) => Date.parse(a.time)));
  const day = (t: string) => (Date.parse(t) - t0) / 86_400_000;
  return [
    ...s.administrations.map((a) => ({
      subject: a.subject,
      kind: "dose",
      day: day(a.time),
      label: `${a.agent} ${a.dose}`,
    })),
    ...s.scans.map((x) => ({ subject: x.subject, kind: x.modality, day: day(x.time), label: x.id })),
    ...s.samples.map((x) => ({
      subject: x.subject,
      kind: `${x.kind} sample`,
      day: day(x.collectedAt),
      label: x.id,
    })),
  ];
}
