/**
 * Cohort scale-out over PostgreSQL + pg-boss:
 * `eprscope submit DIR --db URL` enqueues a study's tasks; `eprscope worker --db URL
 * [--concurrency N] [--exit-when-idle]` consumes them (many processes on many machines, study
 * folders on a shared filesystem path); `eprscope status DIR --db URL --json` →
 * `{ queued, active, completed, failed, dead_letter, pending_tasks }`.
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { ensureQueueTables, openBoss, queuePool } from "../../engine/queue/boss.js";
import { queueStatus } from "../../engine/queue/status.js";
import { submitStudy } from "../../engine/queue/submit.js";
import { isConnectionError, runWorker } from "../../engine/queue/worker.js";
import { databaseUrl, openResultStore, studyNamespace } from "../../store/open.js";
import { redactUrl } from "../../store/pgStore.js";
import { loadStudy } from "../../study/load.js";
import { parseNumberOption } from "../options.js";
import { emit } from "../output.js";

const DB = "PostgreSQL URL postgres://user@host:port/db (default: EPRSCOPE_DATABASE_URL)";

function requireDb(db?: string): string {
  const url = databaseUrl(db);
  if (!url || !/^postgres(ql)?:\/\//.test(url))
    throw new InputError({
      field: "--db",
      value: url === undefined ? undefined : redactUrl(url),
      expected: "a PostgreSQL connection URL (postgres://user@host:port/db), or EPRSCOPE_DATABASE_URL",
    });
  return url;
}

async function connect(url: string) {
  const pool = queuePool(url);
  try {
    await ensureQueueTables(pool);
    const boss = await openBoss(url);
    return { pool, boss };
  } catch (e) {
    await pool.end().catch(() => {});
    throw new InputError(
      { field: "--db", value: redactUrl(url), expected: "a reachable PostgreSQL database" },
      `${redactUrl(url)}: cannot open the job queue (${(e as Error).message})`,
    );
  }
}

export function register(program: Command): void {
  program
    .command("submit")
    .description("enqueue a study's analyses on the PostgreSQL job queue (run them with `eprscope worker`)")
    .argument("<dir>", "study folder (on a path every worker sees)")
    .option("--db <url>", DB)
    .option(
      "--only <prefixes>",
      "only tasks whose id starts with one of these (comma-separated), with their dependencies",
    )
    .option("--force", "recompute tasks even when their stored results are up to date")
    .option("--json", "print { submission, namespace, tasks, enqueued } as JSON")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope submit /shared/study --db postgres://eprscope@db:5432/eprscope\n",
    )
    .action(async (dir: string, o: { db?: string; only?: string; force?: boolean; json?: boolean }) => {
      const url = requireDb(o.db);
      const study = loadStudy(dir);
      await (await openResultStore(study.dir, url)).close(); // creates the study's schema once
      const { pool, boss } = await connect(url);
      try {
        const s = await submitStudy(study, boss, pool, {
          only: o.only?.split(",").map((x) => x.trim()),
          force: o.force,
        });
        emit(
          s,
          o,
          () =>
            `submitted ${s.tasks} tasks of ${study.study.id} (${s.enqueued} ready now); submission ${s.submission}\n`,
        );
      } finally {
        await boss.stop({ graceful: false, wait: true });
        await pool.end();
      }
    });

  program
    .command("worker")
    .description("consume analysis tasks from the PostgreSQL job queue")
    .option("--db <url>", DB)
    .option("--concurrency <n>", "tasks at a time in this process", "1")
    .option("--exit-when-idle", "exit once nothing is queued or running")
    .option("--json", "print { done, failed } as JSON when it exits")
    .action(async (o: { db?: string; concurrency: string; exitWhenIdle?: boolean; json?: boolean }) => {
      const url = requireDb(o.db);
      const concurrency = parseNumberOption("--concurrency", o.concurrency, {
        min: 1,
        max: 64,
        integer: true,
      });
      const { pool, boss } = await connect(url);
      // pg-boss's own polling and bookkeeping may reject while the database restarts: log, keep going
      process.on("unhandledRejection", (e) => {
        if (isConnectionError(e))
          process.stderr.write(`worker ${process.pid}: database unreachable (${(e as Error).message})\n`);
        else {
          process.stderr.write(`worker ${process.pid}: ${(e as Error)?.stack ?? String(e)}\n`);
          process.exit(1);
        }
      });
      try {
        const counts = await runWorker(boss, pool, {
          url,
          concurrency,
          exitWhenIdle: o.exitWhenIdle === true,
          log: (line) => process.stderr.write(`worker ${process.pid}: ${line}\n`),
        });
        if (o.exitWhenIdle)
          emit(
            counts,
            o,
            () => `worker ${process.pid}: ${counts.done} tasks done, ${counts.failed} failed\n`,
          );
        else await new Promise(() => {}); // runs until stopped
      } finally {
        await pool.end();
      }
    });

  program
    .command("status")
    .description("a study's jobs on the PostgreSQL queue: { queued, active, completed, failed }")
    .argument("<dir>", "study folder")
    .option("--db <url>", DB)
    .option("--json", "print one JSON document")
    .action(async (dir: string, o: { db?: string; json?: boolean }) => {
      const url = requireDb(o.db);
      const study = loadStudy(dir);
      const { pool, boss } = await connect(url);
      try {
        const s = await queueStatus(pool, studyNamespace(study.dir));
        emit(
          s,
          o,
          () =>
            `${study.study.id}: ${s.queued} queued, ${s.active} active, ${s.completed} completed, ${s.failed} failed` +
            `${s.dead_letter ? `, ${s.dead_letter} dead-lettered` : ""}; ${s.pending_tasks} tasks pending\n`,
        );
      } finally {
        await boss.stop({ graceful: false, wait: true });
        await pool.end();
      }
    });
}
