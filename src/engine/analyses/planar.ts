/**
 * Planar whole-body scintigraphy per subject (modality NM, scan purpose "planar"): each scan's
 * NM DICOM (anterior + posterior detectors, photopeak and TEW windows) with the ROI table
 * acquisition.roiTable (io/dicom/planarViews.ts; posterior ROIs mirrored) is quantified by the
 * conjugate-view method (MIRD Pamphlet 16; core/scintigraphy/series.ts): TEW scatter per
 * photopeak window, background subtraction (acquisition.backgroundMethod, default Buijs),
 * attenuation from the body thickness (acquisition.bodyThicknessCm, the photopeak μ of
 * acquisition.muKind — narrow-beam water, NIST, by default — unless acquisition.muPerCm; a
 * broad-beam μ is refused for TEW scans), organ self-attenuation, calibration from the standard
 * ROI imaged with the scan (acquisition.standardRoi + standardMBqAtInjection) or a fixed
 * acquisition.calibrationCpsPerMBq, decay to the injection, %ID against the administered
 * activity of study.json. Paired ROIs named <organ>_left / <organ>_right are summed into <organ>.
 * Rows (roi = organ or tumour ROI id): pctID per scan (time_s), roi_to_background per scan
 * (counts per pixel over the background ROI, geometric mean of the views), blood_pool_persistence_pct
 * (heart ROIs, kind "heart": %ID relative to the first scan), effective_half_life_h and
 * residence_time_h (MIRD τ = ∫ f(t) dt with physical decay put back: log-down trapezoids,
 * zero at injection, physical decay after the last scan) per ROI; and the comparison with SPECT
 * of the same subject (analysis "imaging", depends on its tasks): pctID_spect = pctIDperCC ·
 * volume (the ROI's whole-organ %ID in the SPECT label map) at the SPECT scan within 1 h of
 * the planar scan, and pctID_planar_to_spect.
 */
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { MU_KINDS, type MuKind, photopeakMu } from "../../core/scintigraphy/attenuation.js";
import { BACKGROUND_METHODS, type BackgroundMethod } from "../../core/scintigraphy/background.js";
import { quantifySeries, type SeriesRow, tacSummaries } from "../../core/scintigraphy/series.js";
import { scansFromDicom } from "../../io/dicom/planarViews.js";
import type { ResultRow } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Administration, Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { injectedMBq } from "./biodistribution.js";
import { row, subjectAdministration } from "./common.js";
import { acqNumber } from "./ferumoxytolCommon.js";
import { IMAGING, planImaging } from "./imaging.js";

export const PLANAR = "planar";
/** MIRD residence time: log-down trapezoids, zero at injection, physical decay after the last scan */
export const PLANAR_RESIDENCE = { integration: "log-down", start: "zero", tail: "physical" } as const;
const MATCH_S = 3600;

const organOf = (roi: string) => roi.replace(/_(left|right)$/, "");

/** sum paired ROIs (<organ>_left + <organ>_right) into one row per organ and scan */
function mergePairs(rows: SeriesRow[]): SeriesRow[] {
  const out = new Map<string, SeriesRow>();
  for (const r of rows) {
    const key = `${r.scan}|${r.time_h}|${organOf(r.roi)}`;
    const prev = out.get(key);
    if (!prev) {
      out.set(key, { ...r, roi: organOf(r.roi) });
      continue;
    }
    const add = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
    out.set(key, {
      ...prev,
      activity_at_scan_MBq: add(prev.activity_at_scan_MBq, r.activity_at_scan_MBq),
      activity_MBq: add(prev.activity_MBq, r.activity_MBq),
      pct_ID: add(prev.pct_ID, r.pct_ID),
      geometric_mean_cps: add(prev.geometric_mean_cps, r.geometric_mean_cps),
      roi_to_background: null,
      status: prev.status === r.status ? prev.status : `${prev.status}; ${r.status}`,
    });
  }
  return [...out.values()];
}

function acqString(scan: Scan, k: string): string | undefined {
  const v = scan.acquisition?.[k];
  return v === undefined ? undefined : String(v);
}

