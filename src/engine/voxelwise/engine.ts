/**
 * The voxelwise engine: one driver for every map-producing model (src/core/voxel/model.ts).
 * Voxels are read slab by slab from the source (bounded memory for large 4D series), the voxels
 * inside the mask are packed into chunks of `chunkSize` curves ([voxel][sample], Float64), each
 * chunk is transferred (its buffer moved, not copied) to a piscina worker
 * (engine/workers/voxelWorker.js — from dist/ when running from TypeScript sources — which finds
 * the model in the registry by name) or fitted on this thread (threads = 1, a model that is not
 * built in, or no compiled worker),
 * and the results (moved back in one buffer) are merged into Float64 maps. At most 2 chunks per
 * thread are in flight, so memory does not grow with the volume. Voxels outside the mask get
 * status 3 and NaN parameters. Progress is reported per finished chunk; an AbortSignal cancels
 * (pending tasks are aborted, the promise rejects with the signal's reason).
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import { InputError } from "../../core/errors.js";
import {
  type ChunkCovariates,
  type ChunkResult,
  VOXEL_OUTSIDE_MASK,
  VOXEL_STATUS_LABELS,
  type VoxelParameter,
} from "../../core/voxel/model.js";
import { getVoxelModel, isBuiltinVoxelModel } from "./registry.js";
import { arraySource, type VoxelSource } from "./source.js";
import { chunkBytes, chunkResultViews, type VoxelTask } from "./task.js";

export interface VoxelMapRequest<O = unknown> {
  /** registry name: "dce", "t1-vfa", "t1-ir", … */
  model: string;
  options: O;
  /** the series in memory, [frame][voxel] (NIfTI order); or give `source` */
  data?: Float32Array | Float64Array;
  /** slab-wise reader (e.g. openNiftiSeries) instead of `data` */
  source?: VoxelSource;
  /** with `data`: voxels per frame and frames */
  nVoxels?: number;
  nSamples?: number;
  /** voxels to fit: value > 0 (an image), or a predicate; default all */
  mask?: ArrayLike<number> | ((v: number) => boolean);
  /** per-voxel maps the model needs (model.covariates(options)), one value per voxel */
  covariates?: Record<string, ArrayLike<number>>;
  /** worker threads (default: all cores); 1 fits on this thread */
  threads?: number;
  /** voxels per worker task (default 1024) */
  chunkSize?: number;
  /** voxels per slab read from the source (default 16384) */
  slabVoxels?: number;
  /** called after every finished chunk */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface VoxelMapResult {
  model: string;
  parameters: VoxelParameter[];
  /** parameter key → map (nVoxels, Float64) */
  params: Record<string, Float64Array>;
  /** 0 ok, 1 not converged, 2 invalid, 3 outside mask */
  status: Uint8Array;
  rss: Float64Array;
  /** voxels fitted (inside the mask) */
  fitted: number;
  /** worker threads used (1 = this thread) */
  workers: number;
  /** status label → voxel count */
  statusCounts: Record<string, number>;
  nVoxels: number;
  nSamples: number;
}

/** the compiled worker next to this module, or — running from TypeScript sources — dist/'s */
const WORKER_FILE = [
  fileURLToPath(new URL("../workers/voxelWorker.js", import.meta.url)),
  fileURLToPath(new URL("../../../dist/engine/workers/voxelWorker.js", import.meta.url)),
].find((f) => existsSync(f));

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("voxel map cancelled", "AbortError");
}

