/**
 * DCE-MRI per tumour (scan purpose "dce"): files [dynamic SPGR 4D, T1,0 map, tumour mask].
 * Each mask voxel's signal is converted to concentration (core/mri/spgr.ts, OSIPI convention,
 * its own T1,0), the ROI-mean curve is fitted with the scan's model (default extended Tofts)
 * and bolus-arrival delay against the study's AIF (CSV time_s + cb_mM blood or cp_mM plasma).
 * A fit that does not converge is stored with status "flagged", never dropped or set to 0.
 * Voxelwise maps inside the mask go through the voxelwise engine (engine/voxelwise/, model
 * "dce" on the concentration curves, no delay), written as results/maps/<scan>/*.nii.gz +
 * status.nii.gz + dce_map.json.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { signalToConcentration } from "../../core/mri/spgr.js";
import { DceModel } from "../../core/perfusion/dceModel.js";
import type { DceModelName } from "../../core/perfusion/models.js";
import { readPlasmaAif } from "../../io/aif.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
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
        revision: 2,
        subject: scan.subject,
        inputFiles: [...scan.files, aifFile],
        inputs: { scan },
        dependsOn: [],
        run: async ({ progress, signal }) => {
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
          const { timeS, cp } = readPlasmaAif(join(ls.dir, aifFile), Number(a.hematocrit ?? 0.42));
          if (timeS.length !== nt)
            throw new InputError({
              file: aifFile,
              field: "time_s",
              value: timeS.length,
              expected: `${nt} samples (frames of ${scan.files[0]})`,
            });
          const opts = {
            faDeg: need("flipAngleDeg"),
            trS: need("trMs") / 1000,
            r1: need("relaxivityPerMMPerS"),
            baselineSamples: need("baselineFrames"),
          };
          const mean = new Float64Array(nt);
          const sig = new Float64Array(nt);
          const c = new Float64Array(nt);
          // concentration series [frame][voxel], computed inside the mask only
          const conc = new Float32Array(nvox * nt);
          let n = 0;
          for (let v = 0; v < nvox; v++) {
            if (!(mask.data[v] > 0)) continue;
            for (let f = 0; f < nt; f++) sig[f] = dyn.data[f * nvox + v];
            signalToConcentration(sig, { ...opts, t10S: t1.data[v] }, c);
            let ok = true;
            for (let f = 0; f < nt; f++) {
              conc[f * nvox + v] = c[f];
              if (!Number.isFinite(c[f])) ok = false;
            }
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
          const maps = await runVoxelMap({
            model: "dce",
            options: { model: modelName, timeS, aif: cp, fitDelay: false },
            data: conc,
            nVoxels: nvox,
            nSamples: nt,
            mask: mask.data,
            threads: 1,
            signal,
          });
          const outDir = join(ls.dir, "results", "maps", scan.id);
          mkdirSync(outDir, { recursive: true });
          writeVoxelMaps(
            outDir,
            maps,
            { dims: dyn.dims, spacingMm: dyn.spacingMm, affine: dyn.affine },
            {
              sidecarName: "dce_map.json",
              options: { model: modelName, timeS, aif: cp, fitDelay: false },
              extra: { input: scan.files[0], aif: aifFile },
            },
          );
          for (const p of maps.parameters) {
            const vals = maps.params[p.key];
            const ok: number[] = [];
            for (let v = 0; v < nvox; v++)
              if (maps.status[v] === 0 && Number.isFinite(vals[v])) ok.push(vals[v]);
            ok.sort((x, y) => x - y);
            if (ok.length)
              rows.push(
                row(
                  DCE,
                  scan.subject,
                  roi,
                  `${p.key}.voxel_median`,
                  ok[Math.floor(ok.length / 2)],
                  UNITS[p.key] ?? "1",
                ),
              );
          }
          rows.push(
            row(DCE, scan.subject, roi, "voxels_not_converged", maps.statusCounts["not-converged"] ?? 0, "1"),
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
