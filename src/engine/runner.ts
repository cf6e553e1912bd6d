/**
 * Runs a study's tasks in dependency order. Each task's results are written in one
 * transaction with its provenance; a failing task is recorded as failed (its error message
 * kept) and does not stop the others; tasks whose input hash is unchanged are skipped, so
 * a killed run resumes where it stopped without duplicated or lost results. `runOneTask` is the
 * unit a queue worker runs (engine/queue): the same hash, skip and save rules, with dependency
 * hashes taken from the store.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { asyncSqlite } from "../store/asyncSqlite.js";
import type { SqliteStore } from "../store/sqliteStore.js";
import type { AsyncResultStore, ProvenanceEntry, ResultStore } from "../store/types.js";
import type { LoadedStudy } from "../study/load.js";
import { VERSION } from "../version.js";
import { fileHash, sha256, stableJson } from "./hash.js";
import type { Task } from "./task.js";

export type RunEvent =
  | { type: "plan"; total: number }
  | { type: "start"; task: Task; index: number; total: number }
  | { type: "progress"; task: Task; fraction: number; note?: string }
  | { type: "done"; task: Task; index: number; total: number; rows: number; ms: number }
  | { type: "skip"; task: Task; index: number; total: number }
  | { type: "fail"; task: Task; index: number; total: number; message: string };

export interface RunOptions {
  force?: boolean;
  onEvent?: (e: RunEvent) => void;
  signal?: AbortSignal;
  /** only tasks whose id starts with one of these prefixes (and their dependencies) */
  only?: string[];
  /** test hook: wait this long after each task (to kill a run mid-way in tests) */
  delayMsPerTask?: number;
}

export interface RunSummary {
  total: number;
  ran: number;
  skipped: number;
  failed: { id: string; message: string }[];
}

