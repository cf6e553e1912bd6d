/**
 * Start a real, throw-away PostgreSQL server for tests (Debian's postgresql: initdb + pg_ctl in a
 * temporary folder, TCP on 127.0.0.1 at a free port, trust authentication). As root the server
 * runs as the `postgres` user (PostgreSQL refuses to run as root). Returns null when no
 * PostgreSQL binaries are installed, so callers can report that clearly.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PgServer {
  url: string;
  /** stop and start the same server again (same port, same data): clients must reconnect */
  restart(): void;
  stop(): void;
}

function binDir(): string | null {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], "bin") : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<PgServer | null> {
  const bin = binDir();
  if (!bin) return null;
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "eprscope-pg-"));
  const data = join(dir, "data");
  const uid = root ? Number(execFileSync("id", ["-u", "postgres"]).toString()) : undefined;
  const gid = root ? Number(execFileSync("id", ["-g", "postgres"]).toString()) : undefined;
  if (root) {
    chmodSync(dir, 0o755);
    chownSync(dir, uid as number, gid as number);
  }
  const run = (cmd: string, args: string[]) => {
    const r = spawnSync(join(bin, cmd), args, {
      encoding: "utf8",
      ...(root ? { uid, gid } : {}),
      env: { ...process.env, LC_ALL: "C" },
    });
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const start = () =>
    run("pg_ctl", [
      "-D",
      data,
      "-l",
      join(dir, "log.txt"),
      "-w",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start",
    ]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart() {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      start();
    },
    stop() {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
