/**
 * `eprscope labels propagate <labels.nii.gz> <source.nii.gz> <target.nii.gz> --out
 * target_labels.nii.gz [--transform rigid|affine] [--metric ncc|mi] [--refine] [--json]`: the
 * label map of the source image (e.g. the CT of the first time point) carried to the target
 * image (a later CT): register target (fixed) ← source (moving), then resample the labels by
 * nearest neighbour through the target→source matrix; --refine re-decides a 1.2 mm band at the
 * organ borders with the random walker on the target image.
 * `eprscope labels dice <a.nii.gz> <b.nii.gz> --json`: Dice per label (same grid).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { register as registerImages } from "../../core/registration/register.js";
import { toNested } from "../../core/registration/transform.js";
import { refineRandomWalker } from "../../core/segmentation/atlasSegment.js";
import { dicePerLabel, propagateLabels } from "../../core/segmentation/propagate.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice } from "../options.js";
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
    .option("--transform <kind>", "rigid or affine", "rigid")
    .option("--metric <m>", "ncc (same modality) or mi", "ncc")
    .option("--refine", "random-walker refinement of the organ borders on the target")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope labels propagate labels_4h.nii.gz ct_4h.nii.gz ct_24h.nii.gz --out labels_24h.nii.gz --json\n",
    )
    .action(
      (
        labelPath: string,
        sourcePath: string,
        targetPath: string,
        o: { out: string; transform?: string; metric?: string; refine?: boolean; json?: boolean },
      ) => {
        const transform = parseChoice("--transform", o.transform ?? "rigid", ["rigid", "affine"] as const);
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
        const r = registerImages(target, source, { transform, metric });
        let out = propagateLabels(lab, target, r.matrix);
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
            matrix: toNested(r.matrix),
            metricValue: r.finalValue,
            iterations: r.iterations,
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
