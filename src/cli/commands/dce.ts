import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { DceModel } from "../../core/perfusion/dceModel.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import type { DceVoxelOptions } from "../../core/voxel/dce.js";
import { readPlasmaAif } from "../../io/aif.js";
import { numericTableColumn, readNumericCsv } from "../../io/numericCsv.js";
import { runMapCommand } from "../mapCommand.js";
import { DCE_MODELS, parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface DceFitCli {
  aif: string;
  model: string;
  delay?: boolean;
  hct?: string;
  threads?: string;
  json?: boolean;
  out?: string;
}

const hctOf = (raw: string | undefined) => parseNumberOption("--hct", raw ?? "0.42", { min: 0, max: 0.99 });

export function register(program: Command): void {
  const dce = program.command("dce").description("DCE-MRI tracer-kinetic analysis");
  dce
    .command("fit")
    .description("fit a tracer-kinetic model to tissue concentration curves")
    .argument("<tissue.csv>", "time_s + one column per tissue curve (mM)")
    .requiredOption("--aif <aif.csv>", "time_s + cp_mM (plasma) or cb_mM (blood)")
    .requiredOption("--model <m>", "tofts | etofts | patlak | 2cxm | 2cum")
    .option("--delay", "fit the bolus-arrival delay (s, within ±10 s)")
    .option("--hct <h>", "hematocrit for a blood AIF (cb_mM)", "0.42")
    .option("--threads <n>", "worker threads (curves are fitted on this thread when few)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dce fit tissue.csv --aif aif.csv --model etofts --delay --json\n",
    )
    .action((file: string, o: DceFitCli) => {
      const model = parseChoice("--model", o.model, DCE_MODELS) as DceModelName;
      if (o.threads !== undefined) parseNumberOption("--threads", o.threads, { min: 1, integer: true });
      const tissue = readNumericCsv(file);
      const t = numericTableColumn(tissue, "time_s");
      const { timeS: ta, cp } = readPlasmaAif(o.aif, hctOf(o.hct));
      if (ta.length < t.length)
        throw new InputError({
          file: o.aif,
          field: "time_s",
          value: ta.length,
          expected: `at least the ${t.length} samples of ${file}`,
        });
      for (let i = 0; i < t.length; i++) {
        if (Math.abs(ta[i] - t[i]) > 1e-6 * Math.max(1, Math.abs(t[i])))
          throw new InputError({
            file: o.aif,
            field: `time_s, row ${i + 1}`,
            value: ta[i],
            expected: `the tissue time axis (${t[i]} s in ${file})`,
          });
        if (i > 0 && !(t[i] > t[i - 1]))
          throw new InputError({
            file,
            field: `time_s, row ${i + 1}`,
            value: t[i],
            expected: "strictly increasing times",
          });
      }
      const m = new DceModel(model, t, cp.subarray(0, t.length));
      const curves = tissue.columns.filter((c) => c !== "time_s");
      if (curves.length === 0)
        throw new InputError({
          file,
          field: "columns",
          expected: "at least one tissue curve column besides time_s",
        });
      // (extended) Tofts without delay: variable projection, else the multi-start fit
      const out = curves.map((name) => {
        const f = m.fit(numericTableColumn(tissue, name), { fitDelay: o.delay === true, varpro: true });
        const row: Record<string, unknown> = { curve: name, ...f.params };
        if (f.stderr) for (const [k, v] of Object.entries(f.stderr)) row[`${k}_se`] = v;
        row.rss = f.rss;
        row.aic = f.aic;
        row.converged = f.converged;
        row.status = f.status;
        return row;
      });
      emit(out, o);
    });

  dce
    .command("map")
    .description("voxelwise tracer-kinetic maps (worker threads), written as NIfTI with a status map")
    .argument("<dyn.nii.gz>", "4D dynamic image: SPGR signal (with --t1) or concentration in mM (without)")
    .requiredOption("--aif <aif.csv>", "time_s + cp_mM (plasma) or cb_mM (blood)")
    .requiredOption("--model <m>", "tofts | etofts | patlak | 2cxm | 2cum")
    .requiredOption("--out <dir>", "output folder")
    .option("--t1 <t1map.nii.gz>", "pre-contrast T1 map (s): converts signal to concentration")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--fa-deg <n>", "flip angle (with --t1)")
    .option("--tr-ms <n>", "repetition time (with --t1)")
    .option("--r1 <n>", "relaxivity (1/s/mM, with --t1)", "4.5")
    .option("--baseline <n>", "pre-contrast frames (with --t1)", "5")
    .option("--hct <h>", "hematocrit for a blood AIF", "0.42")
    .option("--delay", "fit the bolus-arrival delay per voxel")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task", "1024")
    .option("--json", "print a summary as JSON")
    .action(
      async (
        dynPath: string,
        o: DceFitCli & {
          out: string;
          t1?: string;
          mask?: string;
          faDeg?: string;
          trMs?: string;
          r1: string;
          baseline: string;
          chunkSize: string;
        },
      ) => {
        const model = parseChoice("--model", o.model, DCE_MODELS) as DceModelName;
        const { timeS: t, cp } = readPlasmaAif(o.aif, hctOf(o.hct));
        let signal: DceVoxelOptions["signal"];
        if (o.t1) {
          signal = {
            faDeg: parseNumberOption("--fa-deg", o.faDeg, { min: 0, exclusiveMin: true, max: 180 }),
            trS: parseNumberOption("--tr-ms", o.trMs, { min: 0, exclusiveMin: true }) / 1000,
            r1: parseNumberOption("--r1", o.r1, { min: 0, exclusiveMin: true }),
            baselineSamples: parseNumberOption("--baseline", o.baseline, { min: 2, integer: true }),
          };
        }
        const options: DceVoxelOptions = { model, timeS: t, aif: cp, fitDelay: o.delay === true, signal };
        await runMapCommand(
          {
            input: dynPath,
            model: "dce",
            options,
            label: "dce map",
            otherInputs: [o.aif],
            covariates: { t10_s: o.t1 },
            check: (dyn) => {
              if (t.length !== dyn.nFrames)
                throw new InputError({
                  file: o.aif,
                  field: "time_s",
                  value: t.length,
                  expected: `${dyn.nFrames} samples (frames of ${dynPath})`,
                });
              if (signal && dyn.nFrames < signal.baselineSamples)
                throw new InputError({
                  field: "--baseline",
                  value: signal.baselineSamples,
                  expected: `2 to ${dyn.nFrames} frames`,
                });
            },
            sidecarName: "dce_map.json",
            sidecarExtra: { aif: o.aif },
            summary: (res, seconds, written) => {
              const sc = res.statusCounts;
              return {
                model,
                voxels: res.fitted,
                converged: sc.ok ?? 0,
                notConverged: sc["not-converged"] ?? 0,
                invalid: sc["invalid-input"] ?? 0,
                workers: res.workers,
                seconds,
                files: written.files,
                out: o.out,
              };
            },
            text: (res, seconds) => {
              const sc = res.statusCounts;
              return `${res.fitted} voxels fitted (${sc.ok ?? 0} converged, ${sc["not-converged"] ?? 0} flagged, ${sc["invalid-input"] ?? 0} invalid) with ${res.workers} thread(s) in ${seconds.toFixed(1)} s → ${o.out}\n`;
            },
          },
          o,
        );
      },
    );
}
