/**
 * The distributed job queue: pg-boss 10 (the last line supporting Node 20) on the same
 * PostgreSQL database as the results. One queue `eprscope-task` (a job = one analysis task of one
 * study) with retries and exponential backoff, and a dead-letter queue `eprscope-task-dead` for
 * jobs that failed every retry. pg-boss was chosen over graphile-worker because it needs no
 * build step or migration CLI, supports dead-letter queues, retry backoff and expiry of jobs of
 * crashed workers, and keeps its tables in its own schema (`pgboss`).
 *
 * Task dependencies (pg-boss has none): `eprscope_queue.tasks` records each submitted task's state
 * per submission; when a task finishes, its dependants whose dependencies are all done are
 * enqueued, in one transaction under an advisory lock, so each is enqueued exactly once.
 */

import pg from "pg";
import PgBoss from "pg-boss";
import { checkout } from "../../store/pgStore.js";

export const QUEUE = "eprscope-task";
export const DEAD_LETTER = "eprscope-task-dead";

export interface TaskJob {
  /** study folder (shared filesystem path, the same on every worker) */
  studyDir: string;
  /** the study's namespace in the database (store/open studyNamespace) */
  ns: string;
  submission: string;
  task: string;
  force?: boolean;
}

export interface QueueSettings {
  retryLimit: number;
  retryDelayS: number;
  /** a job whose worker died is retried after this long */
  expireS: number;
}

export function queueSettings(): QueueSettings {
  const n = (name: string, d: number) => {
    const v = Number(process.env[name]);
    return Number.isFinite(v) && v > 0 ? v : d;
  };
  return {
    retryLimit: n("EPRSCOPE_JOB_RETRIES", 2),
    retryDelayS: n("EPRSCOPE_JOB_RETRY_DELAY_S", 2),
    expireS: n("EPRSCOPE_JOB_EXPIRE_S", 15 * 60),
  };
}

export async function openBoss(url: string): Promise<PgBoss> {
  const s = queueSettings();
  const boss = new PgBoss({
    connectionString: url,
    max: 4,
    maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.round(s.expireS / 2))),
    monitorStateIntervalSeconds: 60,
  });
  boss.on("error", (e) => process.stderr.write(`queue: ${(e as Error).message}\n`));
  await boss.start();
  for (const name of [DEAD_LETTER, QUEUE]) {
    if (!(await boss.getQueue(name))) {
      await boss
        .createQueue(name, {
          name,
          ...(name === QUEUE ? { deadLetter: DEAD_LETTER } : {}),
          retryLimit: s.retryLimit,
          retryDelay: s.retryDelayS,
          retryBackoff: true,
          expireInSeconds: s.expireS,
        })
        .catch(async (e) => {
          if (!(await boss.getQueue(name))) throw e; // another process created it first: fine
        });
    }
  }
  return boss;
}

/** The dependency bookkeeping table (created once, idempotently). */
export async function ensureQueueTables(pool: pg.Pool): Promise<void> {
  const c = await checkout(pool);
  try {
    await c.query("BEGIN");
    await c.query("SELECT pg_advisory_xact_lock(hashtext('eprscope_queue'))");
    await c.query("CREATE SCHEMA IF NOT EXISTS eprscope_queue");
    await c.query(`CREATE TABLE IF NOT EXISTS eprscope_queue.tasks (
      ns text NOT NULL, submission text NOT NULL, task text NOT NULL,
      state text NOT NULL CHECK (state IN ('waiting','enqueued','done','failed')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (ns, submission, task))`);
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
}

export function queuePool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on("error", () => {});
  return pool;
}
