/**
 * Demo arm "planar": whole-body anterior/posterior gamma-camera scintigraphy of the imaging
 * mice at the SPECT time points (4, 24, 48, 96 h p.i.), 111In, as one multi-frame NM DICOM
 * object per scan (io/dicom/planarNmWrite.ts): 32 × 64 pixels of 1.5 mm, both detectors
 * (anterior, posterior), six energy windows — the 171 and 245 keV photopeaks, each with a
 * lower and an upper 8 keV TEW scatter window — 600 s per scan.
 *
 * Per scan the projection phantom of core/scintigraphy/phantom.ts is evaluated once per
 * photopeak, with that peak's narrow-beam water μ (NIST, attenuation.ts) and its share of the
 * system sensitivity (emission intensities 0.9066 : 0.9409 of 120 cps/MBq in total):
 *  - organs (heart = blood pool, liver, spleen, left and right kidney, both tumours) as uniform
 *    slabs at fixed depths in a body slab of thickness L = 1.45 + 0.05·(BW − 20 g) cm; organ
 *    activity at scan time = organPctIDperG(t)/100 · V · A_inj · decay(t), V the organ's volume
 *    in the SPECT phantom (spect.ts label map, 1 g/mL), so planar and SPECT image the same
 *    mouse; each kidney carries half of the kidney activity;
 *  - soft-tissue background at the muscle concentration over the rest of the body slab;
 *  - scatter: 25 % of the primary counts under each photopeak (upper/lower density ratio 0.3
 *    under 171 keV — down-scatter of 245 keV photons — and 0 under 245 keV), the scatter
 *    windows filled so that the TEW estimate equals it in expectation;
 *  - a 2 MBq (at injection) calibration standard in air beside the mouse, in every scan;
 *  - Poisson counts (normal approximation above a mean of 50 counts per pixel).
 * The ROI table planar/rois.csv (anterior-image pixel boxes; posterior mirrored by the reader)
 * carries kind, background ROI and organ thickness per ROI. Scans: modality NM, purpose
 * "planar", acquisition { nuclide, roiTable, standardRoi, standardMBqAtInjection,
 * bodyThicknessCm, calibrationCpsPerMBq (nominal), durationS, energyWindowsKeV }.
 * Truth (truth/planar.json) per subject: %ID per organ at each scan time (decay-corrected to
 * injection, what conjugate-view quantification recovers), blood-pool persistence (heart %ID
 * relative to the first scan) and the residence time τ = ∫₀^∞ f(t)·e^(−λt) dt of each organ
 * (numerical integral of the truth curve, 0.05 h steps to 2000 h).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decayFactor } from "../../../core/nuclide/decay.js";
import type { Rng } from "../../../core/random.js";
import { PHOTOPEAKS, waterMuPerCm } from "../../../core/scintigraphy/attenuation.js";
import { type PhantomOrgan, planarPhantom } from "../../../core/scintigraphy/phantom.js";
import { planarNmDataset } from "../../../io/dicom/planarNmWrite.js";
import { writeDicom } from "../../../io/dicom/write.js";
import type { Scan } from "../../schema.js";
import { SCAN_TIMES_H } from "../design.js";
import { type DemoStudy, organPctIDperG, type SubjectTruth } from "../generate.js";
import { organVolumesMl } from "../spect.js";
import type { DemoArm } from "./index.js";

export const PLANAR_GRID = { rows: 64, cols: 32, pixelMm: 1.5, durationS: 600 };
const BODY = { x: 8, width: 16 };
const SENSITIVITY_CPS_PER_MBQ = 120;
const SCATTER_FRACTION = 0.25;
const STANDARD_MBQ = 2;
const TEW_KEV = 8;
/** ¹¹¹In photopeak windows (keV) and the upper/lower scatter density ratio under each */
const PEAK_WINDOWS = [
  { peakKeV: 171.28, lowerKeV: 158, upperKeV: 184, upperRatio: 0.3 },
  { peakKeV: 245.35, lowerKeV: 227, upperKeV: 263, upperRatio: 0 },
];
/** the six energy windows of a planar scan: each photopeak, then its lower and upper TEW window */
export const IN111_WINDOWS = PEAK_WINDOWS.flatMap((w) => [
  { name: `In111 ${Math.round(w.peakKeV)} keV`, lowerKeV: w.lowerKeV, upperKeV: w.upperKeV },
  { name: `lower ${Math.round(w.peakKeV)}`, lowerKeV: w.lowerKeV - TEW_KEV, upperKeV: w.lowerKeV },
  { name: `upper ${Math.round(w.peakKeV)}`, lowerKeV: w.upperKeV, upperKeV: w.upperKeV + TEW_KEV },
]);
/** acquisition.energyWindowsKeV of a planar scan: [lower, upper] of each window */
export const IN111_WINDOWS_KEV = IN111_WINDOWS.flatMap((w) => [w.lowerKeV, w.upperKeV]);

