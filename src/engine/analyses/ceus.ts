/**
 * CEUS per tumour (modality US, scan purpose "ceus"). Two input forms:
 *  - a cine: files [bolus cine NIfTI (x × y × z × frames), ROI label map, optional
 *    destruction–replenishment CSV]. The tumour's time–intensity curve is the ROI mean of linear
 *    intensity per frame (core/ultrasound/cine.ts) over the label acquisition.roiLabel (default
 *    the map's only label): with acquisition.intensity "log-compressed" the display values are
 *    linearised first (dynamicRangeDb required; gainDb, displayMax, linearQuantity optional);
 *    frame times from frameTimesS (list) or sampleIntervalS (+ startS); baselineFrames
 *    pre-contrast frames are subtracted; rejectMotion true excludes motion frames
 *    (minCorrelation, outlierK, rejectionWindow as in `ceus tic`), which are listed in
 *    `intensity` rows with a null value and status "flagged";
 *  - curves: files [bolus time–intensity curve CSV, optional destruction–replenishment CSV],
 *    each `time_s` and one curve column (the tumour's id, or the first column after time_s),
 *    linearised intensity; empty cells are missing samples.
 * The bolus is fitted with acquisition.model (lognormal default | gamma | ldrw; acquisition.offset
 * true fits a baseline) and the replenishment curve with A·(1 − e^{−βt})
 * (core/ultrasound/ceus.ts). Rows per tumour ROI: AUC, peak, TTP_s, MTT_s, t0_s, wash_in_rate,
 * wash_out_rate, the model's shape parameters, rss, frames_rejected (cine); A, beta_per_s,
 * flow_index = A·β; and the curve itself — `intensity` and `intensity_fit` rows with time_s (s
 * after the microbubble injection; the fit at every frame time) for the report's figure.
 * A fit that does not converge gives null values with status "failed" and the fit's message.
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { type BolusFit, fitBolus, fitReplenishment } from "../../core/ultrasound/ceus.js";
import { type BolusModelName, bolusValue } from "../../core/ultrasound/ceusModels.js";
import { cineTimeIntensity } from "../../core/ultrasound/cine.js";
import {
  LINEAR_QUANTITIES,
  type LinearQuantity,
  type LogCompression,
} from "../../core/ultrasound/cineLinearise.js";
import type { RejectedFrame } from "../../core/ultrasound/cineRejection.js";
import { hasColumn, numericColumn, readCsv } from "../../io/csv.js";
import { readNifti } from "../../io/nifti.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row } from "./common.js";
import { acqList, acqNumber, needFiles } from "./ferumoxytolCommon.js";

export const CEUS = "ceus";
const BOLUS_MODELS = ["lognormal", "gamma", "ldrw"] as const;

function readCurve(
  ls: LoadedStudy,
  scan: Scan,
  file: string,
  roi: string,
): { t: Float64Array; y: Float64Array } {
  const path = join(ls.dir, file);
  const tab = readCsv(path);
  const col = hasColumn(tab, roi) ? roi : tab.columns.find((c) => c !== "time_s");
  if (!hasColumn(tab, "time_s") || col === undefined)
    throw new InputError({
      file,
      field: "columns",
      value: tab.columns,
      expected: `time_s and an intensity column (${roi}) for scan ${scan.id}`,
    });
  const t = numericColumn(tab, "time_s");
  const y = numericColumn(tab, col, { allowMissing: true });
  const keep = [...y.keys()].filter((i) => Number.isFinite(y[i]));
  return { t: Float64Array.from(keep, (i) => t[i]), y: Float64Array.from(keep, (i) => y[i]) };
}

const isNifti = (f: string) => /\.nii(\.gz)?$/i.test(f);

interface CineCurve {
  /** every frame time, and the curve (NaN at rejected frames) */
  times: Float64Array;
  y: Float64Array;
  rejected: RejectedFrame[];
}

