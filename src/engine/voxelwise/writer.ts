/**
 * Writes a voxel map result: DIR/<key>.nii.gz per parameter (float32, NaN where not estimated),
 * DIR/status.nii.gz (uint8: 0 ok, 1 not converged, 2 invalid input, 3 outside mask) and a JSON
 * sidecar (model, parameters with units, options summary, status counts, software version,
 * inputs) — NIfTI through src/io/nifti.ts with the input's geometry.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { VOXEL_STATUS_LABELS } from "../../core/voxel/model.js";
import { writeNifti } from "../../io/nifti.js";
import { VERSION } from "../../version.js";
import type { VoxelMapResult } from "./engine.js";
import { getVoxelModel } from "./registry.js";

export interface MapGeometry {
  /** [nx, ny, nz] (extra dims are dropped) */
  dims: number[];
  spacingMm: [number, number, number];
  affine: Float64Array;
}

export interface WriteMapsOptions {
  /** sidecar file name (default "<model>_map.json") */
  sidecarName?: string;
  /** model options (summarised with model.describe, or their scalar members) */
  options?: unknown;
  /** extra sidecar members: inputs, timings … */
  extra?: Record<string, unknown>;
}

export interface WrittenMaps {
  files: string[];
  sidecar: string;
}

function summarise(options: unknown): Record<string, unknown> {
  if (!options || typeof options !== "object") return {};
  return Object.fromEntries(
    Object.entries(options as Record<string, unknown>).filter(
      ([, v]) => typeof v === "number" || typeof v === "string" || typeof v === "boolean",
    ),
  );
}

export function writeVoxelMaps(
  dir: string,
  res: VoxelMapResult,
  geom: MapGeometry,
  o: WriteMapsOptions = {},
): WrittenMaps {
  mkdirSync(dir, { recursive: true });
  const g = { dims: geom.dims.slice(0, 3), spacingMm: geom.spacingMm, affine: geom.affine };
  const files: string[] = [];
  for (const p of res.parameters) {
    writeNifti(
      join(dir, `${p.key}.nii.gz`),
      { ...g, data: Float32Array.from(res.params[p.key]) },
      {
        description: `${res.model} ${p.key} (${p.unit})`,
      },
    );
    files.push(`${p.key}.nii.gz`);
  }
  writeNifti(
    join(dir, "status.nii.gz"),
    { ...g, data: Float32Array.from(res.status) },
    { datatype: "uint8", description: "0 ok 1 not converged 2 invalid 3 outside mask" },
  );
  files.push("status.nii.gz");
  const model = getVoxelModel(res.model);
  const sidecar = o.sidecarName ?? `${res.model}_map.json`;
  const doc = {
    model: res.model,
    parameters: res.parameters.map((p) => ({ ...p, file: `${p.key}.nii.gz` })),
    options: o.options === undefined ? {} : (model.describe?.(o.options) ?? summarise(o.options)),
    voxels: res.nVoxels,
    fitted: res.fitted,
    status_counts: res.statusCounts,
    status_codes: VOXEL_STATUS_LABELS,
    workers: res.workers,
    files,
    software: `eprscope ${VERSION}`,
    ...o.extra,
  };
  writeFileSync(join(dir, sidecar), `${JSON.stringify(doc, null, 2)}\n`);
  return { files, sidecar };
}
