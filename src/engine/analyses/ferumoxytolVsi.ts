/**
 * Steady-state blood volume and vessel size index of a ferumoxytol scan (files 4–6 of the
 * "pre-post" multi-echo scan: GRE at steady state, multi-spin-echo before and at steady state;
 * acquisition se_te_ms, deltaChiPpm — the blood–tissue susceptibility difference at steady state
 * in cgs ppm — and fieldStrengthT). R2* and R2 maps through the voxelwise engine (model "relax"),
 * per voxel ΔR2*_ss = R2*_ss − R2*_pre and ΔR2_ss = R2_ss − R2_pre, BVf = 3·ΔR2*_ss/(4πγΔχB0)
 * (static dephasing). ROI values over voxels where all four fits converged: the means of ΔR2*_ss,
 * ΔR2_ss and BVf (rBV_percent = 100·BVf), Q_ratio = ⟨ΔR2*_ss⟩/⟨ΔR2_ss⟩ and VSI_um =
 * 0.425·√(ADC/(γΔχB0))·Q^{3/2} (Troprès et al., MRM 2001;45:397; core/mri/ironOxide.ts) with the
 * tumour's ADC from its DWI analysis (or acquisition.adcMm2PerS); without an ADC VSI is null,
 * status "missing".
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { bloodVolumeFraction, vesselSizeIndexUm } from "../../core/mri/ironOxide.js";
import type { RelaxModelName } from "../../core/mri/relaxometry.js";
import { VOXEL_OK, type VoxelParameter } from "../../core/voxel/model.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultReader, ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { row } from "./common.js";
import { DWI } from "./dwi.js";
import { acqList, acqNumber } from "./ferumoxytolCommon.js";

/** the DWI task id of the same subject and tumour, if the study has one */
export function dwiTaskFor(ls: LoadedStudy, scan: Scan): string | null {
  const d = ls.study.scans.find(
    (s) =>
      s.modality === "MRI" &&
      s.purpose === "dwi" &&
      s.subject === scan.subject &&
      s.acquisition?.tumour === scan.acquisition?.tumour,
  );
  return d ? `${DWI}/${d.id}` : null;
}

export interface SteadyState {
  rows: ResultRow[];
  parameters: VoxelParameter[];
  params: Record<string, Float64Array>;
}

export async function steadyState(o: {
  ls: LoadedStudy;
  scan: Scan;
  kind: string;
  roi: string;
  mask: ArrayLike<number>;
  /** R2* of the pre GRE series (1/s) and its status */
  r2StarPre: Float64Array;
  preStatus: Uint8Array;
  teMs: number[];
  model: RelaxModelName;
  store: ResultReader;
  signal?: AbortSignal;
}): Promise<SteadyState> {
  const { ls, scan } = o;
  const nvox = o.r2StarPre.length;
  const vols = [3, 4, 5].map((i) => readNifti(join(ls.dir, scan.files[i])));
  const nse = frameCount(vols[1]);
  vols.forEach((v, j) => {
    if (voxelCount3d(v) !== nvox || frameCount(v) !== (j === 0 ? o.teMs.length : nse))
      throw new InputError({
        file: scan.files[3 + j],
        field: "dims",
        value: v.dims,
        expected: `the grid of ${scan.files[0]}${j === 2 ? ` and the echoes of ${scan.files[4]}` : ""}`,
      });
  });
  const seTe = acqList(scan, "se_te_ms", nse, "spin-echo times (ms)");
  const b0 = acqNumber(scan, "fieldStrengthT");
  const chi = acqNumber(scan, "deltaChiPpm") * 1e-6;
  const fitRelax = (data: Float32Array | Float64Array, teMs: number[]) =>
    runVoxelMap({
      model: "relax",
      options: { teMs, model: o.model },
      data,
      nVoxels: nvox,
      nSamples: teMs.length,
      mask: o.mask,
      threads: 1,
      signal: o.signal,
    });
  const gSs = await fitRelax(vols[0].data, o.teMs);
  const sePre = await fitRelax(vols[1].data, seTe);
  const seSs = await fitRelax(vols[2].data, seTe);
  const dR2s = new Float64Array(nvox).fill(Number.NaN);
  const dR2 = new Float64Array(nvox).fill(Number.NaN);
  const bvf = new Float64Array(nvox).fill(Number.NaN);
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  for (let v = 0; v < nvox; v++) {
    if (
      o.preStatus[v] !== VOXEL_OK ||
      gSs.status[v] !== VOXEL_OK ||
      sePre.status[v] !== VOXEL_OK ||
      seSs.status[v] !== VOXEL_OK
    )
      continue;
    dR2s[v] = gSs.params.R2_per_s[v] - o.r2StarPre[v];
    dR2[v] = seSs.params.R2_per_s[v] - sePre.params.R2_per_s[v];
    bvf[v] = bloodVolumeFraction(dR2s[v], b0, chi);
    s1 += dR2s[v];
    s2 += dR2[v];
    n++;
  }
  const rows: ResultRow[] = [];
  const add = (p: string, v: number | null, unit: string, extra: Parameters<typeof row>[6] = {}) =>
    rows.push(row(o.kind, scan.subject, o.roi, p, v, unit, extra));
  const m1 = n ? s1 / n : Number.NaN;
  const m2 = n ? s2 / n : Number.NaN;
  const bv = n ? bloodVolumeFraction(m1, b0, chi) : Number.NaN;
  add("dR2star_ss_per_s", m1, "1/s");
  add("dR2_ss_per_s", m2, "1/s");
  add("Q_ratio", m1 / m2, "1");
  add("BVf", bv, "1");
  add("rBV_percent", 100 * bv, "%");
  add("voxels_ss", n, "1");
  // the tumour's ADC: its DWI analysis, else the acquisition's value
  const dwiId = dwiTaskFor(ls, scan);
  const fromDwi = dwiId
    ? o.store
        .listResults({ analysis: dwiId })
        .find((r) => r.parameter === "ADC_mm2_per_s" && r.roi === o.roi && r.status === "ok")?.value
    : undefined;
  const adc =
    fromDwi ?? (scan.acquisition?.adcMm2PerS !== undefined ? acqNumber(scan, "adcMm2PerS") : undefined);
  if (adc === undefined || adc === null)
    add("VSI_um", null, "um", {
      message: "no ADC for this tumour (no DWI analysis, no acquisition.adcMm2PerS)",
    });
  else
    add("VSI_um", vesselSizeIndexUm(adc, m1, m2, b0, chi), "um", {
      message: `ADC ${adc} mm2/s from ${fromDwi != null ? dwiId : "acquisition.adcMm2PerS"}`,
    });
  return {
    rows,
    parameters: [
      { key: "dR2star_ss_per_s", unit: "1/s", description: "steady-state ΔR2* (GRE)" },
      { key: "dR2_ss_per_s", unit: "1/s", description: "steady-state ΔR2 (spin echo)" },
      { key: "BVf", unit: "1", description: "blood volume fraction, static dephasing" },
    ],
    params: { dR2star_ss_per_s: dR2s, dR2_ss_per_s: dR2, BVf: bvf },
  };
}
