/**
 * Runs a study's tasks in dependency order. Each task's results are written in one
 * transaction with its provenance; a failing task is recorded as failed (its error message
 * kept) and does not stop the others; tasks whose input hash is unchanged are skipped, so
 * a killed run resumes where it stopped without duplicated or lost results.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import type { ProvenanceEntry, ResultStore } from "../store/types.js";
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

export async function runTasks(
  study: LoadedStudy,
  tasksIn: Task[],
  store: ResultStore,
  opts: RunOptions = {},
): Promise<RunSummary> {
  let tasks = orderTasks(tasksIn);
  if (opts.only?.length) {
    const want = new Set<string>();
    const byId = new Map(tasks.map((t) => [t.id, t]));
    const add = (id: string) => {
      if (want.has(id)) return;
      want.add(id);
      for (const d of byId.get(id)?.dependsOn ?? []) add(d);
    };
    for (const t of tasks) if (opts.only.some((p) => t.id.startsWith(p))) add(t.id);
    tasks = tasks.filter((t) => want.has(t.id));
  } else {
    store.pruneAnalyses(new Set(tasks.map((t) => t.id)));
  }
  const emit = opts.onEvent ?? (() => {});
  const total = tasks.length;
  emit({ type: "plan", total });
  const hashes = new Map<string, string>();
  const failedIds = new Set<string>();
  const summary: RunSummary = { total, ran: 0, skipped: 0, failed: [] };
  for (let index = 0; index < tasks.length; index++) {
    if (opts.signal?.aborted) break;
    const task = tasks[index];
    const fileHashes = task.inputFiles.map((f) => {
      const p = join(study.dir, f);
      const st = statSync(p, { throwIfNoEntry: false });
      return { name: f, value: st ? fileHash(p, st) : "missing" };
    });
    const depHashes = task.dependsOn.map((d) => hashes.get(d) ?? "none");
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
    hashes.set(task.id, inputHash);
    const prev = store.getAnalysis(task.id);
    const failedDep = task.dependsOn.find((d) => failedIds.has(d));
    if (!opts.force && !failedDep && prev && prev.status === "ok" && prev.inputHash === inputHash) {
      summary.skipped++;
      emit({ type: "skip", task, index, total });
      continue;
    }
    emit({ type: "start", task, index, total });
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
      if (failedDep) throw new Error(`dependency ${failedDep} failed`);
      const out = await task.run({
        study,
        store,
        signal: opts.signal,
        progress: (fraction, note) => emit({ type: "progress", task, fraction, note }),
      });
      store.saveAnalysis(
        { ...record, status: "ok", message: null, finishedAt: new Date().toISOString() },
        out.rows,
        [...provenance, ...(out.provenance ?? [])],
      );
      summary.ran++;
      emit({ type: "done", task, index, total, rows: out.rows.length, ms: performance.now() - t0 });
      if (opts.delayMsPerTask) await new Promise((r) => setTimeout(r, opts.delayMsPerTask));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      failedIds.add(task.id);
      store.saveAnalysis(
        { ...record, status: "failed", message, finishedAt: new Date().toISOString() },
        [],
        provenance,
      );
      summary.failed.push({ id: task.id, message });
      emit({ type: "fail", task, index, total, message });
    }
  }
  return summary;
}
