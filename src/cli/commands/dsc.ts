/**
 * `eprscope dsc fit <curves.csv> --aif <aif.csv> --te-ms N --baseline-frames N [--method svd|osvd]
 *  [--leakage [--leakage-reference COLUMN]] --json` — CSV: `time_s` then one signal (or, with
 * --input deltaR2star, ΔR2*) column per curve; AIF CSV: `time_s` and one arterial column on the
 * same frames → [{ curve, CBV_ml_per_100ml, CBF_ml_per_100ml_per_min, MTT_s, Tmax_s, K2_per_s?,
 * rss, status }].
 * `eprscope dsc map <dsc.nii.gz> --aif <aif.csv> --te-ms N --baseline-frames N [--mask M]
 *  [--method osvd] [--leakage [--leakage-reference REF.nii.gz]] [--threads N] --out DIR` → one
 * NIfTI map per parameter, status.nii.gz and dsc_map.json through the voxelwise engine (model
 * "dsc", core/perfusion/dscVoxelModel.ts). The leakage reference (non-enhancing tissue) defaults
 * to the mean ΔR2* of all curves (fit) or of the fitted voxels (map).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { voxelCount3d } from "../../core/image/volume.js";
import { deltaR2Star } from "../../core/perfusion/dsc.js";
import {
  DSC_INPUTS,
  DSC_METHODS,
  type DscInput,
  type DscVoxelOptions,
  dscVoxelModel,
} from "../../core/perfusion/dscVoxelModel.js";
import { allocChunkResult, VOXEL_STATUS_LABELS } from "../../core/voxel/model.js";
import { openNiftiSeries } from "../../engine/voxelwise/index.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { readNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { type MapCommandOptions, runMapCommand } from "../mapCommand.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

const AIF_INPUTS = ["signal", "deltaR2star", "concentration"] as const;

interface DscCommonOptions {
  aif: string;
  teMs?: string;
  baselineFrames?: string;
  input: string;
  aifInput?: string;
  method: string;
  leakage?: boolean;
  leakageReference?: string;
  svdThreshold?: string;
  oi?: string;
}

interface Parsed {
  input: DscInput;
  teS?: number;
  baselineFrames?: number;
  aif: number[];
  dtS: number;
  timeS: Float64Array;
  options: Omit<DscVoxelOptions, "aif" | "dtS">;
}

/** read the AIF CSV, check the time axis (uniform) and build the shared model options */
function parseCommon(o: DscCommonOptions): Parsed {
  const input = parseChoice("--input", o.input, DSC_INPUTS);
  const aifInput = parseChoice("--aif-input", o.aifInput ?? input, AIF_INPUTS);
  const needsSignal = input === "signal" || aifInput === "signal";
  const teS =
    o.teMs !== undefined
      ? parseNumberOption("--te-ms", o.teMs, { min: 0, exclusiveMin: true }) / 1000
      : undefined;
  const baselineFrames =
    o.baselineFrames !== undefined
      ? parseNumberOption("--baseline-frames", o.baselineFrames, { min: 1, integer: true })
      : undefined;
  if (needsSignal && (teS === undefined || baselineFrames === undefined))
    throw new InputError({
      field: teS === undefined ? "--te-ms" : "--baseline-frames",
      expected: "--te-ms and --baseline-frames to convert signal to ΔR2* = −ln(S/S0)/TE",
    });
  const method = parseChoice("--method", o.method, DSC_METHODS);
  const table = readCurveCsv(o.aif, "time_s", "one arterial curve column");
  if (table.curves.length !== 1)
    throw new InputError({
      file: o.aif,
      field: "columns",
      value: table.curves.map((c) => c.name),
      expected: "time_s and exactly one arterial curve column",
    });
  const t = table.x;
  const n = t.length;
  if (n < 3) throw new InputError({ file: o.aif, field: "time_s", value: n, expected: "at least 3 frames" });
  const dtS = t[1] - t[0];
  for (let i = 1; i < n; i++)
    if (!(Math.abs(t[i] - t[i - 1] - dtS) <= 1e-6 * Math.max(1, Math.abs(dtS)) && dtS > 0))
      throw new InputError({
        file: o.aif,
        field: `time_s[${i}]`,
        value: t[i],
        expected: "uniformly spaced, increasing frame times (s)",
      });
  const raw = table.curves[0].y;
  if (!raw.every(Number.isFinite))
    throw new InputError({
      file: o.aif,
      field: table.curves[0].name,
      expected: "a finite value in every frame",
    });
  if (aifInput === "signal" && !(baselineFrames !== undefined && baselineFrames < n))
    throw new InputError({
      field: "--baseline-frames",
      value: baselineFrames,
      expected: `fewer than ${n} frames`,
    });
  const aif =
    aifInput === "signal"
      ? Array.from(deltaR2Star(raw, baselineFrames as number, teS as number))
      : Array.from(raw);
  if (!aif.every(Number.isFinite))
    throw new InputError({
      file: o.aif,
      field: "signal",
      expected: "a positive arterial signal in every frame",
    });
  return {
    input,
    teS,
    baselineFrames,
    aif,
    dtS,
    timeS: t,
    options: {
      input,
      ...(input === "signal" ? { teS, baselineFrames } : {}),
      method,
      ...(o.svdThreshold !== undefined
        ? {
            svdThreshold: parseNumberOption("--svd-threshold", o.svdThreshold, {
              min: 0,
              exclusiveMin: true,
              max: 1,
            }),
          }
        : {}),
      ...(o.oi !== undefined ? { oi: parseNumberOption("--oi", o.oi, { min: 0, exclusiveMin: true }) } : {}),
      leakage: o.leakage === true,
    },
  };
}

