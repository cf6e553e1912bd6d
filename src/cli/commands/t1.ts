import type { Command } from "commander";

/** `eprscope t1` — registered by its capability (see DESIGN.md "Interfaces"). */
export function register(_program: Command): void {}
