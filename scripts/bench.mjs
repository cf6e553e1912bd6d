#!/usr/bin/env node
// npm run bench -- NAME [args…]: runs bench/NAME.ts with tsx. Without NAME, lists the benchmarks.
import { spawnSync } from "node:child_process";
import { readdirSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const [name, ...rest] = process.argv.slice(2);
const names = readdirSync(join(root, "bench")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3));
if (!name) {
  console.log(`benchmarks: ${names.join(", ")}\nusage: npm run bench -- NAME`);
  process.exit(0);
}
const file = join(root, "bench", `${name}.ts`);
if (!existsSync(file)) {
  console.error(`bench: no benchmark "${name}" (have: ${names.join(", ")})`);
  process.exit(2);
}
const r = spawnSync(process.execPath, ["--import", "tsx", file, ...rest], { stdio: "inherit", cwd: root });
process.exit(r.status ?? 1);
