/**
 * Planar whole-body quantification of one ROI at one scan time, every correction optional and
 * recorded: per view, triple-energy-window scatter subtraction (scatter.ts) and background
 * subtraction (background.ts) on counts → count rates (÷ view duration) → geometric mean →
 * ÷ √transmission (scan I/I₀ or e^(−μL)) → × self-attenuation f → ÷ calibration C
 * (conjugateView.ts, MIRD Pamphlet 16) = activity at scan time (MBq) → decay-corrected to the
 * injection (core/nuclide) → %ID = 100·A₀/A_injected.
 * A net count ≤ 0 in either view gives activity null with status "below background".
 */
import { InputError } from "../errors.js";
import { decayFactor } from "../nuclide/decay.js";
import { type BackgroundMethod, backgroundToSubtract } from "./background.js";
import {
  conjugateViewActivityMBq,
  geometricMean,
  selfAttenuationFactor,
  transmissionFromThickness,
} from "./conjugateView.js";
import { tewScatterCounts } from "./scatter.js";

export interface WindowCounts {
  /** photopeak window counts */
  counts: number;
  lower?: number;
  upper?: number;
  durationS: number;
  pixels: number;
}

export interface RoiViews {
  roi: string;
  kind?: string;
  anterior: WindowCounts;
  posterior: WindowCounts;
  background?: { roi: string; anterior: WindowCounts; posterior: WindowCounts };
  organThicknessCm?: number;
  bodyThicknessCm?: number;
  /** measured transmission I/I₀ at the ROI (overrides e^(−μL)) */
  transmission?: number;
}

export interface WindowWidths {
  mainKeV: number;
  lowerKeV: number;
  upperKeV?: number;
}

export interface QuantifyOptions {
  nuclide: string;
  muPerCm: number;
  calibrationCpsPerMBq: number;
  backgroundMethod: BackgroundMethod;
  /** TEW widths; scatter correction applies when given and lower-window counts exist */
  tew?: WindowWidths;
  selfAttenuation: boolean;
  /** time from injection to the scan (s) */
  timeSinceInjectionS: number;
  injectedMBq?: number;
  decayCorrect: boolean;
}

export interface RoiQuantResult {
  roi: string;
  kind: string | null;
  anterior_cps: number;
  posterior_cps: number;
  scatter_fraction_anterior: number | null;
  scatter_fraction_posterior: number | null;
  background_cps_anterior: number | null;
  background_cps_posterior: number | null;
  geometric_mean_cps: number | null;
  transmission: number | null;
  self_attenuation_factor: number;
  activity_at_scan_MBq: number | null;
  decay_factor: number;
  activity_MBq: number | null;
  pct_ID: number | null;
  status: string;
  corrections: string[];
}

function scatter(w: WindowCounts, tew: WindowWidths | undefined): number {
  if (!tew || w.lower === undefined || !Number.isFinite(w.lower)) return 0;
  return tewScatterCounts({
    mainCounts: w.counts,
    lowerCounts: w.lower,
    upperCounts: w.upper !== undefined && Number.isFinite(w.upper) ? w.upper : 0,
    mainWidthKeV: tew.mainKeV,
    lowerWidthKeV: tew.lowerKeV,
    upperWidthKeV: tew.upperKeV,
  });
}

function checkView(r: RoiViews, view: string, w: WindowCounts): void {
  if (!(w.durationS > 0))
    throw new InputError({
      field: `${r.roi} ${view} duration_s`,
      value: w.durationS,
      expected: "an acquisition duration > 0 s",
    });
  if (!(w.counts >= 0))
    throw new InputError({ field: `${r.roi} ${view} counts`, value: w.counts, expected: "counts ≥ 0" });
}

