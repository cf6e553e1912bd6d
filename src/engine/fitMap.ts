/**
 * Voxelwise DCE maps — a thin wrapper over the voxelwise engine (engine/voxelwise/) with the
 * "dce" voxel model (core/voxel/dce.ts), kept for existing callers. New code calls runVoxelMap.
 */
import type { DceModelName } from "../core/perfusion/models.js";
import type { DceVoxelOptions } from "../core/voxel/dce.js";
import { runVoxelMap } from "./voxelwise/engine.js";

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
  signal?: AbortSignal;
}

export interface DceMapOutput {
  maps: Record<string, Float64Array>;
  status: Uint8Array;
  rss: Float64Array;
  fitted: number;
  workers: number;
}

export async function fitDceMap(input: DceMapInput): Promise<DceMapOutput> {
  const options: DceVoxelOptions = {
    model: input.model,
    timeS: input.timeS,
    aif: input.aif,
    fitDelay: input.fitDelay === true,
  };
  const r = await runVoxelMap({
    model: "dce",
    options,
    data: input.conc,
    nVoxels: input.nVoxels,
    nSamples: input.timeS.length,
    mask: input.mask,
    threads: input.threads,
    chunkSize: input.chunkSize,
    onProgress: input.onProgress,
    signal: input.signal,
  });
  return { maps: r.params, status: r.status, rss: r.rss, fitted: r.fitted, workers: r.workers };
}
