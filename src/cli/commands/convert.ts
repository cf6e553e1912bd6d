/**
 * `eprscope convert <dicom-dir|file> --out DIR` — every DICOM series below the folder as NIfTI
 * (`<n>_<modality>_<description>[_part<k>].nii.gz`, RAS+ affine) with a BIDS/PET-BIDS JSON
 * sidecar (PET SUV factors are computed from the original headers here).
 *
 * Never a wrong volume: every written voxel is the modality value pydicom computes and every slice
 * sits where its ImagePositionPatient says. A series that is not one grid (other orientations,
 * sizes, missing or uneven slices) is split into consistent volumes (`_part<k>`, the reason in the
 * sidecar's ConversionSplitBy); a file that cannot be converted exactly is refused with its reason.
 * Any refusal → exit 2 with every refused file listed and nothing written, unless `--partial`
 * (write what converts exactly, list the refused files, exit 0). The output folder must lie
 * outside the input.
 */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Command } from "commander";
import { InputError, type InputProblem } from "../../core/errors.js";
import { refusalMessage, type StackVolume } from "../../io/dicom/assemble.js";
import { bidsSidecar } from "../../io/dicom/pet.js";
import { discoverSeries, seriesToVolumes } from "../../io/dicom/read.js";
import { writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("convert")
    .description("convert DICOM series to NIfTI with BIDS/PET-BIDS JSON sidecars")
    .argument("<dicom-dir>", "folder tree with DICOM files (or one DICOM file)")
    .requiredOption("--out <dir>", "output folder (outside the input)")
    .option("--partial", "write the series that convert exactly and list refused files (exit 0)")
    .option("--json", "print the list of written series as JSON")
    .action((input: string, o: { out: string; json?: boolean; partial?: boolean }) => {
      assertOutputOutsideInputs(o.out, [input], { outputIsFolder: true });
      const d = discoverSeries(input);
      const refused: InputProblem[] = [...d.unreadable];
      const bySeries: { s: (typeof d.series)[number]; volumes: StackVolume[] }[] = [];
      for (const s of d.series) {
        const r = seriesToVolumes(s);
        refused.push(...r.refused);
        if (r.volumes.length) bySeries.push({ s, volumes: r.volumes });
      }
      const nVolumes = bySeries.reduce((a, b) => a + b.volumes.length, 0);
      if (refused.length && !o.partial)
        throw new InputError(
          refused,
          `${refusalMessage(refused)}\nnothing written: ${refused.length} file(s) refused${nVolumes ? ` (${nVolumes} volume(s) would convert; --partial writes them and lists the refused files)` : ""}`,
        );
      if (nVolumes === 0)
        throw new InputError({
          file: input,
          expected: `DICOM images (${d.skipped.length} non-DICOM file(s) skipped, ${d.nonImage.length} DICOM object(s) without pixel data${refused.length ? `, ${refused.length} refused` : ""})`,
        });
      try {
        mkdirSync(o.out, { recursive: true });
      } catch (e) {
        throw new InputError({
          field: "--out",
          value: o.out,
          expected: `a folder that can be created (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        });
      }
      const root = statSync(input).isDirectory() ? input : dirname(input);
      const written = bySeries.flatMap(({ s, volumes }, i) =>
        volumes.map((v, k) => {
          const base = `${String(i + 1).padStart(2, "0")}_${s.modality || "OT"}_${(s.description || "series").replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40)}`;
          const name = volumes.length > 1 ? `${base}_part${k + 1}` : base;
          writeNifti(join(o.out, `${name}.nii.gz`), v.volume);
          const sources = [...new Set(v.sources.map((p) => relative(root, p.replace(/#frame\d+$/, ""))))];
          const sidecar = {
            ...bidsSidecar(v.first, v.frameTimesS),
            ...(v.splitBy.length ? { ConversionSplitBy: v.splitBy } : {}),
            ...(v.notes.length ? { ConversionNotes: v.notes } : {}),
            SourceFiles: sources,
          };
          writeFileSync(join(o.out, `${name}.json`), `${JSON.stringify(sidecar, null, 2)}\n`);
          return {
            series: s.seriesInstanceUid,
            modality: s.modality,
            files: sources.length,
            dims: v.volume.dims,
            nifti: `${name}.nii.gz`,
            sidecar: `${name}.json`,
            splitBy: v.splitBy,
            notes: v.notes,
          };
        }),
      );
      const refusedOut = refused.map((p) => ({ file: p.file, field: p.field, reason: p.expected }));
      emit(
        { out: o.out, series: written, refused: refusedOut, skipped: d.skipped, nonImage: d.nonImage },
        { json: o.json },
        () =>
          [
            ...written.map(
              (w) =>
                `${w.nifti} (${w.dims.join("×")}, ${w.files} files${w.splitBy.length ? `; split: ${w.splitBy.join(", ")}` : ""})`,
            ),
            ...(refused.length ? [`refused (not written):\n${refusalMessage(refused)}`] : []),
            ...(d.skipped.length ? [`${d.skipped.length} non-DICOM files skipped`] : []),
            ...(d.nonImage.length ? [`${d.nonImage.length} DICOM objects without pixel data skipped`] : []),
          ].join("\n") + "\n",
      );
    });
}
