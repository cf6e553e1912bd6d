/**
 * The one runner behind every `… map` command (dce, t1, relax, dwi, dsc, unmix): checks that the
 * output folder is outside every input, opens the 4D series slab-wise, checks the mask and
 * covariate images against its grid, fits `model` through the voxelwise engine with progress
 * (a bar on a terminal, a line per 10 % otherwise) and Ctrl-C cancellation, then writes the
 * maps + JSON sidecar and prints the command's summary.
 */
import cliProgress from "cli-progress";
import { InputError } from "../core/errors.js";
import { type Volume, voxelCount3d } from "../core/image/volume.js";
import {
  type NiftiSeries,
  openNiftiSeries,
  runVoxelMap,
  type VoxelMapResult,
  writeVoxelMaps,
} from "../engine/voxelwise/index.js";
import type { WrittenMaps } from "../engine/voxelwise/writer.js";
import { readNifti } from "../io/nifti.js";
import { assertOutputOutsideInputs } from "../io/safePaths.js";
import { parseNumberOption } from "./options.js";
import { emit } from "./output.js";

/** the options every map command shares (commander's parsed strings) */
export interface MapCommandOptions {
  out: string;
  mask?: string;
  threads?: string;
  chunkSize?: string;
  json?: boolean;
}

export interface MapCommandSpec {
  /** the 4D series (one volume per echo, b-value, flip angle, frame, wavelength) */
  input: string;
  /** voxel model name in the engine's registry */
  model: string;
  /** model options, or a function of the opened series (after `check`) */
  options: unknown | ((series: NiftiSeries) => unknown);
  /** prefix of progress lines, e.g. "dce map" */
  label: string;
  /** further input files that must not be written over (AIF, B1 map, spectra) */
  otherInputs?: string[];
  /** 3D images on the series grid handed to the model as covariates: name → file */
  covariates?: Record<string, string | undefined>;
  /** checks of the opened series (frame counts, …) that throw InputError */
  check?: (series: NiftiSeries) => void;
  sidecarName?: string;
  sidecarExtra?: Record<string, unknown>;
  /** the command's summary (JSON contract); default: model, voxels, fitted, status_counts, … */
  summary?: (res: VoxelMapResult, seconds: number, written: WrittenMaps) => Record<string, unknown>;
  /** the human-readable line; default "N voxels fitted with T thread(s) in S s → DIR" */
  text?: (res: VoxelMapResult, seconds: number) => string;
}

function sameGrid(series: NiftiSeries, input: string, file: string, img: Volume): void {
  if (voxelCount3d(img) !== series.nVoxels)
    throw new InputError({
      file,
      field: "dims",
      value: img.dims,
      expected: `the grid of ${input} (${series.dims.slice(0, 3).join("×")})`,
    });
}

export async function runMapCommand(spec: MapCommandSpec, o: MapCommandOptions): Promise<void> {
  const { input, model, label } = spec;
  const covariateFiles = Object.entries(spec.covariates ?? {}).filter(
    (e): e is [string, string] => e[1] !== undefined,
  );
  const inputs = [
    input,
    ...(spec.otherInputs ?? []),
    ...covariateFiles.map(([, f]) => f),
    ...(o.mask ? [o.mask] : []),
  ];
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
  const abort = new AbortController();
  const onSigint = () => abort.abort(new Error(`${label}: interrupted`));
  process.once("SIGINT", onSigint);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { stream: process.stderr, format: ` ${label} {bar} {percentage}% | {value}/{total} chunks` },
        cliProgress.Presets.shades_classic,
      )
    : null;
  try {
    spec.check?.(series);
    const mask = o.mask ? readNifti(o.mask) : null;
    if (mask && o.mask) sameGrid(series, input, o.mask, mask);
    const covariates: Record<string, Float32Array | Float64Array> = {};
    for (const [name, file] of covariateFiles) {
      const img = readNifti(file);
      sameGrid(series, input, file, img);
      covariates[name] = img.data;
    }
    const options = typeof spec.options === "function" ? spec.options(series) : spec.options;
    const t0 = performance.now();
    let started = false;
    let lastPct = -1;
    const res = await runVoxelMap({
      model,
      options,
      source: series.source,
      mask: mask ? mask.data : undefined,
      covariates: covariateFiles.length > 0 ? covariates : undefined,
      threads,
      chunkSize,
      signal: abort.signal,
      onProgress: (done, total) => {
        if (bar) {
          if (!started) bar.start(total, 0);
          started = true;
          bar.update(done);
          return;
        }
        const pct = Math.floor((100 * done) / total / 10) * 10;
        if (pct !== lastPct) {
          lastPct = pct;
          process.stderr.write(`${label}: ${done}/${total} chunks\n`);
        }
      },
    });
    bar?.stop();
    const seconds = (performance.now() - t0) / 1000;
    const written = writeVoxelMaps(
      o.out,
      res,
      { dims: series.dims, spacingMm: series.spacingMm, affine: series.affine },
      {
        ...(spec.sidecarName ? { sidecarName: spec.sidecarName } : {}),
        options,
        extra: { input, ...(o.mask ? { mask: o.mask } : {}), ...spec.sidecarExtra, seconds },
      },
    );
    const summary = spec.summary
      ? spec.summary(res, seconds, written)
      : {
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
    emit(summary, { json: o.json }, () =>
      spec.text
        ? spec.text(res, seconds)
        : `${res.fitted} voxels fitted with ${res.workers} thread(s) in ${seconds.toFixed(1)} s → ${o.out}\n`,
    );
  } finally {
    bar?.stop();
    process.removeListener("SIGINT", onSigint);
    series.close();
  }
}
