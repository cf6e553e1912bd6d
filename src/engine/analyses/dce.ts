/**
 * DCE-MRI per tumour (scan purpose "dce"): files [dynamic SPGR 4D, T1,0 map, tumour mask].
 * Each mask voxel's signal is converted to concentration (core/mri/spgr.ts, OSIPI convention,
 * its own T1,0), the ROI-mean curve is fitted with the scan's model (default extended Tofts)
 * and bolus-arrival delay against the study's AIF (CSV time_s + cb_mM blood or cp_mM plasma).
 * A fit that does not converge is stored with status "flagged", never dropped or set to 0.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { signalToConcentration } from "../../core/mri/spgr.js";
import { bloodToPlasma } from "../../core/perfusion/aif.js";
import { DceModel } from "../../core/perfusion/dceModel.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { fitDceChunk } from "../workers/dceChunk.js";
import { row } from "./common.js";

export const DCE = "dce";
const UNITS: Record<string, string> = {
  Ktrans_per_min: "1/min",
  ve: "1",
  vp: "1",
  Fp_per_min: "1/min",
  PS_per_min: "1/min",
  delay_s: "s",
};

export function planDce(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "MRI" && s.purpose === "dce")
    .map((scan) => {
      const a = scan.acquisition ?? {};
      const aifFile = String(a.aif ?? "");
      return {
        id: `${DCE}/${scan.id}`,
        kind: DCE,
        revision: 1,
        subject: scan.subject,
        inputFiles: [...scan.files, aifFile],
        inputs: { scan },
        dependsOn: [],
        run: ({ progress }) => {
          const need = (k: string) => {
            const v = Number(a[k]);
            if (!Number.isFinite(v))
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.${k}`,
                value: a[k],
                expected: "a number",
              });
            return v;
          };
          if (scan.files.length < 3)
            throw new InputError({
              file: "study.json",
              field: `scans[${scan.id}].files`,
              value: scan.files,
              expected: "[dynamic 4D, T1 map, mask]",
            });
          const dyn = readNifti(join(ls.dir, scan.files[0]));
          const t1 = readNifti(join(ls.dir, scan.files[1]));
          const mask = readNifti(join(ls.dir, scan.files[2]));
          progress(0.3);
          const nvox = voxelCount3d(dyn);
          const nt = frameCount(dyn);
          if (voxelCount3d(t1) !== nvox || voxelCount3d(mask) !== nvox)
            throw new InputError({
              file: scan.files[1],
              field: "dims",
              value: t1.dims,
              expected: `the dynamic image's grid ${dyn.dims.slice(0, 3).join("×")}`,
            });
          const aifTable = readCsv(join(ls.dir, aifFile));
          const timeS = numericColumn(aifTable, "time_s");
          if (timeS.length !== nt)
            throw new InputError({
              file: aifFile,
              field: "time_s",
              value: timeS.length,
              expected: `${nt} samples (frames of ${scan.files[0]})`,
            });
          const cp = hasColumn(aifTable, "cp_mM")
            ? numericColumn(aifTable, "cp_mM")
            : bloodToPlasma(numericColumn(aifTable, "cb_mM"), Number(a.hematocrit ?? 0.42));
          const opts = {
            faDeg: need("flipAngleDeg"),
            trS: need("trMs") / 1000,
            r1: need("relaxivityPerMMPerS"),
            baselineSamples: need("baselineFrames"),
          };
          const mean = new Float64Array(nt);
          const sig = new Float64Array(nt);
          let n = 0;
          const maskVoxels: number[] = [];
          const curves: number[] = [];
          for (let v = 0; v < nvox; v++) {
            if (!(mask.data[v] > 0)) continue;
            for (let f = 0; f < nt; f++) sig[f] = dyn.data[f * nvox + v];
            const c = signalToConcentration(sig, { ...opts, t10S: t1.data[v] });
            maskVoxels.push(v);
            for (let f = 0; f < nt; f++) curves.push(c[f]);
            let ok = true;
            for (let f = 0; f < nt; f++) if (!Number.isFinite(c[f])) ok = false;
            if (!ok) continue;
            for (let f = 0; f < nt; f++) mean[f] += c[f];
            n++;
          }
          if (n === 0) throw new Error(`scan ${scan.id}: no usable voxel inside the mask`);
          for (let f = 0; f < nt; f++) mean[f] /= n;
          progress(0.6);
          const modelName = String(a.model ?? "etofts") as DceModelName;
          const fit = new DceModel(modelName, timeS, cp).fit(mean, { fitDelay: true });
          const roi = String(a.tumour ?? "tumour");
          const status = fit.converged ? "ok" : "flagged";
          const rows: ResultRow[] = Object.entries(fit.params).map(([k, v]) =>
            row(DCE, scan.subject, roi, k, v, UNITS[k] ?? "1", {
              status,
              message: fit.converged ? null : `fit ${fit.status}`,
            }),
          );
          rows.push(
            row(DCE, scan.subject, roi, "rss", fit.rss, "mM^2"),
            row(DCE, scan.subject, roi, "voxels", n, "1"),
          );
          // voxelwise maps inside the mask (status 3 outside), for the viewer and heterogeneity
          const maps = fitDceChunk({
            model: modelName,
            timeS,
            aif: cp,
            curves: Float64Array.from(curves),
            fitDelay: false,
          });
          const outDir = join(ls.dir, "results", "maps", scan.id);
          mkdirSync(outDir, { recursive: true });
          const geom = { dims: dyn.dims.slice(0, 3), spacingMm: dyn.spacingMm, affine: dyn.affine };
          for (const [key, vals] of Object.entries(maps.params)) {
            const img = new Float32Array(nvox);
            maskVoxels.forEach((v, j) => {
              img[v] = maps.status[j] === 2 ? 0 : vals[j];
            });
            writeNifti(join(outDir, `${key}.nii.gz`), { ...geom, data: img });
            const ok = maskVoxels
              .map((_, j) => vals[j])
              .filter((x, j) => maps.status[j] === 0 && Number.isFinite(x))
              .sort((x, y) => x - y);
            if (ok.length)
              rows.push(
                row(
                  DCE,
                  scan.subject,
                  roi,
                  `${key}.voxel_median`,
                  ok[Math.floor(ok.length / 2)],
                  UNITS[key] ?? "1",
                ),
              );
          }
          const statusImg = new Float32Array(nvox).fill(3);
          maskVoxels.forEach((v, j) => {
            statusImg[v] = maps.status[j];
          });
          writeNifti(
            join(outDir, "status.nii.gz"),
            { ...geom, data: statusImg },
            { datatype: "uint8", description: "0 ok 1 not converged 2 invalid 3 outside mask" },
          );
          rows.push(
            row(
              DCE,
              scan.subject,
              roi,
              "voxels_not_converged",
              maps.status.filter((x) => x === 1).length,
              "1",
            ),
          );
          return {
            rows,
            provenance: [
              { kind: "param", name: "model", value: `${modelName}, ROI mean of ${n} voxels, delay fitted` },
            ],
          };
        },
      } satisfies Task;
    });
}
