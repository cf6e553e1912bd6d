/**
 * Particle transport (core/transport/particleTransport.ts) on worker threads: for a grid mesh the
 * structured kernel (core/transport/gridKernel.ts) is built on SharedArrayBuffers, the z-planes
 * are split into one slab per worker (about equal cell counts), and every worker advances its
 * slab op by op with an Atomics barrier after each op (protocol.ts;
 * engine/workers/transportWorker.js). This thread keeps the time stepping and the booking: it
 * writes each chunk's ops — explicit steps (dt, Cp(t + dt); the same intervalSteps schedule as the
 * serial solve) or, for scheme "rkl2", the batches of the core driver (superTimeStep.ts rkl2Run:
 * RKL2 stages, binding steps, rejections decided here from the workers' negative counts) — waits
 * for the workers, then adds the per-plane sums over the planes in order and books them
 * (TransportLedger) — so the result is identical, bit for bit, to the serial solve with the
 * structured kernel, for any number of threads. Sphere meshes, threads = 1 or
 * a single z-plane run serially on this thread, and so does everything when no worker can be
 * started (see workerEntry).
 * Worker file: the compiled engine/workers/transportWorker.js next to this module (dist/); from
 * TypeScript sources (tests, bench) the .ts worker through tsx's loader.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import {
  type Alloc,
  buildGridKernel,
  gridFields,
  negatives,
  planeSlabs,
  reducePartials,
} from "../../core/transport/gridKernel.js";
import {
  intervalSteps,
  plasmaAt,
  prepareTransport,
  selectKernel,
  solvePrepared,
  TransportLedger,
  type TransportProblem,
  type TransportSolution,
} from "../../core/transport/particleTransport.js";
import { OP, OP_EXPLICIT, type RklReply, rkl2Run } from "../../core/transport/superTimeStep.js";
import { CHUNK_STEPS, CMD_QUIT, CMD_RUN, CTRL, type TransportWorkerData } from "./protocol.js";

export interface TransportThreadOptions {
  /** worker threads (default: all cores); 1 solves on this thread */
  threads?: number;
  signal?: AbortSignal;
  /** called after every chunk of steps and at every report time, with model time and end time (s) */
  onProgress?: (tS: number, endS: number) => void;
}

const sharedAlloc: Alloc = (kind, length) => {
  const bytes = kind === "f64" ? 8 : kind === "i32" ? 4 : 1;
  const sab = new SharedArrayBuffer(Math.max(1, length) * bytes);
  return kind === "f64"
    ? new Float64Array(sab, 0, length)
    : kind === "i32"
      ? new Int32Array(sab, 0, length)
      : new Uint8Array(sab, 0, length);
};

const here = import.meta.url;

/**
 * how to start transportWorker: the compiled file next to this module (dist/), or — running from
 * TypeScript sources (tests, bench) — the .ts source through tsx's ESM loader; null when neither
 * is available (the solve then runs on this thread)
 */
function workerEntry(): { file: string } | { boot: string } | null {
  const compiled = fileURLToPath(new URL("../workers/transportWorker.js", here));
  if (here.endsWith(".js")) return existsSync(compiled) ? { file: compiled } : null;
  const source = fileURLToPath(new URL("../workers/transportWorker.ts", here));
  if (!existsSync(source)) return null;
  try {
    // tsx's ESM API (its package exports: dist/esm/api/index.mjs next to the CommonJS index.cjs)
    const tsx = createRequire(here)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs");
    if (!existsSync(tsx)) return null;
    return {
      boot: `const { register } = await import(${JSON.stringify(pathToFileURL(tsx).href)}); register(); await import(${JSON.stringify(pathToFileURL(source).href)});`,
    };
  } catch {
    return null;
  }
}

