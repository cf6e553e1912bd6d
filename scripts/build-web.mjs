#!/usr/bin/env node
// Build the browser workspace (web/) with Vite into web/dist, served by `eprscope serve` at /app/.
import { build } from "vite";
import { fileURLToPath } from "node:url";

await build({ configFile: fileURLToPath(new URL("../web/vite.config.ts", import.meta.url)) });
process.stderr.write("web workspace built: web/dist\n");
