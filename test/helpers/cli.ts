/** Run the built CLI (bin/eprscope → dist/) as a child process, as users and scripts do. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = `${ROOT}bin/eprscope`;
/** ../shared/reference is not used by tests: test/reference holds copies (repository stands alone). */
export const REF = `${ROOT}test/reference`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; input?: string; env?: Record<string, string> } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Run with --json and parse stdout; fails loudly with stderr when the exit code is not 0. */
export function runCliJson<T = unknown>(args: string[], opts: { cwd?: string } = {}): T {
  const r = runCli([...args, "--json"], opts);
  if (r.code !== 0) throw new Error(`eprscope ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
