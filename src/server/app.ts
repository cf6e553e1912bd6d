/**
 * The workspace server (fastify): a JSON API over one study folder, the HTML report, study files
 * (images) and analysis runs with progress over server-sent events. Security: binds 127.0.0.1
 * by default; any other host requires a token (Authorization: Bearer … or ?token=); request
 * bodies are size-limited; file paths are resolved inside the study folder (no "..", no
 * absolute paths, no symlinks leaving it). The first page lists the study's subjects by id.
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve, sep } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { planStudy } from "../engine/analyses/index.js";
import { type RunEvent, runTasks } from "../engine/runner.js";
import { toCsv } from "../io/csv.js";
import { renderReport } from "../report/htmlReport.js";
import { openStore } from "../store/open.js";
import { PUBLIC_COLUMNS, publicRow } from "../store/rows.js";
import { loadStudy } from "../study/load.js";
import { VERSION } from "../version.js";

export interface ServerOptions {
  studyDir: string;
  host?: string;
  token?: string;
  bodyLimitBytes?: number;
}

const LOCAL = new Set(["127.0.0.1", "localhost", "::1"]);

export function isLocalHost(host: string): boolean {
  return LOCAL.has(host);
}

/** Resolve a study-relative path; null when it would leave the study folder. */
export function safeStudyPath(studyDir: string, rel: string): string | null {
  if (rel === "" || isAbsolute(rel) || rel.includes("\0")) return null;
  const root = realpathSync(studyDir);
  const target = resolve(root, rel);
  const r = relative(root, target);
  if (r.startsWith("..") || isAbsolute(r)) return null;
  try {
    const real = realpathSync(target);
    const rr = relative(root, real);
    if (rr.startsWith("..") || isAbsolute(rr)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

const resultsQuery = z.strictObject({
  analysis: z.string().optional(),
  subject: z.string().optional(),
  parameter: z.string().optional(),
  token: z.string().optional(),
});

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

export function createServer(opts: ServerOptions): FastifyInstance {
  const host = opts.host ?? "127.0.0.1";
  if (!isLocalHost(host) && !opts.token) {
    throw new Error(
      `refusing to serve on ${host} without a token: pass --token (requests then need Authorization: Bearer <token>)`,
    );
  }
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimitBytes ?? 1_048_576 });
  const studyDir = resolve(opts.studyDir);
  const runs: { events: RunEvent[]; done: boolean; listeners: Set<(e: string) => void> } = {
    events: [],
    done: true,
    listeners: new Set(),
  };

  app.addHook("onRequest", async (req, reply) => {
    if (!opts.token) return;
    const q = req.query as Record<string, string> | undefined;
    const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, "");
    if (bearer !== opts.token && q?.token !== opts.token) {
      await reply.code(401).send({ error: "missing or wrong token" });
    }
  });

  app.get("/", async (_req, reply) => {
    const s = loadStudy(studyDir).study;
    const rows = s.subjects
      .map(
        (x) =>
          `<tr><td class="subject">${esc(x.id)}</td><td>${esc(x.group)}</td><td>${esc(x.species)}</td><td>${esc(x.bodyWeight)}</td></tr>`,
      )
      .join("");
    reply
      .type("text/html")
      .send(
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse}</style></head><body><h1>${esc(s.title)}</h1><p><a href="/report">report</a> · <a href="/api/results.csv">results (CSV)</a> · <a href="/api/results">results (JSON)</a></p><h2>Subjects</h2><table id="subjects"><thead><tr><th>id</th><th>group</th><th>species</th><th>body weight</th></tr></thead><tbody>${rows}</tbody></table><p>eprscope ${esc(VERSION)}</p></body></html>`,
      );
  });

  app.get("/api/study", async () => {
    const s = loadStudy(studyDir).study;
    return {
      id: s.id,
      title: s.title,
      description: s.description,
      groups: s.groups ?? [],
      agents: s.agents,
      subjects: s.subjects,
      administrations: s.administrations,
      scans: s.scans.map((x) => ({
        id: x.id,
        subject: x.subject,
        modality: x.modality,
        time: x.time,
        purpose: x.purpose,
        files: x.files,
        labels: x.labels,
      })),
      rois: s.rois,
      samples: s.samples.length,
      outcomes: s.outcomes,
    };
  });

  app.get("/api/subjects", async () =>
    loadStudy(studyDir).study.subjects.map((x) => ({
      id: x.id,
      group: x.group,
      species: x.species,
      sex: x.sex,
      bodyWeight: x.bodyWeight,
    })),
  );

  const results = (q: unknown) => {
    const f = resultsQuery.parse(q ?? {});
    const store = openStore(studyDir);
    try {
      return store.listResults({ kind: f.analysis, subject: f.subject, parameter: f.parameter });
    } finally {
      store.close();
    }
  };
  app.get("/api/results", async (req, reply) => {
    const parsed = resultsQuery.safeParse(req.query ?? {});
    if (!parsed.success)
      return reply
        .code(400)
        .send({ error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    return results(req.query);
  });
  app.get("/api/results.csv", async (req, reply) => {
    const rows = results(req.query).map(publicRow);
    reply
      .type("text/csv")
      .header("content-disposition", 'attachment; filename="results.csv"')
      .send(toCsv(rows, [...PUBLIC_COLUMNS]));
  });
  app.get("/api/analyses", async () => {
    const store = openStore(studyDir);
    try {
      return store.listAnalyses().map((a) => ({ ...a, provenance: store.getProvenance(a.id) }));
    } finally {
      store.close();
    }
  });

  app.get("/report", async (_req, reply) => {
    const study = loadStudy(studyDir);
    const store = openStore(studyDir);
    try {
      reply.type("text/html").send(
        renderReport({
          study,
          rows: store.listResults(),
          analyses: store.listAnalyses(),
          version: VERSION,
          generatedAt: new Date().toISOString(),
        }),
      );
    } finally {
      store.close();
    }
  });

  // study files (NIfTI images, CSV) streamed for the viewer
  app.get("/api/files/*", async (req, reply) => {
    const rel = decodeURIComponent((req.params as { "*": string })["*"]);
    const path = safeStudyPath(studyDir, rel.split("/").join(sep));
    if (!path) return reply.code(404).send({ error: "no such file in the study folder" });
    const { createReadStream } = await import("node:fs");
    return reply
      .type(path.endsWith(".json") ? "application/json" : "application/octet-stream")
      .send(createReadStream(path));
  });

  // analysis runs with server-sent progress events
  app.post("/api/run", async (req, reply) => {
    const body = z
      .strictObject({ force: z.boolean().optional(), only: z.array(z.string()).optional() })
      .safeParse(req.body ?? {});
    if (!body.success)
      return reply.code(400).send({ error: body.error.issues.map((i) => i.message).join("; ") });
    if (!runs.done) return reply.code(409).send({ error: "a run is already in progress" });
    const study = loadStudy(studyDir);
    const store = openStore(studyDir);
    runs.events = [];
    runs.done = false;
    const broadcast = (e: RunEvent | { type: "finished"; summary: unknown }) => {
      const data = JSON.stringify("task" in e ? { ...e, task: e.task.id } : e);
      for (const l of runs.listeners) l(data);
    };
    runTasks(study, planStudy(study), store, {
      force: body.data.force,
      only: body.data.only,
      onEvent: (e) => {
        runs.events.push(e);
        broadcast(e);
      },
    })
      .then((summary) => broadcast({ type: "finished", summary }))
      .finally(() => {
        runs.done = true;
        store.close();
      });
    return reply.code(202).send({ started: true });
  });
  app.get("/api/run/events", (req, reply) => {
    reply.raw.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    const send = (data: string) => reply.raw.write(`data: ${data}\n\n`);
    for (const e of runs.events) send(JSON.stringify("task" in e ? { ...e, task: e.task.id } : e));
    if (runs.done) {
      send(JSON.stringify({ type: "idle" }));
      reply.raw.end();
      return;
    }
    const l = (d: string) => {
      send(d);
      if (JSON.parse(d).type === "finished") {
        runs.listeners.delete(l);
        reply.raw.end();
      }
    };
    runs.listeners.add(l);
    req.raw.on("close", () => runs.listeners.delete(l));
  });

  app.setErrorHandler((error, _req, reply) => {
    const err = error as Error & { statusCode?: number };
    const status = err.statusCode ?? (err.name === "InputError" ? 400 : 500);
    reply.code(status).send({ error: err.message });
  });
  return app;
}
