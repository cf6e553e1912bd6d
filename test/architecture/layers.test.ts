/**
 * DESIGN.md dependency rules, checked on the source: core imports nothing of ours outside
 * core and no Node API; io → core; study → core, io; store → core; engine → study, core, store;
 * cli/server/report → engine and below. web talks to the server over HTTP (may import core).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

const SRC = join(ROOT, "src");
const ALLOWED: Record<string, string[]> = {
  core: ["core"],
  io: ["core", "io"],
  study: ["core", "io", "study"],
  store: ["core", "store"],
  engine: ["core", "io", "study", "store", "engine"],
  cli: ["core", "io", "study", "store", "engine", "cli", "report", "server"],
  server: ["core", "io", "study", "store", "engine", "server", "report"],
  report: ["core", "io", "study", "store", "engine", "report"],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function imports(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']/gm),
    ...text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
}

describe("layering (DESIGN.md)", () => {
  const all = files(SRC);
  it("finds the source tree", () => expect(all.length).toBeGreaterThan(20));
  for (const layer of Object.keys(ALLOWED)) {
    it(`${layer}/ imports only ${ALLOWED[layer].join(", ")}`, () => {
      const bad: string[] = [];
      for (const f of all.filter((x) => relative(SRC, x).split("/")[0] === layer)) {
        for (const spec of imports(f)) {
          if (spec.startsWith(".")) {
            const target = relative(SRC, join(f, "..", spec)).split("/")[0];
            if (target === "version.js") continue;
            if (!ALLOWED[layer].includes(target)) bad.push(`${relative(SRC, f)} → ${spec}`);
          } else if (
            layer === "core" &&
            (spec.startsWith("node:") ||
              ["fs", "path", "os", "child_process", "worker_threads", "crypto", "zlib"].includes(spec))
          ) {
            bad.push(`${relative(SRC, f)} → ${spec} (core must stay free of Node APIs)`);
          }
        }
      }
      expect(bad).toEqual([]);
    });
  }
});
