/**
 * `eprscope swe <speed.csv|speed.nii.gz> [--roi labels.nii.gz] [--density 1000] --json` → per ROI
 * [{ roi, shear_modulus_kPa, youngs_modulus_kPa, n, shear_modulus_median_kPa, …_sd_kPa, …_iqr_kPa,
 * speed_mean_m_per_s, rejected }]: μ = ρ·c², E = 3μ (incompressible; --poisson for 2μ(1+ν)).
 * CSV: columns roi, speed_m_per_s (one row per measurement), optional quality (0–1) with
 * --min-quality. NIfTI: a shear-wave speed map (m/s) with a label image (--roi; label > 0 = ROI).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { voxelCount3d } from "../../core/image/volume.js";
import { summariseSwe } from "../../core/ultrasound/elastography.js";
import { hasColumn, numericColumn, readCsv, stringColumn } from "../../io/csv.js";
import { readNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseNumberOption } from "../options.js";
import { emit } from "../output.js";

export function register(program: Command): void {
  program
    .command("swe")
    .description("shear-wave elastography: speed → shear and Young's moduli per ROI")
    .argument("<speed>", "CSV (roi, speed_m_per_s[, quality]) or a speed map NIfTI (m/s) with --roi")
    .option("--roi <labels.nii.gz>", "label image for a NIfTI speed map (each label > 0 is one ROI)")
    .option("--density <kg_per_m3>", "tissue density", "1000")
    .option("--poisson <nu>", "Poisson ratio for E = 2μ(1+ν)", "0.5")
    .option("--min-quality <q>", "CSV: reject rows whose quality column is below q")
    .option("--json", "print one JSON document")
    .option("--out <file>", "write JSON, or CSV when the name ends in .csv")
    .addHelpText(
      "after",
      "\nExample:\n  eprscope swe speeds.csv --json\n  eprscope swe swe_speed.nii.gz --roi lesions.nii.gz --json\n",
    )
    .action(
      (
        file: string,
        o: {
          roi?: string;
          density: string;
          poisson: string;
          minQuality?: string;
          json?: boolean;
          out?: string;
        },
      ) => {
        const densityKgPerM3 = parseNumberOption("--density", o.density, { min: 0, exclusiveMin: true });
        const poisson = parseNumberOption("--poisson", o.poisson, { min: -1, exclusiveMin: true, max: 0.5 });
        if (o.out) assertOutputOutsideInputs(o.out, [file, ...(o.roi ? [o.roi] : [])]);
        let roi: string[];
        let speed: ArrayLike<number>;
        let quality: Float64Array | undefined;
        let minQuality: number | undefined;
        if (/\.nii(\.gz)?$/i.test(file)) {
          if (!o.roi)
            throw new InputError({
              field: "--roi",
              expected: "a label image (--roi labels.nii.gz) for a NIfTI speed map",
            });
          const sp = readNifti(file);
          const lab = readNifti(o.roi);
          if (voxelCount3d(lab) !== voxelCount3d(sp))
            throw new InputError({
              file: o.roi,
              field: "dims",
              value: lab.dims,
              expected: `the grid of ${file} (${sp.dims.slice(0, 3).join("×")})`,
            });
          roi = [];
          const vals: number[] = [];
          const nv = voxelCount3d(sp);
          for (let v = 0; v < nv; v++) {
            const l = lab.data[v];
            if (l > 0) {
              roi.push(String(Math.round(l)));
              vals.push(sp.data[v]);
            }
          }
          if (roi.length === 0)
            throw new InputError({ file: o.roi, expected: "at least one voxel with a label > 0" });
          speed = vals;
        } else {
          const t = readCsv(file);
          roi = stringColumn(t, "roi");
          speed = numericColumn(t, "speed_m_per_s", { allowMissing: true });
          if (o.minQuality !== undefined) {
            minQuality = parseNumberOption("--min-quality", o.minQuality);
            if (!hasColumn(t, "quality"))
              throw new InputError({
                file,
                field: "quality",
                expected: "a quality column with --min-quality",
              });
            quality = numericColumn(t, "quality", { allowMissing: true });
          }
        }
        emit(summariseSwe(roi, speed, { densityKgPerM3, poisson, quality, minQuality }), o);
      },
    );
}