/**
 * One planar NM scan (files[0] with the ROI table acquisition.roiTable) quantified by the
 * conjugate-view method (MIRD Pamphlet 16; core/scintigraphy/series.ts), shared by the planar
 * and clinical analyses: TEW per photopeak window, background (acquisition.backgroundMethod,
 * default Buijs), attenuation over acquisition.bodyThicknessCm with acquisition.muPerCm or the
 * tabulated photopeak μ of acquisition.muKind (narrow, NIST, by default; attenuation.ts),
 * organ self-attenuation (unless acquisition.selfAttenuation false), calibration from the
 * standard ROI (standardRoi + standardMBqAtInjection) or calibrationCpsPerMBq, decay to the
 * injection of `admin`, %ID of its activity.
 */
export function quantifyPlanarScan(
  ls: LoadedStudy,
  scan: Scan,
  nuclide: string,
  admin: Administration,
): { series: SeriesRow[]; muPerCm: number; muKind: MuKind } {
  const where = (k: string) => `scans[${scan.id}].acquisition.${k}`;
  const roiTable = acqString(scan, "roiTable");
  if (!roiTable)
    throw new InputError({
      file: "study.json",
      field: where("roiTable"),
      expected: "the ROI table (roi,x,y,width,height,…) of the planar scan",
    });
  const method = acqString(scan, "backgroundMethod") ?? "buijs";
  if (!(BACKGROUND_METHODS as readonly string[]).includes(method))
    throw new InputError({
      file: "study.json",
      field: where("backgroundMethod"),
      value: method,
      expected: BACKGROUND_METHODS.join(", "),
    });
  const muKind = acqString(scan, "muKind") ?? "narrow";
  if (!(MU_KINDS as readonly string[]).includes(muKind))
    throw new InputError({
      file: "study.json",
      field: where("muKind"),
      value: muKind,
      expected: MU_KINDS.join(", "),
    });
  const muPerCm =
    scan.acquisition?.muPerCm !== undefined
      ? acqNumber(scan, "muPerCm")
      : photopeakMu(nuclide, muKind as MuKind).muPerCm;
  const standardRoi = acqString(scan, "standardRoi");
  const parsed = scansFromDicom(join(ls.dir, scan.files[0]), join(ls.dir, roiTable), {
    nuclide,
    injectedMs: Date.parse(admin.time),
    mirrorPosterior: scan.acquisition?.mirrorPosterior !== false,
  });
  if (muKind === "broad" && parsed.some((p) => p.tewPreApplied))
    throw new InputError({
      file: "study.json",
      field: where("muKind"),
      value: muKind,
      expected: "narrow for scans with TEW windows (a broad-beam μ would correct scatter twice)",
    });
  const series = quantifySeries(parsed, {
    nuclide,
    muPerCm,
    calibrationCpsPerMBq: standardRoi ? undefined : acqNumber(scan, "calibrationCpsPerMBq"),
    standard: standardRoi
      ? { roi: standardRoi, activityMBqAtInjection: acqNumber(scan, "standardMBqAtInjection") }
      : undefined,
    backgroundMethod: method as BackgroundMethod,
    bodyThicknessCm:
      scan.acquisition?.bodyThicknessCm !== undefined ? acqNumber(scan, "bodyThicknessCm") : undefined,
    selfAttenuation: scan.acquisition?.selfAttenuation !== false,
    injectedMBq: injectedMBq(admin, nuclide),
    decayCorrect: true,
  });
  return { series, muPerCm, muKind: muKind as MuKind };
}

/**
 * Per ROI of a planar series: residence_time_h (MIRD τ, PLANAR_RESIDENCE), effective_half_life_h
 * and, for heart ROIs, blood_pool_persistence_pct at each scan with a %ID (tacSummaries)
 */
export function tacSummaryRows(
  analysis: string,
  subject: string,
  series: SeriesRow[],
  nuclide: string,
): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const t of tacSummaries(series, nuclide, PLANAR_RESIDENCE)) {
    const message = t.status === "ok" ? null : t.status;
    rows.push(row(analysis, subject, t.roi, "residence_time_h", t.residence_time_h, "h", { message }));
    rows.push(
      row(analysis, subject, t.roi, "effective_half_life_h", t.effective_half_life_h, "h", { message }),
    );
    const times = t.time_h.filter((_, j) => t.pct_ID[j] !== null);
    t.blood_pool_persistence_pct?.forEach((p, i) =>
      rows.push(
        row(analysis, subject, t.roi, "blood_pool_persistence_pct", p, "%", {
          time_s: (times[i] ?? Number.NaN) * 3600,
        }),
      ),
    );
  }
  return rows;
}

