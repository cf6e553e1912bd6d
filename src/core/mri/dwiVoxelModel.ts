/**
 * Voxel model "dwi": ADC or IVIM maps (core/mri/diffusion.ts) for the voxelwise engine. Curves
 * are the signal per b-value, in `bValues` order (s/mm²). Parameters: ADC_mm2_per_s, S0 (adc) or
 * f, D_mm2_per_s, Dstar_mm2_per_s, S0 (ivim). One fitter per option set and thread (its LM
 * workspace reused for every voxel).
 */
import { InputError } from "../errors.js";
import {
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_NOT_CONVERGED,
  VOXEL_OK,
  type VoxelModel,
} from "../voxel/model.js";
import {
  ADC_METHODS,
  AdcFitter,
  type AdcMethod,
  IVIM_METHODS,
  type IvimBounds,
  IvimFitter,
  type IvimMethod,
} from "./diffusion.js";

export interface DwiVoxelOptions {
  bValues: number[];
  model: "adc" | "ivim";
  /** adc: log-linear (default) | nonlinear; ivim: full (default) | segmented */
  method?: AdcMethod | IvimMethod;
  /** ivim: b-values ≥ this are used for D in the segmented stage (default 200 s/mm²) */
  bThreshold?: number;
  bounds?: Partial<IvimBounds>;
}

const adcCache = new Map<string, AdcFitter>();
const ivimCache = new Map<string, IvimFitter>();
const keyOf = (o: DwiVoxelOptions) =>
  JSON.stringify([o.bValues, o.model, o.method ?? null, o.bThreshold ?? null, o.bounds ?? null]);

function adcFitter(o: DwiVoxelOptions): AdcFitter {
  const k = keyOf(o);
  let f = adcCache.get(k);
  if (!f) {
    if (adcCache.size > 16) adcCache.clear();
    f = new AdcFitter(o.bValues, (o.method as AdcMethod | undefined) ?? "log-linear");
    adcCache.set(k, f);
  }
  return f;
}
function ivimFitter(o: DwiVoxelOptions): IvimFitter {
  const k = keyOf(o);
  let f = ivimCache.get(k);
  if (!f) {
    if (ivimCache.size > 16) ivimCache.clear();
    f = new IvimFitter(o.bValues, {
      method: (o.method as IvimMethod | undefined) ?? "full",
      bThreshold: o.bThreshold,
      bounds: o.bounds,
    });
    ivimCache.set(k, f);
  }
  return f;
}

export const dwiVoxelModel: VoxelModel<DwiVoxelOptions> = {
  name: "dwi",
  parameters: (o) =>
    o.model === "adc"
      ? [
          { key: "ADC_mm2_per_s", unit: "mm2/s", description: "apparent diffusion coefficient" },
          { key: "S0", unit: "a.u.", description: "signal at b = 0" },
        ]
      : [
          { key: "f", unit: "1", description: "perfusion (pseudo-diffusion) fraction" },
          { key: "D_mm2_per_s", unit: "mm2/s", description: "tissue diffusion coefficient" },
          { key: "Dstar_mm2_per_s", unit: "mm2/s", description: "pseudo-diffusion coefficient" },
          { key: "S0", unit: "a.u.", description: "signal at b = 0" },
        ],
  describe: (o) => ({
    bValues: o.bValues,
    model: o.model,
    method: o.method ?? (o.model === "adc" ? "log-linear" : "full"),
    ...(o.model === "ivim" ? { bThreshold: o.bThreshold ?? 200 } : {}),
  }),
  validate(o, nSamples) {
    if (!Array.isArray(o.bValues) || o.bValues.length !== nSamples)
      throw new InputError({
        field: "b-values",
        value: o.bValues,
        expected: `${nSamples} b-values (s/mm²), one per volume`,
      });
    if (o.model !== "adc" && o.model !== "ivim")
      throw new InputError({ field: "model", value: o.model, expected: "adc | ivim" });
    const methods: readonly string[] = o.model === "adc" ? ADC_METHODS : IVIM_METHODS;
    if (o.method !== undefined && !methods.includes(o.method))
      throw new InputError({
        field: "method",
        value: o.method,
        expected: `${methods.join(" | ")} for --model ${o.model}`,
      });
    if (o.model === "adc") adcFitter(o);
    else ivimFitter(o);
  },
  fitChunk(curves: Float64Array, n: number, o: DwiVoxelOptions, out: ChunkResult) {
    const nv = out.status.length;
    if (o.model === "adc") {
      const fitter = adcFitter(o);
      for (let v = 0; v < nv; v++) {
        const f = fitter.fit(curves, v * n);
        out.params[2 * v] = f.ADC_mm2_per_s;
        out.params[2 * v + 1] = f.S0;
        out.status[v] = f.converged
          ? VOXEL_OK
          : f.status === "invalid-input"
            ? VOXEL_INVALID
            : VOXEL_NOT_CONVERGED;
        let rss = 0;
        if (f.converged)
          for (let i = 0; i < n; i++)
            rss += (curves[v * n + i] - f.S0 * Math.exp(-o.bValues[i] * f.ADC_mm2_per_s)) ** 2;
        out.rss[v] = f.converged ? rss : Number.NaN;
      }
      return;
    }
    const fitter = ivimFitter(o);
    for (let v = 0; v < nv; v++) {
      const r = fitter.fitRaw(curves, v * n);
      const ok = r.converged;
      out.params[4 * v] = ok ? r.params[1] : Number.NaN;
      out.params[4 * v + 1] = ok ? r.params[2] : Number.NaN;
      out.params[4 * v + 2] = ok ? r.params[3] : Number.NaN;
      out.params[4 * v + 3] = ok ? r.params[0] : Number.NaN;
      out.status[v] = ok ? VOXEL_OK : r.status === "invalid-input" ? VOXEL_INVALID : VOXEL_NOT_CONVERGED;
      out.rss[v] = ok ? r.rss : Number.NaN;
    }
  },
};
