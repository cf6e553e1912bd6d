/**
 * Shared-memory protocol between engine/transport/threaded.ts (main thread) and
 * engine/workers/transportWorker.ts: one Int32 control block, a schedule of operations (records of
 * OP doubles, core superTimeStep.ts: explicit steps, RKL2 stages, binding steps) and per-op,
 * per-plane sums, all on SharedArrayBuffers; the kernel arrays (core gridKernel.ts) too. Main
 * writes a chunk of ops and bumps GEN; every worker runs each op on its slab of z-planes
 * (gridRunOp), meeting the others at a barrier after each op (the next op reads the neighbours'
 * new planes), then adds 1 to DONE. QUIT ends the workers.
 */
import type { GridKernel } from "../../core/transport/gridKernel.js";

/** control block slots (Int32) */
export const CTRL = {
  /** command generation: bumped by main for every command */
  GEN: 0,
  /** command: RUN or QUIT */
  CMD: 1,
  /** ops in this chunk */
  NSTEPS: 2,
  /** unused (the buffers are named in each op) */
  PARITY: 3,
  /** barrier: arrivals and generation */
  BAR_COUNT: 4,
  BAR_GEN: 5,
  /** workers done with this chunk */
  DONE: 6,
  /** a worker failed (its error is posted as a message) */
  FAILED: 7,
  LENGTH: 8,
} as const;

export const CMD_RUN = 1;
export const CMD_QUIT = 2;

/** ops per chunk (schedule and sums buffers) */
export const CHUNK_STEPS = 1024;

export interface TransportWorkerData {
  kernel: GridKernel;
  ctrl: Int32Array;
  /** OP doubles per op of the chunk (superTimeStep.ts op records) */
  schedule: Float64Array;
  /** per op of the chunk, per plane, [src, lym, out, in] (slot = op in chunk) */
  partials: Float64Array;
  /** this worker's planes [z0, z1) */
  z0: number;
  z1: number;
  workers: number;
}

/**
 * Barrier of `n` threads on ctrl (BAR_COUNT, BAR_GEN): the last to arrive resets the count and
 * bumps the generation; the others spin briefly, then sleep in Atomics.wait.
 */
export function barrier(ctrl: Int32Array, n: number): void {
  const gen = Atomics.load(ctrl, CTRL.BAR_GEN);
  if (Atomics.add(ctrl, CTRL.BAR_COUNT, 1) === n - 1) {
    Atomics.store(ctrl, CTRL.BAR_COUNT, 0);
    Atomics.add(ctrl, CTRL.BAR_GEN, 1);
    Atomics.notify(ctrl, CTRL.BAR_GEN);
    return;
  }
  for (let spin = 0; spin < 2000; spin++) if (Atomics.load(ctrl, CTRL.BAR_GEN) !== gen) return;
  while (Atomics.load(ctrl, CTRL.BAR_GEN) === gen) Atomics.wait(ctrl, CTRL.BAR_GEN, gen);
}
