/**
 * The message between the engine and its workers: a chunk of curves ([voxel][sample], moved) and
 * the model's name and options; the answer is ONE ArrayBuffer (moved back) holding the chunk's
 * parameters (Float64, n × p), RSS (Float64, n) and status (Uint8, n).
 */
import type { ChunkCovariates, ChunkResult } from "../../core/voxel/model.js";

export interface VoxelTask {
  model: string;
  options: unknown;
  curves: Float64Array;
  nSamples: number;
  nParams: number;
  covariates: ChunkCovariates;
}

/** bytes of a chunk result: params (Float64 n×p), rss (Float64 n), status (Uint8 n) */
export function chunkBytes(n: number, np: number): number {
  return 8 * n * (np + 1) + n;
}

/** ChunkResult views on one buffer laid out as chunkBytes describes */
export function chunkResultViews(buf: ArrayBuffer, n: number, np: number): ChunkResult {
  return {
    params: new Float64Array(buf, 0, n * np),
    rss: new Float64Array(buf, 8 * n * np, n),
    status: new Uint8Array(buf, 8 * n * (np + 1), n),
  };
}
