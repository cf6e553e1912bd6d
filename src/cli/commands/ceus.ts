/**
 * `eprscope ceus fit <tic.csv | cine.nii.gz> --model lognormal|gamma|ldrw|replenishment [--offset]
 * --json` — CSV: `time_s` then one column per curve (linearised intensity; empty cells are
 * missing samples, e.g. frames rejected by `ceus tic`, and are left out of the fit). Bolus
 * models → [{ curve, AUC, peak, TTP_s, MTT_s, t0_s, wash_in_rate, wash_out_rate, <model
 * parameters>, samples, rss, converged, status }] with TTP_s on the file's time axis and MTT_s
 * the first moment from the fitted onset t0_s (log-normal: exp(μ + σ²/2)); replenishment (t from
 * the destruction pulse) → [{ curve, A, beta_per_s, flow_index = A·β, samples, rss, converged,
 * status }]. A NIfTI cine instead of the CSV takes the options of `ceus tic` and fits its curves.
 *
 * `eprscope ceus tic <cine.nii.gz> --labels <labels.nii.gz> (--frame-s DT [--start-s T] |
 * --times-s LIST) [--log-compressed --dynamic-range-db N [--display-max 255] [--gain-db 0]
 * [--linear-quantity power|amplitude]] [--reject-motion [--min-correlation 0.5] [--outlier-k 5]
 * [--window 2] [--reference-frame F] [--margin-voxels 2]] [--baseline-frames N] [--names a,b]
 * [--frames-in-z] --out tic.csv [--json]` — ROI mean of linear intensity per positive label and frame
 * (core/ultrasound/cine.ts) written as the CSV `ceus fit` reads (`time_s`, one column per
 * label, rejected frames empty); JSON { cine, labels, out, frames, times_s, log_compression,
 * baseline_frames, rejected_frames, rejections: [{ roi, label, frame, time_s, reason,
 * correlation, deviation }], rois: [{ roi, label, voxels, frames_used, rejected_frames,
 * baseline, clipped_fraction }] }. Frames are 0-based. The cine is a 4D NIfTI (x × y × z ×
 * frames; a 2D cine is x × y × 1 × frames, or x × y × frames with --frames-in-z, which is how
 * dcm2niix converts an ultrasound multi-frame DICOM) and the label map a 3D NIfTI on its grid.
 * DICOM is not read directly: US cines are mostly RGB/YBR and JPEG-compressed, which the DICOM
 * reader (io/dicom) refuses; convert with dcm2niix (greyscale) first.
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { fitCeus } from "../../core/ultrasound/ceus.js";
import { CEUS_MODELS } from "../../core/ultrasound/ceusModels.js";
import { type CineTic, cineTimeIntensity } from "../../core/ultrasound/cine.js";
import { LINEAR_QUANTITIES, type LogCompression } from "../../core/ultrasound/cineLinearise.js";
import type { FrameRejectionOptions } from "../../core/ultrasound/cineRejection.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { readNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { checkOutPath, emit } from "../output.js";

interface TicOptions {
  labels?: string;
  frameS?: string;
  startS?: string;
  timesS?: string;
  logCompressed?: boolean;
  dynamicRangeDb?: string;
  displayMax?: string;
  gainDb?: string;
  linearQuantity?: string;
  rejectMotion?: boolean;
  minCorrelation?: string;
  outlierK?: string;
  window?: string;
  referenceFrame?: string;
  marginVoxels?: string;
  baselineFrames?: string;
  names?: string;
  framesInZ?: boolean;
}

const isNifti = (f: string) => /\.nii(\.gz)?$/i.test(f);

function addTicOptions(c: Command, labelsRequired: boolean): Command {
  const labels = "<labels.nii.gz>";
  const labelsHelp = "3D label map on the cine's grid (integer labels, 0 = background)";
  return (
    labelsRequired
      ? c.requiredOption(`--labels ${labels}`, labelsHelp)
      : c.option(`--labels ${labels}`, `cine input: ${labelsHelp}`)
  )
    .option("--frame-s <dt>", "frame interval (s)")
    .option("--start-s <t>", "time of the first frame with --frame-s (s, default 0)")
    .option("--times-s <list>", "frame times (s), one per frame, comma-separated")
    .option("--log-compressed", "the cine holds log-compressed display values: invert before averaging")
    .option("--dynamic-range-db <n>", "dynamic range mapped onto 0…display max (dB)")
    .option("--display-max <n>", "display value of the top of the dynamic range (default 255)")
    .option("--gain-db <n>", "gain added before the log mapping (dB, default 0)")
    .option("--linear-quantity <q>", "power (10·log10, default) | amplitude (20·log10)")
    .option("--reject-motion", "exclude frames that moved (correlation) or jump in intensity")
    .option(
      "--min-correlation <r>",
      "reject frames whose best neighbour correlation is below r (default 0.5)",
    )
    .option("--outlier-k <k>", "reject ROI-mean spikes/dips beyond k robust SDs (default 5)")
    .option("--window <w>", "neighbour frames on each side for both tests (default 2)")
    .option("--reference-frame <f>", "correlate with this frame (0-based) instead of the neighbours")
    .option("--margin-voxels <n>", "correlation region: ROI bounding box grown by n voxels (default 2)")
    .option("--baseline-frames <n>", "subtract the mean of the first n kept frames (pre-contrast)")
    .option("--names <a,b>", "column names for the labels in increasing order (default label_<k>)")
    .option(
      "--frames-in-z",
      "a 3D NIfTI x × y × frames is a 2D cine (e.g. dcm2niix's US multi-frame output)",
    );
}

function frameTimes(o: TicOptions, nFrames: number, file: string): Float64Array {
  if ((o.frameS === undefined) === (o.timesS === undefined))
    throw new InputError({
      field: o.frameS === undefined ? "--frame-s" : "--times-s",
      expected: "exactly one of --frame-s DT (uniform frames) or --times-s LIST (one time per frame)",
    });
  if (o.timesS !== undefined) {
    if (o.startS !== undefined)
      throw new InputError({ field: "--start-s", expected: "--start-s only with --frame-s" });
    const t = parseNumberList("--times-s", o.timesS);
    if (t.length !== nFrames)
      throw new InputError({
        file,
        field: "--times-s",
        value: t.length,
        expected: `${nFrames} times, one per frame of the cine`,
      });
    return Float64Array.from(t);
  }
  const dt = parseNumberOption("--frame-s", o.frameS, { min: 0, exclusiveMin: true });
  const t0 = o.startS !== undefined ? parseNumberOption("--start-s", o.startS) : 0;
  return Float64Array.from({ length: nFrames }, (_, i) => t0 + i * dt);
}

function logCompression(o: TicOptions): LogCompression | undefined {
  const sub = {
    dynamicRangeDb: "--dynamic-range-db",
    displayMax: "--display-max",
    gainDb: "--gain-db",
    linearQuantity: "--linear-quantity",
  } as const;
  if (!o.logCompressed) {
    for (const [k, flag] of Object.entries(sub))
      if (o[k as keyof typeof sub] !== undefined)
        throw new InputError({ field: flag, expected: `${flag} only with --log-compressed` });
    return undefined;
  }
  if (o.dynamicRangeDb === undefined)
    throw new InputError({
      field: "--dynamic-range-db",
      expected: "the scanner's displayed dynamic range (dB) to invert the log compression (--log-compressed)",
    });
  return {
    dynamicRangeDb: parseNumberOption("--dynamic-range-db", o.dynamicRangeDb, { min: 0, exclusiveMin: true }),
    ...(o.displayMax !== undefined
      ? { displayMax: parseNumberOption("--display-max", o.displayMax, { min: 0, exclusiveMin: true }) }
      : {}),
    ...(o.gainDb !== undefined ? { gainDb: parseNumberOption("--gain-db", o.gainDb) } : {}),
    ...(o.linearQuantity !== undefined
      ? { quantity: parseChoice("--linear-quantity", o.linearQuantity, LINEAR_QUANTITIES) }
      : {}),
  };
}

function rejection(o: TicOptions): (FrameRejectionOptions & { marginVoxels?: number }) | undefined {
  const sub = {
    minCorrelation: "--min-correlation",
    outlierK: "--outlier-k",
    window: "--window",
    referenceFrame: "--reference-frame",
    marginVoxels: "--margin-voxels",
  } as const;
  if (!o.rejectMotion) {
    for (const [k, flag] of Object.entries(sub))
      if (o[k as keyof typeof sub] !== undefined)
        throw new InputError({ field: flag, expected: `${flag} only with --reject-motion` });
    return undefined;
  }
  const num = (k: keyof typeof sub, opts: Parameters<typeof parseNumberOption>[2]) =>
    o[k] !== undefined ? { [k]: parseNumberOption(sub[k], o[k], opts) } : {};
  return {
    ...num("minCorrelation", { min: -1, max: 1 }),
    ...num("outlierK", { min: 0, exclusiveMin: true }),
    ...num("window", { min: 1, integer: true }),
    ...num("referenceFrame", { min: 0, integer: true }),
    ...num("marginVoxels", { min: 0, integer: true }),
  };
}

export interface CineTicRun {
  tic: CineTic;
  names: string[];
  logCompression?: LogCompression;
  baselineFrames: number;
}

/** read the cine and label map, check grids and options, compute the curves */
export function runCineTic(cinePath: string, o: TicOptions): CineTicRun {
  if (!o.labels)
    throw new InputError({ field: "--labels", expected: "a label map (NIfTI) for the cine's ROIs" });
  const lc = logCompression(o);
  const rej = rejection(o);
  const baselineFrames =
    o.baselineFrames !== undefined
      ? parseNumberOption("--baseline-frames", o.baselineFrames, { min: 0, integer: true })
      : 0;
  const cine = readNifti(cinePath);
  if (o.framesInZ) {
    if (cine.dims.slice(3).some((d) => d !== 1))
      throw new InputError({
        file: cinePath,
        field: "dims",
        value: cine.dims,
        expected: "a 3D NIfTI x × y × frames with --frames-in-z (frames along the third axis)",
      });
    cine.dims = [cine.dims[0], cine.dims[1], 1, cine.dims[2]];
  }
  if (cine.dims.length < 4 || cine.dims.slice(3).reduce((a, b) => a * b, 1) < 2)
    throw new InputError({
      file: cinePath,
      field: "dims",
      value: cine.dims,
      expected:
        "a 4D cine x × y × z × frames with ≥ 2 frames (a 2D cine is x × y × 1 × frames; for x × y × frames add --frames-in-z)",
    });
  const nFrames = cine.dims.slice(3).reduce((a, b) => a * b, 1);
  const labels = readNifti(o.labels);
  const same =
    labels.dims.length >= 3 &&
    labels.dims.slice(3).every((d) => d === 1) &&
    [0, 1, 2].every((a) => labels.dims[a] === cine.dims[a]);
  if (!same)
    throw new InputError({
      file: o.labels,
      field: "dims",
      value: labels.dims,
      expected: `a 3D label map on the grid of ${cinePath} (${cine.dims.slice(0, 3).join("×")})`,
    });
  const tol = 1e-3 * Math.max(...cine.spacingMm.map(Math.abs), 1e-6);
  // with --frames-in-z the third axis is time: only the in-plane columns and the origin must agree
  for (let i = 0; i < 12; i++)
    if (!(o.framesInZ && i % 4 === 2) && Math.abs(labels.affine[i] - cine.affine[i]) > tol)
      throw new InputError({
        file: o.labels,
        field: "affine",
        value: Array.from(labels.affine.slice(0, 12), (v) => Number(v.toPrecision(6))),
        expected: `the voxel-to-world affine of ${cinePath} (the same grid)`,
      });
  const timesS = frameTimes(o, nFrames, cinePath);
  const tic = cineTimeIntensity(
    { dims: [cine.dims[0], cine.dims[1], cine.dims[2]], nFrames, data: cine.data },
    labels.data,
    {
      timesS,
      ...(lc ? { logCompression: lc } : {}),
      ...(rej ? { rejection: rej } : {}),
      baselineFrames,
      file: cinePath,
      labelFile: o.labels,
    },
  );
  let names = tic.rois.map((r) => `label_${r.label}`);
  if (o.names !== undefined) {
    const given = o.names.split(",").map((s) => s.trim());
    if (
      given.length !== names.length ||
      given.some((s) => s === "" || s === "time_s") ||
      new Set(given).size !== given.length
    )
      throw new InputError({
        field: "--names",
        value: o.names,
        expected: `${names.length} distinct comma-separated names (not time_s), one per label ${tic.rois.map((r) => r.label).join(", ")}`,
      });
    names = given;
  }
  return { tic, names, ...(lc ? { logCompression: lc } : {}), baselineFrames };
}

