/**
 * MR thermometry and thermal dose.
 *  `eprscope thermo cem43 <temps.csv> --json` — temps.csv: `time_s` + one column per curve (°C) →
 *   [{ curve, CEM43_min, Tmax_C, time_40_43C_s }] (core/release/cem43.ts: piecewise-linear
 *   temperature, exact per segment).
 *  `eprscope thermo prf <phase.nii.gz> --te-ms N --field-t N --baseline-frames N
 *   [--drift-mask MASK.nii.gz] [--drift-order 0|1|2] [--body-temp-c 37] [--frame-s N] --out DIR
 *   --json` — 4D phase (rad) → DIR/dT_C.nii.gz (4D, °C change from baseline),
 *   DIR/CEM43_min.nii.gz, DIR/Tmax_C.nii.gz, DIR/time_40_43C_s.nii.gz, DIR/status.nii.gz and
 *   DIR/prf_map.json, through the voxelwise engine (model "prf", core/release/prfVoxel.ts).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { thermalSummary } from "../../core/release/cem43.js";
import { type DriftOrder, estimatePhaseDrift } from "../../core/release/prfDrift.js";
import { prfRadPerC } from "../../core/release/prfThermometry.js";
import type { PrfVoxelOptions } from "../../core/release/prfVoxel.js";
import { VOXEL_STATUS_LABELS } from "../../core/voxel/model.js";
import { runVoxelMap } from "../../engine/voxelwise/engine.js";
import { readCurveCsv } from "../../io/curveTable.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { VERSION } from "../../version.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface PrfCli {
  teMs: string;
  fieldT: string;
  baselineFrames: string;
  driftMask?: string;
  driftOrder: string;
  bodyTempC: string;
  frameS?: string;
  mask?: string;
  threads?: string;
  out: string;
  json?: boolean;
}

export function register(program: Command): void {
  const thermo = program.command("thermo").description("MR thermometry (PRF shift) and thermal dose (CEM43)");
  thermo
    .command("cem43")
    .description("thermal dose CEM43, maximum temperature and time in 40–43 °C per temperature curve")
    .argument("<temps.csv>", "time_s + one column per curve (°C)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope thermo cem43 temps.csv --json\n")
    .action((file: string, o: { json?: boolean; out?: string }) => {
      const { x: time, curves } = readCurveCsv(file, "time_s", "at least one temperature column (°C)");
      const out = curves.map(({ name: c, y }) => {
        try {
          return { curve: c, ...thermalSummary(time, y) };
        } catch (e) {
          if (e instanceof InputError)
            throw new InputError(e.problems.map((p) => ({ ...p, file, field: `${c}: ${p.field ?? ""}` })));
          throw e;
        }
      });
      emit(out, o);
    });

  thermo
    .command("prf")
    .description(
      "PRF-shift temperature-change maps (wrap-safe, drift-corrected) and CEM43 maps from a 4D phase series",
    )
    .argument("<phase.nii.gz>", "4D phase series (radians), frames in time order")
    .requiredOption("--te-ms <n>", "echo time (ms)")
    .requiredOption("--field-t <n>", "main field B0 (T)")
    .requiredOption(
      "--baseline-frames <n>",
      "number of frames before heating (their circular mean is the reference phase)",
    )
    .option("--drift-mask <mask.nii.gz>", "unheated reference region for drift correction (voxels > 0)")
    .option("--drift-order <n>", "drift model: 0 mean phase, 1 linear, 2 quadratic in space", "0")
    .option("--body-temp-c <n>", "baseline (body) temperature for CEM43 and Tmax (°C)", "37")
    .option("--frame-s <n>", "frame duration (s); default the NIfTI pixdim[4]")
    .option("--mask <mask.nii.gz>", "voxels to map (> 0); default all")
    .option("--threads <n>", "worker threads (default all cores)")
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print a summary as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope thermo prf phase.nii.gz --te-ms 10 --field-t 3 --baseline-frames 5 --drift-mask muscle.nii.gz --out thermo --json\n",
    )
    .action(async (file: string, o: PrfCli) => {
      const teS = parseNumberOption("--te-ms", o.teMs, { min: 0, exclusiveMin: true }) / 1000;
      const fieldT = parseNumberOption("--field-t", o.fieldT, { min: 0, exclusiveMin: true });
      const nb = parseNumberOption("--baseline-frames", o.baselineFrames, { min: 1, integer: true });
      const order = Number(
        parseChoice("--drift-order", o.driftOrder, ["0", "1", "2"] as const),
      ) as DriftOrder;
      const body = parseNumberOption("--body-temp-c", o.bodyTempC, { min: 0, max: 100 });
      const threads =
        o.threads !== undefined
          ? parseNumberOption("--threads", o.threads, { min: 1, integer: true })
          : undefined;
      const inputs = [file, ...(o.driftMask ? [o.driftMask] : []), ...(o.mask ? [o.mask] : [])];
      assertOutputOutsideInputs(o.out, inputs, { outputIsFolder: true });
      const t0 = performance.now();
      const phase = readNifti(file);
      if (phase.dims.length < 4 || frameCount(phase) < 2)
        throw new InputError({
          file,
          field: "dims",
          value: phase.dims,
          expected: "a 4D phase series with ≥ 2 frames",
        });
      const nv = voxelCount3d(phase);
      const nf = frameCount(phase);
      if (nb >= nf)
        throw new InputError({
          field: "--baseline-frames",
          value: nb,
          expected: `fewer than the ${nf} frames of ${file}`,
        });
      const frameS =
        o.frameS !== undefined
          ? parseNumberOption("--frame-s", o.frameS, { min: 0, exclusiveMin: true })
          : phase.frameS;
      if (!(frameS !== undefined && frameS > 0))
        throw new InputError({
          file,
          field: "pixdim[4]",
          value: frameS,
          expected: "a frame duration > 0 s (or give --frame-s)",
        });
      const timeS = Array.from({ length: nf }, (_, t) => t * frameS);
      const readMask = (path: string) => {
        const m = readNifti(path);
        if (voxelCount3d(m) !== nv)
          throw new InputError({
            file: path,
            field: "dims",
            value: m.dims,
            expected: `the grid of ${file} (${phase.dims.slice(0, 3).join("×")})`,
          });
        return m.data;
      };
      const [nx, ny] = phase.dims;
      let drift: PrfVoxelOptions["drift"];
      if (o.driftMask) {
        const dm = readMask(o.driftMask);
        const ref: number[] = [];
        for (let v = 0; v < nv; v++) if (dm[v] > 0) ref.push(v);
        const refPhase = new Float64Array(ref.length * nf);
        const refIjk = new Float64Array(ref.length * 3);
        ref.forEach((v, r) => {
          for (let t = 0; t < nf; t++) refPhase[r * nf + t] = phase.data[t * nv + v];
          refIjk[3 * r] = v % nx;
          refIjk[3 * r + 1] = Math.floor(v / nx) % ny;
          refIjk[3 * r + 2] = Math.floor(v / (nx * ny));
        });
        drift = estimatePhaseDrift(refPhase, refIjk, nf, nb, order);
      } else if (o.driftOrder !== "0")
        throw new InputError({
          field: "--drift-order",
          value: o.driftOrder,
          expected: "a --drift-mask for drift correction",
        });
      const options: PrfVoxelOptions = { teS, fieldT, baselineFrames: nb, timeS, bodyTempC: body, drift };
      let covariates: Record<string, Float64Array> | undefined;
      if (drift && drift.nTerms > 0) {
        const i = new Float64Array(nv);
        const j = new Float64Array(nv);
        const k = new Float64Array(nv);
        for (let v = 0; v < nv; v++) {
          i[v] = v % nx;
          j[v] = Math.floor(v / nx) % ny;
          k[v] = Math.floor(v / (nx * ny));
        }
        covariates = { i, j, k };
      }
      const mask = o.mask ? readMask(o.mask) : undefined;
      const res = await runVoxelMap({
        model: "prf",
        options,
        data: phase.data,
        nVoxels: nv,
        nSamples: nf,
        mask,
        covariates,
        threads,
      });
      mkdirSync(o.out, { recursive: true });
      const geom = { spacingMm: phase.spacingMm, affine: phase.affine };
      const dT = new Float32Array(nv * nf);
      for (let t = 0; t < nf; t++) {
        const m = res.params[`dT_C_t${t}`];
        for (let v = 0; v < nv; v++) dT[t * nv + v] = m[v];
      }
      writeNifti(
        join(o.out, "dT_C.nii.gz"),
        { ...geom, dims: [...phase.dims.slice(0, 3), nf], data: dT, frameS },
        { description: "PRF temperature change (degC)" },
      );
      const files = ["dT_C.nii.gz"];
      const dims3 = phase.dims.slice(0, 3);
      for (const key of ["CEM43_min", "Tmax_C", "time_40_43C_s"]) {
        writeNifti(
          join(o.out, `${key}.nii.gz`),
          { ...geom, dims: dims3, data: Float32Array.from(res.params[key]) },
          { description: `prf ${key}` },
        );
        files.push(`${key}.nii.gz`);
      }
      writeNifti(
        join(o.out, "status.nii.gz"),
        { ...geom, dims: dims3, data: Float32Array.from(res.status) },
        { datatype: "uint8", description: "0 ok 1 not converged 2 invalid 3 outside mask" },
      );
      files.push("status.nii.gz");
      const cem = res.params.CEM43_min;
      let maxDose = Number.NEGATIVE_INFINITY;
      let maxT = Number.NEGATIVE_INFINITY;
      for (let v = 0; v < nv; v++) {
        if (cem[v] > maxDose) maxDose = cem[v];
        if (res.params.Tmax_C[v] > maxT) maxT = res.params.Tmax_C[v];
      }
      const seconds = (performance.now() - t0) / 1000;
      const summary = {
        model: "prf",
        input: file,
        frames: nf,
        frame_s: frameS,
        baseline_frames: nb,
        rad_per_C: prfRadPerC(fieldT, teS),
        body_temp_C: body,
        drift: drift
          ? {
              order: drift.order,
              reference_voxels: drift.nReference,
              max_abs_mean_drift_rad: Math.max(...Array.from(drift.meanRad, Math.abs)),
            }
          : null,
        voxels: res.fitted,
        status_counts: res.statusCounts,
        max_CEM43_min: Number.isFinite(maxDose) ? maxDose : null,
        max_Tmax_C: Number.isFinite(maxT) ? maxT : null,
        workers: res.workers,
        seconds,
        files: [...files, "prf_map.json"],
        out: o.out,
      };
      writeFileSync(
        join(o.out, "prf_map.json"),
        `${JSON.stringify({ ...summary, status_codes: VOXEL_STATUS_LABELS, software: { name: "eprscope", version: VERSION }, parameters: [{ key: "dT_C", unit: "°C", file: "dT_C.nii.gz", frames: nf }, ...res.parameters.slice(nf).map((p) => ({ ...p, file: `${p.key}.nii.gz` }))] }, null, 2)}\n`,
      );
      emit(
        summary,
        { json: o.json },
        () =>
          `${res.fitted} voxels, ${nf} frames → ${o.out} (max CEM43 ${maxDose.toPrecision(4)} min) in ${seconds.toFixed(1)} s\n`,
      );
    });
}
