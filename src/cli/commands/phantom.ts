/**
 * `eprscope phantom <kind> --out DIR` — digital reference objects with known ground truth.
 *  - dce: one tumour DCE-MRI dataset (12×12×4 voxels, 60 frames; extended-Tofts truth maps with
 *    rim/core structure, T1 map, mask, Parker blood AIF) as NIfTI + aif.csv + truth maps.
 *    With --checkerboard: a QIBA DRO v6-like checkerboard (10×10-voxel patches of every Ktrans ×
 *    ve combination, fixed vp; noise-free unless --snr) in the same layout (dce/checkerboard_*).
 *  - every modality arm of the demo study (ferumoxytol, ceus, dwi, swe, release, optical,
 *    histology, planar, …: src/study/demo/arms): the arm's data for the demo cohort of that seed,
 *    its scans as study.json entries and its ground truth (truth/<arm>.json), in phantom.json.
 *    Deterministic: the same seed gives byte-identical files.
 * `eprscope phantom evaluate <analysis|all> [--snr LIST] [--n N] [--seed S] [--out DIR] [--json]`
 *  — accuracy tables (bias, CoV, RMSE vs SNR; core/phantom) of each analysis on noisy curves with
 *  known truth, fitted by the same functions as the fit commands; DIR/accuracy_<analysis>.csv
 *  and .json; --json prints { kind, seed, n, snr, rows: [{ parameter, snr, truth, mean, bias,
 *  bias_pct, sd, cov_pct, rmse, n_ok, n_failed }], … } (an array of them for `all`).
 */
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import {
  type AccuracyTable,
  DEFAULT_REALISATIONS,
  DEFAULT_SNR,
  EVALUATOR_KINDS,
  EVALUATORS,
  evaluatePhantom,
} from "../../core/phantom/evaluators.js";
import { Rng } from "../../core/random.js";
import { toCsv } from "../../io/csv.js";
import { DEMO_ARMS } from "../../study/demo/arms/index.js";
import { BIODIST_OPTIONS, biodistOptionsFrom, writeBiodistPhantom } from "../../study/demo/biodistPhantom.js";
import {
  acquisition,
  CHECKERBOARD,
  DCE,
  writeAifCsv,
  writeDceCheckerboard,
  writeDceDataset,
} from "../../study/demo/dce.js";
import { generateDemoStudy } from "../../study/demo/generate.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit, formatTable, toJson } from "../output.js";
import { COHORT_OPTIONS, type CohortCli, writeCohortPhantom } from "./phantomCohort.js";

interface PhantomCli extends Omit<CohortCli, "out"> {
  out?: string;
  ktrans: string;
  ve: string;
  vp?: string;
  seed: string;
  checkerboard?: boolean;
  snr?: string;
  n?: string;
  json?: boolean;
}

const CSV_COLUMNS = [
  "parameter",
  "method",
  "snr",
  "truth",
  "mean",
  "bias",
  "bias_pct",
  "sd",
  "cov_pct",
  "rmse",
  "n_ok",
  "n_failed",
];

function outFolder(out: string | undefined): string {
  if (out === undefined) throw new InputError({ field: "--out", expected: "an output folder (--out DIR)" });
  if (existsSync(out) && !statSync(out).isDirectory())
    throw new InputError({ field: "--out", value: out, expected: "a folder (this is a file)" });
  return out;
}

const fmt = (v: number | null, digits: number): string => (v === null ? "–" : v.toFixed(digits));
const sig = (v: number | null): string => (v === null ? "–" : Number(v.toPrecision(4)).toString());

function humanTable(t: AccuracyTable): string {
  const rows = t.rows.map((r) => ({
    parameter: r.parameter,
    ...(t.rows.some((x) => x.method) ? { method: r.method ?? "" } : {}),
    snr: r.snr,
    truth: sig(r.truth),
    mean: sig(r.mean),
    "bias %": fmt(r.bias_pct, 2),
    "CoV %": fmt(r.cov_pct, 2),
    rmse: sig(r.rmse),
    ok: r.n_ok,
    failed: r.n_failed,
  }));
  return `${t.kind}: ${t.description}\n  SNR = ${t.snr_definition}; ${t.n} realisations per SNR, seed ${t.seed}\n${formatTable(rows)}`;
}