function ticCsv(run: CineTicRun): string {
  const { tic, names } = run;
  const cell = (v: number) => (Number.isFinite(v) ? String(v) : "");
  const lines = [["time_s", ...names].join(",")];
  tic.timesS.forEach((t, f) => {
    lines.push([String(t), ...tic.rois.map((r) => cell(r.intensity[f]))].join(","));
  });
  return `${lines.join("\n")}\n`;
}

function ticSummary(cinePath: string, labelsPath: string, out: string | undefined, run: CineTicRun) {
  const { tic, names } = run;
  const rejections = tic.rois.flatMap((r, i) =>
    r.rejected.map((x) => ({
      roi: names[i],
      label: r.label,
      frame: x.frame,
      time_s: tic.timesS[x.frame],
      reason: x.reason,
      correlation: x.correlation,
      deviation: x.deviation,
    })),
  );
  const lc = run.logCompression;
  return {
    cine: cinePath,
    labels: labelsPath,
    ...(out ? { out } : {}),
    frames: tic.timesS.length,
    times_s: Array.from(tic.timesS),
    log_compression: lc
      ? {
          dynamic_range_db: lc.dynamicRangeDb,
          display_max: lc.displayMax ?? 255,
          gain_db: lc.gainDb ?? 0,
          quantity: lc.quantity ?? "power",
        }
      : null,
    baseline_frames: run.baselineFrames,
    rejected_frames: [...new Set(rejections.map((x) => x.frame))].sort((a, b) => a - b),
    rejections,
    rois: tic.rois.map((r, i) => ({
      roi: names[i],
      label: r.label,
      voxels: r.voxels,
      frames_used: r.intensity.filter(Number.isFinite).length,
      rejected_frames: r.rejected.map((x) => x.frame),
      baseline: r.baseline,
      clipped_fraction: r.clippedFraction,
    })),
  };
}

