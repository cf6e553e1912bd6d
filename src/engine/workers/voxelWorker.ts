/**
 * piscina worker of the voxelwise engine (engine/voxelwise/engine.ts): looks the model up in the
 * registry by name, fits the moved chunk and moves the results back in one buffer.
 */
import { move } from "piscina";
import { getVoxelModel } from "../voxelwise/registry.js";
import { chunkBytes, chunkResultViews, type VoxelTask } from "../voxelwise/task.js";

export default function run(task: VoxelTask): ArrayBuffer {
  const model = getVoxelModel(task.model);
  const n = task.curves.length / task.nSamples;
  const buf = new ArrayBuffer(chunkBytes(n, task.nParams));
  model.fitChunk(
    task.curves,
    task.nSamples,
    task.options,
    chunkResultViews(buf, n, task.nParams),
    task.covariates,
  );
  return move(buf) as ArrayBuffer;
}
