/**
 * `eprscope worker`: consume task jobs from the queue (any study on the shared filesystem). A job
 * runs its task through the same runOneTask as `eprscope run` (hash, skip, one-transaction save:
 * a task re-run after a crash replaces its rows, never duplicates them), records the task as done
 * or failed for its submission, then enqueues the dependants whose dependencies are all done.
 * An analysis failure is a result (saved as failed, dependants fail with "dependency … failed");
 * an exception outside the analysis (study unreadable, database down) fails the job, which
 * pg-boss retries with backoff and finally moves to the dead-letter queue.
 */

import type pg from "pg";
import type PgBoss from "pg-boss";
import { openResultStore } from "../../store/open.js";
import { checkout } from "../../store/pgStore.js";
import type { AsyncResultStore } from "../../store/types.js";
import { type LoadedStudy, loadStudy } from "../../study/load.js";
import { planStudy } from "../analyses/index.js";
import { runOneTask } from "../runner.js";
import type { Task } from "../task.js";
import { QUEUE, queueSettings, type TaskJob } from "./boss.js";

export interface WorkerOptions {
  url: string;
  concurrency: number;
  exitWhenIdle: boolean;
  log?: (line: string) => void;
}

interface StudyCache {
  study: LoadedStudy;
  tasks: Map<string, Task>;
  store: AsyncResultStore;
}

export async function runWorker(
  boss: PgBoss,
  pool: pg.Pool,
  o: WorkerOptions,
): Promise<{ done: number; failed: number }> {
  const log = o.log ?? (() => {});
  const studies = new Map<string, Promise<StudyCache>>();
  const open = (dir: string): Promise<StudyCache> => {
    let p = studies.get(dir);
    if (!p) {
      p = (async () => {
        const study = loadStudy(dir);
        return {
          study,
          tasks: new Map(planStudy(study).map((t) => [t.id, t])),
          store: await openResultStore(study.dir, o.url),
        };
      })();
      p.catch(() => studies.delete(dir));
      studies.set(dir, p);
    }
    return p;
  };
  const counts = { done: 0, failed: 0 };
  let busy = 0;

  // a database outage inside a job: wait and retry the (idempotent) job here, so that pg-boss never
  // has to report a failure while the database is down (its fail() would then be lost)
  const handle = async (job: PgBoss.Job<TaskJob>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await handleOnce(job);
      } catch (e) {
        if (!isConnectionError(e) || attempt >= 120) throw e;
        log(`${job.data.task}: database unreachable (${(e as Error).message}); retrying in 1 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };

  const handleOnce = async (job: PgBoss.Job<TaskJob>): Promise<void> => {
    const d = job.data;
    const c = await open(d.studyDir);
    const task = c.tasks.get(d.task);
    if (!task) throw new Error(`${d.studyDir}: no task ${d.task} in the study's plan`);
    const deps = await Promise.all(task.dependsOn.map((id) => c.store.getAnalysis(id)));
    const failedDep = task.dependsOn.find((_, k) => deps[k]?.status === "failed");
    log(`${task.id}: started`);
    // test hook (fault tests kill a worker mid-task): wait before the task runs
    const delay = Number(process.env.EPRSCOPE_TASK_DELAY_MS ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const out = await runOneTask(c.study, task, c.store, {
      depHashes: deps.map((a) => a?.inputHash ?? "none"),
      force: d.force,
      failedDep,
    });
    if (out.state === "failed") counts.failed++;
    else counts.done++;
    log(`${task.id}: ${out.state}${out.state === "failed" ? ` (${out.message})` : ""}`);
    await release(pool, boss, c, d, task, out.state === "failed" ? "failed" : "done");
  };

  // `concurrency` subscriptions of one job each; after a job every subscription of this process is
  // woken (pg-boss otherwise waits out its polling interval even when more jobs are queued, e.g.
  // the dependants the job just enqueued)
  const ids: string[] = [];
  const onJobs = async (jobs: PgBoss.Job<TaskJob>[]) => {
    busy++;
    try {
      for (const j of jobs) await handle(j);
    } finally {
      busy--;
      for (const id of ids) boss.notifyWorker(id);
    }
  };
  for (let k = 0; k < o.concurrency; k++)
    ids.push(await boss.work<TaskJob>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, onJobs));

  if (o.exitWhenIdle) {
    // idle: nothing queued or active anywhere, and this worker is not busy, twice in a row
    let idleChecks = 0;
    while (idleChecks < 2) {
      await new Promise((r) => setTimeout(r, 1000));
      try {
        const { rows } = await pool.query(
          "SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state IN ('created','retry','active')",
          [QUEUE],
        );
        idleChecks = rows[0].n === 0 && busy === 0 ? idleChecks + 1 : 0;
      } catch (e) {
        // the database is unreachable (restarting?): keep waiting; pg reconnects on the next query
        log(`queue check failed (${(e as Error).message}); retrying`);
        idleChecks = 0;
      }
    }
    await boss.stop({ graceful: true, wait: true });
    for (const p of studies.values()) await (await p).store.close();
  }
  return counts;
}

/** Mark the task done/failed in its submission; enqueue dependants whose dependencies are all finished. */
async function release(
  pool: pg.Pool,
  boss: PgBoss,
  c: StudyCache,
  d: TaskJob,
  task: Task,
  state: "done" | "failed",
): Promise<void> {
  const dependants = [...c.tasks.values()].filter((t) => t.dependsOn.includes(task.id));
  const ready: string[] = [];
  const client = await checkout(pool);
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`${d.ns}/${d.submission}`]);
    await client.query(
      "UPDATE eprscope_queue.tasks SET state = $4, updated_at = now() WHERE ns = $1 AND submission = $2 AND task = $3",
      [d.ns, d.submission, task.id, state],
    );
    for (const t of dependants) {
      const { rows } = await client.query(
        "SELECT task, state FROM eprscope_queue.tasks WHERE ns = $1 AND submission = $2 AND task = ANY($3::text[])",
        [d.ns, d.submission, [t.id, ...t.dependsOn]],
      );
      const st = new Map(rows.map((r: { task: string; state: string }) => [r.task, r.state]));
      if (st.get(t.id) !== "waiting") continue; // not in this submission, or already enqueued
      // dependencies outside the submission count as finished
      if (t.dependsOn.every((x) => !st.has(x) || st.get(x) === "done" || st.get(x) === "failed")) {
        await client.query(
          "UPDATE eprscope_queue.tasks SET state = 'enqueued', updated_at = now() WHERE ns = $1 AND submission = $2 AND task = $3",
          [d.ns, d.submission, t.id],
        );
        ready.push(t.id);
      }
    }
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    client.release();
  }
  const s = queueSettings();
  for (const id of ready)
    await boss.send(QUEUE, { ...d, task: id } satisfies TaskJob, {
      retryLimit: s.retryLimit,
      retryDelay: s.retryDelayS,
      retryBackoff: true,
      expireInSeconds: s.expireS,
    });
}

/** errors of a lost or refused database connection (PostgreSQL admin shutdown, crash, restart; socket errors) */
export function isConnectionError(e: unknown): boolean {
  const code = String((e as { code?: string })?.code ?? "");
  const msg = String((e as Error)?.message ?? "");
  return (
    /^(57P0[1-3]|08\d\d\d|53300)$/.test(code) ||
    /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|ENOTFOUND)$/.test(code) ||
    /Connection terminated|connection timeout|the database system is (starting up|shutting down)/i.test(msg)
  );
}