/** the tumour ROI's time–intensity curve of a cine scan (module note) */
function readCine(ls: LoadedStudy, scan: Scan): CineCurve {
  needFiles(scan, 2, "[bolus cine NIfTI, ROI label map, optional replenishment CSV]");
  const a = scan.acquisition ?? {};
  const field = (k: string) => `scans[${scan.id}].acquisition.${k}`;
  const cine = readNifti(join(ls.dir, scan.files[0]));
  const labels = readNifti(join(ls.dir, scan.files[1]));
  const nFrames = cine.dims.slice(3).reduce((x, y) => x * y, 1);
  if (cine.dims.length < 4 || nFrames < 2)
    throw new InputError({
      file: scan.files[0],
      field: "dims",
      value: cine.dims,
      expected: "a 4D cine x × y × z × frames with ≥ 2 frames",
    });
  if (labels.dims.slice(3).some((d) => d !== 1) || [0, 1, 2].some((k) => labels.dims[k] !== cine.dims[k]))
    throw new InputError({
      file: scan.files[1],
      field: "dims",
      value: labels.dims,
      expected: `a 3D label map on the grid of ${scan.files[0]} (${cine.dims.slice(0, 3).join("×")})`,
    });
  let times: Float64Array;
  if (a.frameTimesS !== undefined)
    times = Float64Array.from(acqList(scan, "frameTimesS", nFrames, "frame times (s)"));
  else {
    const dt = acqNumber(scan, "sampleIntervalS");
    const t0 = acqNumber(scan, "startS", 0);
    times = Float64Array.from({ length: nFrames }, (_, i) => t0 + i * dt);
  }
  const intensity = String(a.intensity ?? "linearised");
  if (intensity !== "linearised" && intensity !== "log-compressed")
    throw new InputError({
      file: "study.json",
      field: field("intensity"),
      value: intensity,
      expected: "linearised | log-compressed",
    });
  let logCompression: LogCompression | undefined;
  if (intensity === "log-compressed") {
    const q = String(a.linearQuantity ?? "power");
    if (!(LINEAR_QUANTITIES as readonly string[]).includes(q))
      throw new InputError({
        file: "study.json",
        field: field("linearQuantity"),
        value: q,
        expected: LINEAR_QUANTITIES.join(" | "),
      });
    logCompression = {
      dynamicRangeDb: acqNumber(scan, "dynamicRangeDb"),
      gainDb: acqNumber(scan, "gainDb", 0),
      displayMax: acqNumber(scan, "displayMax", 255),
      quantity: q as LinearQuantity,
    };
  }
  const tic = cineTimeIntensity(
    { dims: [cine.dims[0], cine.dims[1], cine.dims[2]], nFrames, data: cine.data },
    labels.data,
    {
      timesS: times,
      ...(logCompression ? { logCompression } : {}),
      ...(a.rejectMotion === true
        ? {
            rejection: {
              ...(a.minCorrelation !== undefined
                ? { minCorrelation: acqNumber(scan, "minCorrelation") }
                : {}),
              ...(a.outlierK !== undefined ? { outlierK: acqNumber(scan, "outlierK") } : {}),
              ...(a.rejectionWindow !== undefined ? { window: acqNumber(scan, "rejectionWindow") } : {}),
            },
          }
        : {}),
      baselineFrames: acqNumber(scan, "baselineFrames", 0),
      file: scan.files[0],
      labelFile: scan.files[1],
    },
  );
  const want = a.roiLabel !== undefined ? acqNumber(scan, "roiLabel") : undefined;
  const roi =
    want !== undefined
      ? tic.rois.find((r) => r.label === want)
      : tic.rois.length === 1
        ? tic.rois[0]
        : undefined;
  if (!roi)
    throw new InputError({
      file: scan.files[1],
      field: field("roiLabel"),
      value: want ?? tic.rois.map((r) => r.label),
      expected: `the tumour's label, one of ${tic.rois.map((r) => r.label).join(", ")} (acquisition.roiLabel)`,
    });
  return { times: tic.timesS, y: roi.intensity, rejected: roi.rejected };
}

/** the fitted curve's parameter vector for bolusValue */
function bolusParams(f: BolusFit): number[] {
  if (f.model === "lognormal") return [f.AUC, f.params.mu, f.params.sigma, f.t0_s];
  if (f.model === "gamma") return [f.peak, f.params.alpha, f.TTP_s - f.t0_s, f.t0_s];
  return [f.AUC, f.params.mu_s, f.params.lambda, f.t0_s];
}

