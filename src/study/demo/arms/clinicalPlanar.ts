/**
 * Planar whole-body ¹¹¹In scans of the clinical cohort arm (clinical.ts): one multi-frame NM
 * DICOM object per patient and time (io/dicom/planarNmWrite.ts), anterior + posterior
 * detectors, 36 × 88 pixels of 10 mm (a 32 cm wide, 88 cm long body), 900 s, six energy
 * windows — the 171 and 245 keV photopeaks (15 %) each with a lower and an upper 8 keV TEW
 * window — as in the mouse planar arm (planar.ts), at patient scale (MIRD Pamphlet 16 geometry):
 *  - body slab of thickness L (from the patient's weight) filled with soft-tissue background;
 *  - heart (blood pool, 6 × 6 px, 7 cm thick at 0.35·L), liver (11 × 11 px, 12 cm at L/2),
 *    spleen (5 × 7 px, 6 cm at L − 5 cm) and 2–3 lesions at fixed candidate sites, each a
 *    uniform slab (core/scintigraphy/phantom.ts) whose thickness holds the lesion volume over
 *    its ROI box; activity at scan = %ID(t)/100 · A_inj · decay(t);
 *  - one projection per photopeak with that peak's narrow-beam water μ (NIST, attenuation.ts)
 *    and its share of the 85 cps/MBq sensitivity (emission intensities 0.9066 : 0.9409);
 *  - scatter 35 % of the primary counts under each photopeak (upper/lower density 0.3 under
 *    171 keV, 0 under 245 keV), the side windows filled so that TEW removes it in expectation;
 *  - a 3 MBq (at injection) ¹¹¹In standard in air beside the patient in every scan;
 *  - Poisson counts.
 * The ROI table clinical/<patient>_rois.csv (anterior-image boxes; the reader mirrors the
 * posterior) gives kind, background ROI (Buijs) and organ thickness per ROI.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { decayFactor } from "../../../core/nuclide/decay.js";
import type { Rng } from "../../../core/random.js";
import type { PhantomOrgan } from "../../../core/scintigraphy/phantom.js";
import type { Scan } from "../../schema.js";
import { IN111_WINDOWS_KEV, iso, pad, planarFrames, planarRoiTable, writePlanarWholeBody } from "./planar.js";

export const CLINICAL_PLANAR_GRID = { rows: 88, cols: 36, pixelMm: 10, durationS: 900 };
const BODY = { x: 2, width: 32 };
export const CLINICAL_SENSITIVITY_CPS_PER_MBQ = 85;
export const CLINICAL_SCATTER_FRACTION = 0.35;
export const CLINICAL_STANDARD_MBQ = 3;
const NUCLIDE = "In-111";

/** organ ROI boxes (anterior image, patient's right on the image left) and depth (cm) from L */
export const CLINICAL_ORGANS = {
  heart: { kind: "heart", x: 19, y: 26, width: 6, height: 6, thicknessCm: 7, depth: (L: number) => 0.35 * L },
  liver: {
    kind: "organ",
    x: 7,
    y: 34,
    width: 11,
    height: 11,
    thicknessCm: 12,
    depth: (L: number) => 0.5 * L,
  },
  spleen: { kind: "organ", x: 25, y: 35, width: 5, height: 7, thicknessCm: 6, depth: (L: number) => L - 5 },
} as const;

/** candidate lesion sites: box centre (pixels) and the slab centre depth (cm) for body L, lesion radius r */
export const LESION_SITES: Record<
  string,
  { cx: number; cy: number; depth: (L: number, r: number) => number }
> = {
  breast_right: { cx: 9, cy: 25, depth: (_L, r) => r + 0.5 },
  breast_left: { cx: 29, cy: 25, depth: (_L, r) => r + 0.5 },
  axilla_right: { cx: 5, cy: 19, depth: (L) => 0.45 * L },
  lung_left: { cx: 26, cy: 15, depth: (L) => 0.45 * L },
  mediastinal_node: { cx: 16, cy: 20, depth: (L) => 0.4 * L },
  pelvic_bone: { cx: 10, cy: 60, depth: (L, r) => L - r - 2 },
  inguinal_node: { cx: 26, cy: 66, depth: (_L, r) => r + 2 },
};

const BACKGROUND_ROI = { roi: "background", x: 13, y: 72, width: 8, height: 8 };
const STANDARD_ROI = { roi: "standard", x: 34, y: 2, width: 2, height: 2 };

export interface PlanarRegion {
  roi: string;
  kind: "heart" | "organ" | "lesion";
  x: number;
  y: number;
  width: number;
  height: number;
  depthCm: number;
  thicknessCm: number;
}