/** an ROI of the planar phantom: anterior pixel box, organ depth and thickness */
interface PlanarOrganDef {
  roi: string;
  /** demo-truth organ (organPctIDperG) and SPECT label it takes its activity and volume from */
  organ: string;
  label: number;
  share: number;
  kind: "heart" | "organ" | "lesion";
  x: number;
  y: number;
  width: number;
  height: number;
  depthCm: number;
}

export const PLANAR_ORGANS: PlanarOrganDef[] = [
  {
    roi: "heart",
    organ: "heart",
    label: 1,
    share: 1,
    kind: "heart",
    x: 14,
    y: 14,
    width: 4,
    height: 4,
    depthCm: 0.5,
  },
  {
    roi: "liver",
    organ: "liver",
    label: 3,
    share: 1,
    kind: "organ",
    x: 10,
    y: 20,
    width: 11,
    height: 6,
    depthCm: 0.6,
  },
  {
    roi: "spleen",
    organ: "spleen",
    label: 4,
    share: 1,
    kind: "organ",
    x: 19,
    y: 27,
    width: 3,
    height: 5,
    depthCm: 0.9,
  },
  {
    roi: "kidney_right",
    organ: "kidney",
    label: 5,
    share: 0.5,
    kind: "organ",
    x: 10,
    y: 28,
    width: 3,
    height: 4,
    depthCm: 1.05,
  },
  {
    roi: "kidney_left",
    organ: "kidney",
    label: 5,
    share: 0.5,
    kind: "organ",
    x: 15,
    y: 28,
    width: 3,
    height: 4,
    depthCm: 1.05,
  },
  {
    roi: "tumour_psma",
    organ: "tumour_psma",
    label: 7,
    share: 1,
    kind: "lesion",
    x: 8,
    y: 37,
    width: 5,
    height: 5,
    depthCm: 0.8,
  },
  {
    roi: "tumour_flu",
    organ: "tumour_flu",
    label: 8,
    share: 1,
    kind: "lesion",
    x: 18,
    y: 37,
    width: 5,
    height: 5,
    depthCm: 0.8,
  },
];
const BACKGROUND_ROI = { roi: "background", x: 12, y: 46, width: 6, height: 8 };
const STANDARD_ROI = { roi: "standard", x: 26, y: 2, width: 3, height: 3 };
/** the truth organs (kidney = both kidneys) */
export const PLANAR_TRUTH_ORGANS = ["heart", "liver", "spleen", "kidney", "tumour_psma", "tumour_flu"];

const bodyThicknessCm = (s: SubjectTruth) => Math.round((1.45 + 0.05 * (s.bodyWeightG - 20)) * 100) / 100;

/** organ volumes (mL) of the SPECT/CT phantom's mouse, per label (spect.ts) */
function labelVolumesMl(): Map<number, number> {
  return organVolumesMl();
}

/** organ thickness (cm) so that the slab holds the organ's SPECT-phantom volume */
function thicknessCm(o: PlanarOrganDef, vol: Map<number, number>): number {
  const areaCm2 = o.width * o.height * (PLANAR_GRID.pixelMm / 10) ** 2;
  return Math.round((((vol.get(o.label) ?? 0) * o.share) / areaCm2) * 1000) / 1000;
}

/** truth %ID of an organ (decay-corrected to injection) */
function truthPctID(s: SubjectTruth, organ: string, label: number, vol: Map<number, number>, tH: number) {
  return organPctIDperG(s, organ, tH) * (vol.get(label) ?? 0);
}

/**
 * τ = ∫₀^∞ f(t) e^(−λt) dt (h) by the midpoint rule (0.02 h steps to 12 h, 0.25 h to 2000 h,
 * where e^(−λt) < 10⁻⁸), f the decay-corrected fraction
 */
function residenceTruthH(f: (tH: number) => number, nuclide: string): number {
  const lambda = -Math.log(decayFactor(nuclide, 3600)); // 1/h
  let sum = 0;
  for (const [t0, t1, dt] of [
    [0, 12, 0.02],
    [12, 2000, 0.25],
  ])
    for (let t = t0 + dt / 2; t < t1; t += dt) sum += f(t) * Math.exp(-lambda * t) * dt;
  return sum;
}

export const pad = (n: number) => String(n).padStart(2, "0");
export function dicomDateTime(ms: number): { date: string; time: string } {
  const d = new Date(ms);
  return {
    date: `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`,
    time: `${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`,
  };
}
export const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

type Box = { roi: string; x: number; y: number; width: number; height: number };

