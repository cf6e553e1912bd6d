/**
 * `eprscope status`: the jobs of a study in the queue — `{ queued, active, completed, failed }`
 * (pg-boss states created+retry, active, completed, failed+cancelled, live and archived), plus
 * the dead-letter jobs and the tasks whose analyses failed (from the results store).
 */
import type pg from "pg";
import { DEAD_LETTER, QUEUE } from "./boss.js";

export interface QueueStatus {
  queued: number;
  active: number;
  completed: number;
  failed: number;
  dead_letter: number;
  /** tasks of the latest submission not yet finished (waiting for dependencies or queued) */
  pending_tasks: number;
}

export async function queueStatus(pool: pg.Pool, ns: string): Promise<QueueStatus> {
  const { rows } = await pool.query(
    `SELECT name, state::text AS state, count(*)::int AS n FROM (
       SELECT name, state, data FROM pgboss.job WHERE name = ANY($1::text[])
       UNION ALL SELECT name, state, data FROM pgboss.archive WHERE name = ANY($1::text[])
     ) j WHERE data->>'ns' = $2 GROUP BY name, state`,
    [[QUEUE, DEAD_LETTER], ns],
  );
  const s: QueueStatus = { queued: 0, active: 0, completed: 0, failed: 0, dead_letter: 0, pending_tasks: 0 };
  for (const r of rows as { name: string; state: string; n: number }[]) {
    if (r.name === DEAD_LETTER) {
      if (r.state !== "completed") s.dead_letter += r.n;
      continue;
    }
    if (r.state === "created" || r.state === "retry") s.queued += r.n;
    else if (r.state === "active") s.active += r.n;
    else if (r.state === "completed") s.completed += r.n;
    else s.failed += r.n;
  }
  const p = await pool.query(
    `SELECT count(*)::int AS n FROM eprscope_queue.tasks WHERE ns = $1 AND state IN ('waiting','enqueued') AND submission = (
       SELECT submission FROM eprscope_queue.tasks WHERE ns = $1 GROUP BY submission ORDER BY max(updated_at) DESC LIMIT 1)`,
    [ns],
  );
  s.pending_tasks = p.rows[0]?.n ?? 0;
  return s;
}