function runEvaluate(target: string | undefined, o: PhantomCli): void {
  if (target === undefined)
    throw new InputError({
      field: "analysis",
      expected: `phantom evaluate <analysis>: one of ${EVALUATOR_KINDS.join(", ")}, all`,
    });
  parseChoice("analysis", target, [...EVALUATOR_KINDS, "all"]);
  if (o.checkerboard)
    throw new InputError({ field: "--checkerboard", expected: "--checkerboard only with phantom dce" });
  const snr = o.snr !== undefined ? parseNumberList("--snr", o.snr) : DEFAULT_SNR;
  snr.forEach((s, i) => {
    if (!(s > 0)) throw new InputError({ field: `--snr[${i}]`, value: s, expected: "an SNR > 0" });
  });
  const n = parseNumberOption("--n", o.n ?? String(DEFAULT_REALISATIONS), {
    min: 2,
    max: 1_000_000,
    integer: true,
  });
  const seed = parseNumberOption("--seed", o.seed, { integer: true });
  const out = o.out !== undefined ? outFolder(o.out) : undefined;
  const kinds = target === "all" ? EVALUATOR_KINDS : [target];
  const tables: AccuracyTable[] = [];
  for (const kind of kinds) {
    let lastDecile = 0;
    const t0 = performance.now();
    const table = evaluatePhantom(EVALUATORS[kind](), {
      snr,
      n,
      seed,
      onProgress: (done, total) => {
        const decile = Math.floor((10 * done) / total);
        // progress only for runs long enough to need it (≥ 1 s so far)
        if (decile > lastDecile && performance.now() - t0 > 1000) {
          lastDecile = decile;
          process.stderr.write(`phantom evaluate ${kind}: ${done}/${total} fits (${10 * decile} %)\n`);
        }
      },
    });
    process.stderr.write(
      `phantom evaluate ${kind}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    tables.push(table);
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(
        join(out, `accuracy_${kind}.csv`),
        toCsv(table.rows as unknown as Record<string, unknown>[], CSV_COLUMNS),
      );
      writeFileSync(join(out, `accuracy_${kind}.json`), `${toJson(table, true)}\n`);
    }
  }
  if (out)
    process.stderr.write(`wrote ${kinds.map((k) => `accuracy_${k}.csv/.json`).join(", ")} to ${out}\n`);
  emit(target === "all" ? tables : tables[0], { json: o.json }, () => tables.map(humanTable).join("\n"));
}

function writeCheckerboard(o: PhantomCli): void {
  const out = outFolder(o.out);
  const seed = parseNumberOption("--seed", o.seed, { integer: true });
  const vp = o.vp !== undefined ? parseNumberOption("--vp", o.vp, { min: 0, max: 1 }) : CHECKERBOARD.vp;
  const snr =
    o.snr !== undefined ? parseNumberOption("--snr", o.snr, { min: 0, exclusiveMin: true }) : undefined;
  mkdirSync(join(out, "dce"), { recursive: true });
  writeAifCsv(join(out, "dce", "aif.csv"));
  const w = writeDceCheckerboard(out, "dce/checkerboard", { vp, snr, rng: new Rng(seed) });
  const meta = {
    kind: "dce",
    layout: "checkerboard",
    truth: { ktransPerMin: w.ktransPerMin, ve: w.ve, vp: w.vp },
    patchVoxels: w.patch,
    patches: "Ktrans index = floor(i / patch) along x, ve index = floor(j / patch) along y",
    snr: snr ?? null,
    noise: snr === undefined ? "none" : "Gaussian on the signal, σ = baseline signal / snr",
    files: [
      ...w.files,
      "dce/aif.csv",
      "truth/checkerboard_Ktrans_per_min.nii.gz",
      "truth/checkerboard_ve.nii.gz",
      "truth/checkerboard_vp.nii.gz",
    ],
    acquisition: acquisition("checkerboard"),
    t10S: DCE.t10S,
    dims: w.dims,
  };
  writeFileSync(join(out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
  emit(
    meta,
    { json: o.json },
    () =>
      `wrote DCE checkerboard phantom to ${out} (${w.ktransPerMin.length} Ktrans × ${w.ve.length} ve patches of ${w.patch}×${w.patch} voxels; truth in truth/)\n`,
  );
}

export function register(program: Command): void {
  const cmd = program
    .command("phantom")
    .description("write a digital reference object with known ground truth, or evaluate accuracy on one")
    .argument(
      "<kind>",
      `dce, evaluate, cohort, biodist, or a demo arm: ${DEMO_ARMS.map((a) => a.name).join(", ")}`,
    )
    .argument("[analysis]", `with evaluate: ${EVALUATOR_KINDS.join(", ")} or all`)
    .option("--out <dir>", "output folder (required except for evaluate, where it is optional)")
    .option("--ktrans <v>", "tumour Ktrans (1/min)", "0.12")
    .option("--ve <v>", "tumour ve", "0.3")
    .option("--vp <v>", `tumour vp (default 0.04; checkerboard default ${CHECKERBOARD.vp})`)
    .option("--seed <n>", "random seed", "1")
    .option("--checkerboard", "dce: QIBA-style Ktrans × ve checkerboard instead of the tumour")
    .option(
      "--snr <list>",
      `evaluate: SNR list (default ${DEFAULT_SNR.join(",")}); dce --checkerboard: one SNR (default noise-free)`,
    )
    .option(
      "--n <n>",
      `evaluate: noise realisations per SNR (default ${DEFAULT_REALISATIONS}); cohort: tumours (default 200)`,
    )
    .option("--json", "print a summary (evaluate: the accuracy table) as JSON")
    .addHelpText(
      "after",
      `\nExamples:\n  eprscope phantom cohort --n 300 --size-nm 100 --out cohort/\n  eprscope phantom dce --out dro/\n  eprscope phantom dce --checkerboard --out qiba/\n  eprscope phantom ferumoxytol --out fmx/ --seed 7\n  eprscope phantom evaluate relax --snr 10,50 --n 200 --json\n  eprscope phantom evaluate all --out accuracy/\n`,
    )
    .action((kind: string, analysis: string | undefined, o: PhantomCli) => {
      const arms = DEMO_ARMS.map((a) => a.name);
      parseChoice("kind", kind, ["dce", "evaluate", "cohort", "biodist", ...arms]);
      if (kind === "evaluate") {
        runEvaluate(analysis, o);
        return;
      }
      if (kind === "cohort") {
        if (analysis !== undefined || o.checkerboard || o.snr !== undefined)
          throw new InputError({
            field: analysis !== undefined ? "analysis" : o.checkerboard ? "--checkerboard" : "--snr",
            expected: "phantom cohort takes --n, --seed and the cohort options only",
          });
        writeCohortPhantom({ ...o, out: outFolder(o.out) });
        return;
      }
      if (kind === "biodist" && analysis === undefined && !o.checkerboard && o.snr === undefined && !o.n) {
        const meta = writeBiodistPhantom(outFolder(o.out), biodistOptionsFrom({ ...o }));
        emit(meta, { json: o.json }, () => `wrote biodist phantom to ${o.out} (truth in ${meta.truth})\n`);
        return;
      }
      if (analysis !== undefined)
        throw new InputError({
          field: "analysis",
          value: analysis,
          expected: "no second argument (only phantom evaluate takes an analysis)",
        });
      if (o.n !== undefined)
        throw new InputError({ field: "--n", expected: "--n only with phantom evaluate" });
      if (o.checkerboard && kind !== "dce")
        throw new InputError({ field: "--checkerboard", expected: "--checkerboard only with phantom dce" });
      if (o.snr !== undefined && !o.checkerboard)
        throw new InputError({
          field: "--snr",
          expected: "--snr only with phantom evaluate or phantom dce --checkerboard",
        });
      if (kind !== "dce") {
        const seed = parseNumberOption("--seed", o.seed, { integer: true });
        const out = outFolder(o.out);
        const arm = DEMO_ARMS.find((a) => a.name === kind) as (typeof DEMO_ARMS)[number];
        mkdirSync(join(out, "truth"), { recursive: true });
        const demo = generateDemoStudy(seed);
        const w = arm.write(out, demo, new Rng(seed + arm.seedOffset));
        writeFileSync(join(out, "truth", `${arm.name}.json`), `${JSON.stringify(w.truth, null, 2)}\n`);
        const meta = {
          kind,
          seed,
          scans: w.scans,
          samples: w.samples ?? [],
          truth: `truth/${arm.name}.json`,
        };
        writeFileSync(join(out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
        emit(
          {
            kind,
            seed,
            scans: w.scans.length,
            files: w.scans.flatMap((x) => x.files),
            truth: meta.truth,
          },
          { json: o.json },
          () => `wrote ${kind} phantom to ${out} (${w.scans.length} scans; truth in ${meta.truth})\n`,
        );
        return;
      }
      if (o.checkerboard) {
        writeCheckerboard(o);
        return;
      }
      const truth = {
        ktransPerMin: parseNumberOption("--ktrans", o.ktrans, { min: 0, max: 5 }),
        ve: parseNumberOption("--ve", o.ve, { min: 0, exclusiveMin: true, max: 1 }),
        vp: parseNumberOption("--vp", o.vp ?? "0.04", { min: 0, max: 1 }),
      };
      const seed = parseNumberOption("--seed", o.seed, { integer: true });
      const out = outFolder(o.out);
      mkdirSync(join(out, "dce"), { recursive: true });
      writeAifCsv(join(out, "dce", "aif.csv"));
      const w = writeDceDataset(out, "dce/tumour", truth, new Rng(seed));
      const meta = {
        kind,
        truth,
        roiMeanKtransPerMin: w.meanKtrans,
        roiMeanVp: w.meanVp,
        files: [
          ...w.files,
          "dce/aif.csv",
          "truth/tumour_Ktrans_per_min.nii.gz",
          "truth/tumour_ve.nii.gz",
          "truth/tumour_vp.nii.gz",
        ],
        acquisition: acquisition("tumour"),
        dims: [DCE.nx, DCE.ny, DCE.nz, DCE.frames],
      };
      writeFileSync(join(out, "phantom.json"), `${JSON.stringify(meta, null, 2)}\n`);
      emit(
        meta,
        { json: o.json },
        () => `wrote DCE phantom to ${out} (${meta.files.length} files; truth in truth/)\n`,
      );
    });
  for (const [flag, description] of COHORT_OPTIONS) cmd.option(flag, description);
  for (const [flag, description] of BIODIST_OPTIONS) cmd.option(flag, description);
}