/** the ROI table (anterior pixel boxes) of organ/lesion regions, one background and one standard ROI */
export function planarRoiTable(
  regions: (Box & { kind: string; thicknessCm: number })[],
  background: Box,
  standard: Box,
): string {
  const lines = ["roi,x,y,width,height,kind,background,organ_thickness_cm"];
  for (const r of regions)
    lines.push([r.roi, r.x, r.y, r.width, r.height, r.kind, background.roi, r.thicknessCm].join(","));
  const b = background;
  lines.push([b.roi, b.x, b.y, b.width, b.height, "background", "", ""].join(","));
  const s = standard;
  lines.push([s.roi, s.x, s.y, s.width, s.height, "standard", "", ""].join(","));
  return `${lines.join("\n")}\n`;
}

export interface PlanarGrid {
  rows: number;
  cols: number;
  pixelMm: number;
  durationS: number;
}

/** one scan's phantom: body slab, organs, background and standard at scan time */
export interface PlanarScanPhantom {
  grid: PlanarGrid;
  body: { x: number; width: number };
  bodyThicknessCm: number;
  /** system sensitivity over both photopeaks, shared by emission intensity */
  sensitivityCpsPerMBq: number;
  scatterFraction: number;
  organs: PhantomOrgan[];
  backgroundMBqPerMl: number;
  standard: Box & { activityMBq: number };
}

/**
 * The frames [window][view] of one scan (windows in IN111_WINDOWS order, views anterior,
 * posterior): per photopeak the projection phantom (core/scintigraphy/phantom.ts) with that
 * peak's narrow-beam water μ and sensitivity share, then Poisson deviates of the expectations.
 */
export function planarFrames(nuclide: string, p: PlanarScanPhantom, rng: Rng): Float64Array[][] {
  const intensities = PHOTOPEAKS[nuclide].peaks.map((x) => x.intensity);
  const iSum = intensities.reduce((a, b) => a + b, 0);
  const frames: Float64Array[][] = [];
  PEAK_WINDOWS.forEach((w, k) => {
    const ph = planarPhantom({
      rows: p.grid.rows,
      cols: p.grid.cols,
      pixelMm: p.grid.pixelMm,
      bodyX: p.body.x,
      bodyWidth: p.body.width,
      bodyThicknessCm: p.bodyThicknessCm,
      muPerCm: waterMuPerCm(w.peakKeV),
      calibrationCpsPerMBq: (p.sensitivityCpsPerMBq * intensities[k]) / iSum,
      durationS: p.grid.durationS,
      organs: p.organs,
      backgroundMBqPerMl: p.backgroundMBqPerMl,
      scatterFraction: p.scatterFraction,
      windows: {
        mainKeV: w.upperKeV - w.lowerKeV,
        lowerKeV: TEW_KEV,
        upperKeV: TEW_KEV,
        upperRatio: w.upperRatio,
      },
      standard: p.standard,
    });
    const noisy = (a: Float64Array) => a.map((m) => rng.poisson(m));
    frames.push(
      [noisy(ph.anterior.photopeak), noisy(ph.posterior.photopeak)],
      [noisy(ph.anterior.lower), noisy(ph.posterior.lower)],
      [noisy(ph.anterior.upper), noisy(ph.posterior.upper)],
    );
  });
  return frames;
}

/**
 * Writes one ¹¹¹In whole-body NM DICOM (io/dicom/planarNmWrite.ts): anterior + posterior, the
 * IN111_WINDOWS frames, study/series/instance UIDs `${uid}1/2/3`, injected activity (MBq,
 * rounded to 1 kBq) and injection time in the header.
 */
