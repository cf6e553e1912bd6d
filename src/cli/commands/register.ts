/**
 * `eprscope register <fixed.nii.gz> <moving.nii.gz> --transform rigid|affine [--metric mi|ncc]
 * [--out moved.nii.gz] --json` → { transform, metric, matrix, iterations, metricValue, … }:
 * `matrix` is the 4×4 row-major nested array mapping a point of the fixed image's world (NIfTI
 * RAS mm) to the corresponding point of the moving image's world (the resampling direction, as
 * ITK/elastix); `metric` is the metric's name and `metricValue` its final cost (−MI in nats or
 * −NCC, lower is better); `--out` writes the moving image resampled onto the fixed grid
 * (trilinear). Registration: src/core/registration/register.ts (Mattes MI / NCC, 3-level
 * Gaussian pyramid, centre-of-mass start, optional masks).
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { register as registerImages } from "../../core/registration/register.js";
import { resampleLinear, resampleNearest } from "../../core/registration/resample.js";
import { toNested } from "../../core/registration/transform.js";
import { dice } from "../../core/segmentation/propagate.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

export interface RegisterCliOptions {
  transform: string;
  metric?: string;
  out?: string;
  fixedMask?: string;
  movingMask?: string;
  levels?: string;
  iterations?: string;
  bins?: string;
  init?: string;
  saveTransform?: string;
  json?: boolean;
}

export function checkImage(v: Volume, file: string): void {
  if (v.dims.length < 3 || v.dims.slice(0, 3).some((d) => d < 2))
    throw new InputError({
      file,
      field: "dims",
      value: v.dims,
      expected: "a 3D image with ≥ 2 voxels per axis",
    });
}

export function register(program: Command): void {
  program
    .command("register")
    .description("rigid or affine registration of two 3D images (Mattes MI or NCC)")
    .argument("<fixed>", "fixed image (NIfTI)")
    .argument("<moving>", "moving image (NIfTI), mapped onto the fixed image")
    .requiredOption("--transform <kind>", "rigid (6 dof) or affine (12 dof)")
    .option("--metric <m>", "mi (Mattes mutual information, multimodal) or ncc (same modality)", "mi")
    .option("--out <file>", "write the moving image resampled onto the fixed grid (NIfTI)")
    .option("--fixed-mask <file>", "sample only where this mask > 0 (fixed space)")
    .option("--moving-mask <file>", "drop samples mapping outside this mask (moving space)")
    .option("--levels <n>", "resolution levels", "3")
    .option("--iterations <n>", "max iterations per level", "250")
    .option("--bins <n>", "histogram bins (mi)", "48")
    .option("--init <how>", "com (centres of mass), geometry (grid centres) or none", "com")
    .option("--save-transform <file>", "write the result (matrix etc.) as JSON to this file")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nThe matrix maps fixed-world (RAS mm) points to moving-world points (ITK/elastix direction).\n" +
        "Example:\n  eprscope register ct_24h.nii.gz ct_4h.nii.gz --transform rigid --metric ncc --out ct_4h_on_24h.nii.gz --json\n",
    )
    .action((fixedPath: string, movingPath: string, o: RegisterCliOptions) => {
      const transform = parseChoice("--transform", o.transform, ["rigid", "affine"] as const);
      const metric = parseChoice("--metric", o.metric ?? "mi", ["mi", "ncc"] as const);
      const init = parseChoice("--init", o.init ?? "com", ["com", "geometry", "none"] as const);
      const inputs = [
        fixedPath,
        movingPath,
        ...(o.fixedMask ? [o.fixedMask] : []),
        ...(o.movingMask ? [o.movingMask] : []),
      ];
      for (const out of [o.out, o.saveTransform]) if (out) assertOutputOutsideInputs(out, inputs);
      const fixed = readNifti(fixedPath);
      const moving = readNifti(movingPath);
      checkImage(fixed, fixedPath);
      checkImage(moving, movingPath);
      const fixedMask = o.fixedMask ? readNifti(o.fixedMask) : undefined;
      const movingMask = o.movingMask ? readNifti(o.movingMask) : undefined;
      const u0 = process.cpuUsage();
      const r = registerImages(fixed, moving, {
        transform,
        metric,
        levels: parseNumberOption("--levels", o.levels ?? "3", { integer: true, min: 1, max: 6 }),
        iterations: parseNumberOption("--iterations", o.iterations ?? "250", { integer: true, min: 1 }),
        bins: parseNumberOption("--bins", o.bins ?? "48", { integer: true, min: 8, max: 256 }),
        initialisation: init,
        fixedMask,
        movingMask,
      });
      const cpu = process.cpuUsage(u0);
      const maskDice =
        fixedMask && movingMask
          ? dice(resampleNearest(movingMask, fixedMask, r.matrix).data, fixedMask.data)
          : null;
      const result = {
        transform,
        metric,
        matrix: toNested(r.matrix),
        iterations: r.iterations,
        metricValue: r.finalValue,
        parameters: r.parameters,
        centre_mm: r.centre,
        initialMatrix: toNested(r.initialMatrix),
        quality: {
          metricValue: r.finalValue,
          maxDisplacement_mm: r.maxDisplacementMm,
          validSampleFraction: r.validSampleFraction,
          maskDice,
        },
        levels: r.levels,
        cpu_s: (cpu.user + cpu.system) / 1e6,
        direction: "fixed world (RAS mm) → moving world (RAS mm)",
      };
      if (o.out) {
        const moved = resampleLinear(moving, fixed, r.matrix);
        writeNifti(o.out, moved, { description: `eprscope register ${transform} ${metric}` });
      }
      if (o.saveTransform) writeFileSync(o.saveTransform, `${JSON.stringify(result, null, 2)}\n`);
      emit(
        result,
        { json: o.json, inputs },
        () =>
          `${transform} (${metric}) in ${r.iterations} iterations, cost ${r.finalValue.toFixed(5)}, max displacement ${r.maxDisplacementMm.toFixed(3)} mm\n` +
          `${result.matrix.map((row) => row.map((v) => v.toFixed(6).padStart(12)).join(" ")).join("\n")}\n` +
          (o.out ? `wrote ${o.out}\n` : ""),
      );
    });
}