/** ΔR2* of one curve as the model computes it (NaN when the signal cannot be converted) */
function toDeltaR2(p: Parsed, y: ArrayLike<number>): Float64Array {
  if (p.input !== "signal") return Float64Array.from(y);
  return deltaR2Star(y, p.baselineFrames as number, p.teS as number);
}

/** mean of the finite ΔR2* curves; InputError when none */
function meanCurve(sum: Float64Array, count: number, what: string): number[] {
  if (count === 0)
    throw new InputError({ field: "--leakage-reference", value: what, expected: "at least one valid curve" });
  return Array.from(sum, (s) => s / count);
}

function addCurve(sum: Float64Array, d: Float64Array): boolean {
  if (!d.every(Number.isFinite)) return false;
  for (let i = 0; i < sum.length; i++) sum[i] += d[i];
  return true;
}

function addCommonOptions(c: Command): Command {
  return c
    .requiredOption("--aif <aif.csv>", "time_s and one arterial curve column (same frames)")
    .option("--te-ms <n>", "echo time (ms), for signal → ΔR2*")
    .option("--baseline-frames <n>", "pre-bolus frames averaged to S0")
    .option("--input <kind>", "curves are signal | deltaR2star", "signal")
    .option("--aif-input <kind>", "AIF is signal | deltaR2star | concentration (default: as --input)")
    .option("--method <m>", "svd (truncated, Østergaard) | osvd (oscillation index, Wu)", "svd")
    .option("--svd-threshold <x>", "svd: relative singular-value cut-off (default 0.2)")
    .option("--oi <x>", "osvd: oscillation-index target (default 0.095)")
    .option("--leakage", "Boxerman–Weisskoff leakage correction (reports K2_per_s)")
    .option("--json", "print one JSON document");
}

