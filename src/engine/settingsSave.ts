/**
 * The study's analysis settings as the workspace edits them, read from and written to
 * study.json where the analyses read them:
 *   dce.model, dce.aif, dce.hematocrit → acquisition.model / .aif / .hematocrit of every DCE scan
 *     (engine/analyses/dce.ts: model default "etofts", Hct default 0.42);
 *   blood-pk.route, blood-pk.auc     → analyses["blood-pk"] (engine/analyses/bloodPk.ts).
 * One zod schema (`analysisSettingsSchema`) validates what the form sends; the workspace builds
 * its form from the same schema (as JSON Schema, z.toJSONSchema). Saving never loses the user's
 * file: the input is validated (settings schema, AIF file readable, then the whole study through
 * the study schema) before anything is written; the new study.json is written to a temporary
 * file in the same folder and renamed over the old one (atomic on POSIX), the temporary file is
 * removed on any error and the old study.json stays byte-for-byte as it was; a save that changes
 * nothing writes nothing. The file's indentation and final newline are kept.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { isAbsolute, join } from "node:path";
import { z } from "zod";
import { InputError } from "../core/errors.js";
import type { DceModelName } from "../core/perfusion/models.js";
import { readPlasmaAif } from "../io/aif.js";
import { isSameOrInside, realPathOf } from "../io/safePaths.js";
import { type LoadedStudy, loadStudy, STUDY_FILE, validateStudyJson } from "../study/load.js";
import type { Study } from "../study/schema.js";

export const DCE_MODELS = [
  "tofts",
  "etofts",
  "patlak",
  "2cxm",
  "2cum",
] as const satisfies readonly DceModelName[];
export const PK_ROUTES = ["iv-bolus", "iv-infusion", "ev"] as const;
export const AUC_METHODS = ["linlog", "linear"] as const;
const DCE_DEFAULTS = { model: "etofts", hematocrit: 0.42 } as const;

export const analysisSettingsSchema = z.strictObject({
  dce: z
    .strictObject({
      model: z.enum(DCE_MODELS).optional().meta({
        title: "DCE model",
        description:
          "tracer-kinetic model fitted to each tumour's mean curve and voxelwise: Tofts, extended Tofts, Patlak, two-compartment exchange (2CXM) or uptake (2CUM)",
      }),
      aif: z
        .string()
        .min(1)
        .regex(/\.csv$/i, "expected a CSV file (time_s + cp_mM or cb_mM)")
        .refine((p) => !isAbsolute(p) && !p.split(/[\\/]/).includes(".."), {
          message: "expected a relative path inside the study folder",
        })
        .optional()
        .meta({
          title: "AIF",
          description: "arterial input function table (time_s + cp_mM plasma or cb_mM blood)",
        }),
      hematocrit: z.number().min(0).max(0.99).optional().meta({
        title: "hematocrit",
        description: "converts a blood AIF to plasma: Cp = Cb / (1 − Hct)",
      }),
    })
    .optional()
    .meta({ title: "DCE-MRI (every DCE scan)" }),
  "blood-pk": z
    .strictObject({
      route: z.enum(PK_ROUTES).optional().meta({
        title: "PK route",
        description: "administration route of the non-compartmental analysis (WinNonlin model 200–202)",
      }),
      auc: z.enum(AUC_METHODS).optional().meta({
        title: "AUC method",
        description: "linear-up/log-down (linlog) or linear trapezoids",
      }),
    })
    .optional()
    .meta({ title: "blood pharmacokinetics (NCA)" }),
});

export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;

export interface SettingsView {
  /** the current values (the most common one when DCE scans differ) */
  values: AnalysisSettings;
  /** fields whose value differs between the scans that hold it */
  mixed: Record<string, Record<string, number>>;
  /** choices for free-text fields (dce.aif: AIF tables found in the study) */
  choices: Record<string, string[]>;
  /** where each section lives in study.json */
  where: Record<string, string>;
  /** the settings schema as JSON Schema (the form is built from it) */
  schema: unknown;
}

export interface SettingsChange {
  field: string;
  from: unknown;
  to: unknown;
  /** scans changed (DCE settings) */
  scans?: number;
}

const dceScans = (s: Pick<Study, "scans">) => s.scans.filter((x) => x.purpose === "dce");

function common(values: unknown[]): { value: unknown; counts: Record<string, number> } {
  const counts: Record<string, number> = {};
  for (const v of values) counts[String(v)] = (counts[String(v)] ?? 0) + 1;
  let best: unknown;
  let n = -1;
  for (const v of values)
    if (counts[String(v)] > n) {
      n = counts[String(v)];
      best = v;
    }
  return { value: best, counts };
}

/** The AIF tables a DCE scan can use: those referenced, plus *aif*.csv in their folders. */
function aifChoices(ls: LoadedStudy): string[] {
  const set = new Set<string>();
  for (const s of dceScans(ls.study)) {
    const a = s.acquisition?.aif;
    if (typeof a === "string" && a) set.add(a);
  }
  return [...set].sort();
}

