/**
 * `eprscope relax fit <echoes.csv> [--model mono|offset|noise-floor] [--sigma S] --json` — CSV:
 * `te_ms` then one column per curve → [{ curve, T2_ms, R2_per_s, S0, (offset | noise_floor),
 * rss, converged, status }] (T2* and R2* for gradient echoes).
 * `eprscope relax map <echoes.nii.gz> --te-ms LIST --out DIR [--model] [--mask M] [--threads N]`
 * → DIR/T2_ms.nii.gz, R2_per_s.nii.gz, S0.nii.gz (+ offset / noise_floor), status.nii.gz and
 * relax_map.json, through the voxelwise engine (model "relax").
 * Also re-exports the curve-CSV reader the dwi command uses.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { RELAX_MODELS, RelaxFitter } from "../../core/mri/relaxometry.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { type MapCommandOptions, runMapCommand } from "../mapCommand.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

/** A CSV with an axis column (te_ms, b_s_per_mm2, time_s) and one column per curve. */
export { readCurveCsv };

export function register(program: Command): void {
  const relax = program.command("relax").description("multi-echo T2 / T2* relaxometry (R2 = 1000/T2_ms)");
  relax
    .command("fit")
    .description("fit multi-echo decay curves from a CSV")
    .argument("<echoes.csv>", "te_ms column, then one column per curve (signal)")
    .option("--model <m>", "mono | offset | noise-floor", "mono")
    .option("--sigma <s>", "noise-floor model: known Rician noise SD (NF = √2·σ held fixed)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nModels: mono S0·e^(−TE/T2); offset S0·e^(−TE/T2) + C; noise-floor √(S0²e^(−2TE/T2) + NF²).\nExample:\n  eprscope relax fit echoes.csv --model noise-floor --json\n",
    )
    .action((file: string, o: { model: string; sigma?: string; json?: boolean; out?: string }) => {
      const model = parseChoice("--model", o.model, RELAX_MODELS);
      const sigma = o.sigma !== undefined ? parseNumberOption("--sigma", o.sigma, { min: 0 }) : undefined;
      if (sigma !== undefined && model !== "noise-floor")
        throw new InputError({
          field: "--sigma",
          value: o.sigma,
          expected: "--sigma only with --model noise-floor",
        });
      if (o.out) assertOutputOutsideInputs(o.out, [file]);
      const { x, curves } = readCurveCsv(file, "te_ms");
      const fitter = new RelaxFitter(x, { model, sigma });
      const out = curves.map(({ name, y }) => {
        const f = fitter.fit(y);
        return {
          curve: name,
          T2_ms: f.T2_ms,
          R2_per_s: f.R2_per_s,
          S0: f.S0,
          ...(model === "offset" ? { offset: f.offset } : {}),
          ...(model === "noise-floor" ? { noise_floor: f.noise_floor } : {}),
          rss: f.rss,
          converged: f.converged,
          status: f.status,
        };
      });
      emit(out, o);
    });
  relax
    .command("map")
    .description("voxelwise T2/T2* maps through the voxelwise engine (NIfTI + status map + JSON sidecar)")
    .argument("<echoes.nii.gz>", "4D multi-echo series, one volume per echo")
    .requiredOption("--te-ms <list>", "echo times (ms), one per volume, e.g. 10,20,30,40")
    .requiredOption("--out <dir>", "output folder")
    .option("--model <m>", "mono | offset | noise-floor", "mono")
    .option("--sigma <s>", "noise-floor model: known Rician noise SD")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task (default 1024)")
    .option("--json", "print a summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope relax map me.nii.gz --te-ms 5,10,15,20,25,30 --out t2map/ --json\n",
    )
    .action(async (input: string, o: MapCommandOptions & { teMs: string; model: string; sigma?: string }) => {
      const teMs = parseNumberList("--te-ms", o.teMs);
      const model = parseChoice("--model", o.model, RELAX_MODELS);
      const sigma = o.sigma !== undefined ? parseNumberOption("--sigma", o.sigma, { min: 0 }) : undefined;
      await runMapCommand(
        {
          input,
          model: "relax",
          options: { teMs, model, ...(sigma !== undefined ? { sigma } : {}) },
          label: "relax map",
        },
        o,
      );
    });
}
