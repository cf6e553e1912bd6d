/**
 * The workspace server (fastify): a JSON API over one study folder, the HTML report, study files
 * (images) and analysis runs with progress over server-sent events. Security: binds 127.0.0.1
 * by default; any other host requires a token (Authorization: Bearer … or ?token=); request
 * bodies are size-limited; file paths are resolved inside the study folder (no "..", no
 * absolute paths, no symlinks leaving it). The first page lists the study's subjects by id.
 */
import { existsSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { frameCount, type Volume, voxelCount3d } from "../core/image/volume.js";
import { signalToConcentration } from "../core/mri/spgr.js";
import { bloodToPlasma } from "../core/perfusion/aif.js";
import { DceModel } from "../core/perfusion/dceModel.js";
import { planStudy } from "../engine/analyses/index.js";
import { type RunEvent, runTasks } from "../engine/runner.js";
import { hasColumn, numericColumn, readCsv, toCsv } from "../io/csv.js";
import { readNifti } from "../io/nifti.js";
import { renderReport, reportFigures } from "../report/htmlReport.js";
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

  // the browser workspace (Vite build in web/dist), when it has been built
  const webDist = fileURLToPath(new URL("../../web/dist", import.meta.url));
  if (existsSync(join(webDist, "index.html")))
    void app.register(fastifyStatic, { root: webDist, prefix: "/app/" });

  // small cache of decoded volumes for curve look-ups
  const volumes = new Map<string, Volume>();
  const volume = (rel: string): Volume => {
    let v = volumes.get(rel);
    if (!v) {
      const p = safeStudyPath(studyDir, rel);
      if (!p) throw Object.assign(new Error(`no such file in the study folder: ${rel}`), { statusCode: 404 });
      v = readNifti(p);
      if (volumes.size > 16) volumes.delete(volumes.keys().next().value as string);
      volumes.set(rel, v);
    }
    return v;
  };
  app.get("/api/scans/:id/curve", async (req, reply) => {
    const { id } = req.params as { id: string };
    const q = z
      .object({
        i: z.coerce.number().int().min(0),
        j: z.coerce.number().int().min(0),
        k: z.coerce.number().int().min(0),
        token: z.string().optional(),
      })
      .safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: "i, j, k must be voxel indices" });
    const study = loadStudy(studyDir).study;
    const scan = study.scans.find((x) => x.id === id);
    if (!scan) return reply.code(404).send({ error: `no scan ${id}` });
    const { i, j, k } = q.data;
    const first = volume(scan.files[0]);
    const [nx, ny, nz] = first.dims;
    if (i >= nx || j >= ny || k >= nz)
      return reply.code(400).send({ error: `voxel outside ${nx}×${ny}×${nz}` });
    const v = i + nx * (j + ny * k);
    if (scan.purpose === "dce") {
      const a = scan.acquisition ?? {};
      const nv = voxelCount3d(first);
      const nt = frameCount(first);
      const sig = Float64Array.from({ length: nt }, (_, f) => first.data[f * nv + v]);
      const t1 = volume(scan.files[1]);
      const conc = signalToConcentration(sig, {
        faDeg: Number(a.flipAngleDeg),
        trS: Number(a.trMs) / 1000,
        r1: Number(a.relaxivityPerMMPerS),
        baselineSamples: Number(a.baselineFrames),
        t10S: t1.data[v],
      });
      const aifPath = safeStudyPath(studyDir, String(a.aif ?? ""));
      if (!aifPath) return reply.code(404).send({ error: "AIF file not found" });
      const aif = readCsv(aifPath);
      const t = numericColumn(aif, "time_s");
      const cp = hasColumn(aif, "cp_mM")
        ? numericColumn(aif, "cp_mM")
        : bloodToPlasma(numericColumn(aif, "cb_mM"), Number(a.hematocrit ?? 0.42));
      const fit = new DceModel("etofts", t, cp).fit(conc, { fitDelay: true });
      const p = fit.params;
      return {
        timeS: Array.from(t),
        values: Array.from(conc),
        fitted: Array.from(fit.fitted),
        unit: "mM",
        label: `voxel ${i},${j},${k}: Ktrans ${p.Ktrans_per_min?.toFixed(3)} /min, vp ${p.vp?.toFixed(3)}, ve ${p.ve?.toFixed(3)} (${fit.status})`,
      };
    }
    // activity scans: time–activity curve of this voxel across the subject's scans
    const series = study.scans
      .filter((x) => x.subject === scan.subject && x.purpose === "activity")
      .sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
    const admin = study.administrations.find((x) => x.subject === scan.subject);
    const t0 = admin ? Date.parse(admin.time) : Date.parse(series[0].time);
    return {
      timeS: series.map((x) => (Date.parse(x.time) - t0) / 1000),
      values: series.map((x) => volume(x.files[0]).data[v]),
      unit: String(scan.acquisition?.units ?? "a.u."),
      label: `voxel ${i},${j},${k} of ${scan.subject}`,
    };
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
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${esc(s.title)}</title><style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto}td,th{border:1px solid #ccc;padding:3px 8px}table{border-collapse:collapse}</style></head><body><h1>${esc(s.title)}</h1><p><a href="/app/">workspace</a> · <a href="/report">report</a> · <a href="/api/results.csv">results (CSV)</a> · <a href="/api/results">results (JSON)</a></p><h2>Subjects</h2><table id="subjects"><thead><tr><th>id</th><th>group</th><th>species</th><th>body weight</th></tr></thead><tbody>${rows}</tbody></table><p>eprscope ${esc(VERSION)}</p></body></html>`,
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

  // the report's figures (SVG) for the workspace dashboard
  app.get("/api/figures", async () => {
    const study = loadStudy(studyDir);
    const store = openStore(studyDir);
    try {
      return reportFigures({
        study,
        rows: store.listResults(),
        analyses: store.listAnalyses(),
        version: VERSION,
        generatedAt: new Date().toISOString(),
      });
    } finally {
      store.close();
    }
  });

  // timeline of administrations, scans and samples (days from the first administration)
  app.get("/api/timeline", async () => {
    const s = loadStudy(studyDir).study;
    const t0 = Math.min(...s.administrations.map((a) => Date.parse(a.time)));
    const day = (t: string) => (Date.parse(t) - t0) / 86_400_000;
    return [
      ...s.administrations.map((a) => ({
        subject: a.subject,
        kind: "dose",
        day: day(a.time),
        label: `${a.agent} ${a.dose}`,
      })),
      ...s.scans.map((x) => ({ subject: x.subject, kind: x.modality, day: day(x.time), label: x.id })),
      ...s.samples.map((x) => ({
        subject: x.subject,
        kind: `${x.kind} sample`,
        day: day(x.collectedAt),
        label: x.id,
      })),
    ];
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
