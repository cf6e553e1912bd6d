/**
 * `eprscope register <fixed.nii.gz> <moving.nii.gz> --transform rigid|affine|bspline
 * [--metric mi|ncc] [--out moved.nii.gz] [--out-transform DIR/field.nii.gz] --json`
 * → { transform, metric, matrix, iterations, metricValue, … }:
 * `matrix` is the 4×4 row-major nested array mapping a point of the fixed image's world (NIfTI
 * RAS mm) to the corresponding point of the moving image's world (the resampling direction, as
 * ITK/elastix) — for bspline, the affine initialisation A of T(x) = A·x + D(x); `metric` is the
 * metric's name and `metricValue` its final cost (−MI in nats or −NCC, lower is better); `--out`
 * writes the moving image resampled onto the fixed grid through the whole transform (trilinear);
 * `--out-transform` writes the displacement field u(x) = T(x) − x on the fixed grid as a 5D
 * NIfTI vector image (dims nx × ny × nz × 1 × 3, intent_code 1007 NIFTI_INTENT_VECTOR, float32;
 * component c of voxel v at c·n³ + v), in mm along the RAS+ world axes of the NIfTI/nibabel
 * convention — ITK and ANTs expect LPS: negate the x and y components for them.
 * Registration: src/core/registration/register.ts (rigid/affine: Mattes MI / NCC, 3-level Gaussian
 * pyramid, centre-of-mass start, optional masks) and deformable.ts (cubic B-spline free-form
 * deformation on the affine result, multi-resolution control grids, L-BFGS, bending energy).
 */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { Volume } from "../../core/image/volume.js";
import { affineField } from "../../core/registration/bspline.js";
import { bsplineField, bsplineJacobian, registerBSpline } from "../../core/registration/deformable.js";
import { register as registerImages } from "../../core/registration/register.js";
import {
  resampleLinear,
  resampleLinearField,
  resampleNearest,
  resampleNearestField,
} from "../../core/registration/resample.js";
import { toNested } from "../../core/registration/transform.js";
import { dice } from "../../core/segmentation/propagate.js";
import { writeDisplacementField } from "../../io/displacementField.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

