/**
 * `eprscope serve DIR [--port N] [--host H] [--token T]` — serve the study workspace (JSON API,
 * report, files, runs) on http://127.0.0.1:PORT by default; another host requires --token.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { createServer, isLocalHost } from "../../server/app.js";
import { openResultStore } from "../../store/open.js";
import { loadStudy } from "../../study/load.js";
import { parseNumberOption } from "../options.js";
import { DB_HELP } from "./study.js";

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve the study workspace (JSON API, report, files, analysis runs with progress)")
    .argument("<dir>", "study folder")
    .option("--port <n>", "port", "8420")
    .option("--host <h>", "interface to bind", "127.0.0.1")
    .option("--token <t>", "access token (required when --host is not local)")
    .option(
      "--allowed-host <names>",
      "further Host header names to answer, comma-separated (e.g. a reverse proxy's name); others get 421",
    )
    .option("--db <url>", DB_HELP)
    .action(
      async (
        dir: string,
        o: { port: string; host: string; token?: string; allowedHost?: string; db?: string },
      ) => {
        const port = parseNumberOption("--port", o.port, { min: 0, max: 65535, integer: true });
        if (!isLocalHost(o.host) && !o.token)
          throw new InputError({
            field: "--host",
            value: o.host,
            expected: "a local address (127.0.0.1, localhost, ::1), or --token for any other host",
          });
        const study = loadStudy(dir);
        await (await openResultStore(study.dir, o.db)).close(); // a bad --db is reported now, not per request
        const app = createServer({
          studyDir: study.dir,
          host: o.host,
          token: o.token,
          db: o.db,
          allowedHosts: o.allowedHost
            ?.split(",")
            .map((x) => x.trim())
            .filter(Boolean),
        });
        const address = await app.listen({ port, host: o.host });
        process.stderr.write(
          `eprscope workspace for ${study.study.id}: ${address.replace("[::1]", "localhost")}${o.token ? " (token required)" : ""}\n`,
        );
      },
    );
}
