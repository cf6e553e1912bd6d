/**
 * Voxel model "dce": tracer-kinetic maps (tofts, etofts, patlak, 2cxm, 2cum; bolus-arrival delay
 * optional) through the voxelwise engine. Each voxel is fitted by DceModel.fitVoxel — the
 * `fast` mode of DceModel.fit (variable projection for (extended) Tofts without delay, else
 * bounded LM from the linear start), so a map voxel equals the single-curve fit of its curve.
 * With `signal` the curves are SPGR signal and are converted to concentration per voxel with the
 * voxel's T1,0 (covariate "t10_s", core/mri/spgr.ts, OSIPI convention) before fitting.
 */
import { InputError } from "../errors.js";
import { signalToConcentration } from "../mri/spgr.js";
import { DceModel } from "../perfusion/dceModel.js";
import { type DceModelName, MODEL_PARAMETERS } from "../perfusion/models.js";
import {
  type ChunkCovariates,
  type ChunkResult,
  VOXEL_INVALID,
  type VoxelModel,
  type VoxelParameter,
} from "./model.js";

export interface DceVoxelOptions {
  model: DceModelName;
  /** sample times (s), one per frame */
  timeS: ArrayLike<number>;
  /** plasma AIF (mM) on the same axis */
  aif: ArrayLike<number>;
  fitDelay?: boolean;
  /** curves are SPGR signal: convert with the voxel's T1,0 (covariate "t10_s") */
  signal?: { faDeg: number; trS: number; r1: number; baselineSamples: number };
}

const UNITS: Record<string, [string, string]> = {
  Ktrans_per_min: ["1/min", "volume transfer constant"],
  ve: ["1", "extravascular extracellular volume fraction"],
  vp: ["1", "plasma volume fraction"],
  Fp_per_min: ["1/min", "plasma flow"],
  PS_per_min: ["1/min", "permeability-surface area product"],
  delay_s: ["s", "bolus-arrival delay"],
};

export function dceParameters(model: DceModelName, fitDelay: boolean): VoxelParameter[] {
  const keys = [...MODEL_PARAMETERS[model].map((p) => p.key as string), ...(fitDelay ? ["delay_s"] : [])];
  return keys.map((key) => ({ key, unit: UNITS[key][0], description: UNITS[key][1] }));
}

export const dceVoxelModel: VoxelModel<DceVoxelOptions> = {
  name: "dce",
  parameters: (o) => dceParameters(o.model, o.fitDelay === true),
  covariates: (o) => (o.signal ? ["t10_s"] : []),
  describe: (o) => ({
    model: o.model,
    fitDelay: o.fitDelay === true,
    frames: o.timeS.length,
    ...(o.signal ? { signalToConcentration: o.signal } : {}),
  }),
  validate(o, nSamples) {
    if (!(o.model in MODEL_PARAMETERS))
      throw new InputError({
        field: "model",
        value: o.model,
        expected: Object.keys(MODEL_PARAMETERS).join(" | "),
      });
    if (o.timeS.length !== nSamples)
      throw new InputError({
        field: "time_s",
        value: o.timeS.length,
        expected: `${nSamples} samples (frames)`,
      });
    new DceModel(o.model, o.timeS, o.aif); // validates the time axis and the AIF
  },
  fitChunk(
    curves: Float64Array,
    nSamples: number,
    o: DceVoxelOptions,
    out: ChunkResult,
    cov?: ChunkCovariates,
  ) {
    const m = new DceModel(o.model, o.timeS, o.aif);
    const nv = out.status.length;
    const np = MODEL_PARAMETERS[o.model].length + (o.fitDelay ? 1 : 0);
    const t10 = o.signal ? cov?.t10_s : undefined;
    if (o.signal && !t10)
      throw new InputError({ field: "covariates", expected: "a T1,0 map (t10_s) for signal input" });
    const conc = o.signal ? new Float64Array(nSamples) : null;
    for (let v = 0; v < nv; v++) {
      if (conc && o.signal && t10) {
        const t10S = t10[v];
        if (!(t10S > 0)) {
          out.status[v] = VOXEL_INVALID;
          out.rss[v] = Number.NaN;
          out.params.fill(Number.NaN, v * np, (v + 1) * np);
          continue;
        }
        signalToConcentration(curves.subarray(v * nSamples, (v + 1) * nSamples), { ...o.signal, t10S }, conc);
        out.status[v] = m.fitVoxel(conc, 0, out.params, v * np, o.fitDelay === true);
      } else out.status[v] = m.fitVoxel(curves, v * nSamples, out.params, v * np, o.fitDelay === true);
      out.rss[v] = m.lastRss;
    }
  },
};
