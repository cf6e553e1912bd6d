/**
 * `eprscope roi stats <image.nii[.gz]> <labels.nii[.gz]> --json` → one object per label and frame:
 * { label, frame, mean, sd, min, max, voxels, volume_mm3 } in scaled units (scl_slope/inter
 * applied); frames from 0; sd is the sample SD (n − 1); labels resampled to the image grid by
 * nearest neighbour through the affines when the grids differ.
 */

import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { roiStatistics } from "../../core/image/roiStats.js";
import { readNifti } from "../../io/nifti.js";
import { parseRoiTable } from "../../io/roi/roiTable.js";
import { emit } from "../output.js";

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
        const stats = roiStatistics(readNifti(imagePath), readNifti(labelPath));
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
          o,
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
      let text: string;
      try {
        text = readFileSync(file, "utf8");
      } catch (e) {
        throw new InputError({
          file,
          expected: `a readable file (${(e as NodeJS.ErrnoException).code ?? "error"})`,
        });
      }
      emit(parseRoiTable(text, file), o);
    });
}
