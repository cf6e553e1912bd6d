/**
 * Voxel model "prf": PRF-shift thermometry per voxel (prfThermometry.ts) and its thermal dose
 * (cem43.ts). A curve is one voxel's phase series (rad, one sample per frame). Outputs per voxel:
 * ΔT (°C from baseline) at every frame (`dT_C_t0`, `dT_C_t1`, …), CEM43 (min) of the absolute
 * temperature T = bodyTempC + ΔT (piecewise linear, exact per segment), Tmax_C and the time in
 * 40–43 °C. `rss` is Σ ΔT² over the baseline frames (°C²): the baseline temperature noise.
 * Drift: `drift` (prfDrift.ts, estimated once from the reference region) is subtracted per frame;
 * a spatial (order ≥ 1) drift needs the voxel indices as covariates "i", "j", "k".
 */
import { InputError } from "../errors.js";
import {
  type ChunkCovariates,
  type ChunkResult,
  VOXEL_INVALID,
  VOXEL_OK,
  type VoxelModel,
} from "../voxel/model.js";
import { cem43Segment, segmentTimeInBand } from "./cem43.js";
import { driftBasis, type PhaseDriftModel } from "./prfDrift.js";
import {
  checkBaselineFrames,
  circularMeanPhase,
  PRF_ALPHA_PER_C,
  prfRadPerC,
  wrapPhase,
} from "./prfThermometry.js";

export interface PrfVoxelOptions {
  teS: number;
  fieldT: number;
  baselineFrames: number;
  /** frame times (s), one per frame */
  timeS: number[];
  /** body (baseline) temperature, °C; default 37 */
  bodyTempC?: number;
  alphaPerC?: number;
  drift?: PhaseDriftModel;
}

const frameKey = (t: number) => `dT_C_t${t}`;

export const prfVoxelModel: VoxelModel<PrfVoxelOptions> = {
  name: "prf",
  parameters: (o) => [
    ...o.timeS.map((ts, t) => ({
      key: frameKey(t),
      unit: "°C",
      description: `temperature change at t = ${ts} s`,
    })),
    { key: "CEM43_min", unit: "min", description: "thermal dose, cumulative equivalent minutes at 43 °C" },
    { key: "Tmax_C", unit: "°C", description: "maximum temperature (body temperature + ΔT)" },
    { key: "time_40_43C_s", unit: "s", description: "time with 40 °C ≤ T ≤ 43 °C" },
  ],
  covariates: (o) => (o.drift && o.drift.nTerms > 0 ? ["i", "j", "k"] : []),
  describe: (o) => ({
    teS: o.teS,
    fieldT: o.fieldT,
    baselineFrames: o.baselineFrames,
    bodyTempC: o.bodyTempC ?? 37,
    alphaPerC: o.alphaPerC ?? PRF_ALPHA_PER_C,
    driftOrder: o.drift ? o.drift.order : null,
    driftReferenceVoxels: o.drift ? o.drift.nReference : null,
  }),
  validate(o, nSamples) {
    if (o.timeS.length !== nSamples)
      throw new InputError({
        field: "frame times",
        value: o.timeS.length,
        expected: `${nSamples} times, one per frame`,
      });
    for (let t = 1; t < nSamples; t++)
      if (!(o.timeS[t] > o.timeS[t - 1]))
        throw new InputError({
          field: `frame times[${t}]`,
          value: o.timeS[t],
          expected: "strictly increasing",
        });
    checkBaselineFrames(o.baselineFrames, nSamples);
    prfRadPerC(o.fieldT, o.teS, o.alphaPerC);
    if (o.drift && o.drift.nFrames !== nSamples)
      throw new InputError({ field: "drift", value: o.drift.nFrames, expected: `${nSamples} frames` });
  },
  fitChunk(curves: Float64Array, n: number, o: PrfVoxelOptions, out: ChunkResult, cov?: ChunkCovariates) {
    const nv = out.status.length;
    const np = n + 3;
    const radPerC = prfRadPerC(o.fieldT, o.teS, o.alphaPerC);
    const body = o.bodyTempC ?? 37;
    const nb = o.baselineFrames;
    const time = o.timeS;
    const drift = o.drift;
    const nTerms = drift ? drift.nTerms : 0;
    const basis = new Float64Array(nTerms);
    for (let v = 0; v < nv; v++) {
      const off = v * n;
      const po = v * np;
      let ok = true;
      for (let t = 0; t < n && ok; t++) if (!Number.isFinite(curves[off + t])) ok = false;
      if (ok && nTerms > 0) {
        const ci = cov?.i?.[v] ?? Number.NaN;
        const cj = cov?.j?.[v] ?? Number.NaN;
        const ck = cov?.k?.[v] ?? Number.NaN;
        if (!(Number.isFinite(ci) && Number.isFinite(cj) && Number.isFinite(ck))) ok = false;
        else
          driftBasis(
            (drift as PhaseDriftModel).order,
            (ci - (drift as PhaseDriftModel).centre[0]) / (drift as PhaseDriftModel).scale,
            (cj - (drift as PhaseDriftModel).centre[1]) / (drift as PhaseDriftModel).scale,
            (ck - (drift as PhaseDriftModel).centre[2]) / (drift as PhaseDriftModel).scale,
            basis,
          );
      }
      if (!ok) {
        out.status[v] = VOXEL_INVALID;
        out.params.fill(Number.NaN, po, po + np);
        out.rss[v] = Number.NaN;
        continue;
      }
      const phib = circularMeanPhase(curves, off, off + nb);
      let dose = 0;
      let inBand = 0;
      let tmax = Number.NEGATIVE_INFINITY;
      let rss = 0;
      let prevT = 0;
      for (let t = 0; t < n; t++) {
        let d = 0;
        if (drift) {
          d = drift.meanRad[t];
          for (let q = 0; q < nTerms; q++) d += drift.coef[t * nTerms + q] * basis[q];
        }
        const dT = wrapPhase(curves[off + t] - phib - d) / radPerC;
        out.params[po + t] = dT;
        if (t < nb) rss += dT * dT;
        const T = body + dT;
        if (T > tmax) tmax = T;
        if (t > 0) {
          const dt = time[t] - time[t - 1];
          dose += cem43Segment(dt, prevT, T);
          inBand += segmentTimeInBand(dt, prevT, T, 40, 43);
        }
        prevT = T;
      }
      out.params[po + n] = dose;
      out.params[po + n + 1] = tmax;
      out.params[po + n + 2] = inBand;
      out.rss[v] = rss;
      out.status[v] = VOXEL_OK;
    }
  },
};
