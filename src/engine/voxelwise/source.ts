/**
 * Voxel data sources for the engine: curves are read in slabs of consecutive voxels, laid out
 * [frame][voxel-in-slab] (NIfTI order), so a series larger than memory is fitted with bounded
 * memory (engine/voxelwise/niftiSlab.ts reads a NIfTI file this way).
 */
export interface VoxelSource {
  readonly nVoxels: number;
  readonly nSamples: number;
  /** copy voxels [v0, v0 + count) of every frame into out[f * count + i] */
  readSlab(v0: number, count: number, out: Float64Array): void;
  close?(): void;
}

/** an in-memory [frame][voxel] array as a source (no copy of the series) */
export function arraySource(data: ArrayLike<number>, nVoxels: number, nSamples: number): VoxelSource {
  return {
    nVoxels,
    nSamples,
    readSlab(v0, count, out) {
      for (let f = 0; f < nSamples; f++) {
        const base = f * nVoxels + v0;
        const o = f * count;
        for (let i = 0; i < count; i++) out[o + i] = data[base + i];
      }
    },
  };
}
