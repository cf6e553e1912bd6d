/**
 * The curve under one voxel of a scan, for the workspace's click-a-voxel view:
 * - DCE scans: the voxel's signal → concentration (SPGR, the scan's T1 map) with its extended-Tofts
 *   fit (delay fitted) against the scan's measured AIF;
 * - activity scans (SPECT/PET): the voxel's time–activity curve across the subject's activity scans.
 * Volumes are read through a small cache supplied by the caller (the server keeps one).
 */
import { InputError } from "../core/errors.js";
import { frameCount, type Volume, voxelCount3d } from "../core/image/volume.js";
import { signalToConcentration } from "../core/mri/spgr.js";
import { DceModel } from "../core/perfusion/dceModel.js";
import { readPlasmaAif } from "../io/aif.js";
import type { Study } from "../study/schema.js";

export interface VoxelCurve {
  timeS: number[];
  values: number[];
  fitted?: number[];
  unit: string;
  label: string;
}

export class NotFoundError extends InputError {
  readonly statusCode = 404;
}

export interface VoxelCurveSources {
  /** decoded NIfTI of a study-relative path (throws NotFoundError when it is not in the study) */
  volume(rel: string): Volume;
  /** absolute path of a study-relative file, or null when it is not in the study */
  file(rel: string): string | null;
}

export function voxelCurve(
  study: Study,
  scanId: string,
  ijk: [number, number, number],
  src: VoxelCurveSources,
): VoxelCurve {
  const scan = study.scans.find((x) => x.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const [i, j, k] = ijk;
  const first = src.volume(scan.files[0]);
  const [nx, ny, nz] = first.dims;
  if (i >= nx || j >= ny || k >= nz)
    throw new InputError({ field: "i,j,k", value: ijk, expected: `a voxel inside ${nx}×${ny}×${nz}` });
  const v = i + nx * (j + ny * k);
  if (scan.purpose === "dce") {
    const a = scan.acquisition ?? {};
    const nv = voxelCount3d(first);
    const nt = frameCount(first);
    const sig = Float64Array.from({ length: nt }, (_, f) => first.data[f * nv + v]);
    const t1 = src.volume(scan.files[1]);
    const conc = signalToConcentration(sig, {
      faDeg: Number(a.flipAngleDeg),
      trS: Number(a.trMs) / 1000,
      r1: Number(a.relaxivityPerMMPerS),
      baselineSamples: Number(a.baselineFrames),
      t10S: t1.data[v],
    });
    const aifPath = src.file(String(a.aif ?? ""));
    if (!aifPath)
      throw new NotFoundError({
        field: "acquisition.aif",
        value: a.aif,
        expected: "an AIF file in the study",
      });
    const { timeS: t, cp } = readPlasmaAif(aifPath, Number(a.hematocrit ?? 0.42));
    const fit = new DceModel("etofts", t, cp).fit(conc, { fitDelay: true });
    const p = fit.params;
    return {
      timeS: Array.from(t),
      values: Array.from(conc),
      fitted: Array.from(fit.fitted),
      unit: "mM",
      label: `voxel ${i},${j},${k}: Ktrans ${p.Ktrans_per_min?.toFixed(3)} /min, vp ${p.vp?.toFixed(3)}, ve ${p.ve?.toFixed(3)} (${fit.status})`,
    };
  }
  const series = study.scans
    .filter((x) => x.subject === scan.subject && x.purpose === "activity")
    .sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
  const admin = study.administrations.find((x) => x.subject === scan.subject);
  const t0 = admin ? Date.parse(admin.time) : Date.parse(series[0].time);
  return {
    timeS: series.map((x) => (Date.parse(x.time) - t0) / 1000),
    values: series.map((x) => src.volume(x.files[0]).data[v]),
    unit: String(scan.acquisition?.units ?? "a.u."),
    label: `voxel ${i},${j},${k} of ${scan.subject}`,
  };
}
