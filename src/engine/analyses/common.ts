/** Helpers shared by the analysis planners: study look-ups and row construction. */
import { InputError } from "../../core/errors.js";
import { parseQuantity, quantityIn } from "../../core/units/units.js";
import type { ResultRow, ResultStatus } from "../../store/types.js";
import type { Administration, Agent, Study, Subject } from "../../study/schema.js";

export function subjectAdministration(
  study: Study,
  subject: string,
): { admin: Administration; agent: Agent } {
  const admins = study.administrations
    .filter((a) => a.subject === subject)
    .sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  if (admins.length === 0)
    throw new InputError({
      file: "study.json",
      field: "administrations",
      value: subject,
      expected: "an administration for the subject",
    });
  const admin = admins[0];
  const agent = study.agents.find((a) => a.id === admin.agent);
  if (!agent)
    throw new InputError({
      file: "study.json",
      field: "administrations.agent",
      value: admin.agent,
      expected: "an existing agent",
    });
  return { admin, agent };
}

export function bodyWeightG(s: Subject): number {
  return quantityIn(parseQuantity(s.bodyWeight, "mass"), "g");
}

export function row(
  analysis: string,
  subject: string | null,
  roi: string | null,
  parameter: string,
  value: number | null,
  unit: string,
  extra: {
    time_s?: number | null;
    group?: string | null;
    status?: ResultStatus;
    message?: string | null;
  } = {},
): ResultRow {
  const ok = value !== null && Number.isFinite(value);
  return {
    analysis,
    subject,
    roi,
    parameter,
    value: ok ? value : null,
    unit,
    status: extra.status ?? (ok ? "ok" : "missing"),
    time_s: extra.time_s ?? null,
    group: extra.group ?? null,
    message: extra.message ?? null,
  };
}
