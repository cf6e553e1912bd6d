/**
 * `eprscope deid <dicom-dir> --out DIR` — de-identified copies of every DICOM file below a folder,
 * same relative paths, by the PS3.15 Basic Application Level Confidentiality Profile (Table E.1-1
 * as data, src/io/dicom/deidProfile.ts; actions in src/io/dicom/deid.ts) with the standard's options
 * (`--retain patient-characteristics|dates|device-identity|institution-identity|uids`,
 * `--clean descriptors`), consistent UID remapping, private tags removed, pixel data unchanged.
 *
 * The output folder is never the input, inside it, or a folder containing it (real paths:
 * symlinks, trailing slashes, relative/absolute spellings) — exit 2 before anything is written.
 * Files that are not DICOM at all are listed (`notDicom`) and not copied. A DICOM file that cannot
 * be de-identified (truncated, no Part 10 header, unreadable) is listed with the reason in
 * `errors`; the other files are still written, and the exit code is 2.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import type { Command } from "commander";
import { formatProblem, InputError } from "../../core/errors.js";
import { CLEAN_OPTIONS, deidentifyBytes, RETAIN_OPTIONS, UidMapper } from "../../io/dicom/deid.js";
import type { ProfileOption } from "../../io/dicom/deidProfile.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { walkFiles } from "../../io/walkFiles.js";
import { emit } from "../output.js";

const collect = (v: string, prev: string[]) => [...prev, v];

/** DICOM data without the Part 10 header: the first element is in group 0002 or 0008 (either byte order). */
function looksLikeRawDicom(b: Uint8Array): boolean {
  if (b.byteLength < 8) return false;
  return ((b[0] === 0x02 || b[0] === 0x08) && b[1] === 0) || (b[0] === 0 && (b[1] === 0x02 || b[1] === 0x08));
}

function isPart10(b: Uint8Array): boolean {
  return b.byteLength >= 132 && Buffer.from(b.subarray(128, 132)).toString("latin1") === "DICM";
}

function parseOptions(retain: string[], clean: string[]): ProfileOption[] {
  const out: ProfileOption[] = [];
  for (const r of retain) {
    const o = RETAIN_OPTIONS[r];
    if (!o)
      throw new InputError({ field: "--retain", value: r, expected: Object.keys(RETAIN_OPTIONS).join(", ") });
    out.push(o);
  }
  for (const c of clean) {
    const o = CLEAN_OPTIONS[c];
    if (!o)
      throw new InputError({ field: "--clean", value: c, expected: Object.keys(CLEAN_OPTIONS).join(", ") });
    out.push(o);
  }
  return out;
}

export function register(program: Command): void {
  program
    .command("deid")
    .description("de-identify DICOM files (PS3.15 basic profile, Table E.1-1) into a new folder")
    .argument("<dicom-dir>", "folder tree with DICOM files")
    .requiredOption("--out <dir>", "output folder (outside the input; never contains it)")
    .option(
      "--retain <what>",
      `PS3.15 option, repeatable: ${Object.keys(RETAIN_OPTIONS).join(", ")} (dates = Retain Longitudinal Temporal Information Full Dates)`,
      collect,
      [],
    )
    .option("--clean <what>", `PS3.15 option: ${Object.keys(CLEAN_OPTIONS).join(", ")}`, collect, [])
    .option("--salt <s>", "secret for the UID mapping (default: random per run)")
    .option("--json", "print a summary as JSON")
    .action(
      (dir: string, o: { out: string; retain: string[]; clean: string[]; salt?: string; json?: boolean }) => {
        const options = parseOptions(o.retain, o.clean);
        assertOutputOutsideInputs(o.out, [dir], { outputIsFolder: true });
        const uids = new UidMapper(o.salt ?? randomBytes(16).toString("hex"));
        let written = 0;
        const notDicom: string[] = [];
        const errors: { file: string; reason: string }[] = [];
        const transferSyntaxes: Record<string, number> = {};
        for (const p of walkFiles(dir)) {
          const rel = relative(dir, p);
          const bytes = new Uint8Array(readFileSync(p));
          if (!isPart10(bytes)) {
            if (looksLikeRawDicom(bytes))
              errors.push({
                file: rel,
                reason:
                  "DICOM data without the Part 10 header (128-byte preamble, DICM, file meta information); not de-identified — convert it first (e.g. dcmconv)",
              });
            else notDicom.push(rel);
            continue;
          }
          let out: ReturnType<typeof deidentifyBytes>;
          try {
            out = deidentifyBytes(bytes, uids, { options }, rel);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            errors.push({ file: rel, reason: e.problems.map(formatProblem).join("; ") });
            continue;
          }
          const target = join(o.out, rel);
          mkdirSync(dirname(target), { recursive: true });
          writeFileSync(target, out.bytes);
          transferSyntaxes[out.report.transferSyntax] =
            (transferSyntaxes[out.report.transferSyntax] ?? 0) + 1;
          written++;
        }
        if (written === 0 && errors.length === 0)
          throw new InputError({ file: dir, expected: "DICOM files to de-identify" });
        emit(
          { out: o.out, written, options, transferSyntaxes, notDicom, errors },
          { json: o.json },
          () =>
            `${written} files de-identified → ${o.out}` +
            (notDicom.length ? ` (${notDicom.length} non-DICOM files not copied)` : "") +
            "\n",
        );
        if (errors.length) {
          for (const e of errors) process.stderr.write(`not de-identified: ${e.file}: ${e.reason}\n`);
          process.stderr.write(`${errors.length} file(s) not de-identified\n`);
          process.exitCode = 2;
        }
      },
    );
}