export interface RegisterCliOptions {
  transform: string;
  metric?: string;
  out?: string;
  outTransform?: string;
  fixedMask?: string;
  movingMask?: string;
  levels?: string;
  iterations?: string;
  bins?: string;
  init?: string;
  gridSpacingMm?: string;
  initial?: string;
  bendingWeight?: string;
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

function maxNorm(field: Float32Array): number {
  const n3 = field.length / 3;
  let m = 0;
  for (let v = 0; v < n3; v++) m = Math.max(m, Math.hypot(field[v], field[n3 + v], field[2 * n3 + v]));
  return m;
}

export function register(program: Command): void {
  program
    .command("register")
    .description("rigid, affine or B-spline (deformable) registration of two 3D images (Mattes MI or NCC)")
    .argument("<fixed>", "fixed image (NIfTI)")
    .argument("<moving>", "moving image (NIfTI), mapped onto the fixed image")
    .requiredOption("--transform <kind>", "rigid (6 dof), affine (12 dof) or bspline (free-form deformation)")
    .option("--metric <m>", "mi (Mattes mutual information, multimodal) or ncc (same modality)", "mi")
    .option("--out <file>", "write the moving image resampled onto the fixed grid (NIfTI)")
    .option(
      "--out-transform <file>",
      "write the displacement field T(x) − x on the fixed grid (5D NIfTI vector, mm, RAS; folders are created)",
    )
    .option("--fixed-mask <file>", "sample only where this mask > 0 (fixed space)")
    .option("--moving-mask <file>", "drop samples mapping outside this mask (moving space)")
    .option("--levels <n>", "resolution levels", "3")
    .option("--iterations <n>", "max iterations per level (default 250; bspline 150)")
    .option(
      "--bins <n>",
      "histogram bins of the moving image (mi; the fixed image gets max(bins, 128))",
      "48",
    )
    .option("--init <how>", "com (centres of mass), geometry (grid centres) or none", "com")
    .option("--grid-spacing-mm <mm>", "bspline: final control-point spacing (default 8 fixed voxels)")
    .option(
      "--initial <kind>",
      "bspline: affine (default), rigid or none — the linear stage before the B-spline",
      "affine",
    )
    .option(
      "--bending-weight <w>",
      "bspline: bending-energy weight, mm² (default 0.003 for ncc, 0.01 for mi; 0 = none)",
    )
    .option("--save-transform <file>", "write the result (matrix etc.) as JSON to this file")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nThe matrix maps fixed-world (RAS mm) points to moving-world points (ITK/elastix direction);\n" +
        "for bspline it is the affine initialisation A of T(x) = A·x + D(x).\n" +
        "Examples:\n  eprscope register ct_24h.nii.gz ct_4h.nii.gz --transform rigid --metric ncc --out ct_4h_on_24h.nii.gz --json\n" +
        "  eprscope register ct_24h.nii.gz ct_4h.nii.gz --transform bspline --metric ncc --grid-spacing-mm 6 \\\n" +
        "    --out ct_4h_on_24h.nii.gz --out-transform xf/field.nii.gz --json\n",
    )
    .action((fixedPath: string, movingPath: string, o: RegisterCliOptions) => {
      const transform = parseChoice("--transform", o.transform, ["rigid", "affine", "bspline"] as const);
      const metric = parseChoice("--metric", o.metric ?? "mi", ["mi", "ncc"] as const);
      const init = parseChoice("--init", o.init ?? "com", ["com", "geometry", "none"] as const);
      const initial = parseChoice("--initial", o.initial ?? "affine", ["affine", "rigid", "none"] as const);
      const inputs = [
        fixedPath,
        movingPath,
        ...(o.fixedMask ? [o.fixedMask] : []),
        ...(o.movingMask ? [o.movingMask] : []),
      ];
      for (const [out, field] of [
        [o.out, "--out"],
        [o.saveTransform, "--save-transform"],
        [o.outTransform, "--out-transform"],
      ] as const)
        if (out) assertOutputOutsideInputs(out, inputs, { field });
      const levels = parseNumberOption("--levels", o.levels ?? "3", { integer: true, min: 1, max: 6 });
      const iterations =
        o.iterations === undefined
          ? undefined
          : parseNumberOption("--iterations", o.iterations, { integer: true, min: 1 });
      const bins = parseNumberOption("--bins", o.bins ?? "48", { integer: true, min: 8, max: 256 });
      const gridSpacingMm =
        o.gridSpacingMm === undefined
          ? undefined
          : parseNumberOption("--grid-spacing-mm", o.gridSpacingMm, { min: 0, exclusiveMin: true });
      const bendingWeight =
        o.bendingWeight === undefined
          ? undefined
          : parseNumberOption("--bending-weight", o.bendingWeight, { min: 0 });
      if (transform !== "bspline")
        for (const [v, name] of [
          [o.gridSpacingMm, "--grid-spacing-mm"],
          [o.bendingWeight, "--bending-weight"],
        ] as const)
          if (v !== undefined)
            throw new InputError({ field: name, value: v, expected: "only with --transform bspline" });
      const fixed = readNifti(fixedPath);
      const moving = readNifti(movingPath);
      checkImage(fixed, fixedPath);
      checkImage(moving, movingPath);
      const fixedMask = o.fixedMask ? readNifti(o.fixedMask) : undefined;
      const movingMask = o.movingMask ? readNifti(o.movingMask) : undefined;
      const u0 = process.cpuUsage();
      let result: Record<string, unknown>;
      let field: Float32Array | null = null;
      let human: string;
      if (transform === "bspline") {
        const r = registerBSpline(fixed, moving, {
          metric,
          levels,
          iterations,
          bins,
          gridSpacingMm,
          bendingWeight,
          initial,
          fixedMask,
          movingMask,
          linear: { levels, initialisation: init },
        });
        const cpu = process.cpuUsage(u0);
        field = bsplineField(r);
        const jac = bsplineJacobian(r);
        const maskDice =
          fixedMask && movingMask
            ? dice(resampleNearestField(movingMask, fixedMask, field).data, fixedMask.data)
            : null;
        result = {
          transform,
          metric,
          matrix: toNested(r.matrix),
          iterations: r.iterations + (r.initialRegistration?.iterations ?? 0),
          metricValue: r.finalValue,
          grid_spacing_mm: r.gridSpacingMm,
          control_points: r.controlPoints,
          control_grid: r.grid.size,
          bending_weight: bendingWeight ?? (metric === "ncc" ? 0.003 : 0.01),
          initial,
          quality: {
            metricValue: r.finalValue,
            maxDisplacement_mm: maxNorm(field),
            validSampleFraction: r.validSampleFraction,
            jacobian: { min: jac.min, max: jac.max, foldedFraction: jac.foldedFraction },
            bendingEnergy_per_mm2: r.bendingEnergy,
            maskDice,
          },
          levels: r.levels,
          initialRegistration: r.initialRegistration
            ? {
                transform: r.initialRegistration.transform,
                iterations: r.initialRegistration.iterations,
                metricValue: r.initialRegistration.finalValue,
              }
            : null,
          cpu_s: (cpu.user + cpu.system) / 1e6,
          direction: "fixed world (RAS mm) → moving world (RAS mm): T(x) = matrix·x + D(x)",
          field: o.outTransform ?? null,
        };
        human =
          `bspline (${metric}) on a ${r.grid.size.join("×")} control grid (${r.gridSpacingMm} mm) in ${r.iterations} iterations, ` +
          `cost ${r.finalValue.toFixed(5)}, max displacement ${maxNorm(field).toFixed(3)} mm, Jacobian ${jac.min.toFixed(3)}–${jac.max.toFixed(3)}\n`;
      } else {
        const r = registerImages(fixed, moving, {
          transform,
          metric,
          levels,
          iterations: iterations ?? 250,
          bins,
          initialisation: init,
          fixedMask,
          movingMask,
        });
        const cpu = process.cpuUsage(u0);
        const maskDice =
          fixedMask && movingMask
            ? dice(resampleNearest(movingMask, fixedMask, r.matrix).data, fixedMask.data)
            : null;
        result = {
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
          field: o.outTransform ?? null,
        };
        if (o.outTransform) field = affineField(fixed, r.matrix);
        human = `${transform} (${metric}) in ${r.iterations} iterations, cost ${r.finalValue.toFixed(5)}, max displacement ${r.maxDisplacementMm.toFixed(3)} mm\n`;
      }
      if (o.out) {
        const moved =
          transform === "bspline" && field
            ? resampleLinearField(moving, fixed, field)
            : resampleLinear(moving, fixed, (result.matrix as number[][]).flat());
        writeNifti(o.out, moved, { description: `eprscope register ${transform} ${metric}` });
      }
      if (o.outTransform && field)
        writeDisplacementField(
          o.outTransform,
          fixed,
          field,
          `eprscope register ${transform} u=T(x)-x mm RAS`,
        );
      if (o.saveTransform) writeFileSync(o.saveTransform, `${JSON.stringify(result, null, 2)}\n`);
      const matrix = result.matrix as number[][];
      emit(
        result,
        { json: o.json, inputs },
        () =>
          human +
          `${matrix.map((row) => row.map((v) => v.toFixed(6).padStart(12)).join(" ")).join("\n")}\n` +
          (o.out ? `wrote ${o.out}\n` : "") +
          (o.outTransform ? `wrote ${o.outTransform}\n` : ""),
      );
    });
}
