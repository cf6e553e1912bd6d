/**
 * Shear-wave elastography per tumour (modality US, scan purpose "swe"): files [shear-wave speed
 * map (m/s), optional quality map (0–1), tumour mask] — with two files the second is the mask;
 * acquisition densityKgPerM3 (default 1000), poissonRatio (0.5), minQuality (pixels of lower
 * quality are rejected). Per pixel μ = ρc² and E = 2μ(1 + ν) (core/ultrasound/elastography.ts);
 * rows per tumour ROI: shear_modulus_kPa (mean of the pixel moduli), youngs_modulus_kPa,
 * median, SD and IQR of μ, mean speed, pixels used and rejected. Maps shear_modulus_kPa and
 * youngs_modulus_kPa (NaN outside the mask or rejected) + swe_map.json in results/maps/<scan>/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { voxelCount3d } from "../../core/image/volume.js";
import { shearModulusKPa, summariseSwe, youngsModulusKPa } from "../../core/ultrasound/elastography.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Task } from "../task.js";
import { row } from "./common.js";
import { acqNumber, needFiles } from "./ferumoxytolCommon.js";

export const SWE = "swe";

export function planSwe(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "US" && s.purpose === "swe")
    .map(
      (scan) =>
        ({
          id: `${SWE}/${scan.id}`,
          kind: SWE,
          revision: 1,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, 3),
          inputs: { scan },
          dependsOn: [],
          run: () => {
            needFiles(scan, 2, "[speed map, (quality map,) tumour mask]");
            const roi = String(scan.acquisition?.tumour ?? "tumour");
            const rho = acqNumber(scan, "densityKgPerM3", 1000);
            const nu = acqNumber(scan, "poissonRatio", 0.5);
            const speed = readNifti(join(ls.dir, scan.files[0]));
            const withQuality = scan.files.length >= 3;
            const quality = withQuality ? readNifti(join(ls.dir, scan.files[1])) : null;
            const mask = readNifti(join(ls.dir, scan.files[withQuality ? 2 : 1]));
            const n = voxelCount3d(speed);
            for (const [file, v] of [
              [scan.files[withQuality ? 2 : 1], mask],
              ...(quality ? [[scan.files[1], quality] as const] : []),
            ] as const)
              if (voxelCount3d(v) !== n)
                throw new InputError({
                  file,
                  field: "dims",
                  value: v.dims,
                  expected: `the grid of ${scan.files[0]} (${speed.dims.slice(0, 3).join("×")})`,
                });
            const minQuality =
              quality && scan.acquisition?.minQuality !== undefined
                ? acqNumber(scan, "minQuality")
                : undefined;
            const idx: number[] = [];
            for (let v = 0; v < n; v++) if (mask.data[v] > 0) idx.push(v);
            const sp = Float64Array.from(idx, (v) => speed.data[v]);
            const q = quality ? Float64Array.from(idx, (v) => quality.data[v]) : undefined;
            const [s] = summariseSwe(
              idx.map(() => roi),
              sp,
              { densityKgPerM3: rho, poisson: nu, quality: q, minQuality },
            );
            const mu = new Float32Array(n).fill(Number.NaN);
            const e = new Float32Array(n).fill(Number.NaN);
            idx.forEach((v, i) => {
              if (q && minQuality !== undefined && !(q[i] >= minQuality)) return;
              mu[v] = shearModulusKPa(sp[i], rho);
              e[v] = youngsModulusKPa(mu[v], nu);
            });
            const outDir = join(ls.dir, "results", "maps", scan.id);
            mkdirSync(outDir, { recursive: true });
            const g = { dims: speed.dims.slice(0, 3), spacingMm: speed.spacingMm, affine: speed.affine };
            writeNifti(
              join(outDir, "shear_modulus_kPa.nii.gz"),
              { ...g, data: mu },
              { description: "SWE shear modulus (kPa)" },
            );
            writeNifti(
              join(outDir, "youngs_modulus_kPa.nii.gz"),
              { ...g, data: e },
              { description: "SWE Young's modulus (kPa)" },
            );
            const sidecar = {
              model: "swe",
              parameters: [
                { key: "shear_modulus_kPa", unit: "kPa", file: "shear_modulus_kPa.nii.gz" },
                { key: "youngs_modulus_kPa", unit: "kPa", file: "youngs_modulus_kPa.nii.gz" },
              ],
              options: { densityKgPerM3: rho, poissonRatio: nu, minQuality: minQuality ?? null },
              inputs: scan.files.slice(0, 3),
            };
            writeFileSync(join(outDir, "swe_map.json"), `${JSON.stringify(sidecar, null, 2)}\n`);
            const rows: ResultRow[] = [];
            const add = (p: string, v: number | undefined, unit: string) =>
              rows.push(row(SWE, scan.subject, roi, p, v ?? null, unit));
            add("shear_modulus_kPa", s?.shear_modulus_kPa, "kPa");
            add("youngs_modulus_kPa", s?.youngs_modulus_kPa, "kPa");
            add("shear_modulus_median_kPa", s?.shear_modulus_median_kPa, "kPa");
            add("shear_modulus_sd_kPa", s?.shear_modulus_sd_kPa, "kPa");
            add("shear_modulus_iqr_kPa", s?.shear_modulus_iqr_kPa, "kPa");
            add("speed_mean_m_per_s", s?.speed_mean_m_per_s, "m/s");
            add("pixels", s?.n ?? 0, "1");
            add("pixels_rejected", s?.rejected ?? 0, "1");
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "moduli",
                  value: `μ = ρc² (ρ = ${rho} kg/m³), E = 2μ(1+ν) (ν = ${nu})${minQuality !== undefined ? `, quality ≥ ${minQuality}` : ""}`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