export function planCeus(ls: LoadedStudy): Task[] {
  return ls.study.scans
    .filter((s) => s.modality === "US" && s.purpose === "ceus")
    .map(
      (scan) =>
        ({
          id: `${CEUS}/${scan.id}`,
          kind: CEUS,
          revision: 2,
          subject: scan.subject,
          inputFiles: scan.files.slice(0, 3),
          inputs: { scan },
          dependsOn: [],
          run: ({ progress }) => {
            needFiles(scan, 1, "[bolus cine + labels or time–intensity CSV, optional replenishment CSV]");
            const a = scan.acquisition ?? {};
            const roi = String(a.tumour ?? "tumour");
            const model = String(a.model ?? "lognormal") as BolusModelName;
            if (!(BOLUS_MODELS as readonly string[]).includes(model))
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.model`,
                value: model,
                expected: BOLUS_MODELS.join(" | "),
              });
            const offset = a.offset === true;
            const rows: ResultRow[] = [];
            const add = (p: string, v: number | null, unit: string, extra: Parameters<typeof row>[6] = {}) =>
              rows.push(row(CEUS, scan.subject, roi, p, v, unit, extra));
            const cine = isNifti(scan.files[0]) ? readCine(ls, scan) : undefined;
            const curve = cine
              ? {
                  t: Float64Array.from(cine.times.filter((_, i) => Number.isFinite(cine.y[i]))),
                  y: cine.y.filter(Number.isFinite),
                }
              : readCurve(ls, scan, scan.files[0], roi);
            const { t, y } = curve;
            const f = fitBolus(model, t, y, { offset });
            const fail = f.converged
              ? {}
              : { status: "failed" as const, message: `${model} fit ${f.status}: ${f.message ?? ""}` };
            add("AUC", f.AUC, "a.u.*s", fail);
            add("peak", f.peak, "a.u.", fail);
            add("TTP_s", f.TTP_s, "s", fail);
            add("MTT_s", f.MTT_s, "s", fail);
            add("t0_s", f.t0_s, "s", fail);
            add("wash_in_rate", f.wash_in_rate, "a.u./s", fail);
            add("wash_out_rate", f.wash_out_rate, "a.u./s", fail);
            for (const [k, v] of Object.entries(f.params)) add(k, v, k.endsWith("_s") ? "s" : "1", fail);
            if (offset && f.offset !== undefined) add("offset", f.offset, "a.u.", fail);
            add("rss", f.rss, "a.u.^2", fail);
            if (cine) add("frames_rejected", cine.rejected.length, "1");
            const p = f.converged ? bolusParams(f) : null;
            const tAll = cine ? cine.times : t;
            const why = new Map((cine?.rejected ?? []).map((r) => [r.frame, r]));
            for (let i = 0; i < tAll.length; i++) {
              const r = why.get(i);
              if (r)
                add("intensity", null, "a.u.", {
                  time_s: tAll[i],
                  status: "flagged",
                  message: `frame ${i} rejected (${r.reason}; correlation ${r.correlation.toFixed(2)})`,
                });
              else add("intensity", cine ? cine.y[i] : y[i], "a.u.", { time_s: tAll[i] });
              if (p)
                add("intensity_fit", bolusValue(model, p, tAll[i]) + (f.offset ?? 0), "a.u.", {
                  time_s: tAll[i],
                });
            }
            progress(0.6);
            const replenishment = cine ? scan.files[2] : scan.files[1];
            if (replenishment !== undefined) {
              const r = readCurve(ls, scan, replenishment, roi);
              const g = fitReplenishment(r.t, r.y, { offset });
              const gfail = g.converged
                ? {}
                : { status: "failed" as const, message: `replenishment fit ${g.status}: ${g.message ?? ""}` };
              add("A", g.A, "a.u.", gfail);
              add("beta_per_s", g.beta_per_s, "1/s", gfail);
              add("flow_index", g.flow_index, "a.u./s", gfail);
            }
            return {
              rows,
              provenance: [
                {
                  kind: "param",
                  name: "model",
                  value: `${cine ? `cine ROI mean (${a.intensity === "log-compressed" ? "log compression inverted" : "linear"}${a.rejectMotion === true ? `, ${cine.rejected.length} motion frame(s) rejected` : ""}); ` : ""}${model}${offset ? " + offset" : ""} bolus fit (${t.length} samples)${replenishment !== undefined ? "; destruction–replenishment A(1−e^{−βt})" : ""}`,
                },
              ],
            };
          },
        }) satisfies Task,
    );
}