export function planPlanar(ls: LoadedStudy): Task[] {
  const { study } = ls;
  const planar = study.scans.filter((s) => s.modality === "NM" && s.purpose === "planar");
  const subjects = [...new Set(planar.map((s) => s.subject))];
  const imaging = planImaging(ls);
  return subjects.map((subject) => {
    const scans = planar.filter((s) => s.subject === subject);
    const { admin, agent } = subjectAdministration(study, subject);
    const roiTables = [...new Set(scans.map((s) => acqString(s, "roiTable") ?? ""))];
    const deps = imaging.filter((t) => t.subject === subject);
    return {
      id: `${PLANAR}/${subject}`,
      kind: PLANAR,
      revision: 1,
      subject,
      inputFiles: [...scans.map((s) => s.files[0]), ...roiTables.filter((f) => f !== "")],
      inputs: { scans, admin, agent, residence: PLANAR_RESIDENCE },
      dependsOn: deps.map((t) => t.id),
      run: ({ store, progress }) => {
        const rows: ResultRow[] = [];
        const provenance: { kind: "param"; name: string; value: string }[] = [];
        const series: SeriesRow[] = [];
        let nuclide = "";
        scans.forEach((scan, i) => {
          nuclide = acqString(scan, "nuclide") ?? agent.label?.nuclide ?? "";
          if (!nuclide)
            throw new InputError({
              file: "study.json",
              field: `scans[${scan.id}].acquisition.nuclide`,
              expected: "the radionuclide (or the agent's label.nuclide)",
            });
          const { series: q, muPerCm: mu } = quantifyPlanarScan(ls, scan, nuclide, admin);
          series.push(...q);
          if (q[0])
            provenance.push({
              kind: "param",
              name: `${scan.id}`,
              value: `t ${q[0].time_h.toFixed(3)} h, calibration ${q[0].calibration_cps_per_MBq.toPrecision(5)} cps/MBq, μ ${mu.toPrecision(4)} /cm; ${q[0].corrections.join("; ")}`,
            });
          progress((i + 1) / (scans.length + 1));
        });
        for (const r of series)
          if (r.roi_to_background !== null)
            rows.push(
              row(PLANAR, subject, r.roi, "roi_to_background", r.roi_to_background, "1", {
                time_s: r.time_h * 3600,
              }),
            );
        const merged = mergePairs(series);
        for (const r of merged)
          rows.push(
            row(PLANAR, subject, r.roi, "pctID", r.pct_ID, "%ID", {
              time_s: r.time_h * 3600,
              message: r.status === "ok" ? null : r.status,
            }),
          );
        rows.push(...tacSummaryRows(PLANAR, subject, merged, nuclide));
        // planar vs SPECT: whole-organ %ID of the SPECT ROI at the matching time
        const spect = deps.flatMap((d) => store.listResults({ analysis: d.id }));
        for (const r of merged) {
          if (r.pct_ID === null) continue;
          const tS = r.time_h * 3600;
          const at = (p: string) =>
            spect.find(
              (x) =>
                x.analysis.startsWith(`${IMAGING}/`) &&
                x.roi === r.roi &&
                x.parameter === p &&
                x.status === "ok" &&
                Math.abs((x.time_s ?? Number.NaN) - tS) <= MATCH_S,
            )?.value ?? null;
          const conc = at("pctIDperCC");
          const volMm3 = at("volume");
          if (conc === null || volMm3 === null) continue;
          const s = (conc * volMm3) / 1000;
          rows.push(row(PLANAR, subject, r.roi, "pctID_spect", s, "%ID", { time_s: tS }));
          rows.push(
            row(PLANAR, subject, r.roi, "pctID_planar_to_spect", s > 0 ? r.pct_ID / s : null, "1", {
              time_s: tS,
            }),
          );
        }
        return { rows, provenance };
      },
    } satisfies Task;
  });
}
