import { describe, expect, it } from "vitest";
import { describeFsError, exitCodeFor, fsInputError } from "../../src/cli/main.js";
import { formatProblem, InputError, sanitizeText } from "../../src/core/errors.js";
import { expectCleanFailure, hasRawBytes, runCli } from "../helpers/cli.js";

describe("eprscope CLI conventions", () => {
  it("prints the package version", () => {
    const r = runCli(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
  it("exits 2 with a one-line message on an unknown command", () => {
    const r = runCli(["no-such-command"]);
    expectCleanFailure(r, 2, /unknown command/);
  });
});

describe("messages never echo binary bytes (formatProblem / sanitizeText)", () => {
  it("escapes control, C1 and replacement characters and caps the length", () => {
    expect(sanitizeText("a\u0000b\u001b[31mc\u0085d\ufffde")).toBe("a\\x00b\\x1b[31mc\\x85d\\ufffde");
    expect(sanitizeText("x".repeat(200), 20)).toHaveLength(20);
    expect(sanitizeText("x".repeat(200), 20).endsWith("…")).toBe(true);
    expect(sanitizeText("µg/mL é 日本")).toBe("µg/mL é 日本");
    expect(sanitizeText("bidi\u202eevil")).toBe("bidi\\u202eevil");
  });
  it("formatProblem prints values as escaped, capped JSON", () => {
    const m = formatProblem({
      file: "a\u0007.csv",
      field: "column x",
      value: `\u0001${"z".repeat(500)}`,
      expected: "a number",
    });
    expect(m).toMatch(/^a\\x07\.csv: column x: got "\\u0001z+…; expected a number$/);
    expect(m.length).toBeLessThan(400);
    expect(hasRawBytes(m)).toBe(false);
    expect(new InputError({ value: "\ud800", expected: "text" }).message).toMatch(/\\ud800/);
  });
});

describe("file-system errors on user-named paths are input errors (exit 2)", () => {
  const errno = (code: string, syscall: string, path?: string) =>
    Object.assign(new Error(`${code}: boom`), { code, syscall, ...(path ? { path } : {}) });
  it("maps ENOENT/EISDIR/EACCES/ENOTDIR to exit 2 with the path and a sentence", () => {
    for (const code of ["ENOENT", "EISDIR", "EACCES", "ENOTDIR", "EPERM", "EROFS"]) {
      const e = errno(code, "open", "/x/y.json");
      expect(exitCodeFor(e)).toBe(2);
      expect(describeFsError(fsInputError(e) as NonNullable<ReturnType<typeof fsInputError>>)).toMatch(
        new RegExp(`^/x/y\\.json: cannot open \\(${code}: `),
      );
    }
    const dir = fsInputError(errno("EISDIR", "read"));
    expect(dir && describeFsError(dir)).toBe("a folder was given where a file is expected (EISDIR)");
  });
  it("other errors stay analysis errors (exit 1)", () => {
    expect(exitCodeFor(errno("ENOMEM", "read"))).toBe(1);
    expect(exitCodeFor(new Error("x"))).toBe(1);
  });
});
