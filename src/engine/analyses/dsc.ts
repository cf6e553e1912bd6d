/**
 * DSC-MRI per tumour (modality MRI, scan purpose "dsc"): files [DSC series (4D, one volume per
 * frame), tumour mask, arterial input CSV (`time_s` and one arterial column on the same,
 * uniformly spaced frames)]. Acquisition: te_ms, baselineFrames (S0 = their mean), aifInput
 * (deltaR2star default | signal | concentration; signal is converted with te_ms and
 * baselineFrames), method (osvd default | svd), svdThreshold, oi, leakage (Boxerman–Weisskoff,
 * reference = the mean ΔR2* of the fitted voxels). Through the voxelwise engine (voxel model
 * "dsc", core/perfusion/dscVoxelModel.ts): maps CBV_ml_per_100ml, CBF_ml_per_100ml_per_min,
 * MTT_s, Tmax_s (+ K2_per_s), status and dsc_map.json in results/maps/<scan>/.
 * Rows per tumour ROI: means over converged voxels of CBV_ml_per_100ml (relative blood volume,
 * no hematocrit or density factor), CBF_ml_per_100ml_per_min, MTT_s, Tmax_s (K2_per_s), the
 * median CBV and voxel counts. DSC_BIOMARKERS registers rCBV and CBF for stratification.
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { deltaR2Star } from "../../core/perfusion/dsc.js";
import { DSC_METHODS, type DscMethod, type DscVoxelOptions } from "../../core/perfusion/dscVoxelModel.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
import type { LesionBiomarker } from "./biomarkers.js";
import { row } from "./common.js";
import { acqNumber, needFiles, roiStats } from "./ferumoxytolCommon.js";

export const DSC = "dsc";

export const DSC_BIOMARKERS: LesionBiomarker[] = [
  {
    kind: DSC,
    parameter: "CBV_ml_per_100ml",
    name: "DSC_rCBV",
    unit: "mL/100mL",
    description: "DSC-MRI relative blood volume (∫ΔR2* ratio)",
  },
  {
    kind: DSC,
    parameter: "CBF_ml_per_100ml_per_min",
    name: "DSC_CBF",
    unit: "mL/100mL/min",
    description: "DSC-MRI blood flow (oSVD deconvolution)",
  },
];

const UNITS: Record<string, string> = {
  CBV_ml_per_100ml: "mL/100mL",
  CBF_ml_per_100ml_per_min: "mL/100mL/min",
  MTT_s: "s",
  Tmax_s: "s",
  K2_per_s: "1/s",
};
const AIF_INPUTS = ["deltaR2star", "signal", "concentration"] as const;

/** the arterial curve of the scan (ΔR2* or concentration) and its frame interval */
function readAif(ls: LoadedStudy, scan: Scan, nFrames: number, teS: number, nb: number) {
  const file = scan.files[2];
  const tab = readCsv(join(ls.dir, file));
  const col = tab.columns.find((c) => c !== "time_s");
  if (!hasColumn(tab, "time_s") || col === undefined || tab.columns.length !== 2)
    throw new InputError({
      file,
      field: "columns",
      value: tab.columns,
      expected: `time_s and one arterial column for scan ${scan.id}`,
    });
  const t = numericColumn(tab, "time_s");
  const y = numericColumn(tab, col);
  if (t.length !== nFrames)
    throw new InputError({
      file,
      field: "rows",
      value: t.length,
      expected: `${nFrames} frames, as the volumes of ${scan.files[0]}`,
    });
  const dtS = t[1] - t[0];
  for (let i = 1; i < t.length; i++)
    if (!(dtS > 0 && Math.abs(t[i] - t[i - 1] - dtS) <= 1e-6 * Math.max(1, dtS)))
      throw new InputError({
        file,
        field: `time_s[${i}]`,
        value: t[i],
        expected: "uniformly spaced, increasing frame times (s)",
      });
  const kind = String(scan.acquisition?.aifInput ?? "deltaR2star");
  if (!(AIF_INPUTS as readonly string[]).includes(kind))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.aifInput`,
      value: kind,
      expected: AIF_INPUTS.join(" | "),
    });
  const aif = kind === "signal" ? Array.from(deltaR2Star(y, nb, teS)) : Array.from(y);
  if (!aif.every(Number.isFinite))
    throw new InputError({
      file,
      field: col,
      expected: "a finite (and, as signal, positive) value per frame",
    });
  return { aif, dtS };
}

export function planDsc(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "MRI" && s.purpose === "dsc")
    .map(
      (scan) =>
        ({
          id: `${DSC}/${scan.id}`,
          kind: DSC,
          revision: 1,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, 3),
          inputs: { scan },
          dependsOn: [],
          run: async ({ progress, signal }) => {
            needFiles(scan, 3, "[DSC series, tumour mask, arterial input CSV]");
            const a = scan.acquisition ?? {};
            const roi = String(a.tumour ?? "tumour");
            const dsc = readNifti(join(ls.dir, scan.files[0]));
            const mask = readNifti(join(ls.dir, scan.files[1]));
            const nvox = voxelCount3d(dsc);
            const n = frameCount(dsc);
            if (voxelCount3d(mask) !== nvox)
              throw new InputError({
                file: scan.files[1],
                field: "dims",
                value: mask.dims,
                expected: `the grid of ${scan.files[0]} (${dsc.dims.slice(0, 3).join("×")})`,
              });
            const teS = acqNumber(scan, "te_ms") / 1000;
            const nb = acqNumber(scan, "baselineFrames");
            const method = String(a.method ?? "osvd") as DscMethod;
            if (!(DSC_METHODS as readonly string[]).includes(method))
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.method`,
                value: method,
                expected: DSC_METHODS.join(" | "),
              });
            const { aif, dtS } = readAif(ls, scan, n, teS, nb);
            const leakage = a.leakage === true;
            let leakageReference: number[] | undefined;
            if (leakage) {
              // mean ΔR2* of the masked voxels with a valid signal
              const sum = new Float64Array(n);
              let count = 0;
              const y = new Float64Array(n);
              for (let v = 0; v < nvox; v++) {
                if (!(mask.data[v] > 0)) continue;
                for (let f = 0; f < n; f++) y[f] = dsc.data[f * nvox + v];
                if (!y.every((s) => s > 0 && Number.isFinite(s))) continue;
                const d = deltaR2Star(y, nb, teS);
                for (let f = 0; f < n; f++) sum[f] += d[f];
                count++;
              }
              if (count === 0)
                throw new InputError({
                  file: scan.files[1],
                  field: "mask",
                  expected: "voxels with a valid signal",
                });
              leakageReference = Array.from(sum, (s) => s / count);
            }
            const options: DscVoxelOptions = {
              dtS,
              aif,
              input: "signal",
              teS,
              baselineFrames: nb,
              method,
              ...(a.svdThreshold !== undefined ? { svdThreshold: acqNumber(scan, "svdThreshold") } : {}),
              ...(a.oi !== undefined ? { oi: acqNumber(scan, "oi") } : {}),
              leakage,
              ...(leakageReference ? { leakageReference } : {}),
            };
            const res = await runVoxelMap({
              model: "dsc",
              options,
              data: dsc.data,
              nVoxels: nvox,
              nSamples: n,
              mask: mask.data,
              threads: 1,
              signal,
            });
            progress(0.8);
            const geom = { dims: dsc.dims, spacingMm: dsc.spacingMm, affine: dsc.affine };
            writeVoxelMaps(join(ls.dir, "results", "maps", scan.id), res, geom, {
              options,
              extra: { input: scan.files[0], aif: scan.files[2] },
            });
            const rows: ResultRow[] = [];
            const add = (p: string, v: number, unit: string) =>
              rows.push(row(DSC, scan.subject, roi, p, v, unit));
            for (const k of Object.keys(res.params)) {
              const st = roiStats(res.params[k], res.status);
              add(k, st.mean, UNITS[k] ?? "1");
              if (k === "CBV_ml_per_100ml") add("CBV_ml_per_100ml.voxel_median", st.median, UNITS[k]);
            }
            add("voxels", res.fitted, "1");
            add("voxels_ok", res.statusCounts.ok ?? 0, "1");
            add("voxels_not_converged", res.statusCounts["not-converged"] ?? 0, "1");
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "model",
                  value: `DSC ${method === "osvd" ? "oSVD (Wu 2003)" : "truncated SVD (Østergaard 1996)"} deconvolution, ${n} frames at ${dtS} s, TE ${1000 * teS} ms${leakage ? ", Boxerman–Weisskoff leakage correction" : ""}`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
