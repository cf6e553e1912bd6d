/**
 * Load and validate a study folder: schema (zod) + cross-references + referenced files.
 * Every problem is collected (not just the first) with its JSON path, value and expectation.
 */
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { InputError, type InputProblem } from "../core/errors.js";
import { findNuclide, NUCLIDES } from "../core/nuclide/nuclides.js";
import { isSameOrInside } from "../io/safePaths.js";
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
    // validation in one round: references and files are checked on whatever parsed
    return { problems: [...problems, ...crossCheck(looseStudy(raw), file, dir)] };
  }
  const study = parsed.data;
  return { study, problems: crossCheck(study, file, dir) };
}

/** The shape crossCheck reads, with every field possibly missing (a study that failed the schema). */
type Loose<T> = T extends string | number | boolean
  ? T
  : T extends readonly (infer U)[]
    ? Loose<U>[]
    : T extends object
      ? { [K in keyof T]?: Loose<T[K]> }
      : T;
type LooseStudy = Loose<Study>;

/** Keep only what crossCheck can read from raw JSON: arrays of objects, string ids and references. */
function looseStudy(raw: unknown): LooseStudy {
  const obj = (v: unknown): Record<string, unknown> =>
    v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const r = obj(raw);
  const list = (k: string): Record<string, unknown>[] =>
    Array.isArray(r[k]) ? (r[k] as unknown[]).map((x) => strings(obj(x))) : [];
  // non-string scalars become undefined so that no check misreads them
  function strings(o: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === "string") out[k] = v;
      else if (Array.isArray(v)) out[k] = v.filter((x) => typeof x === "string");
      else if (v !== null && typeof v === "object") out[k] = strings(v as Record<string, unknown>);
    }
    return out;
  }
  return {
    subjects: list("subjects"),
    agents: list("agents"),
    groups: Array.isArray(r.groups) ? list("groups") : undefined,
    administrations: list("administrations"),
    scans: list("scans"),
    rois: list("rois"),
    samples: list("samples"),
    outcomes: list("outcomes"),
  } as LooseStudy;
}

function crossCheck(s: LooseStudy, file: string, dir?: string): InputProblem[] {
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
  const subjects = unique(s.subjects ?? [], "subjects");
  const agents = unique(s.agents ?? [], "agents");
  const groups = unique(s.groups ?? [], "groups");
  unique(s.scans ?? [], "scans");
  const rois = unique(s.rois ?? [], "rois");
  unique(s.samples ?? [], "samples");
  unique(s.administrations ?? [], "administrations");
  const ref = (set: Set<string>, value: string | undefined, field: string, what: string) => {
    if (value !== undefined && !set.has(value))
      problems.push({
        file,
        field,
        value,
        expected: `an existing ${what} id (${[...set].slice(0, 8).join(", ")}${set.size > 8 ? ", …" : ""})`,
      });
  };
  if (s.groups) {
    (s.subjects ?? []).forEach((x, k) => {
      ref(groups, x.group, `subjects[${k}].group`, "group");
    });
  }
  (s.groups ?? []).forEach((g, k) => {
    if (g.agent) ref(agents, g.agent, `groups[${k}].agent`, "agent");
  });
  (s.administrations ?? []).forEach((a, k) => {
    ref(subjects, a.subject, `administrations[${k}].subject`, "subject");
    ref(agents, a.agent, `administrations[${k}].agent`, "agent");
  });
  (s.scans ?? []).forEach((x, k) => {
    ref(subjects, x.subject, `scans[${k}].subject`, "subject");
  });
  (s.samples ?? []).forEach((x, k) => {
    ref(subjects, x.subject, `samples[${k}].subject`, "subject");
    if ((s.rois ?? []).length > 0) ref(rois, x.tissue, `samples[${k}].tissue`, "roi");
  });
  (s.outcomes ?? []).forEach((x, k) => {
    ref(subjects, x.subject, `outcomes[${k}].subject`, "subject");
  });
  (s.agents ?? []).forEach((a, k) => {
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
  for (const a of s.administrations ?? []) {
    if (a.subject === undefined || a.time === undefined) continue;
    const t = Date.parse(a.time);
    if (!firstDose.has(a.subject) || t < (firstDose.get(a.subject) ?? t)) firstDose.set(a.subject, t);
  }
  (s.samples ?? []).forEach((x, k) => {
    if (x.subject === undefined) return;
    const t0 = firstDose.get(x.subject);
    if (t0 === undefined) {
      if (subjects.has(x.subject))
        problems.push({
          file,
          field: `samples[${k}].subject`,
          value: x.subject,
          expected: "a subject with an administration",
        });
    } else if (x.collectedAt !== undefined && Date.parse(x.collectedAt) < t0) {
      problems.push({
        file,
        field: `samples[${k}].collectedAt`,
        value: x.collectedAt,
        expected: "a time after the subject's administration",
      });
    }
  });
  if (dir) {
    (s.scans ?? []).forEach((x, k) => {
      (x.files ?? []).forEach((f, j) => {
        const problem = studyFileProblem(dir, f);
        if (problem) problems.push({ file, field: `scans[${k}].files[${j}]`, value: f, expected: problem });
      });
      if (x.labels) {
        const problem = studyFileProblem(dir, x.labels);
        if (problem) problems.push({ file, field: `scans[${k}].labels`, value: x.labels, expected: problem });
      }
    });
  }
  return problems;
}

/** A study file must be a relative path that stays inside the study folder and names a file. */
function studyFileProblem(dir: string, f: string): string | undefined {
  const inside = "a relative path inside the study folder";
  if (isAbsolute(f)) return inside;
  const p = resolve(dir, f);
  if (!isSameOrInside(p, dir)) return inside;
  try {
    if (!statSync(p).isFile()) return "an existing file in the study folder (this is a folder)";
    if (!isSameOrInside(realpathSync(p), realpathSync(dir)))
      return `${inside} (a symbolic link leads outside)`;
  } catch {
    return "an existing file in the study folder";
  }
  return undefined;
}

/** Read DIR/study.json, validate everything, throw one InputError listing all problems. */
export function loadStudy(dirArg: string): LoadedStudy {
  const dir = resolve(dirArg);
  const file = join(dir, STUDY_FILE);
  if (!existsSync(dir)) throw new InputError({ file: dirArg, expected: "an existing study folder" });
  if (!statSync(dir).isDirectory())
    throw new InputError({ file: dirArg, expected: `a study folder holding ${STUDY_FILE} (this is a file)` });
  if (!existsSync(file))
    throw new InputError({
      file,
      expected: `a ${STUDY_FILE} in the study folder (create one with \`eprscope demo DIR\`)`,
    });
  if (!statSync(file).isFile())
    throw new InputError({ file, expected: `${STUDY_FILE} to be a file (it is a folder)` });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError({
      file,
      expected: `a readable file (${(e as NodeJS.ErrnoException).code ?? "read error"})`,
    });
  }
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
