/** Read a user-named input file's bytes; a missing, unreadable or folder path is an InputError (exit 2) naming it. */
import { readFileSync } from "node:fs";
import { InputError } from "../core/errors.js";

/** `what`: e.g. "a CSV file", "a NIfTI file" */
export function readInputBytes(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    throw new InputError({
      file: path,
      expected: code === "EISDIR" ? `${what} (this is a folder)` : `a readable file (${code})`,
    });
  }
}

/** the bytes of a text CSV file: NUL bytes mean a binary or UTF-16 file */
export function readCsvBytes(path: string): Buffer {
  const bytes = readInputBytes(path, "a CSV file");
  if (bytes.includes(0))
    throw new InputError({
      file: path,
      expected: "a UTF-8 text CSV file (NUL bytes found: a binary or UTF-16 file)",
    });
  return bytes;
}
