/**
 * eprscope CLI entry: builds the commander program from the command modules and maps
 * errors to exit codes (0 ok, 1 analysis error, 2 bad input/usage) with a one-line
 * message on stderr — never a stack trace (set EPRSCOPE_DEBUG=1 to see one).
 */
import { Command, CommanderError } from "commander";
import { AnalysisError, InputError } from "../core/errors.js";
import { VERSION } from "../version.js";
import { registerAll } from "./commands/index.js";

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
  return program;
}

function applyExitOverride(c: Command): void {
  c.exitOverride();
  for (const s of c.commands) applyExitOverride(s);
}

export function exitCodeFor(e: unknown): number {
  if (e instanceof InputError) return 2;
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
      const msg = e instanceof Error ? e.message : String(e);
      const prefix = e instanceof InputError ? "eprscope: error: " : "eprscope: analysis error: ";
      process.stderr.write(`${prefix}${msg.split("\n").join(`\n${" ".repeat(prefix.length)}`)}\n`);
      if (process.env.EPRSCOPE_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    }
    process.exitCode = code;
  }
}