function startWorker(entry: { file: string } | { boot: string }, data: TransportWorkerData): Worker {
  if ("file" in entry) return new Worker(entry.file, { workerData: data });
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(entry.boot)}`), { workerData: data });
}

/** Atomics.waitAsync (Node ≥ 16; ES2024, so not in this project's ES2022 lib typings) */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(a: Int32Array, i: number, v: number): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("transport cancelled", "AbortError");
}

/** solveTransport with the grid kernel on `threads` worker threads (same result as threads = 1) */
export async function solveTransportThreaded(
  prob: TransportProblem,
  opts: TransportThreadOptions = {},
): Promise<TransportSolution> {
  const threads = Math.max(1, Math.floor(opts.threads ?? availableParallelism()));
  const p = prepareTransport(prob);
  const serial = () => {
    const sol = solvePrepared(p, selectKernel(p, prob.kernel));
    opts.onProgress?.(p.times[p.times.length - 1], p.times[p.times.length - 1]);
    return sol;
  };
  const entry = threads > 1 && prob.kernel !== "generic" && p.mesh.kind === "grid" ? workerEntry() : null;
  if (!entry) return serial();
  const k = buildGridKernel(p, sharedAlloc);
  if (!k) return serial();
  const bounds = planeSlabs(k, Math.min(threads, k.nz));
  const slabs: [number, number][] = [];
  for (let s = 0; s + 1 < bounds.length; s++)
    if (bounds[s + 1] > bounds[s]) slabs.push([bounds[s], bounds[s + 1]]);
  if (slabs.length < 2) return serial();
  const W = slabs.length;
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * CTRL.LENGTH));
  const schedule = new Float64Array(new SharedArrayBuffer(8 * OP * CHUNK_STEPS));
  const partials = new Float64Array(new SharedArrayBuffer(8 * 4 * k.nz * CHUNK_STEPS));
  const workers = slabs.map(([z0, z1]) =>
    startWorker(entry, { kernel: k, ctrl, schedule, partials, z0, z1, workers: W }),
  );
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  for (const w of workers) {
    w.on("message", (m: { error?: string }) => {
      failure ??= new Error(`transport worker failed: ${m.error}`);
      wake?.();
    });
    w.on("error", (e) => {
      failure ??= e;
      wake?.();
    });
    w.on("exit", (code) => {
      if (code !== 0) failure ??= new Error(`transport worker exited with code ${code}`);
      wake?.();
    });
  }
  const signal = opts.signal;
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  /** run `count` ops of the schedule on the workers */
  const runChunk = async (count: number) => {
    Atomics.store(ctrl, CTRL.NSTEPS, count);
    Atomics.store(ctrl, CTRL.DONE, 0);
    Atomics.store(ctrl, CTRL.CMD, CMD_RUN);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    for (;;) {
      const done = Atomics.load(ctrl, CTRL.DONE);
      if (done >= W) break;
      if (failure) throw failure;
      if (signal?.aborted) throw abortError(signal);
      const waited = waitAsync(ctrl, CTRL.DONE, done);
      const value = waited.value;
      if (typeof value !== "string")
        await new Promise<void>((resolve) => {
          wake = resolve;
          void value.then(() => resolve());
        });
      wake = null;
    }
    if (failure) throw failure;
  };
  try {
    const ledger = new TransportLedger(p);
    const sums = new Float64Array(4);
    const dts = new Float64Array(CHUNK_STEPS);
    const free = new Float64Array(p.n);
    const bound = new Float64Array(p.n);
    const tEnd = p.times[p.times.length - 1];
    if (p.rkl) {
      const gen = rkl2Run(p, p.rkl, ledger);
      let sumsOut = new Float64Array(4 * CHUNK_STEPS + 1);
      let r = gen.next(sumsOut);
      while (!r.done) {
        const q = r.value;
        let reply: RklReply;
        if (q.kind === "fields") {
          // the driver asks for the fields at each report time, in order
          opts.onProgress?.(p.times[ledger.reports.length], tEnd);
          reply = gridFields(k, q.buf, free, bound);
        } else {
          if (sumsOut.length < 4 * q.count + 1) sumsOut = new Float64Array(4 * q.count + 1);
          for (let o0 = 0; o0 < q.count; o0 += CHUNK_STEPS) {
            const cnt = Math.min(CHUNK_STEPS, q.count - o0);
            schedule.set(q.ops.subarray(OP * o0, OP * (o0 + cnt)));
            await runChunk(cnt);
            for (let i = 0; i < cnt; i++) {
              reducePartials(k, partials, i, sums);
              sumsOut.set(sums, 4 * (o0 + i));
            }
          }
          sumsOut[4 * q.count] = negatives(k);
          reply = sumsOut;
        }
        r = gen.next(reply);
      }
      return ledger.solution("grid", W, r.value);
    }
    let parity: 0 | 1 = 0;
    let t = 0;
    for (let ri = 0; ri < p.times.length; ri++) {
      const tr = p.times[ri];
      for (;;) {
        const s = intervalSteps(t, tr, p.dtMax, dts);
        if (s.count === 0) break;
        let tc = t;
        let par = parity;
        for (let i = 0; i < s.count; i++) {
          schedule[OP * i] = OP_EXPLICIT;
          schedule[OP * i + 1] = dts[i];
          schedule[OP * i + 2] = plasmaAt(p.plasma, tc + dts[i]);
          schedule[OP * i + 3] = par;
          par = par === 0 ? 1 : 0;
          tc += dts[i];
        }
        await runChunk(s.count);
        for (let i = 0; i < s.count; i++) {
          reducePartials(k, partials, i, sums);
          ledger.book(dts[i], sums[0], sums[1], sums[2], sums[3]);
          t += dts[i];
        }
        if (s.count % 2 === 1) parity = parity === 0 ? 1 : 0;
        opts.onProgress?.(t, tEnd);
      }
      t = tr;
      gridFields(k, parity, free, bound);
      ledger.report(ri, tr, free, bound);
    }
    return ledger.solution("grid", W);
  } finally {
    signal?.removeEventListener("abort", onAbort);
    Atomics.store(ctrl, CTRL.CMD, CMD_QUIT);
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    // a failed or cancelled chunk can leave workers waiting at the barrier: terminate them
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
