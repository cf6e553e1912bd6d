/**
 * GET /api/queue — the study's jobs on the PostgreSQL queue (engine/queue/status: queued, active,
 * completed, failed, dead_letter, pending_tasks) when the server was started with --db; with the
 * embedded store there is no queue: `{ backend: "sqlite" }`.
 */
import { ensureQueueTables, queuePool } from "../../engine/queue/boss.js";
import { queueStatus } from "../../engine/queue/status.js";
import { databaseUrl, studyNamespace } from "../../store/open.js";
import type { RouteContext } from "../context.js";

export function registerQueue({ app, studyDir, db }: RouteContext): void {
  app.get("/api/queue", async () => {
    const url = databaseUrl(db);
    if (!url) return { backend: "sqlite" };
    const pool = queuePool(url);
    try {
      await ensureQueueTables(pool);
      const hasBoss = await pool.query("SELECT to_regclass('pgboss.job') IS NOT NULL AS ok");
      if (!hasBoss.rows[0].ok)
        return {
          backend: "postgres",
          queued: 0,
          active: 0,
          completed: 0,
          failed: 0,
          dead_letter: 0,
          pending_tasks: 0,
        };
      return { backend: "postgres", ...(await queueStatus(pool, studyNamespace(studyDir))) };
    } finally {
      await pool.end();
    }
  });
}
