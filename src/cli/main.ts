/**
 * eprscope CLI entry: builds the commander program from the command modules and maps
 * errors to exit codes (0 ok, 1 analysis error, 2 bad input/usage) with a one-line
 * message on stderr — never a stack trace (set EPRSCOPE_DEBUG=1 to see one).
 *
 * File-system errors on paths the user named (ENOENT, EISDIR, ENOTDIR, EACCES, EPERM,
 * EEXIST, ENAMETOOLONG, ELOOP, EROFS) are input errors: exit 2 with the path and a sentence,
 * not "analysis error" with a raw errno. Every message is sanitised (no raw control or binary
 * bytes reach the terminal).
 */
import { Command, CommanderError } from "commander";
import { AnalysisError, InputError, sanitizeText } from "../core/errors.js";
import { VERSION } from "../version.js";
import { registerAll } from "./commands/index.js";
import { setCommandInputs } from "./output.js";

export function buildProgram(): Command {
  const program = new Command();
  program
    .name("eprscope")
    .description(
      "Imaging-assisted nanomedicine analysis: biodistribution, PK, DCE-MRI, release, stratification",
    )
    .version(VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerAll(program);
  for (const c of program.commands) applyExitOverride(c);
  // the positional arguments and option values (other than --out) that name existing files or
  // folders are the command's inputs: emit() refuses an --out that is, or lies inside, one
  program.hook("preAction", (_root, action) => {
    const opts = Object.entries(action.opts()).flatMap(([k, v]) => (k === "out" ? [] : [v]));
    setCommandInputs([...action.args, ...opts]);
  });
  return program;
}

function applyExitOverride(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) applyExitOverride(s);
}

const FS_INPUT_ERRORS: Record<string, string> = {
  ENOENT: "no such file or folder",
  ENOTDIR: "a path component is not a folder",
  EISDIR: "is a folder, expected a file",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EEXIST: "already exists",
  ENAMETOOLONG: "name too long",
  ELOOP: "too many symbolic links",
  EROFS: "read-only file system",
};

interface FsError {
  code: string;
  path?: string;
  dest?: string;
  syscall?: string;
}

/** A Node file-system error on a path (the path is one the user gave, or derived from one). */
export function fsInputError(e: unknown): FsError | undefined {
  if (!(e instanceof Error)) return undefined;
  const x = e as Error & Partial<FsError>;
  if (typeof x.code !== "string" || !(x.code in FS_INPUT_ERRORS)) return undefined;
  if (typeof x.path !== "string" && typeof x.syscall !== "string") return undefined;
  return { code: x.code, path: x.path, dest: x.dest, syscall: x.syscall };
}

/** "PATH: cannot write (is a folder, expected a file)" for a file-system error. */
export function describeFsError(f: FsError): string {
  const action =
    f.syscall === "open" || f.syscall === undefined
      ? "cannot open"
      : /write|mkdir|rename|copyfile|unlink|rmdir|symlink|chmod/.test(f.syscall)
        ? "cannot write"
        : f.syscall === "read" || f.syscall === "scandir" || f.syscall === "stat" || f.syscall === "lstat"
          ? "cannot read"
          : `cannot ${f.syscall}`;
  if (f.path === undefined)
    return f.code === "EISDIR"
      ? "a folder was given where a file is expected (EISDIR)"
      : `${action} a file (${f.code}: ${FS_INPUT_ERRORS[f.code]})`;
  return `${f.path}: ${action} (${f.code}: ${FS_INPUT_ERRORS[f.code]})`;
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof InputError) return 2;
  if (fsInputError(e)) return 2;
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
  if (e instanceof AnalysisError) return 1;
  return 1;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const code = exitCodeFor(e);
    if (!(e instanceof CommanderError)) {
      const fsErr = fsInputError(e);
      const raw = fsErr ? describeFsError(fsErr) : e instanceof Error ? e.message : String(e);
      const msg = sanitizeText(raw, 8000);
      const prefix = code === 2 ? "eprscope: error: " : "eprscope: analysis error: ";
      process.stderr.write(`${prefix}${msg.split("\n").join(`\n${" ".repeat(prefix.length)}`)}\n`);
      if (process.env.EPRSCOPE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    }
    process.exitCode = code;
  }
}
