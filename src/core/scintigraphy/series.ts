/**
 * Serial whole-body scans → per-scan, per-ROI quantification (quantify.ts) and per-ROI
 * time–activity summaries (timeActivity.ts, residence.ts).
 *  - ROIs of kind "background" (or named as another ROI's background, or the default
 *    background ROI) and the calibration standard are not quantified themselves;
 *  - calibration: a fixed factor C, or per scan from a standard ROI of known activity
 *    (activity given at injection time and decayed to each scan; in air: transmission 1, no
 *    self-attenuation; geometric mean of the views it appears in, or the single view);
 *  - ROI-to-background ratio per scan (counts per pixel, geometric mean of views);
 *  - TAC summary per ROI: %ID over time, effective/biological half-lives, residence time
 *    (MIRD, on %ID with physical decay put back), blood-pool persistence for kind "heart".
 */
import { InputError } from "../errors.js";
import { decayFactor } from "../nuclide/decay.js";
import { geometricMean } from "./conjugateView.js";
import { type QuantifyOptions, quantifyRoi, type RoiQuantResult, type WindowCounts } from "./quantify.js";
import { type ResidenceOptions, residenceTimeH } from "./residence.js";
import {
  bloodPoolPersistencePct,
  halfLives,
  lesionToBackgroundRatio,
  type TacPoint,
} from "./timeActivity.js";

export interface ScanRoi {
  roi: string;
  kind?: string;
  background?: string;
  organThicknessCm?: number;
  bodyThicknessCm?: number;
  transmission?: number;
  anterior?: WindowCounts;
  posterior?: WindowCounts;
}

export interface ScanInput {
  label: string;
  timeH: number;
  rois: Map<string, ScanRoi>;
  /** scatter already removed from the photopeak counts */
  tewPreApplied?: boolean;
}

export interface SeriesOptions extends Omit<QuantifyOptions, "timeSinceInjectionS" | "calibrationCpsPerMBq"> {
  calibrationCpsPerMBq?: number;
  standard?: { roi: string; activityMBqAtInjection: number };
  backgroundRoi?: string;
  /** patient thickness for ROIs without their own */
  bodyThicknessCm?: number;
}

export type SeriesRow = {
  scan: string;
  time_h: number;
  calibration_cps_per_MBq: number;
  roi_to_background: number | null;
} & RoiQuantResult;

function isBackground(r: ScanRoi, scan: ScanInput, o: SeriesOptions): boolean {
  if (r.kind === "background" || r.roi === o.backgroundRoi) return true;
  for (const x of scan.rois.values()) if (x.background === r.roi) return true;
  return false;
}

function scanCalibration(scan: ScanInput, o: SeriesOptions): number {
  if (o.calibrationCpsPerMBq !== undefined) return o.calibrationCpsPerMBq;
  if (!o.standard)
    throw new InputError({
      field: "calibration",
      expected: "--calibration-cps-per-mbq, or --standard-roi with --standard-mbq",
    });
  const s = scan.rois.get(o.standard.roi);
  if (!s || (!s.anterior && !s.posterior))
    throw new InputError({
      field: "--standard-roi",
      value: o.standard.roi,
      expected: `a standard ROI in the scan at ${scan.label}`,
    });
  const rate = (w: WindowCounts) => w.counts / w.durationS;
  const cps =
    s.anterior && s.posterior
      ? geometricMean(rate(s.anterior), rate(s.posterior))
      : rate((s.anterior ?? s.posterior) as WindowCounts);
  const a = o.standard.activityMBqAtInjection * decayFactor(o.nuclide, scan.timeH * 3600);
  if (!(cps > 0))
    throw new InputError({ field: "--standard-roi", value: o.standard.roi, expected: "standard counts > 0" });
  return cps / a;
}

