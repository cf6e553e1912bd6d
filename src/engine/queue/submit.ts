/**
 * `eprscope submit`: enqueue a study's tasks. Every task is recorded in eprscope_queue.tasks for
 * this submission; tasks without dependencies are sent to the queue now, the others when their
 * dependencies are done (worker.ts). Returns the submission id and counts.
 */

import { randomUUID } from "node:crypto";
import type pg from "pg";
import type PgBoss from "pg-boss";
import { studyNamespace } from "../../store/open.js";
import { checkout } from "../../store/pgStore.js";
import type { LoadedStudy } from "../../study/load.js";
import { planStudy } from "../analyses/index.js";
import { selectTasks } from "../runner.js";
import { QUEUE, queueSettings, type TaskJob } from "./boss.js";

export interface SubmitSummary {
  submission: string;
  namespace: string;
  tasks: number;
  enqueued: number;
}

export async function submitStudy(
  study: LoadedStudy,
  boss: PgBoss,
  pool: pg.Pool,
  opts: { only?: string[]; force?: boolean } = {},
): Promise<SubmitSummary> {
  const tasks = selectTasks(planStudy(study), opts.only);
  const ns = studyNamespace(study.dir);
  const submission = randomUUID();
  const ids = new Set(tasks.map((t) => t.id));
  const roots = tasks.filter((t) => t.dependsOn.every((d) => !ids.has(d)));
  const c = await checkout(pool);
  try {
    await c.query("BEGIN");
    await c.query(
      `INSERT INTO eprscope_queue.tasks (ns, submission, task, state)
       SELECT $1, $2, t, CASE WHEN t = ANY($4::text[]) THEN 'enqueued' ELSE 'waiting' END FROM unnest($3::text[]) AS t`,
      [ns, submission, tasks.map((t) => t.id), roots.map((t) => t.id)],
    );
    await c.query("COMMIT");
  } catch (e) {
    await c.query("ROLLBACK").catch(() => {});
    throw e;
  } finally {
    c.release();
  }
  const s = queueSettings();
  for (const t of roots) {
    const job: TaskJob = { studyDir: study.dir, ns, submission, task: t.id, force: opts.force };
    await boss.send(QUEUE, job, {
      retryLimit: s.retryLimit,
      retryDelay: s.retryDelayS,
      retryBackoff: true,
      expireInSeconds: s.expireS,
    });
  }
  return { submission, namespace: ns, tasks: tasks.length, enqueued: roots.length };
}
