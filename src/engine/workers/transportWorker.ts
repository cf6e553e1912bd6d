/**
 * Worker thread of engine/transport/threaded.ts: runs every op of a chunk (explicit step, RKL2
 * stage, binding step: core/transport/gridKernel.ts gridRunOp) on one slab of z-planes of the
 * structured transport kernel, with a barrier after each op (protocol.ts). All data live on
 * SharedArrayBuffers; nothing is copied.
 */
import { parentPort, workerData } from "node:worker_threads";
import { gridRunOp, gridScratch } from "../../core/transport/gridKernel.js";
import { barrier, CMD_QUIT, CTRL, type TransportWorkerData } from "../transport/protocol.js";

const d = workerData as TransportWorkerData;
const { kernel, ctrl, schedule, partials, z0, z1, workers } = d;
const scratch = gridScratch(kernel);
let gen = 0;
for (;;) {
  while (Atomics.load(ctrl, CTRL.GEN) === gen) Atomics.wait(ctrl, CTRL.GEN, gen);
  gen = Atomics.load(ctrl, CTRL.GEN);
  if (Atomics.load(ctrl, CTRL.CMD) === CMD_QUIT) break;
  const steps = Atomics.load(ctrl, CTRL.NSTEPS);
  try {
    for (let s = 0; s < steps; s++) {
      gridRunOp(kernel, scratch, z0, z1, schedule, s, partials, s);
      barrier(ctrl, workers);
    }
  } catch (e) {
    // the other workers are stuck at the barrier: the main thread terminates them
    Atomics.store(ctrl, CTRL.FAILED, 1);
    parentPort?.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  Atomics.add(ctrl, CTRL.DONE, 1);
  Atomics.notify(ctrl, CTRL.DONE);
}
