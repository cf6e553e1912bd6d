/**
 * The one interface every map-producing voxel model implements (DCE, T1, R2/R2*, ADC/IVIM, DSC,
 * PRF thermometry, spectral unmixing, CEUS, …). Pure: no Node APIs, so models run inline, in
 * worker threads and in the browser. The voxelwise engine (src/engine/voxelwise/) does masks,
 * chunking, worker threads, zero-copy transfer, progress, cancellation, status maps and NIfTI +
 * JSON-sidecar output; a model only fits a chunk of curves.
 *
 * Layout: a chunk holds `nVoxels` curves of `nSamples` samples each, row-major
 * (`curves[v * nSamples + s]`). Results are written into preallocated typed arrays (no objects
 * per voxel): `params[v * nParams + p]` in the order of `parameters(options)`, `status[v]`,
 * `rss[v]`. A voxel that cannot be fitted gets status ≠ 0 and NaN parameters — never a
 * plausible number.
 */

/** Status codes shared by every voxel model and every status map. */
export const VOXEL_OK = 0;
export const VOXEL_NOT_CONVERGED = 1;
export const VOXEL_INVALID = 2;
export const VOXEL_OUTSIDE_MASK = 3;
export const VOXEL_STATUS_LABELS: Record<number, string> = {
  0: "ok",
  1: "not-converged",
  2: "invalid-input",
  3: "outside-mask",
};

export interface VoxelParameter {
  /** map / JSON key with its unit in the name, e.g. "Ktrans_per_min", "T1_s", "ADC_mm2_per_s" */
  key: string;
  /** unit as printed in sidecars, e.g. "1/min", "s", "mm2/s", "1" */
  unit: string;
  description?: string;
}

/**
 * Per-voxel inputs besides the curve (e.g. a B1 map for VFA, the T1,0 map for signal →
 * concentration): name → one value per voxel of the chunk (same order as the curves).
 */
export type ChunkCovariates = Record<string, Float64Array>;

export interface ChunkResult {
  /** [voxel][parameter], row-major */
  params: Float64Array;
  status: Uint8Array;
  rss: Float64Array;
}

/**
 * O: the model's options (structured-cloneable plain data: numbers, strings, typed arrays), e.g.
 * { model: "etofts", timeS, aif, fitDelay } or { faDeg, trS }.
 */
export interface VoxelModel<O = unknown> {
  /** registry name, e.g. "dce", "t1-vfa", "relax", "dwi" */
  readonly name: string;
  /** output parameters for these options (their order is the `params` column order) */
  parameters(options: O): VoxelParameter[];
  /** check options once before any voxel is fitted; throw InputError when they are unusable */
  validate?(options: O, nSamples: number): void;
  /**
   * fit every curve of the chunk, writing into `out` (already sized nVoxels × nParams);
   * `covariates` holds the chunk's values of the maps named by `covariates(options)`
   */
  fitChunk(
    curves: Float64Array,
    nSamples: number,
    options: O,
    out: ChunkResult,
    covariates?: ChunkCovariates,
  ): void;
  /** optional: names of the per-voxel maps this model needs for these options (default none) */
  covariates?(options: O): string[];
  /** optional: small JSON-able summary of the options for sidecars (default: scalars only) */
  describe?(options: O): Record<string, unknown>;
}

/** Allocate the result arrays for a chunk. */
export function allocChunkResult(nVoxels: number, nParams: number): ChunkResult {
  return {
    params: new Float64Array(nVoxels * nParams),
    status: new Uint8Array(nVoxels),
    rss: new Float64Array(nVoxels),
  };
}
