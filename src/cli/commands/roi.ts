/**
 * `eprscope roi stats <image.nii[.gz]> <labels.nii[.gz]> --json` → one object per label and frame:
 * { label, frame, mean, sd, min, max, voxels, volume_mm3 } in scaled units (scl_slope/inter
 * applied); frames from 0; sd is the sample SD (n − 1); labels resampled to the image grid by
 * nearest neighbour through the affines when the grids differ. Labels must be integers ≥ 0
 * and every labelled voxel must lie inside the image (exit 2 naming both files otherwise);
 * CIFTI files (NIfTI intents 3000–3099) are refused, they are not volumes.
 */

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { roiStatistics } from "../../core/image/roiStats.js";
import { readNifti } from "../../io/nifti.js";
import { parseRoiTable } from "../../io/roi/roiTable.js";
import { checkOutPath, emit } from "../output.js";

export function register(program: Command): void {
  const roi = program.command("roi").description("region-of-interest quantification");
  roi
    .command("stats")
    .description("statistics per label and frame of an image inside a label map")
    .argument("<image>", "3D/4D NIfTI (.nii or .nii.gz)")
    .argument("<labels>", "3D NIfTI label map (integer labels, 0 = background)")
    .option("--with-sum", "also report the sum of voxel values per ROI")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText("after", "\nExample:\n  eprscope roi stats spect_24h.nii.gz labels.nii.gz --json\n")
    .action(
      (imagePath: string, labelPath: string, o: { withSum?: boolean; json?: boolean; out?: string }) => {
        if (o.out) checkOutPath(o.out, [imagePath, labelPath]);
        const stats = roiStatistics(readNifti(imagePath), readNifti(labelPath), {
          imageFile: imagePath,
          labelFile: labelPath,
        });
        emit(
          stats.map((s) => ({
            label: s.label,
            frame: s.frame,
            mean: s.mean,
            sd: s.sd,
            min: s.min,
            max: s.max,
            voxels: s.voxels,
            volume_mm3: s.volume_mm3,
            ...(o.withSum ? { sum: s.sum } : {}),
          })),
          { ...o, inputs: [imagePath, labelPath] },
        );
      },
    );

  roi
    .command("import")
    .description(
      "read ROI/VOI statistics exported by PMOD or AMIDE (or eprscope CSV) into eprscope's row format",
    )
    .argument("<file>", "exported statistics (text/CSV)")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .action((file: string, o: { json?: boolean; out?: string }) => {
      if (o.out) checkOutPath(o.out, [file]);
      let bytes: Buffer;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "error";
        throw new InputError({
          file,
          expected: code === "EISDIR" ? "a statistics file (this is a folder)" : `a readable file (${code})`,
        });
      }
      if (bytes.includes(0))
        throw new InputError({ file, expected: "a text export (NUL bytes found: a binary file)" });
      emit(parseRoiTable(bytes.toString("utf8"), file), { ...o, inputs: [file] });
    });
}
