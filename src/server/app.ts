/**
 * The workspace server (fastify): a JSON API over one study folder, the HTML report, study files
 * (images) and analysis runs with progress over server-sent events. Routes live in routes/, one
 * file per resource, and call engine/, report/ and study/ functions — they compute nothing
 * themselves. Security (security.ts): binds 127.0.0.1 by default; any other host requires a
 * token; Host headers other than the bound/loopback/allowed names are refused (DNS rebinding);
 * cross-origin state-changing requests are refused; request bodies are size-limited; file paths
 * are resolved inside the study folder (no "..", no absolute paths, no symlinks leaving it).
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { InputError } from "../core/errors.js";
import { type RouteContext, safeStudyPath, volumeCache } from "./context.js";
import { registerCurve } from "./routes/curve.js";
import { registerFiles } from "./routes/files.js";
import { registerMaps } from "./routes/maps.js";
import { registerPages } from "./routes/pages.js";
import { registerQueue } from "./routes/queue.js";
import { registerReport } from "./routes/report.js";
import { registerResults } from "./routes/results.js";
import { registerRois } from "./routes/rois.js";
import { registerRun } from "./routes/run.js";
import { registerScans } from "./routes/scans.js";
import { registerSlides } from "./routes/slides.js";
import { registerStudy } from "./routes/study.js";
import { isLocalHost, makeGuard } from "./security.js";

export { isLocalHost, safeStudyPath };

export interface ServerOptions {
  studyDir: string;
  host?: string;
  token?: string;
  /** further Host names this server answers (e.g. a reverse proxy's name) */
  allowedHosts?: string[];
  bodyLimitBytes?: number;
  /** results database URL (PostgreSQL); default EPRSCOPE_DATABASE_URL, else the embedded store */
  db?: string;
}

export function createServer(opts: ServerOptions): FastifyInstance {
  const host = opts.host ?? "127.0.0.1";
  if (!isLocalHost(host) && !opts.token) {
    throw new Error(
      `refusing to serve on ${host} without a token: pass --token (requests then need Authorization: Bearer <token>)`,
    );
  }
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimitBytes ?? 1_048_576 });
  const studyDir = resolve(opts.studyDir);
  app.addHook("onRequest", makeGuard({ bindHost: host, token: opts.token, allowedHosts: opts.allowedHosts }));

  // the browser workspace (Vite build in web/dist), when it has been built
  const webDist = fileURLToPath(new URL("../../web/dist", import.meta.url));
  if (existsSync(join(webDist, "index.html")))
    void app.register(fastifyStatic, { root: webDist, prefix: "/app/" });

  const ctx: RouteContext = { app, studyDir, db: opts.db, volume: volumeCache(studyDir) };
  for (const register of [
    registerPages,
    registerStudy,
    registerResults,
    registerReport,
    registerFiles,
    registerCurve,
    registerMaps,
    registerScans,
    registerSlides,
    registerRois,
    registerRun,
    registerQueue,
  ])
    register(ctx);

  app.setErrorHandler((error, _req, reply) => {
    const err = error as Error & { statusCode?: number };
    const status = err.statusCode ?? (error instanceof InputError ? 400 : 500);
    reply.code(status).send({ error: err.message });
  });
  return app;
}
