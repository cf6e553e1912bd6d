/**
 * An analysis task: one unit of work over the study (e.g. biodistribution of one subject).
 * Its input hash covers the analysis kind and revision, its JSON inputs, the bytes of the
 * files it reads and the hashes of the tasks it depends on; an unchanged hash means the
 * stored result is up to date and the task is skipped.
 */

import type { ProvenanceEntry, ResultReader, ResultRow } from "../store/types.js";
import type { LoadedStudy } from "../study/load.js";

export interface TaskContext {
  study: LoadedStudy;
  /** read-only access to results of earlier tasks (dependencies) */
  store: ResultReader;
  /** report progress within the task, 0..1 */
  progress(fraction: number, note?: string): void;
  signal?: AbortSignal;
}

export interface TaskOutput {
  rows: ResultRow[];
  /** extra provenance (parameters chosen, e.g. lambda_z points) */
  provenance?: ProvenanceEntry[];
}

export interface Task {
  id: string;
  kind: string;
  /** bump when the analysis code changes meaningfully, to invalidate stored results */
  revision: number;
  subject: string | null;
  /** files read, relative to the study folder */
  inputFiles: string[];
  /** JSON-serialisable inputs taken from study.json and options */
  inputs: unknown;
  dependsOn: string[];
  run(ctx: TaskContext): Promise<TaskOutput> | TaskOutput;
}

/** A planner turns a study into the tasks of one analysis kind. */
export type Planner = (study: LoadedStudy) => Task[];