export function quantifySeries(scans: ScanInput[], o: SeriesOptions): SeriesRow[] {
  const rows: SeriesRow[] = [];
  for (const scan of scans) {
    const C = scanCalibration(scan, o);
    for (const r of scan.rois.values()) {
      if (r.roi === o.standard?.roi || r.kind === "standard" || isBackground(r, scan, o)) continue;
      for (const v of ["anterior", "posterior"] as const)
        if (!r[v])
          throw new InputError({
            field: `ROI ${r.roi} at ${scan.label}`,
            expected: `a ${v} view (conjugate-view quantification needs both)`,
          });
      const bgName = r.background ?? o.backgroundRoi;
      const bg = bgName !== undefined ? scan.rois.get(bgName) : undefined;
      if (bgName !== undefined && o.backgroundMethod !== "none" && (!bg?.anterior || !bg.posterior))
        throw new InputError({
          field: `background ROI ${bgName} at ${scan.label}`,
          expected: "anterior and posterior background counts",
        });
      const bodyThicknessCm = r.bodyThicknessCm ?? o.bodyThicknessCm;
      const res = quantifyRoi(
        {
          roi: r.roi,
          kind: r.kind,
          anterior: r.anterior as WindowCounts,
          posterior: r.posterior as WindowCounts,
          background:
            bg && bgName
              ? {
                  roi: bgName,
                  anterior: bg.anterior as WindowCounts,
                  posterior: bg.posterior as WindowCounts,
                }
              : undefined,
          organThicknessCm: r.organThicknessCm,
          bodyThicknessCm,
          transmission: r.transmission,
        },
        {
          ...o,
          tew: scan.tewPreApplied ? undefined : o.tew,
          calibrationCpsPerMBq: C,
          timeSinceInjectionS: scan.timeH * 3600,
        },
      );
      if (scan.tewPreApplied) res.corrections.unshift("TEW scatter (Ogawa 1991, per photopeak window)");
      const ratio =
        bg?.anterior && bg.posterior
          ? lesionToBackgroundRatio(
              {
                anteriorCounts: (r.anterior as WindowCounts).counts,
                posteriorCounts: (r.posterior as WindowCounts).counts,
                pixels: (r.anterior as WindowCounts).pixels,
              },
              {
                anteriorCounts: bg.anterior.counts,
                posteriorCounts: bg.posterior.counts,
                pixels: bg.anterior.pixels,
              },
            )
          : null;
      rows.push({
        scan: scan.label,
        time_h: scan.timeH,
        calibration_cps_per_MBq: C,
        roi_to_background: ratio,
        ...res,
      });
    }
  }
  return rows;
}

export interface TacSummary {
  roi: string;
  kind: string | null;
  n_scans: number;
  time_h: number[];
  pct_ID: (number | null)[];
  roi_to_background: (number | null)[];
  blood_pool_persistence_pct: number[] | null;
  effective_half_life_h: number | null;
  biological_half_life_h: number | null;
  residence_time_h: number | null;
  residence_tail_fraction: number | null;
  status: string;
}

export function tacSummaries(
  rows: SeriesRow[],
  nuclide: string,
  residence: Omit<ResidenceOptions, "nuclide"> = {},
): TacSummary[] {
  const by = new Map<string, SeriesRow[]>();
  for (const r of rows) by.set(r.roi, [...(by.get(r.roi) ?? []), r]);
  return [...by.entries()].map(([roi, rs]) => {
    rs.sort((a, b) => a.time_h - b.time_h);
    const pts: TacPoint[] = rs
      .filter((r) => r.pct_ID !== null)
      .map((r) => ({ timeH: r.time_h, pctID: r.pct_ID as number }));
    const kind = rs[0].kind;
    const hl = halfLives(pts, nuclide);
    let tau: number | null = null;
    let tailFrac: number | null = null;
    let status =
      pts.length === rs.length ? hl.status : `${rs.length - pts.length} scan(s) without %ID; ${hl.status}`;
    if (pts.length >= 1) {
      const frac = pts.map((p) => (p.pctID / 100) * decayFactor(nuclide, p.timeH * 3600));
      try {
        const r = residenceTimeH(
          pts.map((p) => p.timeH),
          frac,
          { nuclide, ...residence },
        );
        tau = r.residence_time_h;
        tailFrac = r.tail_fraction;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        status += `; residence time: ${e.message}`;
      }
    }
    const heart = kind === "heart" && pts.length > 0 && pts[0].pctID > 0;
    return {
      roi,
      kind,
      n_scans: rs.length,
      time_h: rs.map((r) => r.time_h),
      pct_ID: rs.map((r) => r.pct_ID),
      roi_to_background: rs.map((r) => r.roi_to_background),
      blood_pool_persistence_pct: heart ? bloodPoolPersistencePct(pts).map((p) => p.persistencePct) : null,
      effective_half_life_h: hl.effective_half_life_h,
      biological_half_life_h: hl.biological_half_life_h,
      residence_time_h: tau,
      residence_tail_fraction: tailFrac,
      status,
    };
  });
}