export function quantifyRoi(r: RoiViews, o: QuantifyOptions): RoiQuantResult {
  checkView(r, "anterior", r.anterior);
  checkView(r, "posterior", r.posterior);
  const corrections: string[] = [];
  const useTew = o.tew !== undefined && r.anterior.lower !== undefined && r.posterior.lower !== undefined;
  if (useTew) corrections.push("TEW scatter (Ogawa 1991)");
  const sA = useTew ? scatter(r.anterior, o.tew) : 0;
  const sP = useTew ? scatter(r.posterior, o.tew) : 0;
  let bA = 0;
  let bP = 0;
  if (o.backgroundMethod !== "none" && r.background) {
    const bg = r.background;
    checkView(r, "anterior background", bg.anterior);
    checkView(r, "posterior background", bg.posterior);
    const net = (w: WindowCounts) => w.counts - (useTew ? scatter(w, o.tew) : 0);
    const rate = (w: WindowCounts, durationS: number) => (net(w) * durationS) / w.durationS;
    const common = { organThicknessCm: r.organThicknessCm, bodyThicknessCm: r.bodyThicknessCm };
    bA = backgroundToSubtract(o.backgroundMethod, {
      roiCounts: r.anterior.counts,
      roiPixels: r.anterior.pixels,
      backgroundCounts: Math.max(0, rate(bg.anterior, r.anterior.durationS)),
      backgroundPixels: bg.anterior.pixels,
      ...common,
    });
    bP = backgroundToSubtract(o.backgroundMethod, {
      roiCounts: r.posterior.counts,
      roiPixels: r.posterior.pixels,
      backgroundCounts: Math.max(0, rate(bg.posterior, r.posterior.durationS)),
      backgroundPixels: bg.posterior.pixels,
      ...common,
    });
    corrections.push(`background ${o.backgroundMethod} (${bg.roi})`);
  }
  const netA = r.anterior.counts - sA - bA;
  const netP = r.posterior.counts - sP - bP;
  const cpsA = netA / r.anterior.durationS;
  const cpsP = netP / r.posterior.durationS;
  let transmission: number | null = null;
  if (r.transmission !== undefined) {
    transmission = r.transmission;
    corrections.push("attenuation (transmission scan)");
  } else if (r.bodyThicknessCm !== undefined) {
    transmission = transmissionFromThickness(o.muPerCm, r.bodyThicknessCm);
    corrections.push(`attenuation (thickness ${r.bodyThicknessCm} cm, μ ${o.muPerCm.toPrecision(4)} cm⁻¹)`);
  }
  let f = 1;
  if (o.selfAttenuation && r.organThicknessCm !== undefined && r.organThicknessCm > 0) {
    f = selfAttenuationFactor(o.muPerCm, r.organThicknessCm);
    corrections.push(`self-attenuation (t ${r.organThicknessCm} cm)`);
  }
  const df = decayFactor(o.nuclide, o.timeSinceInjectionS);
  if (o.decayCorrect) corrections.push("decay to injection");
  const base = {
    roi: r.roi,
    kind: r.kind ?? null,
    anterior_cps: cpsA,
    posterior_cps: cpsP,
    scatter_fraction_anterior: useTew && r.anterior.counts > 0 ? sA / r.anterior.counts : null,
    scatter_fraction_posterior: useTew && r.posterior.counts > 0 ? sP / r.posterior.counts : null,
    background_cps_anterior: r.background && o.backgroundMethod !== "none" ? bA / r.anterior.durationS : null,
    background_cps_posterior:
      r.background && o.backgroundMethod !== "none" ? bP / r.posterior.durationS : null,
    transmission,
    self_attenuation_factor: f,
    decay_factor: df,
    corrections,
  };
  if (!(netA > 0) || !(netP > 0))
    return {
      ...base,
      geometric_mean_cps: null,
      activity_at_scan_MBq: null,
      activity_MBq: null,
      pct_ID: null,
      status: "below background",
    };
  if (transmission === null)
    return {
      ...base,
      geometric_mean_cps: geometricMean(cpsA, cpsP),
      activity_at_scan_MBq: null,
      activity_MBq: null,
      pct_ID: null,
      status: "no attenuation data (body_thickness_cm or transmission)",
    };
  const aScan = conjugateViewActivityMBq({
    anteriorCps: cpsA,
    posteriorCps: cpsP,
    transmission,
    selfAttenuation: f,
    calibrationCpsPerMBq: o.calibrationCpsPerMBq,
  });
  const a = o.decayCorrect ? aScan / df : aScan;
  return {
    ...base,
    geometric_mean_cps: geometricMean(cpsA, cpsP),
    activity_at_scan_MBq: aScan,
    activity_MBq: a,
    pct_ID: o.injectedMBq !== undefined ? (100 * a) / o.injectedMBq : null,
    status: o.injectedMBq !== undefined ? "ok" : "ok (no injected activity: %ID not computed)",
  };
}
