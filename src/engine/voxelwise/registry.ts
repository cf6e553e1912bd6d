/**
 * Voxel-model registry: name → VoxelModel. The generic worker (engine/workers/voxelWorker.ts)
 * looks models up here by name, so a model must be listed in BUILTIN (a model registered at run
 * time with registerVoxelModel is only available on the calling thread, i.e. with threads = 1).
 * To add a model family: implement VoxelModel (src/core/voxel/model.ts) and add it to BUILTIN.
 */
import { InputError } from "../../core/errors.js";
import { dwiVoxelModel } from "../../core/mri/dwiVoxelModel.js";
import { relaxVoxelModel } from "../../core/mri/relaxVoxelModel.js";
import { unmixVoxelModel } from "../../core/optical/unmixVoxel.js";
import { dscVoxelModel } from "../../core/perfusion/dscVoxelModel.js";
import { prfVoxelModel } from "../../core/release/prfVoxel.js";
import { dceVoxelModel } from "../../core/voxel/dce.js";
import type { VoxelModel } from "../../core/voxel/model.js";
import { t1IrVoxelModel, t1VfaVoxelModel } from "../../core/voxel/t1.js";

// biome-ignore lint/suspicious/noExplicitAny: models have their own option types
type AnyVoxelModel = VoxelModel<any>;

const BUILTIN: AnyVoxelModel[] = [
  dceVoxelModel,
  t1VfaVoxelModel,
  t1IrVoxelModel,
  relaxVoxelModel,
  dwiVoxelModel,
  prfVoxelModel,
  unmixVoxelModel,
  dscVoxelModel,
];

const models = new Map<string, AnyVoxelModel>(BUILTIN.map((m) => [m.name, m]));

export function getVoxelModel(name: string): AnyVoxelModel {
  const m = models.get(name);
  if (!m) throw new InputError({ field: "model", value: name, expected: [...models.keys()].join(" | ") });
  return m;
}

/** models registered here are usable inline only (threads = 1), see the module note */
export function registerVoxelModel(m: AnyVoxelModel): void {
  models.set(m.name, m);
}

/** true when the worker threads know the model (it is built in) */
export function isBuiltinVoxelModel(name: string): boolean {
  return BUILTIN.some((m) => m.name === name);
}

export function voxelModelNames(): string[] {
  return [...models.keys()];
}
