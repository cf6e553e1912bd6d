/**
 * The curve under one voxel (or the mean over one ROI) of a scan, for the workspace's
 * click-a-voxel view, in the units the report's figures use:
 * - DCE scans: the voxel's signal → Gd concentration (SPGR, the scan's T1 map, mM) against time
 *   in s, with its extended-Tofts fit (delay fitted) and the plasma AIF Cp(t) = Cb(t)/(1 − Hct)
 *   (mM) it was fitted against;
 * - activity scans (SPECT/PET): the time–activity curve across the subject's activity scans,
 *   decay-corrected to the injection time and expressed as %ID/cc against hours after injection:
 *     C0 = C·k_unit / exp(−ln2·Δt/T½)   (MBq/mL at injection; k_unit converts the image unit),
 *     %ID/cc = 100·C0 / A_inj           (A_inj from the syringe readings, decay-corrected),
 *   as the imaging analysis does (SCIENCE.md §2). Scans already decay-corrected
 *   (acquisition.decayCorrected) are not corrected again. When the nuclide or the image unit is
 *   unknown the stored values are returned in their own unit with a `status` saying why.
 * Volumes are read through a small cache supplied by the caller (the server keeps one).
 */
import { InputError } from "../core/errors.js";
import { frameCount, type Volume, voxelCount3d } from "../core/image/volume.js";
import { signalToConcentration } from "../core/mri/spgr.js";
import { decayFactor } from "../core/nuclide/decay.js";
import { getNuclide } from "../core/nuclide/nuclides.js";
import { DceModel } from "../core/perfusion/dceModel.js";
import { type DceModelName, MODEL_PARAMETERS } from "../core/perfusion/models.js";
import { convert } from "../core/units/units.js";
import { readPlasmaAif } from "../io/aif.js";
import type { Scan, Study } from "../study/schema.js";
import { injectedMBq } from "./analyses/biodistribution.js";
import { pipelineLabelFile } from "./analyses/segmentation.js";

export interface CurveSeries {
  timeS: number[];
  values: number[];
  unit: string;
  label: string;
}