export function register(program: Command): void {
  const dsc = program
    .command("dsc")
    .description("DSC-MRI perfusion: CBV, CBF, MTT, Tmax (+ leakage K2) by SVD / oSVD deconvolution");
  addCommonOptions(
    dsc
      .command("fit")
      .description("deconvolve DSC curves from a CSV")
      .argument("<curves.csv>", "time_s column, then one column per curve (signal or ΔR2*)"),
  )
    .option(
      "--leakage-reference <column>",
      "curve column of non-enhancing tissue (default: mean of all curves)",
    )
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dsc fit curves.csv --aif aif.csv --te-ms 30 --baseline-frames 5 --method osvd --leakage --json\n",
    )
    .action((file: string, o: DscCommonOptions & { json?: boolean; out?: string }) => {
      if (o.out) assertOutputOutsideInputs(o.out, [file, o.aif]);
      const p = parseCommon(o);
      const { x, curves } = readCurveCsv(file, "time_s", "one signal (or ΔR2*) column per curve");
      const n = p.aif.length;
      if (x.length !== n || x.some((t, i) => Math.abs(t - p.timeS[i]) > 1e-6 * Math.max(1, Math.abs(t))))
        throw new InputError({
          file,
          field: "time_s",
          value: x.length,
          expected: `the ${n} frame times of ${o.aif}`,
        });
      let leakageReference: number[] | undefined;
      if (o.leakage) {
        if (o.leakageReference !== undefined) {
          const c = curves.find((k) => k.name === o.leakageReference);
          if (!c)
            throw new InputError({
              file,
              field: "--leakage-reference",
              value: o.leakageReference,
              expected: curves.map((k) => k.name).join(" | "),
            });
          leakageReference = Array.from(toDeltaR2(p, c.y));
          if (!leakageReference.every(Number.isFinite))
            throw new InputError({ file, field: o.leakageReference, expected: "a valid reference curve" });
        } else {
          const sum = new Float64Array(n);
          let count = 0;
          for (const c of curves) {
            const ok = c.y.every(Number.isFinite) && (p.input !== "signal" || c.y.every((v) => v > 0));
            if (ok && addCurve(sum, toDeltaR2(p, c.y))) count++;
          }
          leakageReference = meanCurve(sum, count, "all curves");
        }
      } else if (o.leakageReference !== undefined)
        throw new InputError({
          field: "--leakage-reference",
          expected: "--leakage-reference only with --leakage",
        });
      const options: DscVoxelOptions = { ...p.options, aif: p.aif, dtS: p.dtS, leakageReference };
      dscVoxelModel.validate?.(options, n);
      const params = dscVoxelModel.parameters(options);
      const res = allocChunkResult(curves.length, params.length);
      const flat = new Float64Array(curves.length * n);
      curves.forEach((c, v) => flat.set(c.y, v * n));
      dscVoxelModel.fitChunk(flat, n, options, res);
      const out = curves.map((c, v) => ({
        curve: c.name,
        ...Object.fromEntries(params.map((q, k) => [q.key, res.params[v * params.length + k]])),
        rss: res.rss[v],
        status: VOXEL_STATUS_LABELS[res.status[v]] ?? String(res.status[v]),
      }));
      emit(out, o);
    });
  addCommonOptions(
    dsc
      .command("map")
      .description("voxelwise DSC maps through the voxelwise engine (NIfTI + status map + JSON sidecar)")
      .argument("<dsc.nii.gz>", "4D DSC series, one volume per frame (frames as in --aif)"),
  )
    .requiredOption("--out <dir>", "output folder")
    .option("--mask <mask.nii.gz>", "voxels to fit (> 0); default all")
    .option("--leakage-reference <ref.nii.gz>", "non-enhancing tissue mask (default: the fitted voxels)")
    .option("--threads <n>", "worker threads (default: all cores)")
    .option("--chunk-size <n>", "voxels per worker task (default 1024)")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope dsc map dsc.nii.gz --aif aif.csv --te-ms 30 --baseline-frames 5 --method osvd --leakage --mask brain.nii.gz --out dsc/ --json\n",
    )
    .action(async (input: string, o: DscCommonOptions & MapCommandOptions) => {
      const inputs = [
        input,
        o.aif,
        ...(o.mask ? [o.mask] : []),
        ...(o.leakageReference ? [o.leakageReference] : []),
      ];
      assertOutputOutsideInputs(o.out, inputs, { outputIsFolder: true });
      const p = parseCommon(o);
      const n = p.aif.length;
      let leakageReference: number[] | undefined;
      if (!o.leakage && o.leakageReference !== undefined)
        throw new InputError({
          field: "--leakage-reference",
          expected: "--leakage-reference only with --leakage",
        });
      const series = await openNiftiSeries(input);
      try {
        if (series.nFrames !== n)
          throw new InputError({
            file: input,
            field: "frames",
            value: series.nFrames,
            expected: `${n} frames, as the time_s of ${o.aif}`,
          });
        if (o.leakage) {
          const refPath = o.leakageReference ?? o.mask;
          const ref = refPath ? readNifti(refPath) : null;
          if (ref && voxelCount3d(ref) !== series.nVoxels)
            throw new InputError({
              file: refPath,
              field: "dims",
              value: ref.dims,
              expected: `the grid of ${input} (${series.dims.slice(0, 3).join("×")})`,
            });
          const sum = new Float64Array(n);
          let count = 0;
          const slab = 4096;
          const buf = new Float64Array(slab * n);
          const y = new Float64Array(n);
          for (let v0 = 0; v0 < series.nVoxels; v0 += slab) {
            const cnt = Math.min(slab, series.nVoxels - v0);
            series.source.readSlab(v0, cnt, buf);
            for (let i = 0; i < cnt; i++) {
              if (ref && !(ref.data[v0 + i] > 0)) continue;
              for (let f = 0; f < n; f++) y[f] = buf[f * cnt + i];
              if (!y.every(Number.isFinite) || (p.input === "signal" && !y.every((s) => s > 0))) continue;
              if (addCurve(sum, toDeltaR2(p, y))) count++;
            }
          }
          leakageReference = meanCurve(sum, count, refPath ?? input);
        }
      } finally {
        series.close();
      }
      const options: DscVoxelOptions = { ...p.options, aif: p.aif, dtS: p.dtS, leakageReference };
      dscVoxelModel.validate?.(options, n);
      await runMapCommand({ input, model: "dsc", options, label: "dsc map" }, o);
    });
}
