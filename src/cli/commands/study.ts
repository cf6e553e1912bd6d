/** `eprscope validate|run|results|demo` — the study workflow. */
import type { Command } from "commander";
import { AnalysisError, InputError } from "../../core/errors.js";
import { planStudy } from "../../engine/analyses/index.js";
import { acquireRunLock } from "../../engine/runLock.js";
import { runTasks } from "../../engine/runner.js";
import { databaseUrl, moveStoreAside, openResultStore } from "../../store/open.js";
import { publicRow } from "../../store/rows.js";
import type { AsyncResultStore } from "../../store/types.js";
import { DEMO_ARMS, type DemoArm } from "../../study/demo/arms/index.js";
import { writeDemoStudy } from "../../study/demo/write.js";
import { loadStudy } from "../../study/load.js";
import { emit } from "../output.js";
import { runProgress } from "../progress.js";

export const DB_HELP =
  "results database: postgres://user@host:port/db (default: EPRSCOPE_DATABASE_URL, else the study's embedded SQLite file)";

export function register(program: Command): void {
  program
    .command("validate")
    .description("check a study folder: study.json schema, references between entries, referenced files")
    .argument("<dir>", "study folder")
    .option("--json", "print one JSON document")
    .action((dir: string, opts: { json?: boolean }) => {
      try {
        const s = loadStudy(dir);
        const summary = {
          valid: true,
          study: s.study.id,
          subjects: s.study.subjects.length,
          samples: s.study.samples.length,
          scans: s.study.scans.length,
          problems: [],
        };
        emit(
          summary,
          opts,
          () =>
            `${s.file}: valid (${summary.subjects} subjects, ${summary.samples} samples, ${summary.scans} scans)\n`,
        );
      } catch (e) {
        if (e instanceof InputError && opts.json) {
          process.stdout.write(`${JSON.stringify({ valid: false, problems: e.problems })}\n`);
        }
        throw e;
      }
    });

  program
    .command("run")
    .description("run every analysis of a study (skips results whose inputs are unchanged)")
    .argument("<dir>", "study folder")
    .option("--force", "recompute everything")
    .option(
      "--only <prefixes>",
      "only tasks whose id starts with one of these (comma-separated), with their dependencies",
    )
    .option("--no-progress", "no progress output on stderr")
    .option(
      "--rebuild-store",
      "move an unreadable results store aside (kept as results/eprscope.sqlite.damaged-<time>) and recompute every result",
    )
    .option("--db <url>", DB_HELP)
    .option("--json", "print the run summary as JSON")
    .action(
      async (
        dir: string,
        opts: {
          force?: boolean;
          only?: string;
          progress?: boolean;
          json?: boolean;
          rebuildStore?: boolean;
          db?: string;
        },
      ) => {
        const s = loadStudy(dir);
        const tasks = planStudy(s);
        if (opts.rebuildStore && databaseUrl(opts.db))
          throw new InputError({
            field: "--rebuild-store",
            expected:
              "the embedded SQLite store (a PostgreSQL store is repaired with PostgreSQL's own tools)",
          });
        const release = acquireRunLock(s.dir);
        let store: AsyncResultStore;
        try {
          if (opts.rebuildStore) {
            const aside = moveStoreAside(s.dir);
            if (aside) process.stderr.write(`moved the old results store to ${aside}\n`);
          }
          store = await openResultStore(s.dir, opts.db);
        } catch (e) {
          release();
          throw e;
        }
        const progress = runProgress(opts.progress !== false);
        try {
          const summary = await runTasks(s, tasks, store, {
            force: opts.force || opts.rebuildStore,
            only: opts.only?.split(",").map((x) => x.trim()),
            onEvent: progress.onEvent,
            delayMsPerTask: Number(process.env.EPRSCOPE_TASK_DELAY_MS ?? 0) || undefined,
          });
          progress.stop();
          emit(
            summary,
            { json: opts.json },
            () =>
              `${summary.total} tasks: ${summary.ran} ran, ${summary.skipped} up to date, ${summary.failed.length} failed\n` +
              summary.failed.map((f) => `  FAILED ${f.id}: ${f.message}\n`).join("") +
              `results: ${store.location} (eprscope results ${dir})\n`,
          );
          if (summary.failed.length > 0) process.exitCode = 1;
        } finally {
          progress.stop();
          await store.close();
          release();
        }
      },
    );

  program
    .command("results")
    .description("list the stored results of a study (long format)")
    .argument("<dir>", "study folder")
    .option("--analysis <kind>", "only this analysis kind (e.g. biodistribution)")
    .option("--subject <id>", "only this subject")
    .option("--parameter <name>", "only this parameter")
    .option("--db <url>", DB_HELP)
    .option("--json", "print one JSON document: an array of rows")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .action(
      async (
        dir: string,
        opts: {
          analysis?: string;
          subject?: string;
          parameter?: string;
          json?: boolean;
          out?: string;
          db?: string;
        },
      ) => {
        const s = loadStudy(dir);
        const store = await openResultStore(s.dir, opts.db);
        try {
          if ((await store.listAnalyses()).length === 0)
            throw new AnalysisError(`no results yet in ${store.location}: run \`eprscope run ${dir}\` first`);
          const rows = (
            await store.listResults({ kind: opts.analysis, subject: opts.subject, parameter: opts.parameter })
          ).map(publicRow);
          emit(rows, opts);
        } finally {
          await store.close();
        }
      },
    );

  program
    .command("demo")
    .description("write the demo study (111In nanoparticle biodistribution, PK, DCE-MRI, response) into DIR")
    .argument("<dir>", "folder to create")
    .option("--seed <n>", "random seed", (v) => Number(v))
    .option("--force", "overwrite an existing study.json")
    .option("--no-images", "tables only (no image volumes)")
    .option(
      "--subjects <ids>",
      "only these mice, comma-separated (e.g. UNP01,UNP02,TNP01): a smaller, faster study",
    )
    .option(
      "--arms <names>",
      `only these modality arms, comma-separated (${DEMO_ARMS.map((a) => a.name).join(", ")}; "none")`,
    )
    .option("--json", "print a summary as JSON")
    .action(
      (
        dir: string,
        opts: {
          seed?: number;
          force?: boolean;
          images?: boolean;
          subjects?: string;
          arms?: string;
          json?: boolean;
        },
      ) => {
        if (opts.seed !== undefined && !Number.isInteger(opts.seed))
          throw new InputError({ field: "--seed", value: opts.seed, expected: "an integer" });
        const list = (v: string) =>
          v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean);
        let arms: DemoArm[] | undefined;
        if (opts.arms !== undefined) {
          const names = opts.arms.trim() === "none" ? [] : list(opts.arms);
          arms = names.map((n) => {
            const a = DEMO_ARMS.find((x) => x.name === n);
            if (!a)
              throw new InputError({
                field: "--arms",
                value: n,
                expected: `arm names: ${DEMO_ARMS.map((x) => x.name).join(", ")} or none`,
              });
            return a;
          });
        }
        const demo = writeDemoStudy(dir, {
          seed: opts.seed,
          force: opts.force,
          noImages: opts.images === false,
          subjects: opts.subjects === undefined ? undefined : list(opts.subjects),
          arms,
        });
        const summary = {
          dir,
          study: demo.study.id,
          subjects: demo.study.subjects.length,
          samples: demo.study.samples.length,
          scans: demo.study.scans.length,
        };
        emit(
          summary,
          opts,
          () =>
            `wrote demo study ${summary.study} to ${dir} (${summary.subjects} subjects, ${summary.samples} samples, ${summary.scans} scans)\n`,
        );
      },
    );
}
