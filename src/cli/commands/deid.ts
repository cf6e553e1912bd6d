/**
 * `eprscope deid <dicom-dir> --out DIR` — de-identified copies of every DICOM file
 * (PS3.15 Basic Application Level Confidentiality Profile, consistent UID remapping, private
 * tags removed, pixel data unchanged), same relative paths.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { deidentifyFile, UidMapper } from "../../io/dicom/deid.js";
import { readDicomFile } from "../../io/dicom/read.js";
import { writeDicom } from "../../io/dicom/write.js";
import { emit } from "../output.js";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

export function register(program: Command): void {
  program
    .command("deid")
    .description("de-identify DICOM files (PS3.15 basic profile) into a new folder")
    .argument("<dicom-dir>", "folder tree with DICOM files")
    .requiredOption("--out <dir>", "output folder (must differ from the input)")
    .option("--salt <s>", "secret for the UID mapping (default: random per run)")
    .option("--json", "print a summary as JSON")
    .action((dir: string, o: { out: string; salt?: string; json?: boolean }) => {
      if (join(o.out) === join(dir))
        throw new InputError({ field: "--out", value: o.out, expected: "a folder different from the input" });
      const uids = new UidMapper(o.salt ?? randomBytes(16).toString("hex"));
      let written = 0;
      const skipped: string[] = [];
      for (const p of walk(dir)) {
        let f: ReturnType<typeof readDicomFile>;
        try {
          f = readDicomFile(p);
        } catch {
          skipped.push(relative(dir, p));
          continue;
        }
        const d = deidentifyFile(f.meta, f.ds, uids);
        const target = join(o.out, relative(dir, p));
        mkdirSync(dirname(target), { recursive: true });
        writeDicom(target, d.ds, {
          TransferSyntaxUID: f.meta.TransferSyntaxUID,
          MediaStorageSOPInstanceUID: d.ds.SOPInstanceUID,
        });
        written++;
      }
      if (written === 0) throw new InputError({ file: dir, expected: "DICOM files to de-identify" });
      emit(
        { out: o.out, written, skipped },
        { json: o.json },
        () =>
          `${written} files de-identified → ${o.out}${skipped.length ? ` (${skipped.length} non-DICOM files not copied)` : ""}\n`,
      );
    });
}