export function writePlanarWholeBody(
  path: string,
  o: {
    grid: PlanarGrid;
    frames: Float64Array[][];
    patientId: string;
    uid: string;
    scanMs: number;
    injectionMs: number;
    injectedMBq: number;
    description: string;
  },
): void {
  const acq = dicomDateTime(o.scanMs);
  const inj = dicomDateTime(o.injectionMs);
  writeDicom(
    path,
    planarNmDataset({
      rows: o.grid.rows,
      cols: o.grid.cols,
      pixelMm: o.grid.pixelMm,
      kind: "WHOLE BODY",
      windows: IN111_WINDOWS,
      views: ["anterior", "posterior"],
      frames: o.frames,
      durationMs: o.grid.durationS * 1000,
      acquisitionDate: acq.date,
      acquisitionTime: acq.time,
      patientId: o.patientId,
      studyUid: `${o.uid}1`,
      seriesUid: `${o.uid}2`,
      instanceUid: `${o.uid}3`,
      nuclideMeaning: "^111^Indium",
      injectedMBq: Math.round(o.injectedMBq * 1000) / 1000,
      injectionDateTime: `${inj.date}${inj.time}+0000`,
      seriesDescription: o.description,
    }),
  );
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const nuclide = demo.truth.nuclide;
  mkdirSync(join(dir, "planar"), { recursive: true });
  const vol = labelVolumesMl();
  const roiFile = "planar/rois.csv";
  writeFileSync(
    join(dir, roiFile),
    planarRoiTable(
      PLANAR_ORGANS.map((o) => ({ ...o, thicknessCm: thicknessCm(o, vol) })),
      BACKGROUND_ROI,
      STANDARD_ROI,
    ),
  );
  const scans: Scan[] = [];
  const subjects: unknown[] = [];
  let k = 0;
  for (const s of demo.truth.subjects.filter((x) => x.imaging)) {
    k++;
    const L = bodyThicknessCm(s);
    const tInj = Date.parse(s.injectionTime);
    const perTime: { time_h: number; pctID: Record<string, number> }[] = [];
    for (const [j, tH] of SCAN_TIMES_H.entries()) {
      const df = decayFactor(nuclide, tH * 3600);
      const organs: PhantomOrgan[] = PLANAR_ORGANS.map((o) => ({
        name: o.roi,
        kind: o.kind,
        activityMBq: (truthPctID(s, o.organ, o.label, vol, tH) / 100) * o.share * s.injectedMBq * df,
        x: o.x,
        y: o.y,
        width: o.width,
        height: o.height,
        depthCm: o.depthCm,
        thicknessCm: thicknessCm(o, vol),
      }));
      const frames = planarFrames(
        nuclide,
        {
          grid: PLANAR_GRID,
          body: BODY,
          bodyThicknessCm: L,
          sensitivityCpsPerMBq: SENSITIVITY_CPS_PER_MBQ,
          scatterFraction: SCATTER_FRACTION,
          organs,
          backgroundMBqPerMl: (organPctIDperG(s, "muscle", tH) / 100) * s.injectedMBq * df,
          standard: { activityMBq: STANDARD_MBQ * df, ...STANDARD_ROI },
        },
        rng,
      );
      const tScan = tInj + tH * 3600_000;
      const file = `planar/${s.id}_wb_${tH}h.dcm`;
      writePlanarWholeBody(join(dir, file), {
        grid: PLANAR_GRID,
        frames,
        patientId: s.id,
        uid: `2.25.${20260302}${pad(k)}${pad(j)}`,
        scanMs: tScan,
        injectionMs: tInj,
        injectedMBq: s.injectedMBq,
        description: `111In whole body ${tH} h p.i.`,
      });
      scans.push({
        id: `${s.id}-planar-${tH}h`,
        subject: s.id,
        modality: "NM",
        time: iso(tScan),
        files: [file],
        purpose: "planar",
        acquisition: {
          nuclide,
          roiTable: roiFile,
          standardRoi: STANDARD_ROI.roi,
          standardMBqAtInjection: STANDARD_MBQ,
          bodyThicknessCm: L,
          calibrationCpsPerMBq: SENSITIVITY_CPS_PER_MBQ,
          durationS: PLANAR_GRID.durationS,
          energyWindowsKeV: [...IN111_WINDOWS_KEV],
        },
      });
      const pctID: Record<string, number> = {};
      for (const o of PLANAR_TRUTH_ORGANS) {
        const label = PLANAR_ORGANS.find((x) => x.organ === o)?.label as number;
        pctID[o] = truthPctID(s, o, label, vol, tH);
      }
      perTime.push({ time_h: tH, pctID });
    }
    const residence: Record<string, number> = {};
    for (const o of PLANAR_TRUTH_ORGANS) {
      const label = PLANAR_ORGANS.find((x) => x.organ === o)?.label as number;
      residence[o] = residenceTruthH((t) => truthPctID(s, o, label, vol, t) / 100, nuclide);
    }
    const h0 = perTime[0].pctID.heart;
    subjects.push({
      subject: s.id,
      group: s.group,
      bodyThicknessCm: L,
      injectedMBq: s.injectedMBq,
      times: perTime,
      bloodPoolPersistencePct: perTime.map((p) => (100 * p.pctID.heart) / h0),
      residenceTimeH: residence,
    });
  }
  return {
    scans,
    truth: {
      description:
        "planar 111In whole-body scans: %ID per organ (decay-corrected to injection) = %ID/g × SPECT-phantom organ volume (1 g/mL); residence time τ = ∫ f(t)·e^(−λt) dt (h)",
      organVolumesMl: Object.fromEntries(
        PLANAR_TRUTH_ORGANS.map((o) => [o, vol.get(PLANAR_ORGANS.find((x) => x.organ === o)?.label ?? 0)]),
      ),
      sensitivityCpsPerMBq: SENSITIVITY_CPS_PER_MBQ,
      scatterFraction: SCATTER_FRACTION,
      standardMBqAtInjection: STANDARD_MBQ,
      subjects,
    },
  };
}

export const planarArm: DemoArm = { name: "planar", seedOffset: 151, write };