export interface VoxelCurve {
  timeS: number[];
  /** the same times in hours (after injection for activity scans) */
  time_h: number[];
  values: number[];
  fitted?: number[];
  /** residuals values − fitted (DCE) */
  residuals?: number[];
  unit: string;
  label: string;
  /** the time unit the curve is meant to be shown in: "h" (SPECT/PET) or "s" (DCE) */
  timeUnit: "h" | "s";
  /** what the values are, for the axis title, e.g. "%ID/cc (decay-corrected to injection)" */
  quantity: string;
  /** the stored image values before any conversion (activity scans) */
  raw?: { values: number[]; unit: string };
  decayCorrected?: boolean;
  /** the arterial input function the DCE fit used (plasma concentration) */
  aif?: CurveSeries;
  /** fitted parameters (DCE) */
  params?: Record<string, number | null>;
  /** the DCE model of the fit: the scan's configured acquisition.model, as the dce analysis uses */
  model?: DceModelName;
  /** "ok", or why the values are not in the usual unit / the fit failed */
  status: string;
  /** scan ids of the points (activity curves) */
  scans?: string[];
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

/** Where to read the curve: one voxel, or the voxels of one label of the scan's label map / mask. */
export type CurveWhere = { voxel: [number, number, number] } | { roi: string };

const hours = (t: number[]) => t.map((x) => x / 3600);

/** MBq/mL per image unit ("Bq/mL", "kBq/cc" …), or undefined when it is not an activity concentration. */
export function toMBqPerML(unit: string): number | undefined {
  const [num, den] = unit.split("/");
  if (!num || !den || !["mL", "ml", "cc"].includes(den.trim())) return undefined;
  try {
    const f = convert(1, num.trim(), "MBq");
    return Number.isFinite(f) ? f : undefined;
  } catch {
    return undefined;
  }
}

/** voxel indices selected by `where` in the grid of `first` (a label map of the scan for ROIs) */
function selectVoxels(study: Study, scan: Scan, where: CurveWhere, first: Volume, src: VoxelCurveSources) {
  const [nx, ny, nz] = first.dims;
  if ("voxel" in where) {
    const [i, j, k] = where.voxel;
    if (i >= nx || j >= ny || k >= nz)
      throw new InputError({
        field: "i,j,k",
        value: where.voxel,
        expected: `a voxel inside ${nx}×${ny}×${nz}`,
      });
    return { idx: [i + nx * (j + ny * k)], name: `voxel ${i},${j},${k}` };
  }
  const roi = study.rois.find((r) => r.id === where.roi || String(r.label) === where.roi);
  // DCE scans: the scan's tumour mask (files[2], label > 0); activity scans: the organ label map
  const labelFile = scan.purpose === "dce" ? scan.files[2] : activityLabels(scan, src);
  if (!labelFile)
    throw new InputError({ field: "roi", value: where.roi, expected: "a scan with a label map or mask" });
  const lab = src.volume(labelFile);
  if (lab.dims[0] !== nx || lab.dims[1] !== ny || lab.dims[2] !== nz)
    throw new InputError({
      field: "roi",
      value: labelFile,
      expected: `a label map on the image grid ${nx}×${ny}×${nz}`,
    });
  const want = scan.purpose === "dce" ? null : roi?.label;
  if (scan.purpose !== "dce" && want === undefined)
    throw new NotFoundError({ field: "roi", value: where.roi, expected: "a study ROI with a label" });
  const idx: number[] = [];
  const n = nx * ny * nz;
  for (let v = 0; v < n; v++) if (want === null ? lab.data[v] > 0 : lab.data[v] === want) idx.push(v);
  if (idx.length === 0)
    throw new InputError({ field: "roi", value: where.roi, expected: `voxels of the ROI in ${labelFile}` });
  return { idx, name: `${roi?.name ?? where.roi} (mean of ${idx.length} voxels)`, label: want ?? undefined };
}

/** an activity scan's label map: its own, else the CT pipeline's once that has run */
function activityLabels(scan: Scan, src: VoxelCurveSources): string | undefined {
  const pipeline = pipelineLabelFile(scan.id);
  return scan.labels ?? (src.file(pipeline) ? pipeline : undefined);
}

/** the ROI's voxels in another scan of the series when it has its own label map (the mouse moved) */
function roiVoxelsOf(x: Scan, scan: Scan, sel: { idx: number[]; label?: number }, src: VoxelCurveSources) {
  const file = sel.label === undefined || x.id === scan.id ? undefined : activityLabels(x, src);
  if (!file || file === activityLabels(scan, src)) return sel.idx;
  const lab = src.volume(file).data;
  const idx: number[] = [];
  for (let v = 0; v < lab.length; v++) if (lab[v] === sel.label) idx.push(v);
  return idx.length ? idx : sel.idx;
}

const meanAt = (data: ArrayLike<number>, idx: number[], offset = 0) => {
  let s = 0;
  for (const v of idx) s += data[offset + v];
  return s / idx.length;
};

export function voxelCurve(
  study: Study,
  scanId: string,
  ijkOrWhere: [number, number, number] | CurveWhere,
  src: VoxelCurveSources,
): VoxelCurve {
  const where: CurveWhere = Array.isArray(ijkOrWhere) ? { voxel: ijkOrWhere } : ijkOrWhere;
  const scan = study.scans.find((x) => x.id === scanId);
  if (!scan) throw new NotFoundError({ field: "scan", value: scanId, expected: "a scan id of the study" });
  const first = src.volume(scan.files[0]);
  const sel = selectVoxels(study, scan, where, first, src);
  return scan.purpose === "dce" ? dceCurve(scan, first, sel, src) : activityCurve(study, scan, sel, src);
}

function dceCurve(
  scan: Scan,
  first: Volume,
  sel: { idx: number[]; name: string },
  src: VoxelCurveSources,
): VoxelCurve {
  const a = scan.acquisition ?? {};
  const nv = voxelCount3d(first);
  const nt = frameCount(first);
  const sig = Float64Array.from({ length: nt }, (_, f) => meanAt(first.data, sel.idx, f * nv));
  const t1 = src.volume(scan.files[1]);
  const conc = signalToConcentration(sig, {
    faDeg: Number(a.flipAngleDeg),
    trS: Number(a.trMs) / 1000,
    r1: Number(a.relaxivityPerMMPerS),
    baselineSamples: Number(a.baselineFrames),
    t10S: meanAt(t1.data, sel.idx),
  });
  const aifPath = src.file(String(a.aif ?? ""));
  if (!aifPath)
    throw new NotFoundError({
      field: "acquisition.aif",
      value: a.aif,
      expected: "an AIF file in the study",
    });
  const hct = Number(a.hematocrit ?? 0.42);
  const { timeS: t, cp } = readPlasmaAif(aifPath, hct);
  const model = String(a.model ?? "etofts") as DceModelName;
  if (!(model in MODEL_PARAMETERS))
    throw new InputError({
      field: `scans[${scan.id}].acquisition.model`,
      value: a.model,
      expected: `one of ${Object.keys(MODEL_PARAMETERS).join(", ")}`,
    });
  const fit = new DceModel(model, t, cp).fit(conc, { fitDelay: true });
  const p = fit.params;
  const timeS = Array.from(t);
  const values = Array.from(conc);
  const fitted = Array.from(fit.fitted);
  const f3 = (v: number | null | undefined) => (v === null || v === undefined ? "–" : v.toFixed(3));
  return {
    timeS,
    time_h: hours(timeS),
    values,
    fitted,
    residuals: values.map((v, i) => v - fitted[i]),
    unit: "mM",
    label: `${sel.name}: Ktrans ${f3(p.Ktrans_per_min)} /min, vp ${f3(p.vp)}, ve ${f3(p.ve)} (${fit.status})`,
    timeUnit: "s",
    quantity: "Gd concentration (mM)",
    aif: { timeS, values: Array.from(cp), unit: "mM", label: `plasma AIF (Hct ${hct})` },
    params: Object.fromEntries(
      Object.entries(p).map(([k, v]) => [k, typeof v === "number" && Number.isFinite(v) ? v : null]),
    ),
    status: fit.status,
    model,
  };
}

function activityCurve(
  study: Study,
  scan: Scan,
  sel: { idx: number[]; name: string; label?: number },
  src: VoxelCurveSources,
): VoxelCurve {
  const series = study.scans
    .filter((x) => x.subject === scan.subject && x.purpose === "activity" && x.modality === scan.modality)
    .sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
  const admin = study.administrations
    .filter((x) => x.subject === scan.subject)
    .sort((x, y) => Date.parse(x.time) - Date.parse(y.time))[0];
  const t0 = admin ? Date.parse(admin.time) : Date.parse(series[0].time);
  const timeS = series.map((x) => (Date.parse(x.time) - t0) / 1000);
  const raw = series.map((x) => meanAt(src.volume(x.files[0]).data, roiVoxelsOf(x, scan, sel, src)));
  const rawUnit = String(scan.acquisition?.units ?? "a.u.");
  const base = {
    timeS,
    time_h: hours(timeS),
    timeUnit: "h" as const,
    scans: series.map((x) => x.id),
    raw: { values: raw, unit: rawUnit },
  };
  const asStored = (status: string): VoxelCurve => ({
    ...base,
    values: raw,
    unit: rawUnit,
    quantity: `image value (${rawUnit}, not converted)`,
    decayCorrected: false,
    label: `${sel.name} of ${scan.subject} (${status})`,
    status,
  });
  const nuclide = study.agents.find((x) => x.id === admin?.agent)?.label?.nuclide;
  if (!admin) return asStored("no administration for the subject");
  if (!nuclide) return asStored(`agent ${admin.agent} has no label.nuclide`);
  try {
    getNuclide(nuclide);
  } catch {
    return asStored(`unknown nuclide ${nuclide}`);
  }
  let a0: number;
  try {
    a0 = injectedMBq(admin, nuclide);
  } catch (e) {
    return asStored(`no injected activity: ${(e as Error).message}`);
  }
  const values = series.map((x, n) => {
    const k = toMBqPerML(String(x.acquisition?.units ?? ""));
    if (k === undefined) return Number.NaN;
    const df = x.acquisition?.decayCorrected === true ? 1 : decayFactor(nuclide, timeS[n]);
    return (100 * ((raw[n] * k) / df)) / a0;
  });
  if (values.some((v) => !Number.isFinite(v)))
    return asStored(`image units ${rawUnit} are not an activity concentration (Bq/mL, kBq/mL, MBq/mL)`);
  return {
    ...base,
    values,
    unit: "%ID/cc",
    quantity: `%ID/cc (${nuclide}, decay-corrected to injection)`,
    decayCorrected: true,
    label: `${sel.name} of ${scan.subject}`,
    status: "ok",
  };
}
