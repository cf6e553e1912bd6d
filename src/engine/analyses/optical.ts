/**
 * Multispectral optical imaging (kind "optical", one task per subject over its scans of purpose
 * "multispectral", ordered by `acquisition.timeH`): every stack (4D NIfTI, one volume per
 * wavelength `acquisition.wavelengthsNm`) is unmixed per voxel by NNLS against the component
 * spectra (`acquisition.spectra`, CSV wavelength_nm + one column per component; autofluorescence
 * is a component like the dyes) through the voxelwise engine (voxel model "unmix",
 * core/optical/unmixVoxel.ts) → results/maps/<scan>/<component>.nii.gz; rows: tumour-ROI
 * (files[1]) mean abundance of each component at each time. Per carrier (components named by
 * `acquisition.targeted` / `.passive`): AUC (linear trapezoid, a.u.·h), peak and time to peak
 * (core/optical/timeCourseComparison.ts curveMetrics).
 * The study-level "optical-comparison" task compares targeted − passive over the animals
 * (paired differences of AUC, peak and TTP, AUC ratio; t and percentile-bootstrap 95 % CIs).
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { frameCount, voxelCount3d } from "../../core/image/volume.js";
import { buildUnmixingMatrix } from "../../core/optical/spectralUnmixing.js";
import { compareTimeCourses, curveMetrics } from "../../core/optical/timeCourseComparison.js";
import type { UnmixVoxelOptions } from "../../core/optical/unmixVoxel.js";
import { readNifti } from "../../io/nifti.js";
import { numericTableColumn, readNumericCsv } from "../../io/numericCsv.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { runVoxelMap } from "../voxelwise/engine.js";
import { writeVoxelMaps } from "../voxelwise/writer.js";
import { row } from "./common.js";

export const OPTICAL = "optical";
export const OPTICAL_COMPARISON = "optical-comparison";

function timeH(s: Scan): number {
  const v = Number(s.acquisition?.timeH);
  if (!Number.isFinite(v))
    throw new InputError({
      file: "study.json",
      field: `scans[${s.id}].acquisition.timeH`,
      value: s.acquisition?.timeH ?? null,
      expected: "the time after injection in hours",
    });
  return v;
}

function spectraOf(ls: LoadedStudy, scan: Scan): UnmixVoxelOptions {
  const file = String(scan.acquisition?.spectra ?? "");
  const wl = scan.acquisition?.wavelengthsNm;
  if (!file || !Array.isArray(wl))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition`,
      value: { spectra: file, wavelengthsNm: wl ?? null },
      expected: "spectra (CSV path) and wavelengthsNm (one per stack volume)",
    });
  const t = readNumericCsv(join(ls.dir, file));
  const wavelengthNm = numericTableColumn(t, "wavelength_nm");
  const spectra = t.columns
    .filter((c) => c !== "wavelength_nm")
    .map((name) => ({ name, wavelengthNm, values: numericTableColumn(t, name) }));
  const m = buildUnmixingMatrix(wl.map(Number), spectra);
  return { names: m.names, wavelengthNm: m.wavelengthNm, a: Array.from(m.a) };
}

export function planOptical(ls: LoadedStudy): Task[] {
  const scans = ls.study.scans.filter((s) => s.purpose === "multispectral");
  const bySubject = new Map<string, Scan[]>();
  for (const s of scans) bySubject.set(s.subject, [...(bySubject.get(s.subject) ?? []), s]);
  const tasks: Task[] = [...bySubject.entries()].map(([subject, list]) => {
    const sorted = [...list].sort((a, b) => timeH(a) - timeH(b));
    const spectraFiles = [...new Set(sorted.map((s) => String(s.acquisition?.spectra ?? "")))].filter(
      Boolean,
    );
    return {
      id: `${OPTICAL}/${subject}`,
      kind: OPTICAL,
      revision: 1,
      subject,
      inputFiles: [...sorted.flatMap((s) => s.files), ...spectraFiles],
      inputs: { scans: sorted },
      dependsOn: [],
      run: async ({ progress, signal }) => {
        const rows: ResultRow[] = [];
        const curves = new Map<string, { roi: string; t: number[]; y: number[] }>();
        let k = 0;
        for (const scan of sorted) {
          if (scan.files.length < 2)
            throw new InputError({
              file: "study.json",
              field: `scans[${scan.id}].files`,
              value: scan.files,
              expected: "[multispectral 4D stack, tumour mask]",
            });
          const opts = spectraOf(ls, scan);
          const stack = readNifti(join(ls.dir, scan.files[0]));
          const mask = readNifti(join(ls.dir, scan.files[1]));
          const nvox = voxelCount3d(stack);
          if (voxelCount3d(mask) !== nvox)
            throw new InputError({
              file: scan.files[1],
              field: "dims",
              value: mask.dims,
              expected: `the stack's grid ${stack.dims.slice(0, 3).join("×")}`,
            });
          const maps = await runVoxelMap({
            model: "unmix",
            options: opts,
            data: stack.data,
            nVoxels: nvox,
            nSamples: frameCount(stack),
            threads: 1,
            signal,
          });
          writeVoxelMaps(
            join(ls.dir, "results", "maps", scan.id),
            maps,
            { dims: stack.dims, spacingMm: stack.spacingMm, affine: stack.affine },
            {
              sidecarName: "unmix_map.json",
              extra: { input: scan.files[0], spectra: scan.acquisition?.spectra },
            },
          );
          const roi = String(scan.acquisition?.tumour ?? "tumour");
          const h = timeH(scan);
          const inRoi: number[] = [];
          for (let v = 0; v < nvox; v++) if (mask.data[v] > 0 && maps.status[v] === 0) inRoi.push(v);
          for (const name of opts.names) {
            const m = maps.params[name];
            const mean = inRoi.length ? inRoi.reduce((a, v) => a + m[v], 0) / inRoi.length : null;
            rows.push(row(OPTICAL, subject, roi, name, mean, "a.u.", { time_s: h * 3600 }));
            const key = `${roi}|${name}`;
            const c = curves.get(key) ?? { roi, t: [], y: [] };
            if (mean !== null) {
              c.t.push(h);
              c.y.push(mean);
            }
            curves.set(key, c);
          }
          progress(++k / sorted.length);
        }
        const carriers = new Set(
          sorted
            .flatMap((s) => [s.acquisition?.targeted, s.acquisition?.passive])
            .filter((x) => x !== undefined),
        );
        for (const [key, c] of curves) {
          const name = key.split("|")[1];
          if (!carriers.has(name) || c.t.length < 2) continue;
          const m = curveMetrics(c.t, c.y);
          rows.push(
            row(OPTICAL, subject, c.roi, `${name}.AUC_au_h`, m.auc, "a.u.·h"),
            row(OPTICAL, subject, c.roi, `${name}.peak_au`, m.peak, "a.u."),
            row(OPTICAL, subject, c.roi, `${name}.TTP_h`, m.ttp_s, "h"),
          );
        }
        return { rows };
      },
    } satisfies Task;
  });
  if (tasks.length === 0) return [];
  const first = scans[0].acquisition ?? {};
  const targeted = String(first.targeted ?? "");
  const passive = String(first.passive ?? "");
  if (!targeted || !passive) return tasks;
  const comparison: Task = {
    id: OPTICAL_COMPARISON,
    kind: OPTICAL_COMPARISON,
    revision: 1,
    subject: null,
    inputFiles: [],
    inputs: { targeted, passive },
    dependsOn: tasks.map((t) => t.id),
    run: ({ store }) => {
      const animals = tasks.flatMap((t) => {
        const rs = store.listResults({ analysis: t.id }).filter((r) => r.time_s !== null && r.value !== null);
        const a = rs
          .filter((r) => r.parameter === targeted)
          .sort((x, y) => (x.time_s ?? 0) - (y.time_s ?? 0));
        const b = rs.filter((r) => r.parameter === passive).sort((x, y) => (x.time_s ?? 0) - (y.time_s ?? 0));
        if (a.length < 2 || a.length !== b.length) return [];
        return [
          {
            id: t.subject as string,
            timeS: a.map((r) => (r.time_s as number) / 3600),
            a: a.map((r) => r.value as number),
            b: b.map((r) => r.value as number),
          },
        ];
      });
      const rows: ResultRow[] = [];
      if (animals.length === 0) return { rows };
      const c = compareTimeCourses(animals, { seed: 1 });
      const where = `${targeted} − ${passive}`;
      const add = (name: string, unit: string, d: (typeof c.difference)["auc"]) => {
        rows.push(row(OPTICAL_COMPARISON, null, where, `${name}.mean`, d.mean, unit));
        rows.push(row(OPTICAL_COMPARISON, null, where, `${name}.t_ci_lower`, d.tCi?.[0] ?? null, unit));
        rows.push(row(OPTICAL_COMPARISON, null, where, `${name}.t_ci_upper`, d.tCi?.[1] ?? null, unit));
        rows.push(
          row(
            OPTICAL_COMPARISON,
            null,
            where,
            `${name}.bootstrap_ci_lower`,
            d.bootstrapCi?.[0] ?? null,
            unit,
          ),
        );
        rows.push(
          row(
            OPTICAL_COMPARISON,
            null,
            where,
            `${name}.bootstrap_ci_upper`,
            d.bootstrapCi?.[1] ?? null,
            unit,
          ),
        );
      };
      add("AUC_difference_au_h", "a.u.·h", c.difference.auc);
      add("peak_difference_au", "a.u.", c.difference.peak);
      add("TTP_difference_h", "h", c.difference.ttp_s);
      add("AUC_ratio", "1", c.difference.aucRatio);
      rows.push(row(OPTICAL_COMPARISON, null, where, "n", c.n, "1"));
      return {
        rows,
        provenance: [
          { kind: "param", name: "CI", value: "95 % t and percentile bootstrap (2000 resamples, seed 1)" },
        ],
      };
    },
  };
  return [...tasks, comparison];
}