export async function runVoxelMap<O>(req: VoxelMapRequest<O>): Promise<VoxelMapResult> {
  const model = getVoxelModel(req.model);
  let source = req.source;
  if (!source) {
    if (!req.data || req.nVoxels === undefined || req.nSamples === undefined)
      throw new InputError({ field: "data", expected: "data with nVoxels and nSamples, or a source" });
    if (req.data.length !== req.nVoxels * req.nSamples)
      throw new InputError({
        field: "data",
        value: req.data.length,
        expected: `${req.nVoxels} voxels × ${req.nSamples} frames`,
      });
    source = arraySource(req.data, req.nVoxels, req.nSamples);
  }
  const nv = source.nVoxels;
  const ns = source.nSamples;
  model.validate?.(req.options, ns);
  const parameters = model.parameters(req.options);
  const np = parameters.length;
  const covNames = model.covariates?.(req.options) ?? [];
  for (const c of covNames) {
    const m = req.covariates?.[c];
    if (!m || m.length !== nv)
      throw new InputError({
        field: `covariate ${c}`,
        value: m?.length,
        expected: `a map of ${nv} voxels (needed by model ${model.name})`,
      });
  }
  const maskFn: (v: number) => boolean =
    req.mask === undefined
      ? () => true
      : typeof req.mask === "function"
        ? req.mask
        : (
            (m: ArrayLike<number>) => (v: number) =>
              m[v] > 0
          )(req.mask);
  if (req.mask !== undefined && typeof req.mask !== "function" && req.mask.length !== nv)
    throw new InputError({ field: "mask", value: req.mask.length, expected: `${nv} voxels` });
  let nMasked = 0;
  for (let v = 0; v < nv; v++) if (maskFn(v)) nMasked++;
  const chunkSize = Math.max(1, Math.floor(req.chunkSize ?? 1024));
  const totalChunks = Math.ceil(nMasked / chunkSize);
  const threads = Math.max(1, Math.min(req.threads ?? availableParallelism(), totalChunks || 1));
  const params: Record<string, Float64Array> = {};
  const cols = parameters.map((p) => {
    const a = new Float64Array(nv).fill(Number.NaN);
    params[p.key] = a;
    return a;
  });
  const status = new Uint8Array(nv).fill(VOXEL_OUTSIDE_MASK);
  const rss = new Float64Array(nv).fill(Number.NaN);
  const signal = req.signal;
  if (signal?.aborted) throw abortError(signal);
  const pool =
    threads > 1 && WORKER_FILE && isBuiltinVoxelModel(model.name)
      ? new Piscina({ filename: WORKER_FILE, maxThreads: threads, minThreads: threads })
      : null;
  let done = 0;
  const merge = (idx: Int32Array, count: number, out: ChunkResult) => {
    for (let i = 0; i < count; i++) {
      const v = idx[i];
      status[v] = out.status[i];
      rss[v] = out.rss[i];
      for (let p = 0; p < np; p++) cols[p][v] = out.params[i * np + p];
    }
    done++;
    req.onProgress?.(done, totalChunks);
  };
  const inFlight = new Set<Promise<void>>();
  const maxInFlight = 2 * threads;
  let failure: unknown = null;
  const dispatch = async (idx: Int32Array, count: number, curves: Float64Array, cov: ChunkCovariates) => {
    if (signal?.aborted) throw abortError(signal);
    if (!pool) {
      const out = chunkResultViews(new ArrayBuffer(chunkBytes(count, np)), count, np);
      model.fitChunk(curves, ns, req.options, out, cov);
      merge(idx, count, out);
      // let timers and abort handlers run between chunks
      await new Promise<void>((r) => setImmediate(r));
      return;
    }
    const task: VoxelTask = {
      model: model.name,
      options: req.options,
      curves,
      nSamples: ns,
      nParams: np,
      covariates: cov,
    };
    const transfer: ArrayBuffer[] = [curves.buffer as ArrayBuffer];
    for (const c of Object.values(cov)) transfer.push(c.buffer as ArrayBuffer);
    const p = (async () => {
      const buf = (await pool.run(task, { transferList: transfer, signal })) as ArrayBuffer;
      merge(idx, count, chunkResultViews(buf, count, np));
    })().catch((e) => {
      failure ??= e;
    });
    const tracked = p.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  const slab = Math.max(1, Math.min(nv, Math.floor(req.slabVoxels ?? 16384)));
  const slabBuf = new Float64Array(slab * ns);
  try {
    let idx = new Int32Array(chunkSize);
    let curves = new Float64Array(chunkSize * ns);
    let cov: ChunkCovariates = Object.fromEntries(covNames.map((c) => [c, new Float64Array(chunkSize)]));
    let fill = 0;
    const flush = async () => {
      if (fill === 0) return;
      const count = fill;
      const c = count === chunkSize ? curves : curves.slice(0, count * ns);
      const cv: ChunkCovariates =
        count === chunkSize ? cov : Object.fromEntries(covNames.map((k) => [k, cov[k].slice(0, count)]));
      const ix = idx;
      idx = new Int32Array(chunkSize);
      curves = new Float64Array(chunkSize * ns);
      cov = Object.fromEntries(covNames.map((k) => [k, new Float64Array(chunkSize)]));
      fill = 0;
      await dispatch(ix, count, c, cv);
    };
    for (let v0 = 0; v0 < nv; v0 += slab) {
      const count = Math.min(slab, nv - v0);
      let any = false;
      for (let v = v0; v < v0 + count && !any; v++) if (maskFn(v)) any = true;
      if (!any) continue;
      source.readSlab(v0, count, slabBuf);
      for (let i = 0; i < count; i++) {
        const v = v0 + i;
        if (!maskFn(v)) continue;
        idx[fill] = v;
        const o = fill * ns;
        for (let f = 0; f < ns; f++) curves[o + f] = slabBuf[f * count + i];
        for (const k of covNames) cov[k][fill] = (req.covariates as Record<string, ArrayLike<number>>)[k][v];
        fill++;
        if (fill === chunkSize) await flush();
      }
    }
    await flush();
    await Promise.all(inFlight);
    if (failure) throw failure;
  } catch (e) {
    if (signal?.aborted) throw abortError(signal);
    throw e;
  } finally {
    await Promise.allSettled(inFlight);
    await pool?.destroy();
  }
  const statusCounts: Record<string, number> = {};
  for (const label of Object.values(VOXEL_STATUS_LABELS)) statusCounts[label] = 0;
  for (let v = 0; v < nv; v++) {
    const label = VOXEL_STATUS_LABELS[status[v]] ?? String(status[v]);
    statusCounts[label] = (statusCounts[label] ?? 0) + 1;
  }
  return {
    model: model.name,
    parameters,
    params,
    status,
    rss,
    fitted: nMasked,
    workers: pool ? threads : 1,
    statusCounts,
    nVoxels: nv,
    nSamples: ns,
  };
}
