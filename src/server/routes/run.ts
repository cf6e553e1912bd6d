/**
 * POST /api/run — run the study's analyses (202, progress over GET /api/run/events as server-sent
 * events). One run per study: the study's run lock (engine/runLock) is shared with `eprscope run`,
 * so a second POST, or a POST while a CLI run holds the lock, gets 409 naming the owner.
 */
import { z } from "zod";
import { planStudy } from "../../engine/analyses/index.js";
import { acquireRunLock, RunLockedError } from "../../engine/runLock.js";
import { type RunEvent, runTasks } from "../../engine/runner.js";
import { openResultStore } from "../../store/open.js";
import type { AsyncResultStore } from "../../store/types.js";
import { loadStudy } from "../../study/load.js";
import type { RouteContext } from "../context.js";
import { registerProvenance } from "./provenance.js";

const runBody = z.strictObject({ force: z.boolean().optional(), only: z.array(z.string()).optional() });

export function registerRun(ctx: RouteContext): void {
  const { app, studyDir, db } = ctx;
  registerProvenance(ctx); // GET /api/provenance?analysis= (what the last run fitted)
  const runs: { events: RunEvent[]; done: boolean; listeners: Set<(e: string) => void> } = {
    events: [],
    done: true,
    listeners: new Set(),
  };
  const encode = (e: RunEvent | { type: string; [k: string]: unknown }) =>
    JSON.stringify(
      "task" in e && e.task && typeof e.task === "object" ? { ...e, task: (e.task as { id: string }).id } : e,
    );

  app.post("/api/run", async (req, reply) => {
    const body = runBody.safeParse(req.body ?? {});
    if (!body.success)
      return reply.code(400).send({ error: body.error.issues.map((i) => i.message).join("; ") });
    if (!runs.done) return reply.code(409).send({ error: "a run is already in progress" });
    const study = loadStudy(studyDir);
    let release: () => void;
    try {
      release = acquireRunLock(study.dir);
    } catch (e) {
      if (e instanceof RunLockedError) return reply.code(409).send({ error: e.message });
      throw e;
    }
    let store: AsyncResultStore;
    try {
      store = await openResultStore(studyDir, db);
    } catch (e) {
      release();
      throw e;
    }
    runs.events = [];
    runs.done = false;
    const broadcast = (e: RunEvent | { type: "finished"; summary: unknown }) => {
      const data = encode(e);
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
      .catch((e: Error) => broadcast({ type: "finished", summary: { error: e.message } }))
      .finally(() => {
        runs.done = true;
        void store.close();
        release();
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
    for (const e of runs.events) send(encode(e));
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
}
