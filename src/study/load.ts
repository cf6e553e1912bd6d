/**
 * Load and validate a study folder: schema (zod) + cross-references + referenced files.
 * Every problem is collected (not just the first) with its JSON path, value and expectation.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError, type InputProblem } from "../core/errors.js";
import { findNuclide, NUCLIDES } from "../core/nuclide/nuclides.js";
import { type Study, studySchema } from "./schema.js";

export const STUDY_FILE = "study.json";

export interface LoadedStudy {
  dir: string;
  file: string;
  study: Study;
  /** raw text of study.json (hashed for provenance) */
  text: string;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s === "" ? String(p) : `.${String(p)}`;
  return s || "(root)";
}

function valueAt(obj: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p as string];
  }
  return cur;
}

/** Validate parsed JSON; returns the typed study or the full list of problems. */
export function validateStudyJson(
  raw: unknown,
  file: string,
  dir?: string,
): { study?: Study; problems: InputProblem[] } {
  const parsed = studySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i): InputProblem => {
      const field = jsonPath(i.path);
      if (i.code === "unrecognized_keys") {
        return {
          file,
          field: `${field === "(root)" ? "" : `${field}.`}${i.keys.join(",")}`,
          expected: "no unknown field (check spelling)",
        };
      }
      return {
        file,
        field,
        value: valueAt(raw, i.path),
        expected: i.message.replace(/^Invalid input: /, ""),
      };
    });
    return { problems };
  }
  const study = parsed.data;
  return { study, problems: crossCheck(study, file, dir) };
}

function crossCheck(s: Study, file: string, dir?: string): InputProblem[] {
  const problems: InputProblem[] = [];
  const unique = (items: { id?: string }[], name: string) => {
    const seen = new Set<string>();
    items.forEach((it, k) => {
      if (it.id === undefined) return;
      if (seen.has(it.id))
        problems.push({ file, field: `${name}[${k}].id`, value: it.id, expected: `a unique ${name} id` });
      seen.add(it.id);
    });
    return seen;
  };
  const subjects = unique(s.subjects, "subjects");
  const agents = unique(s.agents, "agents");
  const groups = unique(s.groups ?? [], "groups");
  unique(s.scans, "scans");
  const rois = unique(s.rois, "rois");
  unique(s.samples, "samples");
  unique(s.administrations, "administrations");
  const ref = (set: Set<string>, value: string, field: string, what: string) => {
    if (!set.has(value))
      problems.push({
        file,
        field,
        value,
        expected: `an existing ${what} id (${[...set].slice(0, 8).join(", ")}${set.size > 8 ? ", …" : ""})`,
      });
  };
  if (s.groups) {
    s.subjects.forEach((x, k) => {
      ref(groups, x.group, `subjects[${k}].group`, "group");
    });
  }
  (s.groups ?? []).forEach((g, k) => {
    if (g.agent) ref(agents, g.agent, `groups[${k}].agent`, "agent");
  });
  s.administrations.forEach((a, k) => {
    ref(subjects, a.subject, `administrations[${k}].subject`, "subject");
    ref(agents, a.agent, `administrations[${k}].agent`, "agent");
  });
  s.scans.forEach((x, k) => {
    ref(subjects, x.subject, `scans[${k}].subject`, "subject");
  });
  s.samples.forEach((x, k) => {
    ref(subjects, x.subject, `samples[${k}].subject`, "subject");
    if (s.rois.length > 0) ref(rois, x.tissue, `samples[${k}].tissue`, "roi");
  });
  s.outcomes.forEach((x, k) => {
    ref(subjects, x.subject, `outcomes[${k}].subject`, "subject");
  });
  s.agents.forEach((a, k) => {
    const n = a.label?.nuclide;
    if (n !== undefined && !findNuclide(n)) {
      problems.push({
        file,
        field: `agents[${k}].label.nuclide`,
        value: n,
        expected: `a known nuclide (${NUCLIDES.map((x) => x.name).join(", ")})`,
      });
    }
  });
  // every sample must come after its subject's first administration
  const firstDose = new Map<string, number>();
  for (const a of s.administrations) {
    const t = Date.parse(a.time);
    if (!firstDose.has(a.subject) || t < (firstDose.get(a.subject) ?? t)) firstDose.set(a.subject, t);
  }
  s.samples.forEach((x, k) => {
    const t0 = firstDose.get(x.subject);
    if (t0 === undefined) {
      if (subjects.has(x.subject))
        problems.push({
          file,
          field: `samples[${k}].subject`,
          value: x.subject,
          expected: "a subject with an administration",
        });
    } else if (Date.parse(x.collectedAt) < t0) {
      problems.push({
        file,
        field: `samples[${k}].collectedAt`,
        value: x.collectedAt,
        expected: "a time after the subject's administration",
      });
    }
  });
  if (dir) {
    s.scans.forEach((x, k) => {
      x.files.forEach((f, j) => {
        if (!isFile(join(dir, f)))
          problems.push({
            file,
            field: `scans[${k}].files[${j}]`,
            value: f,
            expected: "an existing file in the study folder",
          });
      });
      if (x.labels && !isFile(join(dir, x.labels)))
        problems.push({
          file,
          field: `scans[${k}].labels`,
          value: x.labels,
          expected: "an existing file in the study folder",
        });
    });
  }
  return problems;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Read DIR/study.json, validate everything, throw one InputError listing all problems. */
export function loadStudy(dirArg: string): LoadedStudy {
  const dir = resolve(dirArg);
  const file = join(dir, STUDY_FILE);
  if (!existsSync(dir)) throw new InputError({ file: dirArg, expected: "an existing study folder" });
  if (!existsSync(file))
    throw new InputError({
      file,
      expected: `a ${STUDY_FILE} in the study folder (create one with \`eprscope demo DIR\`)`,
    });
  const text = readFileSync(file, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file, field: "JSON", expected: `valid JSON (${(e as Error).message})` });
  }
  const { study, problems } = validateStudyJson(raw, file, dir);
  if (problems.length > 0 || !study) {
    throw new InputError(
      problems,
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${file}:\n${problems.map((p) => `  - ${formatLine(p)}`).join("\n")}`,
    );
  }
  return { dir, file, study, text };
}

function formatLine(p: InputProblem): string {
  const v = p.value === undefined ? "" : ` got ${JSON.stringify(p.value)};`;
  return `${p.field ?? ""}:${v} ${p.expected}`;
}
