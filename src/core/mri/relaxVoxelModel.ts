/**
 * Voxel model "relax": multi-echo T2/T2* maps (core/mri/relaxometry.ts) for the voxelwise
 * engine. Curves are the signal per echo, in `teMs` order. Parameters: T2_ms, R2_per_s, S0 and,
 * for the offset / noise-floor models, offset or noise_floor. One RelaxFitter (with its LM
 * workspace) is kept per option set and thread, so fitting a chunk allocates only the LM's
 * small per-fit result.
 */
import { InputError } from "../errors.js";
import {
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_NOT_CONVERGED,
  VOXEL_OK,
  type VoxelModel,
  type VoxelParameter,
} from "../voxel/model.js";
import { RELAX_MODELS, RelaxFitter, type RelaxModelName, toRelaxFit } from "./relaxometry.js";

export interface RelaxVoxelOptions {
  teMs: number[];
  model?: RelaxModelName;
  /** noise-floor model: known Rician σ (NF = √2·σ fixed) */
  sigma?: number;
}

const cache = new Map<string, RelaxFitter>();
function fitterFor(o: RelaxVoxelOptions): RelaxFitter {
  const key = JSON.stringify([o.teMs, o.model ?? "mono", o.sigma ?? null]);
  let f = cache.get(key);
  if (!f) {
    if (cache.size > 16) cache.clear();
    f = new RelaxFitter(o.teMs, { model: o.model, sigma: o.sigma });
    cache.set(key, f);
  }
  return f;
}

export const relaxVoxelModel: VoxelModel<RelaxVoxelOptions> = {
  name: "relax",
  parameters(o) {
    const p: VoxelParameter[] = [
      { key: "T2_ms", unit: "ms", description: "transverse relaxation time (T2*, gradient echoes)" },
      { key: "R2_per_s", unit: "1/s", description: "relaxation rate 1000/T2_ms (R2*, gradient echoes)" },
      { key: "S0", unit: "a.u.", description: "signal at TE = 0" },
    ];
    if (o.model === "offset") p.push({ key: "offset", unit: "a.u.", description: "constant baseline C" });
    if (o.model === "noise-floor")
      p.push({ key: "noise_floor", unit: "a.u.", description: "noise floor √2·σ of the Rician magnitude" });
    return p;
  },
  describe: (o) => ({
    teMs: o.teMs,
    model: o.model ?? "mono",
    ...(o.sigma !== undefined ? { sigma: o.sigma } : {}),
  }),
  validate(o, nSamples) {
    if (!Array.isArray(o.teMs) || o.teMs.length !== nSamples)
      throw new InputError({
        field: "echo times",
        value: o.teMs,
        expected: `${nSamples} echo times (ms), one per volume`,
      });
    if (o.model !== undefined && !(RELAX_MODELS as readonly string[]).includes(o.model))
      throw new InputError({ field: "model", value: o.model, expected: RELAX_MODELS.join(" | ") });
    new RelaxFitter(o.teMs, { model: o.model, sigma: o.sigma }); // throws on unusable echoes
  },
  fitChunk(curves: Float64Array, n: number, o: RelaxVoxelOptions, out: ChunkResult) {
    const fitter = fitterFor(o);
    const model = o.model ?? "mono";
    const np = model === "mono" ? 3 : 4;
    const nv = out.status.length;
    for (let v = 0; v < nv; v++) {
      const raw = fitter.fitRaw(curves, v * n);
      const f = toRelaxFit(model, raw);
      const base = v * np;
      out.params[base] = f.T2_ms;
      out.params[base + 1] = f.R2_per_s;
      out.params[base + 2] = f.S0;
      if (np === 4)
        out.params[base + 3] = model === "offset" ? (f.offset as number) : (f.noise_floor as number);
      out.status[v] = f.converged
        ? VOXEL_OK
        : f.status === "invalid-input"
          ? VOXEL_INVALID
          : VOXEL_NOT_CONVERGED;
      out.rss[v] = f.converged ? f.rss : Number.NaN;
    }
  },
};
