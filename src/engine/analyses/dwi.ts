/**
 * Diffusion-weighted MRI per tumour (scan purpose "dwi"): files [DWI series (4D, one volume per
 * b-value), tumour mask]; acquisition b_values_s_per_mm2 (one per volume), adcMinB_s_per_mm2
 * (ADC from the b-values ≥ this, default 200 s/mm², above the perfusion regime), ivimMethod
 * (full default | segmented) and ivimBThreshold_s_per_mm2. Through the voxelwise engine (voxel
 * model "dwi", core/mri/diffusion.ts): IVIM maps f, D_mm2_per_s, Dstar_mm2_per_s, S0 (+ status,
 * dwi_map.json) and the log-linear ADC map (ADC_mm2_per_s, adc_status, dwi_adc_map.json), all in
 * results/maps/<scan>/.
 * Rows per tumour ROI: means over converged voxels of ADC_mm2_per_s, f, D_mm2_per_s,
 * Dstar_mm2_per_s, the medians of ADC and D, and voxel counts.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import type { IvimMethod } from "../../core/mri/diffusion.js";
import type { DwiVoxelOptions } from "../../core/mri/dwiVoxelModel.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
import { row } from "./common.js";
import { acqList, acqNumber, needFiles, roiStats } from "./ferumoxytolCommon.js";

export const DWI = "dwi";
const UNITS: Record<string, string> = {
  ADC_mm2_per_s: "mm2/s",
  f: "1",
  D_mm2_per_s: "mm2/s",
  Dstar_mm2_per_s: "mm2/s",
};

export function planDwi(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "MRI" && s.purpose === "dwi")
    .map(
      (scan) =>
        ({
          id: `${DWI}/${scan.id}`,
          kind: DWI,
          revision: 1,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, 2),
          inputs: { scan },
          dependsOn: [],
          run: async ({ progress, signal }) => {
            needFiles(scan, 2, "[DWI series, tumour mask]");
            const roi = String(scan.acquisition?.tumour ?? "tumour");
            const dwi = readNifti(join(ls.dir, scan.files[0]));
            const mask = readNifti(join(ls.dir, scan.files[1]));
            const nvox = voxelCount3d(dwi);
            const nb = frameCount(dwi);
            if (voxelCount3d(mask) !== nvox)
              throw new InputError({
                file: scan.files[1],
                field: "dims",
                value: mask.dims,
                expected: `the grid of ${scan.files[0]} (${dwi.dims.slice(0, 3).join("×")})`,
              });
            const bValues = acqList(scan, "b_values_s_per_mm2", nb, "b-values (s/mm²)");
            const minB = acqNumber(scan, "adcMinB_s_per_mm2", 200);
            const method = String(scan.acquisition?.ivimMethod ?? "full") as IvimMethod;
            const ivimOpts: DwiVoxelOptions = {
              bValues,
              model: "ivim",
              method,
              ...(scan.acquisition?.ivimBThreshold_s_per_mm2 !== undefined
                ? { bThreshold: acqNumber(scan, "ivimBThreshold_s_per_mm2") }
                : {}),
            };
            const ivim = await runVoxelMap({
              model: "dwi",
              options: ivimOpts,
              data: dwi.data,
              nVoxels: nvox,
              nSamples: nb,
              mask: mask.data,
              threads: 1,
              signal,
            });
            progress(0.6);
            // ADC on the b-values ≥ minB: copy those volumes
            const keep = bValues.flatMap((b, k) => (b >= minB ? [k] : []));
            if (keep.length < 2)
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.adcMinB_s_per_mm2`,
                value: minB,
                expected: `a b-value threshold leaving ≥ 2 of ${bValues.join(", ")}`,
              });
            const sub = new Float32Array(nvox * keep.length);
            keep.forEach((k, j) => sub.set(dwi.data.subarray(k * nvox, (k + 1) * nvox), j * nvox));
            const adcOpts: DwiVoxelOptions = {
              bValues: keep.map((k) => bValues[k]),
              model: "adc",
              method: "log-linear",
            };
            const adc = await runVoxelMap({
              model: "dwi",
              options: adcOpts,
              data: sub,
              nVoxels: nvox,
              nSamples: keep.length,
              mask: mask.data,
              threads: 1,
              signal,
            });
            progress(0.9);
            const geom = { dims: dwi.dims, spacingMm: dwi.spacingMm, affine: dwi.affine };
            const outDir = join(ls.dir, "results", "maps", scan.id);
            writeVoxelMaps(outDir, ivim, geom, { options: ivimOpts, extra: { input: scan.files[0] } });
            // ADC next to the IVIM maps, with its own status map and sidecar (the workspace lists them)
            const g3 = { ...geom, dims: geom.dims.slice(0, 3) };
            writeNifti(
              join(outDir, "ADC_mm2_per_s.nii.gz"),
              { ...g3, data: Float32Array.from(adc.params.ADC_mm2_per_s) },
              { description: "dwi ADC_mm2_per_s (mm2/s)" },
            );
            writeNifti(
              join(outDir, "adc_status.nii.gz"),
              { ...g3, data: Float32Array.from(adc.status) },
              { datatype: "uint8", description: "ADC fit: 0 ok 1 not converged 2 invalid 3 outside mask" },
            );
            const adcSidecar = {
              model: "dwi",
              parameters: [{ key: "ADC_mm2_per_s", unit: "mm2/s", file: "ADC_mm2_per_s.nii.gz" }],
              options: adcOpts,
              status_file: "adc_status.nii.gz",
              status_counts: adc.statusCounts,
              input: scan.files[0],
            };
            writeFileSync(join(outDir, "dwi_adc_map.json"), `${JSON.stringify(adcSidecar, null, 2)}\n`);
            const rows: ResultRow[] = [];
            const add = (p: string, v: number, unit: string) =>
              rows.push(row(DWI, scan.subject, roi, p, v, unit));
            const a = roiStats(adc.params.ADC_mm2_per_s, adc.status);
            add("ADC_mm2_per_s", a.mean, UNITS.ADC_mm2_per_s);
            add("ADC_mm2_per_s.voxel_median", a.median, UNITS.ADC_mm2_per_s);
            let nIvim = 0;
            for (const k of ["f", "D_mm2_per_s", "Dstar_mm2_per_s"]) {
              const st = roiStats(ivim.params[k], ivim.status);
              add(k, st.mean, UNITS[k]);
              if (k === "D_mm2_per_s") add("D_mm2_per_s.voxel_median", st.median, UNITS[k]);
              nIvim = st.n;
            }
            add("voxels", ivim.fitted, "1");
            add("voxels_adc", a.n, "1");
            add("voxels_ivim", nIvim, "1");
            add("voxels_not_converged", ivim.statusCounts["not-converged"] ?? 0, "1");
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "model",
                  value: `IVIM ${method} on b = ${bValues.join(",")} s/mm²; ADC log-linear on b ≥ ${minB} s/mm²`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