export function orderTasks(tasks: Task[]): Task[] {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const out: Task[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (t: Task, stack: string[]) => {
    const s = state.get(t.id);
    if (s === 2) return;
    if (s === 1) throw new Error(`task dependency cycle: ${[...stack, t.id].join(" → ")}`);
    state.set(t.id, 1);
    for (const d of t.dependsOn) {
      const dt = byId.get(d);
      if (dt) visit(dt, [...stack, t.id]);
    }
    state.set(t.id, 2);
    out.push(t);
  };
  for (const t of tasks) visit(t, []);
  return out;
}

/** the store as given (sync embedded SQLite, or any asynchronous store) behind the async interface */
export function asAsyncStore(store: ResultStore | AsyncResultStore): AsyncResultStore {
  return "reader" in store ? store : asyncSqlite(store as SqliteStore);
}

/** Input hash of a task: kind, revision, software version, inputs, file contents, dependencies' hashes. */
export function taskInputHash(
  study: LoadedStudy,
  task: Task,
  depHashes: string[],
): { inputHash: string; fileHashes: { name: string; value: string }[] } {
  const fileHashes = task.inputFiles.map((f) => {
    const p = join(study.dir, f);
    const st = statSync(p, { throwIfNoEntry: false });
    return { name: f, value: st ? fileHash(p, st) : "missing" };
  });
  const inputHash = sha256(
    stableJson({
      kind: task.kind,
      revision: task.revision,
      version: VERSION,
      inputs: task.inputs,
      files: fileHashes,
      deps: depHashes,
    }),
  );
  return { inputHash, fileHashes };
}

export type TaskOutcome =
  | { state: "skipped"; inputHash: string }
  | { state: "done"; inputHash: string; rows: number; ms: number }
  | { state: "failed"; inputHash: string; message: string };

/**
 * Run one task (or skip it when its stored result is up to date) and save its outcome in one
 * transaction. A failing task is saved as failed with its message; `failedDep` fails it without
 * running. Idempotent: running it again replaces, never duplicates, its rows.
 */
export async function runOneTask(
  study: LoadedStudy,
  task: Task,
  store: AsyncResultStore,
  o: {
    depHashes: string[];
    force?: boolean;
    failedDep?: string;
    signal?: AbortSignal;
    onProgress?: (fraction: number, note?: string) => void;
    onStart?: () => void;
  },
): Promise<TaskOutcome> {
  const { inputHash, fileHashes } = taskInputHash(study, task, o.depHashes);
  const prev = await store.getAnalysis(task.id);
  if (!o.force && !o.failedDep && prev && prev.status === "ok" && prev.inputHash === inputHash)
    return { state: "skipped", inputHash };
  o.onStart?.();
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const provenance: ProvenanceEntry[] = [
    { kind: "software", name: "eprscope", value: VERSION },
    { kind: "input", name: "inputs", value: stableJson(task.inputs) },
    ...fileHashes.map((f) => ({ kind: "file" as const, name: f.name, value: f.value })),
  ];
  const record = {
    id: task.id,
    kind: task.kind,
    subject: task.subject,
    inputHash,
    startedAt,
    version: VERSION,
  };
  try {
    if (o.failedDep) throw new Error(`dependency ${o.failedDep} failed`);
    const out = await task.run({
      study,
      store: await store.reader(task.dependsOn),
      signal: o.signal,
      progress: (fraction, note) => o.onProgress?.(fraction, note),
    });
    await store.saveAnalysis(
      { ...record, status: "ok", message: null, finishedAt: new Date().toISOString() },
      out.rows,
      [...provenance, ...(out.provenance ?? [])],
    );
    return { state: "done", inputHash, rows: out.rows.length, ms: performance.now() - t0 };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    await store.saveAnalysis(
      { ...record, status: "failed", message, finishedAt: new Date().toISOString() },
      [],
      provenance,
    );
    return { state: "failed", inputHash, message };
  }
}

/** The tasks selected by `only` (id prefixes) with their dependencies, in dependency order. */
export function selectTasks(tasksIn: Task[], only?: string[]): Task[] {
  const tasks = orderTasks(tasksIn);
  if (!only?.length) return tasks;
  const want = new Set<string>();
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const add = (id: string) => {
    if (want.has(id)) return;
    want.add(id);
    for (const d of byId.get(id)?.dependsOn ?? []) add(d);
  };
  for (const t of tasks) if (only.some((p) => t.id.startsWith(p))) add(t.id);
  return tasks.filter((t) => want.has(t.id));
}

export async function runTasks(
  study: LoadedStudy,
  tasksIn: Task[],
  storeIn: ResultStore | AsyncResultStore,
  opts: RunOptions = {},
): Promise<RunSummary> {
  const store = asAsyncStore(storeIn);
  const tasks = selectTasks(tasksIn, opts.only);
  if (!opts.only?.length) await store.pruneAnalyses(new Set(tasks.map((t) => t.id)));
  const emit = opts.onEvent ?? (() => {});
  const total = tasks.length;
  emit({ type: "plan", total });
  const hashes = new Map<string, string>();
  const failedIds = new Set<string>();
  const summary: RunSummary = { total, ran: 0, skipped: 0, failed: [] };
  for (let index = 0; index < tasks.length; index++) {
    if (opts.signal?.aborted) break;
    const task = tasks[index];
    const out = await runOneTask(study, task, store, {
      depHashes: task.dependsOn.map((d) => hashes.get(d) ?? "none"),
      force: opts.force,
      failedDep: task.dependsOn.find((d) => failedIds.has(d)),
      signal: opts.signal,
      onStart: () => emit({ type: "start", task, index, total }),
      onProgress: (fraction, note) => emit({ type: "progress", task, fraction, note }),
    });
    hashes.set(task.id, out.inputHash);
    if (out.state === "skipped") {
      summary.skipped++;
      emit({ type: "skip", task, index, total });
    } else if (out.state === "done") {
      summary.ran++;
      emit({ type: "done", task, index, total, rows: out.rows, ms: out.ms });
      if (opts.delayMsPerTask) await new Promise((r) => setTimeout(r, opts.delayMsPerTask));
    } else {
      failedIds.add(task.id);
      summary.failed.push({ id: task.id, message: out.message });
      emit({ type: "fail", task, index, total, message: out.message });
    }
  }
  return summary;
}
