/**
 * bench queue: the cohort scale-out path (PostgreSQL + pg-boss) against the embedded run.
 * A demo study with images (DCE voxel maps in its dce tasks) is run (a) in-process with the
 * embedded SQLite store, (b) through `submit` + 1, 2 and 4 worker processes on a PostgreSQL
 * server started for the bench. CPU time (user+sys) of the worker processes comes from the
 * shell's `times`; wall time is printed too but lies on shared machines. Queue overhead per task
 * = (CPU of 1 worker − CPU of the embedded run) / tasks.
 * Usage: npm run build && npm run bench -- queue
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres } from "../test/helpers/postgres.js";

const BIN = join(process.cwd(), "bin", "eprscope");
const base = mkdtempSync(join(tmpdir(), "bench-queue-"));
const ref = join(base, "ref");
execFileSync(process.execPath, [BIN, "demo", ref, "--json"], { stdio: "ignore" });

/** run a shell command; returns wall s and the children's user+sys CPU s (bash `times`) */
function timed(cmd: string): { wall: number; cpu: number } {
  const t0 = performance.now();
  const r = spawnSync("bash", ["-c", `${cmd} >/dev/null 2>&1; times`], { encoding: "utf8" });
  const wall = (performance.now() - t0) / 1000;
  const lines = r.stdout.trim().split("\n");
  const child = lines[lines.length - 1].match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpu = child
    ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4])
    : Number.NaN;
  return { wall, cpu };
}

const local = join(base, "local");
cpSync(ref, local, { recursive: true });
const embedded = timed(`node ${BIN} run ${local} --no-progress`);
const tasks = JSON.parse(
  execFileSync(process.execPath, [BIN, "run", local, "--json", "--no-progress"]).toString(),
).total as number;
console.log(
  `queue metric: embedded run ${tasks} tasks: ${embedded.cpu.toFixed(2)} s CPU, ${embedded.wall.toFixed(2)} s wall`,
);

const pg = await startPostgres();
if (!pg) throw new Error("bench queue needs Debian's postgresql");
try {
  let one = Number.NaN;
  for (const n of [1, 2, 4]) {
    const dir = join(base, `q${n}`);
    cpSync(ref, dir, { recursive: true });
    execFileSync(process.execPath, [BIN, "submit", dir, "--db", pg.url, "--json"]);
    const workers = Array.from(
      { length: n },
      () => `node ${BIN} worker --db ${pg.url} --exit-when-idle &`,
    ).join(" ");
    const r = timed(`${workers} wait`);
    if (n === 1) one = r.cpu;
    console.log(
      `queue metric: ${n} worker process${n > 1 ? "es" : ""}: ${r.wall.toFixed(2)} s wall, ${r.cpu.toFixed(2)} s CPU (${(tasks / r.wall).toFixed(1)} tasks/s wall)`,
    );
  }
  console.log(
    `queue metric: overhead per task ${(((one - embedded.cpu) / tasks) * 1000).toFixed(0)} ms CPU (1 worker vs embedded run, incl. worker start-up and idle polling)`,
  );
} finally {
  pg.stop();
  rmSync(base, { recursive: true, force: true });
}
