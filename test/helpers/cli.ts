/**
 * Run the built CLI (bin/eprscope → dist/) as a child process, as users and scripts do, plus
 * the set-up every CLI test shares: temporary folders with input files, and the assertions of
 * a clean failure (exit code, message fragment, no stack trace, no NaN, no raw bytes).
 * EPRSCOPE_TEST_BIN points the tests at another build of bin/eprscope (default: this repo's).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = process.env.EPRSCOPE_TEST_BIN ?? `${ROOT}bin/eprscope`;
/** ../shared/reference is not used by tests: test/reference holds copies (repository stands alone). */
export const REF = `${ROOT}test/reference`;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
}

export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: "utf8",
    env: { ...process.env, ...opts.env },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** runCli without blocking the test worker (for tables of many cases run concurrently). */
export function runCliAsync(
  args: string[],
  opts: CliOptions & { timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({
        code: code ?? -1,
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8"),
      });
    });
    child.stdin.end(opts.input ?? "");
  });
}

/** Run with --json and parse stdout; fails loudly with stderr when the exit code is not 0. */
export function runCliJson<T = unknown>(args: string[], opts: CliOptions = {}): T {
  const r = runCli([...args, "--json"], opts);
  if (r.code !== 0) throw new Error(`eprscope ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** A fresh temporary folder (under the OS temp dir) for one test's files. */
export function tempDir(prefix = "eprscope-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Write files (relative name → text or bytes) into dir, creating sub-folders; returns dir. */
export function writeFiles(dir: string, files: Record<string, string | Uint8Array>): string {
  for (const [name, content] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** One file in a fresh temporary folder; returns its path. */
export function tempFile(name: string, content: string | Uint8Array, prefix?: string): string {
  const dir = tempDir(prefix);
  writeFiles(dir, { [name]: content });
  return join(dir, name);
}

/** Lines of a Node stack trace ("    at fn (file:line)"). */
export const STACK_LINE = /^\s{4}at .+/m;
/** Raw control bytes (except tab/newline/CR), C1 controls or U+FFFD from undecodable bytes. */
export function hasRawBytes(s: string): boolean {
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c < 0xa0) || c === 0xfffd)
      return true;
  }
  return false;
}

/** A failure as the CLI conventions require: the exit code, the message, nothing leaked. */
export function expectCleanFailure(r: CliResult, code: number, fragment: RegExp | string): void {
  const ctx = `exit ${r.code}\nstderr: ${r.stderr}\nstdout: ${r.stdout.slice(0, 2000)}`;
  expect(r.code, ctx).toBe(code);
  if (typeof fragment === "string") expect(r.stderr, ctx).toContain(fragment);
  else expect(r.stderr, ctx).toMatch(fragment);
  expectNothingLeaked(r);
}

/** No stack trace, no NaN printed, no raw bytes echoed. */
export function expectNothingLeaked(r: CliResult): void {
  expect(r.stderr, r.stderr).not.toMatch(STACK_LINE);
  expect(r.stdout).not.toMatch(/\bNaN\b/);
  expect(hasRawBytes(r.stderr), `raw bytes on stderr: ${JSON.stringify(r.stderr)}`).toBe(false);
}

/**
 * Run the CLI inside this test process through the same `main()` bin/eprscope calls (from
 * src/, so no build is needed), with stdout/stderr captured and the exit code read from
 * process.exitCode. ~50× cheaper than a spawn: for large tables of cases. Cases run one at a
 * time (the working directory is process-wide); an exception escaping main() is a crash and is
 * reported as exit -1 with its stack on stderr.
 */
export async function runCliInProcess(args: string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  const { main } = await import("../../src/cli/main.js");
  const out: string[] = [];
  const err: string[] = [];
  const text = (chunk: unknown) =>
    typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
  const stdoutWrite = process.stdout.write;
  const stderrWrite = process.stderr.write;
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  let code: number;
  process.stdout.write = ((chunk: unknown) => out.push(text(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: unknown) => err.push(text(chunk)) > 0) as typeof process.stderr.write;
  try {
    if (opts.cwd) process.chdir(opts.cwd);
    process.exitCode = undefined;
    await main(["node", "eprscope", ...args]);
    code = Number(process.exitCode ?? 0);
  } catch (e) {
    err.push(`CRASH (exception escaped main): ${(e as Error)?.stack ?? String(e)}\n`);
    code = -1;
  } finally {
    process.stdout.write = stdoutWrite;
    process.stderr.write = stderrWrite;
    process.chdir(cwd);
    process.exitCode = exitCode;
  }
  return { code, stdout: out.join(""), stderr: err.join("") };
}