export function readAnalysisSettings(ls: LoadedStudy): SettingsView {
  const values: AnalysisSettings = {};
  const mixed: SettingsView["mixed"] = {};
  const dce = dceScans(ls.study);
  if (dce.length) {
    const pick = (key: "model" | "aif" | "hematocrit", dflt: unknown) => {
      const c = common(dce.map((s) => s.acquisition?.[key] ?? dflt));
      if (Object.keys(c.counts).length > 1) mixed[`dce.${key}`] = c.counts;
      return c.value;
    };
    values.dce = {
      model: pick("model", DCE_DEFAULTS.model) as (typeof DCE_MODELS)[number],
      aif: pick("aif", undefined) as string | undefined,
      hematocrit: Number(pick("hematocrit", DCE_DEFAULTS.hematocrit)),
    };
  }
  const pk = ls.study.analyses?.["blood-pk"] ?? {};
  values["blood-pk"] = {
    route: (PK_ROUTES as readonly string[]).includes(String(pk.route))
      ? (pk.route as (typeof PK_ROUTES)[number])
      : "iv-bolus",
    auc: pk.auc === "linear" ? "linear" : "linlog",
  };
  return {
    values,
    mixed,
    choices: { "dce.aif": aifChoices(ls) },
    where: {
      dce: 'scans[purpose="dce"].acquisition (model, aif, hematocrit)',
      "blood-pk": 'analyses["blood-pk"] (route, auc)',
    },
    schema: z.toJSONSchema(analysisSettingsSchema, { unrepresentable: "any" }),
  };
}

const zodMessage = (e: z.ZodError) =>
  e.issues
    .map((i) =>
      i.code === "unrecognized_keys"
        ? `${[...i.path, ...i.keys].join(".")}: unknown setting`
        : `${i.path.join(".") || "(settings)"}: ${i.message}`,
    )
    .join("; ");

/** the new study.json text, or null when the settings change nothing */
function applySettings(
  text: string,
  file: string,
  dir: string,
  s: AnalysisSettings,
): { text: string | null; changes: SettingsChange[] } {
  let raw: {
    scans?: { purpose?: string; acquisition?: Record<string, unknown> }[];
    analyses?: Record<string, Record<string, unknown>>;
  };
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError({ file, field: "JSON", expected: `valid JSON (${(e as Error).message})` });
  }
  const changes: SettingsChange[] = [];
  if (s.dce) {
    const scans = (raw.scans ?? []).filter((x) => x.purpose === "dce");
    if (!scans.length) throw new InputError({ file, field: "dce", expected: "a study with DCE scans" });
    for (const [key, to] of Object.entries(s.dce)) {
      if (to === undefined) continue;
      const dflt = (DCE_DEFAULTS as Record<string, unknown>)[key];
      let n = 0;
      const from = new Set<unknown>();
      for (const x of scans) {
        const cur = x.acquisition?.[key] ?? dflt;
        if (cur === to) continue;
        from.add(cur);
        x.acquisition = { ...(x.acquisition ?? {}), [key]: to };
        n++;
      }
      if (n) changes.push({ field: `dce.${key}`, from: [...from].join(", "), to, scans: n });
    }
  }
  if (s["blood-pk"]) {
    const old = raw.analyses?.["blood-pk"] ?? {};
    const next = { ...old };
    for (const [key, to] of Object.entries(s["blood-pk"])) {
      if (to === undefined || old[key] === to) continue;
      changes.push({ field: `blood-pk.${key}`, from: old[key] ?? null, to });
      next[key] = to;
    }
    if (changes.some((c) => c.field.startsWith("blood-pk.")))
      raw.analyses = { ...(raw.analyses ?? {}), "blood-pk": next };
  }
  if (!changes.length) return { text: null, changes };
  const checked = validateStudyJson(raw, file, dir);
  if (!checked.study)
    throw new InputError(
      checked.problems,
      `the settings would make study.json invalid: ${checked.problems.map((p) => `${p.field}: ${p.expected}`).join("; ")}`,
    );
  const indent = /^\{\r?\n([ \t]+)"/.exec(text)?.[1] ?? "  ";
  const eol = text.endsWith("\n") ? "\n" : "";
  return { text: `${JSON.stringify(raw, null, indent)}${eol}`, changes };
}

/** write `text` to a temporary file beside `file`, flush it, and rename it over `file` */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}-${Date.now()}`;
  try {
    const fd = openSync(tmp, "wx");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    try {
      if (existsSync(tmp)) unlinkSync(tmp);
    } catch {
      // the temporary file could not be removed; the study file is untouched either way
    }
    throw e;
  }
}

/**
 * Validate `input` (unknown: what the form sent) and save it into DIR/study.json. Returns the
 * settings as now stored and what changed. InputError (the zod message, or the study problem)
 * when the input is invalid — then nothing is written.
 */
export function saveAnalysisSettings(
  studyDir: string,
  input: unknown,
): { settings: SettingsView; changes: SettingsChange[] } {
  const parsed = analysisSettingsSchema.safeParse(input);
  if (!parsed.success)
    throw new InputError({ field: "settings", expected: zodMessage(parsed.error) }, zodMessage(parsed.error));
  const ls = loadStudy(studyDir);
  const file = join(ls.dir, STUDY_FILE);
  const aif = parsed.data.dce?.aif;
  if (aif !== undefined) {
    const path = join(ls.dir, aif);
    if (!existsSync(path) || !isSameOrInside(realPathOf(path), realPathOf(ls.dir)))
      throw new InputError(
        { field: "dce.aif", value: aif, expected: "an AIF table in the study folder" },
        `dce.aif: no file ${aif} in the study folder`,
      );
    const hct = parsed.data.dce?.hematocrit ?? readAnalysisSettings(ls).values.dce?.hematocrit ?? 0.42;
    readPlasmaAif(path, hct); // InputError when it is not an AIF table
  }
  // apply to the file as it is now; retry once if it changed under us (an ROI saved meanwhile)
  for (let attempt = 0; ; attempt++) {
    const text = readFileSync(file, "utf8");
    const next = applySettings(text, file, ls.dir, parsed.data);
    if (next.text !== null) {
      if (readFileSync(file, "utf8") !== text) {
        if (attempt < 2) continue;
        throw new InputError({ file, expected: "study.json not to change while saving (try again)" });
      }
      replaceFile(file, next.text);
    }
    return { settings: readAnalysisSettings(loadStudy(studyDir)), changes: next.changes };
  }
}
