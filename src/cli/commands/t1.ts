/**
 * `eprscope t1 vfa <signal.csv> --fa-deg 2,5,10,15 --tr-ms N --json` → per row { t1_s, m0 }
 * (null with status "not-estimable" when fewer than 2 distinct flip angles).
 * `eprscope t1 map <vfa.nii.gz> --fa-deg LIST --tr-ms N [--b1 B1.nii.gz] [--mask M] [--threads N]
 *  --out DIR` → DIR/T1_s.nii.gz, DIR/M0.nii.gz, DIR/status.nii.gz, DIR/t1_map.json through the
 * voxelwise engine (model "t1-vfa"; one volume per flip angle in the 4D image).
 * signal.csv: one row per voxel/ROI, one column per flip angle in --fa-deg order (any names);
 * an optional `id` column is passed through; an optional `b1` column (relative flip-angle scale
 * from a B1 map) corrects the flip angles.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { vfaLinear, vfaNonlinear } from "../../core/mri/spgr.js";
import type { T1VfaOptions } from "../../core/voxel/t1.js";
import { numericColumn, readCsv } from "../../io/csv.js";
import { runMapCommand } from "../mapCommand.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

function parseFlipAngles(raw: string): number[] {
  const fa = parseNumberList("--fa-deg", raw);
  fa.forEach((a, i) => {
    if (!(a > 0 && a < 180))
      throw new InputError({
        field: `--fa-deg[${i}]`,
        value: a,
        expected: "a flip angle in (0, 180) degrees",
      });
  });
  return fa;
}

export function register(program: Command): void {
  const t1 = program.command("t1").description("T1 mapping");
  t1.command("vfa")
    .description("variable-flip-angle SPGR T1 (nonlinear least squares, or the linearised fit)")
    .argument("<signal.csv>", "one row per voxel/ROI, one column per flip angle (optional id column)")
    .requiredOption("--fa-deg <list>", "flip angles in degrees, in column order, e.g. 2,5,10,15")
    .requiredOption("--tr-ms <n>", "repetition time (ms)")
    .option("--method <m>", "nonlinear | linear", "nonlinear")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope t1 vfa vfa.csv --fa-deg 2,5,12 --tr-ms 5.4 --json\n")
    .action(
      (file: string, o: { faDeg: string; trMs: string; method: string; json?: boolean; out?: string }) => {
        const fa = parseFlipAngles(o.faDeg);
        const trS = parseNumberOption("--tr-ms", o.trMs, { min: 0, exclusiveMin: true }) / 1000;
        const method = parseChoice("--method", o.method, ["nonlinear", "linear"] as const);
        const t = readCsv(file);
        const signalCols = t.columns.filter((c) => c !== "id" && c !== "b1");
        const b1 = t.columns.includes("b1") ? numericColumn(t, "b1") : null;
        if (signalCols.length !== fa.length) {
          throw new InputError({
            file,
            field: "columns",
            value: signalCols,
            expected: `${fa.length} signal columns, one per flip angle in --fa-deg (${fa.join(", ")})`,
          });
        }
        const cols = signalCols.map((c) => numericColumn(t, c));
        const ids = t.columns.includes("id") ? t.rows.map((r) => r[t.columns.indexOf("id")]) : null;
        const out = t.rows.map((_, i) => {
          const s = cols.map((c) => c[i]);
          const scale = b1 ? b1[i] : 1;
          const f =
            method === "linear"
              ? vfaLinear(
                  s,
                  fa.map((a) => a * scale),
                  trS,
                )
              : vfaNonlinear(s, fa, trS, scale);
          return {
            ...(ids ? { id: ids[i] } : {}),
            t1_s: f.converged ? f.t1S : null,
            m0: f.converged ? f.m0 : null,
            status: f.status,
          };
        });
        emit(out, o);
      },
    );

  t1.command("map")
    .description("voxelwise VFA T1 map (voxelwise engine, worker threads) → T1_s, M0, status NIfTI")
    .argument("<vfa.nii.gz>", "4D SPGR image: one volume per flip angle, in --fa-deg order")
    .requiredOption("--fa-deg <list>", "flip angles in degrees, one per volume, e.g. 2,5,10,15")
    .requiredOption("--tr-ms <n>", "repetition time (ms)")
    .requiredOption("--out <dir>", "output folder")
    .option("--b1 <b1.nii.gz>", "relative flip-angle map (actual angle = B1 × nominal)")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--method <m>", "nonlinear | linear", "nonlinear")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task", "1024")
    .option("--json", "print a summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope t1 map vfa.nii.gz --fa-deg 2,5,12 --tr-ms 5.4 --mask brain.nii.gz --out t1maps\n",
    )
    .action(
      async (
        file: string,
        o: {
          faDeg: string;
          trMs: string;
          out: string;
          b1?: string;
          mask?: string;
          method: string;
          threads?: string;
          chunkSize: string;
          json?: boolean;
        },
      ) => {
        const fa = parseFlipAngles(o.faDeg);
        const trS = parseNumberOption("--tr-ms", o.trMs, { min: 0, exclusiveMin: true }) / 1000;
        const method = parseChoice("--method", o.method, ["nonlinear", "linear"] as const);
        const options: T1VfaOptions = { faDeg: fa, trS, method, b1: o.b1 !== undefined };
        await runMapCommand(
          {
            input: file,
            model: "t1-vfa",
            options,
            label: "t1 map",
            covariates: { b1: o.b1 },
            check: (series) => {
              if (series.nFrames !== fa.length)
                throw new InputError({
                  file,
                  field: "volumes",
                  value: series.nFrames,
                  expected: `${fa.length} volumes, one per flip angle in --fa-deg (${fa.join(", ")})`,
                });
            },
            sidecarName: "t1_map.json",
            sidecarExtra: { b1: o.b1 ?? null },
            summary: (res, seconds, written) => ({
              model: "t1-vfa",
              voxels: res.fitted,
              status_counts: res.statusCounts,
              workers: res.workers,
              seconds,
              files: written.files,
              out: o.out,
            }),
            text: (res, seconds) =>
              `${res.fitted} voxels fitted (${res.statusCounts.ok} ok) with ${res.workers} thread(s) in ${seconds.toFixed(1)} s → ${o.out}\n`,
          },
          o,
        );
      },
    );
}
