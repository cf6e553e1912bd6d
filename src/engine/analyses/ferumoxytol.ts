/**
 * Ferumoxytol / USPIO MRI per tumour (scan purpose "multi-echo", acquisition.series "pre-post"):
 * files [multi-echo GRE before the agent (4D, one volume per echo), the same after it, tumour
 * mask]; acquisition te_ms (one per volume), fieldStrengthT, agent (default ferumoxytol),
 * relaxivityMedium (plasma | saline) or an explicit r2StarPerSPerMM, relaxModel (mono | offset |
 * noise-floor). R2* maps of both series through the voxelwise engine (voxel model "relax",
 * core/mri/relaxometry.ts), then per voxel ΔR2* = R2*_post − R2*_pre and [Fe] = ΔR2* / r2*
 * (core/mri/ironOxide.ts; r2* from the cited Knobloch 2018 table unless given). Maps
 * R2star_pre_per_s, R2star_post_per_s, dR2star_per_s, Fe_mM + status.nii.gz + ferumoxytol_map.json
 * in results/maps/<scan>/ (status: the worse of the two fits). Rows per tumour ROI: the means
 * over voxels where both fits converged (the ROI mean of the maps), Fe_ug_per_mL = mM × 55.845,
 * the relaxivity used, the voxel counts and the median [Fe]. With files 4–6 (GRE at steady state,
 * multi-spin-echo before and at steady state) also blood volume and vessel size index
 * (ferumoxytolVsi.ts; maps dR2star_ss_per_s, dR2_ss_per_s, BVf: NaN where a fit failed).
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { ironConcentrationMm, ironUgPerMl, lookupRelaxivity } from "../../core/mri/ironOxide.js";
import type { RelaxModelName } from "../../core/mri/relaxometry.js";
import { VOXEL_OK } from "../../core/voxel/model.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { runVoxelMap, type VoxelMapResult } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
import { row } from "./common.js";
import { acqList, acqNumber, needFiles, roiStats, statusCounts } from "./ferumoxytolCommon.js";
import { dwiTaskFor, steadyState } from "./ferumoxytolVsi.js";

export const FERUMOXYTOL = "ferumoxytol";

function relaxivityFor(scan: Scan): { r2Star: number; source: string } {
  const a = scan.acquisition ?? {};
  if (a.r2StarPerSPerMM !== undefined) {
    const r = acqNumber(scan, "r2StarPerSPerMM");
    return { r2Star: r, source: "study.json (acquisition.r2StarPerSPerMM)" };
  }
  const medium = String(a.relaxivityMedium ?? "plasma");
  if (medium !== "plasma" && medium !== "saline")
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.relaxivityMedium`,
      value: medium,
      expected: "plasma | saline",
    });
  const rel = lookupRelaxivity(String(a.agent ?? "ferumoxytol"), acqNumber(scan, "fieldStrengthT"), medium);
  if (rel.r2Star === null)
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.r2StarPerSPerMM`,
      value: null,
      expected: `a measured r2* (${rel.note ?? "no tabulated value"})`,
    });
  return {
    r2Star: rel.r2Star,
    source: `${rel.agent} ${rel.fieldT} T ${rel.medium} ${rel.temperatureC} °C: ${rel.reference}`,
  };
}

export function planFerumoxytol(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "MRI" && s.purpose === "multi-echo" && s.acquisition?.series === "pre-post")
    .map(
      (scan) =>
        ({
          id: `${FERUMOXYTOL}/${scan.id}`,
          kind: FERUMOXYTOL,
          revision: 1,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, scan.files.length >= 6 ? 6 : 3),
          inputs: { scan },
          dependsOn:
            scan.files.length >= 6 ? [dwiTaskFor(ls, scan)].filter((x): x is string => x !== null) : [],
          run: async ({ progress, signal, store }) => {
            needFiles(scan, 3, "[multi-echo pre, multi-echo post, tumour mask]");
            const roi = String(scan.acquisition?.tumour ?? "tumour");
            const { r2Star, source } = relaxivityFor(scan);
            const pre = readNifti(join(ls.dir, scan.files[0]));
            const post = readNifti(join(ls.dir, scan.files[1]));
            const mask = readNifti(join(ls.dir, scan.files[2]));
            const nvox = voxelCount3d(pre);
            const ne = frameCount(pre);
            for (const [i, v] of [
              [1, post],
              [2, mask],
            ] as const)
              if (voxelCount3d(v) !== nvox || (i === 1 && frameCount(v) !== ne))
                throw new InputError({
                  file: scan.files[i],
                  field: "dims",
                  value: v.dims,
                  expected: `the grid of ${scan.files[0]} (${pre.dims.join("×")})`,
                });
            const teMs = acqList(scan, "te_ms", ne, "echo times (ms)");
            const options = {
              teMs,
              model: String(scan.acquisition?.relaxModel ?? "mono") as RelaxModelName,
            };
            const fitSeries = (data: Float32Array | Float64Array): Promise<VoxelMapResult> =>
              runVoxelMap({
                model: "relax",
                options,
                data,
                nVoxels: nvox,
                nSamples: ne,
                mask: mask.data,
                threads: 1,
                signal,
              });
            const a = await fitSeries(pre.data);
            progress(0.4);
            const b = await fitSeries(post.data);
            progress(0.8);
            const r2pre = a.params.R2_per_s;
            const r2post = b.params.R2_per_s;
            const dR = new Float64Array(nvox);
            const fe = new Float64Array(nvox);
            const status = new Uint8Array(nvox);
            for (let v = 0; v < nvox; v++) {
              status[v] = a.status[v] !== VOXEL_OK ? a.status[v] : b.status[v];
              const ok = status[v] === VOXEL_OK;
              dR[v] = ok ? r2post[v] - r2pre[v] : Number.NaN;
              fe[v] = ok ? ironConcentrationMm(dR[v], r2Star) : Number.NaN;
            }
            const ss =
              scan.files.length >= 6
                ? await steadyState({
                    ls,
                    scan,
                    kind: FERUMOXYTOL,
                    roi,
                    mask: mask.data,
                    r2StarPre: r2pre,
                    preStatus: a.status,
                    teMs,
                    model: options.model,
                    store,
                    signal,
                  })
                : null;
            progress(0.9);
            const maps: VoxelMapResult = {
              model: "relax",
              parameters: [
                { key: "R2star_pre_per_s", unit: "1/s", description: "R2* before the agent" },
                { key: "R2star_post_per_s", unit: "1/s", description: "R2* after the agent" },
                { key: "dR2star_per_s", unit: "1/s", description: "ΔR2* = R2*_post − R2*_pre" },
                { key: "Fe_mM", unit: "mM", description: "[Fe] = ΔR2* / r2*" },
                ...(ss?.parameters ?? []),
              ],
              params: {
                R2star_pre_per_s: r2pre,
                R2star_post_per_s: r2post,
                dR2star_per_s: dR,
                Fe_mM: fe,
                ...(ss?.params ?? {}),
              },
              status,
              rss: new Float64Array(nvox).fill(Number.NaN),
              fitted: a.fitted,
              workers: 1,
              statusCounts: statusCounts(status),
              nVoxels: nvox,
              nSamples: ne,
            };
            writeVoxelMaps(
              join(ls.dir, "results", "maps", scan.id),
              maps,
              { dims: pre.dims, spacingMm: pre.spacingMm, affine: pre.affine },
              {
                sidecarName: "ferumoxytol_map.json",
                options,
                extra: {
                  inputs: scan.files.slice(0, ss ? 6 : 3),
                  r2star_per_s_per_mM: r2Star,
                  relaxivity_source: source,
                  derived:
                    "R2* maps of both series (voxel model relax); ΔR2* and [Fe] = ΔR2* / r2* per voxel",
                },
              },
            );
            const rows: ResultRow[] = [];
            const add = (parameter: string, value: number, unit: string, extra: { message?: string } = {}) =>
              rows.push(row(FERUMOXYTOL, scan.subject, roi, parameter, value, unit, extra));
            const units: Record<string, string> = {
              R2star_pre_per_s: "1/s",
              R2star_post_per_s: "1/s",
              dR2star_per_s: "1/s",
              Fe_mM: "mM",
            };
            let nOk = 0;
            for (const [k, u] of Object.entries(units)) {
              const st = roiStats(maps.params[k], status);
              add(k, st.mean, u);
              nOk = st.n;
              if (k === "Fe_mM") {
                add("Fe_mM.voxel_median", st.median, u);
                add("Fe_ug_per_mL", ironUgPerMl(st.mean), "ug/mL");
              }
            }
            add("r2star_per_s_per_mM", r2Star, "1/s/mM", { message: source });
            add("voxels", nOk, "1");
            add("voxels_not_ok", a.fitted - nOk, "1");
            if (ss) rows.push(...ss.rows);
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "relaxivity",
                  value: `r2* = ${r2Star} 1/s/mM (${source}); ${options.model} R2* fits, ROI mean of ${nOk} voxels`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
