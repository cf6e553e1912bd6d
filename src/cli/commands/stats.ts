import type { Command } from "commander";

/** `eprscope stats` — registered by its capability (see DESIGN.md "Interfaces"). */
export function register(_program: Command): void {}
