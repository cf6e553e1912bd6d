/**
 * Worker thread of engine/transport/threaded.ts: advances one slab of z-planes of the structured
 * transport kernel (core/transport/gridKernel.ts advancePlanes) for every step of a chunk, with a
 * barrier after each step (protocol.ts). All data live on SharedArrayBuffers; nothing is copied.
 */
import { parentPort, workerData } from "node:worker_threads";
import { advancePlanes, gridScratch } from "../../core/transport/gridKernel.js";
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
  let parity = Atomics.load(ctrl, CTRL.PARITY) as 0 | 1;
  try {
    for (let s = 0; s < steps; s++) {
      advancePlanes(kernel, scratch, z0, z1, schedule[2 * s], schedule[2 * s + 1], parity, partials, s);
      barrier(ctrl, workers);
      parity = parity === 0 ? 1 : 0;
    }
  } catch (e) {
    // the other workers are stuck at the barrier: the main thread terminates them
    Atomics.store(ctrl, CTRL.FAILED, 1);
    parentPort?.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  Atomics.add(ctrl, CTRL.DONE, 1);
  Atomics.notify(ctrl, CTRL.DONE);
}
