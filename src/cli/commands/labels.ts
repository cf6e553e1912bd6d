/**
 * `eprscope labels propagate <labels.nii.gz> <source.nii.gz> <target.nii.gz> --out
 * target_labels.nii.gz [--transform rigid|affine|bspline] [--metric ncc|mi] [--grid-spacing-mm S]
 * [--bending-weight w] [--refine] [--json]`: the label map of the source image (e.g. the CT of
 * the first time point) carried to the target image (a later CT): register target (fixed) ←
 * source (moving), then resample the labels by nearest neighbour through the target→source
 * matrix, or (bspline) through the B-spline displacement field on the target grid; --refine
 * re-decides a 1.2 mm band at the organ borders with the random walker on the target image.
 * `eprscope labels dice <a.nii.gz> <b.nii.gz> --json`: Dice per label (same grid).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { bsplineField, registerBSpline } from "../../core/registration/deformable.js";
import { register as registerImages } from "../../core/registration/register.js";
import { toNested } from "../../core/registration/transform.js";
import { refineRandomWalker } from "../../core/segmentation/atlasSegment.js";
import { dicePerLabel, propagateLabels, propagateLabelsField } from "../../core/segmentation/propagate.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberOption } from "../options.js";
import { emit } from "../output.js";
import { checkImage } from "./register.js";
import { labelSummary } from "./segment.js";

export function register(program: Command): void {
  const labels = program.command("labels").description("label maps across images and time points");
  labels
    .command("propagate")
    .description("carry a label map from a source image to a target image by registration")
    .argument("<labels>", "label map on the source image's grid")
    .argument("<source>", "image the labels belong to (e.g. CT at the first time point)")
    .argument("<target>", "image to label (e.g. a later CT)")
    .requiredOption("--out <file>", "label map on the target grid (NIfTI)")
    .option("--transform <kind>", "rigid, affine or bspline (deformable, on an affine start)", "rigid")
    .option("--metric <m>", "ncc (same modality) or mi", "ncc")
    .option("--grid-spacing-mm <mm>", "bspline: control-point spacing (default 8 target voxels)")
    .option("--bending-weight <w>", "bspline: bending-energy weight, mm² (default 0.003 ncc, 0.01 mi)")
    .option("--refine", "random-walker refinement of the organ borders on the target")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  eprscope labels propagate labels_4h.nii.gz ct_4h.nii.gz ct_24h.nii.gz --out labels_24h.nii.gz --json\n" +
        "  eprscope labels propagate labels_4h.nii.gz ct_4h.nii.gz ct_24h.nii.gz --transform bspline --out labels_24h.nii.gz --json\n",
    )
    .action(
      (
        labelPath: string,
        sourcePath: string,
        targetPath: string,
        o: {
          out: string;
          transform?: string;
          metric?: string;
          gridSpacingMm?: string;
          bendingWeight?: string;
          refine?: boolean;
          json?: boolean;
        },
      ) => {
        const transform = parseChoice("--transform", o.transform ?? "rigid", [
          "rigid",
          "affine",
          "bspline",
        ] as const);
        const gridSpacingMm =
          o.gridSpacingMm === undefined
            ? undefined
            : parseNumberOption("--grid-spacing-mm", o.gridSpacingMm, { min: 0, exclusiveMin: true });
        const bendingWeight =
          o.bendingWeight === undefined
            ? undefined
            : parseNumberOption("--bending-weight", o.bendingWeight, { min: 0 });
        if (transform !== "bspline" && (gridSpacingMm !== undefined || bendingWeight !== undefined))
          throw new InputError({
            field: gridSpacingMm !== undefined ? "--grid-spacing-mm" : "--bending-weight",
            expected: "only with --transform bspline",
          });
        const metric = parseChoice("--metric", o.metric ?? "ncc", ["mi", "ncc"] as const);
        const inputs = [labelPath, sourcePath, targetPath];
        assertOutputOutsideInputs(o.out, inputs);
        const lab = readNifti(labelPath);
        const source = readNifti(sourcePath);
        const target = readNifti(targetPath);
        for (const [v, f] of [
          [lab, labelPath],
          [source, sourcePath],
          [target, targetPath],
        ] as const)
          checkImage(v, f);
        for (const x of lab.data)
          if (!(x >= 0) || !Number.isInteger(x))
            throw new InputError({ file: labelPath, value: x, expected: "integer labels ≥ 0" });
        let out: ReturnType<typeof propagateLabels>;
        let summary: Record<string, unknown>;
        if (transform === "bspline") {
          const r = registerBSpline(target, source, { metric, gridSpacingMm, bendingWeight });
          out = propagateLabelsField(lab, target, bsplineField(r));
          summary = {
            matrix: toNested(r.matrix),
            metricValue: r.finalValue,
            iterations: r.iterations + (r.initialRegistration?.iterations ?? 0),
            grid_spacing_mm: r.gridSpacingMm,
            control_points: r.controlPoints,
          };
        } else {
          const r = registerImages(target, source, { transform, metric });
          out = propagateLabels(lab, target, r.matrix);
          summary = { matrix: toNested(r.matrix), metricValue: r.finalValue, iterations: r.iterations };
        }
        if (o.refine) out = refineRandomWalker(target, out, 1.2);
        writeNifti(o.out, out, {
          datatype: lab.data.some((x) => x > 255) ? "int32" : "uint8",
          description: "eprscope labels propagate",
        });
        emit(
          {
            out: o.out,
            transform,
            metric,
            ...summary,
            labels: labelSummary(out),
          },
          { json: o.json, inputs },
          () => `propagated ${labelSummary(out).length} labels (${transform}, ${metric}); wrote ${o.out}\n`,
        );
      },
    );
  labels
    .command("dice")
    .description("Dice overlap per label of two label maps on the same grid")
    .argument("<a>", "label map")
    .argument("<b>", "label map")
    .option("--json", "print one JSON document")
    .action((a: string, b: string, o: { json?: boolean }) => {
      const va = readNifti(a);
      const vb = readNifti(b);
      if (va.dims.slice(0, 3).join() !== vb.dims.slice(0, 3).join())
        throw new InputError({
          file: b,
          field: "dims",
          value: vb.dims,
          expected: `the grid of ${a} (${va.dims.join("×")})`,
        });
      emit(
        [...dicePerLabel(va.data, vb.data).entries()].map(([label, d]) => ({ label, dice: d })),
        { json: o.json, inputs: [a, b], emptyMessage: "label maps with at least one label > 0" },
      );
    });
}
