/**
 * `eprscope phantom cohort --out DIR [--n 200] [--size-nm 100] [--surface peg|bare]
 *  [--species mouse|rat|human] [--hours 72] [--imaging-time-h 24] [--hill 2] [--auc50-ratio 1]
 *  [--measurement-cv 0.15] [--seed S] [--json]` — a virtual cohort with a known true effect
 * (core/phantom/virtualCohort.ts): DIR/cohort.csv (one row per tumour: phenotype, PBPK
 * accumulation, response probability and drawn response, measured biomarkers) and
 * DIR/truth.json (generating slope/intercept, AUC50, expected ROC AUC per biomarker).
 * The CSV is what `eprscope stats roc|logistic|corr` read, so a stratification method can be
 * scored against the truth.
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { COHORT_BIOMARKERS, virtualCohort } from "../../core/phantom/virtualCohort.js";
import { SURFACES, type Surface } from "../../core/transport/pbpk/nanoparticle.js";
import { SPECIES, type Species } from "../../core/transport/pbpk/species.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

/** the cohort's options with their defaults (phantom registers them without defaults, since
 *  other kinds share --n and --seed) */
export const COHORT_DEFAULTS = {
  n: "200",
  sizeNm: "100",
  surface: "peg",
  species: "mouse",
  hours: "72",
  imagingTimeH: "24",
  hill: "2",
  auc50Ratio: "1",
  measurementCv: "0.15",
  seed: "1",
};

export type CohortCli = Partial<typeof COHORT_DEFAULTS> & { out: string; json?: boolean };

/** options registered on `phantom` for this kind: flag, description */
export const COHORT_OPTIONS: [string, string][] = [
  ["--size-nm <d>", "cohort: particle diameter (nm; default 100)"],
  ["--surface <s>", "cohort: peg | bare (default peg)"],
  ["--species <s>", "cohort: mouse | rat | human (default mouse)"],
  ["--hours <h>", "cohort: AUC window (h; default 72)"],
  ["--imaging-time-h <h>", "cohort: time of the imaged uptake (h; default 24)"],
  ["--hill <h>", "cohort: Hill slope of the response model (default 2)"],
  ["--auc50-ratio <r>", "cohort: AUC50 / cohort median AUC (default 1)"],
  ["--measurement-cv <cv>", "cohort: biomarker measurement CV (fraction; default 0.15)"],
];

export function writeCohortPhantom(cli: CohortCli): void {
  const o = {
    ...COHORT_DEFAULTS,
    ...Object.fromEntries(Object.entries(cli).filter(([, v]) => v !== undefined)),
  } as typeof COHORT_DEFAULTS & { out: string; json?: boolean };
  if (existsSync(o.out) && !statSync(o.out).isDirectory())
    throw new InputError({ field: "--out", value: o.out, expected: "a folder (this is a file)" });
  const cohort = virtualCohort({
    n: parseNumberOption("--n", o.n, { integer: true, min: 2 }),
    seed: parseNumberOption("--seed", o.seed, { integer: true }),
    sizeNm: parseNumberOption("--size-nm", o.sizeNm, { min: 0, exclusiveMin: true }),
    surface: parseChoice("--surface", o.surface, SURFACES) as Surface,
    species: parseChoice("--species", o.species, SPECIES) as Species,
    hours: parseNumberOption("--hours", o.hours, { min: 1, max: 24 * 60 }),
    imagingTimeH: parseNumberOption("--imaging-time-h", o.imagingTimeH, { min: 0, exclusiveMin: true }),
    hill: parseNumberOption("--hill", o.hill, { min: 0, exclusiveMin: true }),
    auc50Ratio: parseNumberOption("--auc50-ratio", o.auc50Ratio, { min: 0, exclusiveMin: true }),
    measurementCv: parseNumberOption("--measurement-cv", o.measurementCv, { min: 0 }),
  });
  mkdirSync(o.out, { recursive: true });
  const cols = Object.keys(cohort.tumours[0]);
  const lines = [
    cols.join(","),
    ...cohort.tumours.map((t) => cols.map((c) => String(t[c as keyof typeof t])).join(",")),
  ];
  writeFileSync(join(o.out, "cohort.csv"), `${lines.join("\n")}\n`);
  writeFileSync(join(o.out, "truth.json"), `${JSON.stringify(cohort.truth, null, 2)}\n`);
  const summary = {
    kind: "cohort",
    n: cohort.tumours.length,
    responders: cohort.truth.responders,
    files: ["cohort.csv", "truth.json"],
    expected_roc_auc: cohort.truth.expected_roc_auc,
    logistic_slope_per_ln_auc: cohort.truth.logistic_slope_per_ln_auc,
    out: o.out,
  };
  emit(
    summary,
    { json: o.json },
    () =>
      `wrote a virtual cohort of ${summary.n} tumours (${summary.responders} responders) to ${o.out}\n` +
      COHORT_BIOMARKERS.map(
        (b) => `  expected ROC AUC ${b}: ${cohort.truth.expected_roc_auc[b].toFixed(3)}`,
      ).join("\n") +
      "\n",
  );
}