/** `time_s` then curve columns; empty (or NA) curve cells are missing samples */
function readTicCsv(file: string): { name: string; x: Float64Array; y: Float64Array }[] {
  const t = readCsv(file);
  const names = t.columns.filter((c) => c !== "time_s");
  if (!hasColumn(t, "time_s") || names.length === 0)
    throw new InputError({
      file,
      field: "columns",
      value: t.columns,
      expected: 'a "time_s" column, then one column per curve',
    });
  const x = numericColumn(t, "time_s");
  return names.map((name) => ({ name, x, y: numericColumn(t, name, { allowMissing: true }) }));
}

function fitRow(name: string, f: ReturnType<typeof fitCeus>, samples: number) {
  if (f.model === "replenishment")
    return {
      curve: name,
      A: f.A,
      beta_per_s: f.beta_per_s,
      flow_index: f.flow_index,
      ...(f.offset !== undefined ? { offset: f.offset } : {}),
      samples,
      rss: f.rss,
      converged: f.converged,
      status: f.status,
    };
  return {
    curve: name,
    AUC: f.AUC,
    peak: f.peak,
    TTP_s: f.TTP_s,
    MTT_s: f.MTT_s,
    t0_s: f.t0_s,
    wash_in_rate: f.wash_in_rate,
    wash_out_rate: f.wash_out_rate,
    ...f.params,
    ...(f.offset !== undefined ? { offset: f.offset } : {}),
    samples,
    rss: f.rss,
    converged: f.converged,
    status: f.status,
  };
}

