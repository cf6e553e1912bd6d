/**
 * `eprscope relax fit <echoes.csv> [--model mono|offset|noise-floor] [--sigma S] --json` — CSV:
 * `te_ms` then one column per curve → [{ curve, T2_ms, R2_per_s, S0, (offset | noise_floor),
 * rss, converged, status }] (T2* and R2* for gradient echoes).
 * `eprscope relax map <echoes.nii.gz> --te-ms LIST --out DIR [--model] [--mask M] [--threads N]`
 * → DIR/T2_ms.nii.gz, R2_per_s.nii.gz, S0.nii.gz (+ offset / noise_floor), status.nii.gz and
 * relax_map.json, through the voxelwise engine (model "relax").
 * Also exports the helpers shared by the dwi command: curve-CSV reading and map running.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { voxelCount3d } from "../../core/image/volume.js";
import { RELAX_MODELS, RelaxFitter } from "../../core/mri/relaxometry.js";
import { openNiftiSeries, runVoxelMap, writeVoxelMaps } from "../../engine/voxelwise/index.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { readNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

/** A CSV with an axis column (te_ms, b_s_per_mm2, time_s) and one column per curve. */
export { readCurveCsv };

export interface MapCommandOptions {
  out: string;
  mask?: string;
  threads?: string;
  chunkSize?: string;
  json?: boolean;
}

/** Read a 4D series slab-wise, fit `model` voxelwise through the engine, write maps + sidecar. */
export async function runMapCommand(
  input: string,
  model: string,
  options: unknown,
  o: MapCommandOptions,
  label: string,
): Promise<void> {
  const inputs = [input, ...(o.mask ? [o.mask] : [])];
  assertOutputOutsideInputs(o.out, inputs, { outputIsFolder: true });
  const threads =
    o.threads !== undefined
      ? parseNumberOption("--threads", o.threads, { min: 1, integer: true })
      : undefined;
  const chunkSize =
    o.chunkSize !== undefined
      ? parseNumberOption("--chunk-size", o.chunkSize, { min: 1, integer: true })
      : undefined;
  const series = await openNiftiSeries(input);
  try {
    const mask = o.mask ? readNifti(o.mask) : null;
    if (mask && voxelCount3d(mask) !== series.nVoxels)
      throw new InputError({
        file: o.mask,
        field: "dims",
        value: mask.dims,
        expected: `the grid of ${input} (${series.dims.slice(0, 3).join("×")})`,
      });
    const t0 = performance.now();
    let lastPct = -1;
    const res = await runVoxelMap({
      model,
      options,
      source: series.source,
      mask: mask ? mask.data : undefined,
      threads,
      chunkSize,
      onProgress: (done, total) => {
        const pct = Math.floor((100 * done) / total / 10) * 10;
        if (pct !== lastPct) {
          lastPct = pct;
          process.stderr.write(`${label}: ${done}/${total} chunks\n`);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    const written = writeVoxelMaps(
      o.out,
      res,
      { dims: series.dims, spacingMm: series.spacingMm, affine: series.affine },
      { options, extra: { input, ...(o.mask ? { mask: o.mask } : {}), seconds } },
    );
    const summary = {
      model,
      voxels: res.nVoxels,
      fitted: res.fitted,
      status_counts: res.statusCounts,
      workers: res.workers,
      seconds,
      files: written.files,
      sidecar: written.sidecar,
      out: o.out,
    };
    emit(
      summary,
      { json: o.json },
      () =>
        `${res.fitted} voxels fitted with ${res.workers} thread(s) in ${seconds.toFixed(1)} s → ${o.out}\n`,
    );
  } finally {
    series.close();
  }
}

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
        input,
        "relax",
        { teMs, model, ...(sigma !== undefined ? { sigma } : {}) },
        o,
        "relax map",
      );
    });
}