/** the planar ROI box and slab of a lesion of volume V (mL) at a site: box ≈ lesion diameter */
export function lesionRegion(roi: string, site: string, volumeMl: number, L: number): PlanarRegion {
  const s = LESION_SITES[site];
  const r = Math.cbrt((3 * volumeMl) / (4 * Math.PI));
  const w = Math.max(2, Math.min(4, Math.round(2 * r)));
  const t = Math.round((volumeMl / (w * w)) * 1000) / 1000;
  const depth = Math.min(L - t / 2, Math.max(t / 2, s.depth(L, t / 2)));
  return {
    roi,
    kind: "lesion",
    x: s.cx - Math.floor(w / 2),
    y: s.cy - Math.floor(w / 2),
    width: w,
    height: w,
    depthCm: Math.round(depth * 1000) / 1000,
    thicknessCm: t,
  };
}

export function organRegions(L: number): PlanarRegion[] {
  return Object.entries(CLINICAL_ORGANS).map(([roi, o]) => ({
    roi,
    kind: o.kind,
    x: o.x,
    y: o.y,
    width: o.width,
    height: o.height,
    depthCm: Math.round(o.depth(L) * 1000) / 1000,
    thicknessCm: o.thicknessCm,
  }));
}

export interface PlanarPatient {
  id: string;
  injectedMBq: number;
  injectionMs: number;
  bodyThicknessCm: number;
  regions: PlanarRegion[];
  /** decay-corrected %ID of a region at t h */
  pctID(roi: string, tH: number): number;
  /** soft-tissue background, %ID per mL (decay-corrected) at t h */
  backgroundPctIDperMl(tH: number): number;
  /** scan times (h after injection, exact) */
  scanTimesH: number[];
}

/** writes clinical/<id>_rois.csv and one NM DICOM per scan time; returns the scans */
export function writeClinicalPlanar(dir: string, p: PlanarPatient, rng: Rng, uidBase: string): Scan[] {
  mkdirSync(join(dir, "clinical"), { recursive: true });
  const roiFile = `clinical/${p.id}_rois.csv`;
  writeFileSync(join(dir, roiFile), planarRoiTable(p.regions, BACKGROUND_ROI, STANDARD_ROI));
  const G = CLINICAL_PLANAR_GRID;
  return p.scanTimesH.map((tH, j) => {
    const df = decayFactor(NUCLIDE, tH * 3600);
    const organs: PhantomOrgan[] = p.regions.map((r) => ({
      name: r.roi,
      kind: r.kind,
      activityMBq: (p.pctID(r.roi, tH) / 100) * p.injectedMBq * df,
      x: r.x,
      y: r.y,
      width: r.width,
      height: r.height,
      depthCm: r.depthCm,
      thicknessCm: r.thicknessCm,
    }));
    const frames = planarFrames(
      NUCLIDE,
      {
        grid: G,
        body: BODY,
        bodyThicknessCm: p.bodyThicknessCm,
        sensitivityCpsPerMBq: CLINICAL_SENSITIVITY_CPS_PER_MBQ,
        scatterFraction: CLINICAL_SCATTER_FRACTION,
        organs,
        backgroundMBqPerMl: (p.backgroundPctIDperMl(tH) / 100) * p.injectedMBq * df,
        standard: { activityMBq: CLINICAL_STANDARD_MBQ * df, ...STANDARD_ROI },
      },
      rng,
    );
    const tScan = p.injectionMs + Math.round(tH * 3600_000);
    const label = Math.round(tH);
    const file = `clinical/${p.id}_wb_${label}h.dcm`;
    writePlanarWholeBody(join(dir, file), {
      grid: G,
      frames,
      patientId: p.id,
      uid: `${uidBase}${pad(j)}`,
      scanMs: tScan,
      injectionMs: p.injectionMs,
      injectedMBq: p.injectedMBq,
      description: `111In-PEG-liposome whole body ${label} h p.i.`,
    });
    return {
      id: `${p.id}-wb-${label}h`,
      subject: p.id,
      modality: "NM",
      time: iso(tScan),
      files: [file],
      purpose: "other",
      acquisition: {
        protocol: "clinical-planar",
        nuclide: NUCLIDE,
        roiTable: roiFile,
        standardRoi: STANDARD_ROI.roi,
        standardMBqAtInjection: CLINICAL_STANDARD_MBQ,
        bodyThicknessCm: p.bodyThicknessCm,
        backgroundMethod: "buijs",
        muKind: "narrow",
        calibrationCpsPerMBq: CLINICAL_SENSITIVITY_CPS_PER_MBQ,
        durationS: G.durationS,
        energyWindowsKeV: [...IN111_WINDOWS_KEV],
      },
    } satisfies Scan;
  });
}
