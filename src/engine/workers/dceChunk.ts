/**
 * Fits one chunk of DCE voxel curves (pure: used inline and inside worker threads).
 * Input curves are row-major [voxel][time] concentrations; output parameter maps per voxel and a
 * status code (0 converged, 1 not converged, 2 invalid input). One DceModel (and its solver
 * workspace) serves the whole chunk: no per-voxel allocation in the solver.
 */
import { DceModel } from "../../core/perfusion/dceModel.js";
import { type DceModelName, MODEL_PARAMETERS } from "../../core/perfusion/models.js";

export interface DceChunkInput {
  model: DceModelName;
  timeS: Float64Array;
  aif: Float64Array;
  curves: Float64Array;
  fitDelay: boolean;
}

export interface DceChunkOutput {
  /** parameter name → values per voxel of the chunk */
  params: Record<string, Float64Array>;
  status: Uint8Array;
  rss: Float64Array;
}

export const STATUS_OK = 0;
export const STATUS_NOT_CONVERGED = 1;
export const STATUS_INVALID = 2;
export const STATUS_OUTSIDE = 3;

export function dceParameterKeys(model: DceModelName, fitDelay: boolean): string[] {
  return [...MODEL_PARAMETERS[model].map((p) => p.key), ...(fitDelay ? ["delay_s"] : [])];
}

export function fitDceChunk(input: DceChunkInput): DceChunkOutput {
  const nt = input.timeS.length;
  const nv = input.curves.length / nt;
  const m = new DceModel(input.model, input.timeS, input.aif);
  const keys = dceParameterKeys(input.model, input.fitDelay);
  const params: Record<string, Float64Array> = Object.fromEntries(keys.map((k) => [k, new Float64Array(nv)]));
  const status = new Uint8Array(nv);
  const rss = new Float64Array(nv);
  for (let v = 0; v < nv; v++) {
    const f = m.fit(input.curves.subarray(v * nt, (v + 1) * nt), { fitDelay: input.fitDelay, fast: true });
    status[v] =
      f.status === "invalid-input" ? STATUS_INVALID : f.converged ? STATUS_OK : STATUS_NOT_CONVERGED;
    rss[v] = f.rss;
    for (const k of keys) params[k][v] = f.params[k] ?? Number.NaN;
  }
  return { params, status, rss };
}
