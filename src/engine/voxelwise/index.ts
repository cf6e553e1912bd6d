/** The voxelwise engine: runVoxelMap (fit), writeVoxelMaps (NIfTI + sidecar), sources, registry. */
export { runVoxelMap, type VoxelMapRequest, type VoxelMapResult } from "./engine.js";
export { type NiftiSeries, openNiftiSeries } from "./niftiSlab.js";
export { getVoxelModel, isBuiltinVoxelModel, registerVoxelModel, voxelModelNames } from "./registry.js";
export { arraySource, type VoxelSource } from "./source.js";
export { type MapGeometry, type WriteMapsOptions, writeVoxelMaps } from "./writer.js";