export function register(program: Command): void {
  const ceus = program.command("ceus").description("contrast-enhanced ultrasound time–intensity curves");
  addTicOptions(
    ceus
      .command("fit")
      .description("fit bolus (log-normal, gamma-variate, LDRW) or destruction–replenishment models")
      .argument(
        "<tic.csv|cine.nii.gz>",
        "time_s column, then one column per curve (linearised intensity); or a cine with --labels",
      )
      .requiredOption("--model <m>", CEUS_MODELS.join(" | "))
      .option("--offset", "also fit a constant baseline"),
    false,
  )
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nlognormal: AUC/(√(2π)σ(t−t0))·exp(−(ln(t−t0)−μ)²/2σ²); gamma: peak·((t−t0)/tp)^α·e^(α(1−(t−t0)/tp));\nldrw: AUC·e^λ·√(λ/(2πμ(t−t0)))·e^(−λ/2·(μ/(t−t0)+(t−t0)/μ)); replenishment: A·(1−e^(−βt)).\nEmpty CSV cells (rejected frames) are left out of the fit.\nExamples:\n  eprscope ceus fit tic.csv --model lognormal --json\n  eprscope ceus fit cine.nii.gz --labels rois.nii.gz --frame-s 0.1 --log-compressed --dynamic-range-db 40 --reject-motion --baseline-frames 10 --model lognormal --json\n",
    )
    .action(
      (file: string, o: TicOptions & { model: string; offset?: boolean; json?: boolean; out?: string }) => {
        const model = parseChoice("--model", o.model, CEUS_MODELS);
        if (o.out) assertOutputOutsideInputs(o.out, [file, ...(o.labels ? [o.labels] : [])]);
        let curves: { name: string; x: Float64Array; y: Float64Array }[];
        if (isNifti(file)) {
          const run = runCineTic(file, o);
          curves = run.tic.rois.map((r, i) => ({ name: run.names[i], x: run.tic.timesS, y: r.intensity }));
        } else {
          const given = Object.entries(o).filter(
            ([k, v]) => v !== undefined && !["model", "offset", "json", "out"].includes(k),
          );
          if (given.length > 0)
            throw new InputError({
              field: `--${given[0][0].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
              expected:
                "cine options only with a NIfTI cine input (the CSV is already a time–intensity curve)",
            });
          curves = readTicCsv(file);
        }
        const out = curves.map(({ name, x, y }) => {
          const keep: number[] = [];
          for (let i = 0; i < y.length; i++) if (Number.isFinite(y[i]) && Number.isFinite(x[i])) keep.push(i);
          const f = fitCeus(
            model,
            keep.map((i) => x[i]),
            keep.map((i) => y[i]),
            { offset: o.offset === true },
          );
          return fitRow(name, f, keep.length);
        });
        emit(out, o);
      },
    );
  addTicOptions(
    ceus
      .command("tic")
      .description("time–intensity curves of a cine's ROIs (linearised, motion frames rejected) as a CSV")
      .argument("<cine.nii.gz>", "4D cine (x × y × z × frames), display or linear intensity"),
    true,
  )
    .requiredOption("--out <tic.csv>", "the curves: time_s, one column per label (what `ceus fit` reads)")
    .option("--json", "print one JSON document (frames, rejected frames, ROIs)")
    .addHelpText(
      "after",
      "\nLog-compression inversion: I = 10^((DR·D/Dmax − G)/10) per pixel (amplitude: /20) before the ROI mean.\nExample:\n  eprscope ceus tic cine.nii.gz --labels rois.nii.gz --frame-s 0.1 --log-compressed --dynamic-range-db 40 --reject-motion --baseline-frames 10 --out tic.csv --json\n",
    )
    .action((cinePath: string, o: TicOptions & { out: string; json?: boolean }) => {
      checkOutPath(o.out, [cinePath, o.labels as string]);
      if (!o.out.toLowerCase().endsWith(".csv"))
        throw new InputError({ field: "--out", value: o.out, expected: "a .csv file name" });
      const run = runCineTic(cinePath, o);
      try {
        writeFileSync(o.out, ticCsv(run));
      } catch (e) {
        throw new InputError({
          field: "--out",
          value: o.out,
          expected: `a writable file (${(e as NodeJS.ErrnoException).code ?? "error"})`,
        });
      }
      const summary = ticSummary(cinePath, o.labels as string, o.out, run);
      if (!o.json) process.stderr.write(`wrote ${o.out}\n`);
      emit(summary, { json: o.json }, () =>
        [
          `${summary.frames} frames; rejected: ${summary.rejected_frames.length ? summary.rejected_frames.join(", ") : "none"}`,
          ...summary.rois.map(
            (r) =>
              `${r.roi} (label ${r.label}): ${r.voxels} voxels, ${r.frames_used} frames used${r.rejected_frames.length ? `, rejected ${r.rejected_frames.join(", ")}` : ""}`,
          ),
          "",
        ].join("\n"),
      );
    });
}
