import type { Command } from "commander";

/** `eprscope validate|run|results|demo` — the study workflow. */
export function register(_program: Command): void {}
