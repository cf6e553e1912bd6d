/**
 * `eprscope dwi fit <dwi.csv> --model adc|ivim [--method …] [--b-threshold 200] --json` — CSV:
 * `b_s_per_mm2` then one column per curve → adc [{ curve, ADC_mm2_per_s, S0, rss, converged,
 * status, method }]; ivim [{ curve, f, D_mm2_per_s, Dstar_mm2_per_s, S0, rss, converged, status,
 * method }]. Methods: adc log-linear (default) | nonlinear; ivim full (default) | segmented.
 * `eprscope dwi map <dwi.nii.gz> --b-values LIST --model adc|ivim [--method …] [--mask M]
 * [--threads N] --out DIR` → DIR/<parameter>.nii.gz, DIR/status.nii.gz, DIR/dwi_map.json through
 * the voxelwise engine (model "dwi").
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { ADC_METHODS, AdcFitter, IVIM_METHODS, IvimFitter } from "../../core/mri/diffusion.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { type MapCommandOptions, runMapCommand } from "../mapCommand.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";
import { readCurveCsv } from "./relax.js";

function methodFor(model: "adc" | "ivim", raw: string | undefined): string {
  if (raw === undefined) return model === "adc" ? "log-linear" : "full";
  return model === "adc"
    ? parseChoice("--method", raw, ADC_METHODS)
    : parseChoice("--method", raw, IVIM_METHODS);
}

export function register(program: Command): void {
  const dwi = program
    .command("dwi")
    .description("diffusion-weighted MRI: ADC and IVIM (b in s/mm², D in mm²/s)");
  dwi
    .command("fit")
    .description("fit ADC or IVIM to signal-vs-b curves from a CSV")
    .argument("<dwi.csv>", "b_s_per_mm2 column, then one column per curve (signal)")
    .requiredOption("--model <m>", "adc | ivim")
    .option("--method <m>", "adc: log-linear (default) | nonlinear; ivim: full (default) | segmented")
    .option("--b-threshold <b>", "ivim: b-values ≥ this (s/mm²) give D in the segmented stage", "200")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nIVIM: S = S0·[f·e^(−b·D*) + (1−f)·e^(−b·D)], bounds 0 ≤ f ≤ 1, 0 ≤ D ≤ 0.005, 0.005 ≤ D* ≤ 0.2 mm²/s.\nsegmented: D from b ≥ threshold (log-linear), then S0, f, D*; full: all four from the segmented start.\nExample:\n  eprscope dwi fit dwi.csv --model ivim --method segmented --json\n",
    )
    .action(
      (
        file: string,
        o: { model: string; method?: string; bThreshold: string; json?: boolean; out?: string },
      ) => {
        const model = parseChoice("--model", o.model, ["adc", "ivim"] as const);
        const method = methodFor(model, o.method);
        if (o.out) assertOutputOutsideInputs(o.out, [file]);
        const { x, curves } = readCurveCsv(file, "b_s_per_mm2");
        if (model === "adc") {
          const fitter = new AdcFitter(x, method as (typeof ADC_METHODS)[number]);
          emit(
            curves.map(({ name, y }) => {
              const f = fitter.fit(y);
              return {
                curve: name,
                ADC_mm2_per_s: f.ADC_mm2_per_s,
                S0: f.S0,
                rss: f.rss,
                converged: f.converged,
                status: f.status,
                method,
              };
            }),
            o,
          );
          return;
        }
        const bThreshold = parseNumberOption("--b-threshold", o.bThreshold, { min: 0 });
        const fitter = new IvimFitter(x, { method: method as (typeof IVIM_METHODS)[number], bThreshold });
        emit(
          curves.map(({ name, y }) => {
            const f = fitter.fit(y);
            return {
              curve: name,
              f: f.f,
              D_mm2_per_s: f.D_mm2_per_s,
              Dstar_mm2_per_s: f.Dstar_mm2_per_s,
              S0: f.S0,
              rss: f.rss,
              converged: f.converged,
              status: f.status,
              method,
            };
          }),
          o,
        );
      },
    );
  dwi
    .command("map")
    .description("voxelwise ADC / IVIM maps through the voxelwise engine (NIfTI + status map + JSON sidecar)")
    .argument("<dwi.nii.gz>", "4D series, one volume per b-value")
    .requiredOption("--b-values <list>", "b-values (s/mm²), one per volume, e.g. 0,50,100,200,400,800")
    .requiredOption("--model <m>", "adc | ivim")
    .requiredOption("--out <dir>", "output folder")
    .option("--method <m>", "adc: log-linear | nonlinear; ivim: full | segmented")
    .option("--b-threshold <b>", "ivim: segmented-stage threshold (s/mm²)", "200")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task (default 1024)")
    .option("--json", "print a summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dwi map dwi.nii.gz --b-values 0,10,20,50,100,200,400,800 --model ivim --mask roi.nii.gz --out ivim/ --json\n",
    )
    .action(
      async (
        input: string,
        o: MapCommandOptions & { bValues: string; model: string; method?: string; bThreshold: string },
      ) => {
        const bValues = parseNumberList("--b-values", o.bValues);
        const model = parseChoice("--model", o.model, ["adc", "ivim"] as const);
        const method = methodFor(model, o.method);
        const bThreshold = parseNumberOption("--b-threshold", o.bThreshold, { min: 0 });
        if (bValues.some((b) => b < 0))
          throw new InputError({ field: "--b-values", value: o.bValues, expected: "b-values ≥ 0" });
        await runMapCommand(
          {
            input,
            model: "dwi",
            options: { bValues, model, method, ...(model === "ivim" ? { bThreshold } : {}) },
            label: "dwi map",
          },
          o,
        );
      },
    );
}
