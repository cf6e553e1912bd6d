/**
 * `eprscope convert <dicom-dir> --out DIR` — every DICOM series below the folder as NIfTI
 * (`<n>_<modality>_<description>.nii.gz`, RAS+ affine) with a BIDS/PET-BIDS JSON sidecar.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { bidsSidecar } from "../../io/dicom/pet.js";
import { discoverSeries, seriesToVolume } from "../../io/dicom/read.js";
import { writeNifti } from "../../io/nifti.js";
import { emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("convert")
    .description("convert DICOM series to NIfTI with BIDS/PET-BIDS JSON sidecars")
    .argument("<dicom-dir>", "folder tree with DICOM files")
    .requiredOption("--out <dir>", "output folder")
    .option("--json", "print the list of written series as JSON")
    .action((dir: string, o: { out: string; json?: boolean }) => {
      const { series, skipped } = discoverSeries(dir);
      if (series.length === 0)
        throw new InputError({
          file: dir,
          expected: `DICOM files (${skipped.length} non-DICOM files skipped)`,
        });
      mkdirSync(o.out, { recursive: true });
      const written = series.map((s, i) => {
        const v = seriesToVolume(s);
        const name = `${String(i + 1).padStart(2, "0")}_${s.modality || "OT"}_${(s.description || "series").replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}`;
        writeNifti(join(o.out, `${name}.nii.gz`), v.volume);
        const sidecar = bidsSidecar(v.first, v.frameTimesS);
        writeFileSync(join(o.out, `${name}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
        return {
          series: s.seriesInstanceUid,
          modality: s.modality,
          files: s.files.length,
          dims: v.volume.dims,
          nifti: `${name}.nii.gz`,
          sidecar: `${name}.json`,
        };
      });
      emit(
        { out: o.out, series: written, skipped },
        { json: o.json },
        () =>
          `${written.map((w) => `${w.nifti} (${w.dims.join("×")}, ${w.files} files)`).join("\n")}\n${skipped.length ? `${skipped.length} non-DICOM files skipped\n` : ""}`,
      );
    });
}
