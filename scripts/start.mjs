#!/usr/bin/env node
// npm start: build, create ./demo-study if missing, analyse it, write the report, serve the workspace.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = join(root, "bin", "eprscope");
const study = process.env.EPRSCOPE_STUDY ?? join(root, "demo-study");

function step(title, cmd, args) {
  process.stderr.write(`\n▶ ${title}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", cwd: root });
  if (r.status !== 0 && r.status !== 1) process.exit(r.status ?? 1);
  return r.status;
}

step("build", process.execPath, [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
if (existsSync(join(root, "web", "package.json")) || existsSync(join(root, "web", "vite.config.ts"))) {
  step("build web workspace", process.execPath, [join(root, "scripts", "build-web.mjs")]);
}
if (!existsSync(join(study, "study.json"))) step(`create demo study in ${study}`, process.execPath, [bin, "demo", study]);
const ran = step("run all analyses", process.execPath, [bin, "run", study]);
const help = spawnSync(process.execPath, [bin, "--help"], { encoding: "utf8" }).stdout;
if (/\breport\b/.test(help)) step("write report", process.execPath, [bin, "report", study]);
process.stderr.write(`\nresults: ${join(study, "results", "eprscope.sqlite")}  (bin/eprscope results ${study})\n`);
if (existsSync(join(study, "results", "report.html"))) process.stderr.write(`report:  ${join(study, "results", "report.html")}\n`);
if (ran === 1) process.stderr.write("some analyses failed: see the messages above\n");
if (/\bserve\b/.test(help) && process.env.EPRSCOPE_NO_SERVE !== "1") {
  step("serve the workspace (Ctrl-C to stop)", process.execPath, [bin, "serve", study]);
}
