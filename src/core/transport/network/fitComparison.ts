/**
 * Fit the simulated voxel curves with a standard tracer-kinetic model (core/perfusion/dceModel.ts:
 * Tofts, extended Tofts, Patlak, 2CXM, 2CUM) against the inlet plasma input, and compare the
 * fitted parameters with the network truth: Ktrans ↔ the Renkin–Crone expectation
 * F_p·(1 − e^{−PS/F_p}), vp ↔ (1 − Hct)·v_b, ve ↔ the EES fraction used, Fp ↔ (1 − Hct)·F,
 * PS ↔ Σ P·S / V. Per parameter: median of fitted/true, median |fitted − true|/true, Pearson r
 * (null for a constant truth). Voxels fitted: those containing perfused vessels (vp > 0).
 */

import { DceModel } from "../../perfusion/dceModel.js";
import type { DceModelName } from "../../perfusion/models.js";
import type { NetworkDceMaps } from "./dceSimulation.js";

export interface ParameterComparison {
  truth: string;
  voxels: number;
  median_ratio: number | null;
  median_abs_rel_error: number | null;
  pearson_r: number | null;
}

export interface NetworkFitResult {
  model: DceModelName;
  fittedVoxels: number;
  /** fitted parameter maps (NaN where not fitted) */
  params: Record<string, Float64Array>;
  comparison: Record<string, ParameterComparison>;
}

function median(x: number[]): number | null {
  if (x.length === 0) return null;
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function pearson(a: number[], b: number[]): number | null {
  const n = a.length;
  if (n < 3) return null;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  // a constant truth (e.g. a uniform ve) has no correlation to speak of
  const spread = Math.max(...b) - Math.min(...b);
  if (!(spread > 1e-9 * Math.max(...b.map(Math.abs)))) return null;
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : null;
}

export function fitNetworkCurves(o: {
  model: DceModelName;
  timeS: ArrayLike<number>;
  aifMM: ArrayLike<number>;
  /** frame-major curves, nVoxels per frame */
  ctMM: ArrayLike<number>;
  nVoxels: number;
  maps: NetworkDceMaps;
  haematocrit: number;
  onProgress?: (fraction: number) => void;
}): NetworkFitResult {
  const nt = o.timeS.length;
  const nv = o.nVoxels;
  const m = new DceModel(o.model, o.timeS, o.aifMM);
  const params: Record<string, Float64Array> = {};
  const voxels: number[] = [];
  for (let v = 0; v < nv; v++) if (o.maps.vp[v] > 0) voxels.push(v);
  const curve = new Float64Array(nt);
  const varpro = o.model === "tofts" || o.model === "etofts";
  voxels.forEach((v, i) => {
    for (let f = 0; f < nt; f++) curve[f] = o.ctMM[f * nv + v];
    const fit = m.fit(curve, { varpro });
    for (const [k, x] of Object.entries(fit.params)) {
      if (!params[k]) params[k] = new Float64Array(nv).fill(Number.NaN);
      params[k][v] = x;
    }
    if (o.onProgress && i % 64 === 63) o.onProgress((i + 1) / voxels.length);
  });
  const H = o.haematocrit;
  const truth: Record<string, [string, (v: number) => number]> = {
    Ktrans_per_min: ["ktrans_renkin_crone_per_min", (v) => o.maps.ktransRenkinCronePerMin[v]],
    vp: ["vp", (v) => o.maps.vp[v]],
    ve: ["ve", (v) => o.maps.ve[v]],
    Fp_per_min: ["(1 − hct)·flow_ml_per_min_per_ml", (v) => (1 - H) * o.maps.flowMlPerMinPerMl[v]],
    PS_per_min: ["ps_per_min", (v) => o.maps.psPerMin[v]],
  };
  const comparison: Record<string, ParameterComparison> = {};
  for (const [k, map] of Object.entries(params)) {
    const t = truth[k];
    if (!t) continue;
    const fitted: number[] = [];
    const tr: number[] = [];
    for (const v of voxels) {
      const y = t[1](v);
      if (y > 0 && Number.isFinite(map[v])) {
        fitted.push(map[v]);
        tr.push(y);
      }
    }
    comparison[k] = {
      truth: t[0],
      voxels: fitted.length,
      median_ratio: median(fitted.map((x, i) => x / tr[i])),
      median_abs_rel_error: median(fitted.map((x, i) => Math.abs(x - tr[i]) / tr[i])),
      pearson_r: pearson(fitted, tr),
    };
  }
  return { model: o.model, fittedVoxels: voxels.length, params, comparison };
}
