/**
 * One run per study at a time. `acquireRunLock` creates DIR/results/run.lock exclusively (O_EXCL)
 * holding the owner's pid, host and start time; a second `eprscope run` or POST /api/run on the
 * same study gets a RunLockedError naming the owner. A lock whose process is gone (same host,
 * pid not alive) is stale and taken over. The lock is released on completion or failure.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { InputError } from "../core/errors.js";

export const RUN_LOCK_FILE = join("results", "run.lock");

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
}

/** exit 2: the study is busy (the user asked for something that cannot happen now) */
export class RunLockedError extends InputError {
  constructor(
    readonly lockFile: string,
    readonly owner: LockOwner | null,
  ) {
    const message = `${lockFile}: another run of this study is in progress${
      owner ? ` (pid ${owner.pid} on ${owner.host}, started ${owner.startedAt})` : ""
    }; wait for it to finish, or delete the lock file if that process no longer exists`;
    super({ file: lockFile, expected: "no other run of this study in progress" }, message);
    this.name = "RunLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function readOwner(file: string): LockOwner | null {
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as LockOwner;
    return typeof o.pid === "number" ? o : null;
  } catch {
    return null;
  }
}

/** Take the study's run lock or throw RunLockedError; returns the release function. */
export function acquireRunLock(studyDir: string): () => void {
  const file = join(studyDir, RUN_LOCK_FILE);
  mkdirSync(join(studyDir, "results"), { recursive: true });
  const me: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, "wx");
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        const owner = readOwner(file);
        if (owner && owner.pid === me.pid && owner.startedAt === me.startedAt) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const owner = readOwner(file);
      const stale = owner !== null && owner.host === me.host && !alive(owner.pid);
      if (!stale || attempt > 0) throw new RunLockedError(file, owner);
      rmSync(file, { force: true });
    }
  }
  throw new RunLockedError(file, readOwner(file));
}
