/**
 * Voxelwise DCE fitting over worker threads (piscina): voxels inside the mask are split into
 * chunks, each chunk's curves are transferred (not copied) to a worker, results are merged into
 * parameter maps; voxels outside the mask get status 3 and NaN-free zeros are never invented —
 * failed voxels keep their (flagged) estimates and a status ≠ 0. With threads = 1 (or when the
 * compiled worker file is not available, e.g. running from TypeScript sources) chunks are fitted
 * on the calling thread. Progress is reported per finished chunk.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Piscina } from "piscina";
import type { DceModelName } from "../core/perfusion/models.js";
import {
  type DceChunkInput,
  type DceChunkOutput,
  dceParameterKeys,
  fitDceChunk,
  STATUS_OUTSIDE,
} from "./workers/dceChunk.js";

export interface DceMapInput {
  model: DceModelName;
  timeS: Float64Array;
  aif: Float64Array;
  /** concentration [frame][voxel] (NIfTI order: frames outermost) */
  conc: Float32Array | Float64Array;
  nVoxels: number;
  mask: (v: number) => boolean;
  fitDelay?: boolean;
  threads?: number;
  chunkSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface DceMapOutput {
  maps: Record<string, Float64Array>;
  status: Uint8Array;
  rss: Float64Array;
  fitted: number;
  workers: number;
}

export async function fitDceMap(input: DceMapInput): Promise<DceMapOutput> {
  const nt = input.timeS.length;
  const nv = input.nVoxels;
  const fitDelay = input.fitDelay === true;
  const keys = dceParameterKeys(input.model, fitDelay);
  const maps: Record<string, Float64Array> = Object.fromEntries(keys.map((k) => [k, new Float64Array(nv)]));
  const status = new Uint8Array(nv).fill(STATUS_OUTSIDE);
  const rss = new Float64Array(nv);
  const voxels: number[] = [];
  for (let v = 0; v < nv; v++) if (input.mask(v)) voxels.push(v);
  const chunkSize = input.chunkSize ?? 256;
  const chunks: number[][] = [];
  for (let i = 0; i < voxels.length; i += chunkSize) chunks.push(voxels.slice(i, i + chunkSize));
  const workerFile = fileURLToPath(new URL("./workers/dceWorker.js", import.meta.url));
  const threads = Math.max(1, Math.min(input.threads ?? availableParallelism(), chunks.length || 1));
  const pool =
    threads > 1 && existsSync(workerFile)
      ? new Piscina({ filename: workerFile, maxThreads: threads, minThreads: threads })
      : null;
  let done = 0;
  const merge = (idx: number[], out: DceChunkOutput) => {
    idx.forEach((v, i) => {
      status[v] = out.status[i];
      rss[v] = out.rss[i];
      for (const k of keys) maps[k][v] = out.params[k][i];
    });
    done++;
    input.onProgress?.(done, chunks.length);
  };
  const payload = (idx: number[]): DceChunkInput => {
    const curves = new Float64Array(idx.length * nt);
    idx.forEach((v, i) => {
      for (let f = 0; f < nt; f++) curves[i * nt + f] = input.conc[f * nv + v];
    });
    return { model: input.model, timeS: input.timeS, aif: input.aif, curves, fitDelay };
  };
  try {
    if (pool) {
      await Promise.all(
        chunks.map(async (idx) => {
          const p = payload(idx);
          const out = (await pool.run(p, {
            transferList: [p.curves.buffer as ArrayBuffer],
          })) as DceChunkOutput;
          merge(idx, out);
        }),
      );
    } else {
      for (const idx of chunks) merge(idx, fitDceChunk(payload(idx)));
    }
  } finally {
    await pool?.destroy();
  }
  return { maps, status, rss, fitted: voxels.length, workers: pool ? threads : 1 };
}
