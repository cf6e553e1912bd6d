/**
 * Histology per subject (kind "histology", one task over the subject's scans of purpose
 * "histology"; each scan one stained section of `acquisition.tumour`, `umPerPx` the pixel size):
 *  - CD31 / H-DAB (`stains` "hdab", `stain` CD31): colour deconvolution with Fiji's H-DAB vectors
 *    (Ruifrok & Johnston 2001), DAB > Otsu threshold, 8-connected components ≥ `minAreaUm2`
 *    (default 10 µm²) are vessels → vessels, MVD_per_mm2 (whole section), hotspot_MVD_per_mm2
 *    (Weidner ×200 field 0.74 mm², or the whole section when smaller), vessel_area_fraction
 *    (as io/histology/pipelines.ts mvd, inlined to keep the labels); overlay PNG in results/histology/.
 *  - Masson trichrome (`stains` "masson"): methyl blue > Otsu threshold → collagen_fraction
 *    (area fraction of the section; pipelines.ts areaFraction).
 *  - Nanoparticle fluorescence (`stain` "fluorescence", `channel` red|green|blue|gray, optional
 *    `background` in grey levels, `registeredTo` the CD31 scan id, else the CD31 scan of the same
 *    tumour; same size and pixel size): vessel mask = the accepted CD31 vessels above (same
 *    threshold and minimum area), exact Euclidean distance to the nearest vessel pixel
 *    (core/histology distanceTransform.ts), mean signal per 5 µm distance bin up to 150 µm,
 *    vessel pixels excluded (io pipelines.ts penetration; Primeau et al. 2005) →
 *      penetration.depth50_um: distance over which the background-subtracted profile halves from
 *        its first (perivascular) bin, = D50 − centre of the first filled bin (D50 of
 *        core/histology/penetration.ts); for I = B + A·e^(−d/λ) this is λ·ln 2 for any bin width,
 *      penetration.lambda_um: λ of the least-squares line of ln(profile − B) vs bin centre,
 *        pixel-weighted, over bins ≥ 50 px with profile − B > 10 % of the first bin,
 *      penetration.rim_core_ratio: raw mean signal near vessels (0 < d < 20 µm) over far from
 *        them (d ≥ 60 µm); flagged when the section has no pixel ≥ 60 µm from a vessel,
 *      penetration.cov, penetration.gini: heterogeneity of the raw signal over non-vessel pixels
 *        (core/histology distribution.ts),
 *      penetration.profile.<k>.distance_um / .mean: the profile (bin centre, mean signal).
 *    Flagged (value null) when the CD31 section has no vessel, a tumour has no fluorescence
 *    section (or a fluorescence section no CD31 section), or the section exceeds 2048 px a side
 *    (the vessel mask is the full-resolution overlay labels, which the MVD segmentation keeps up
 *    to 2048 px; for whole slides use `eprscope histo penetration` with a vessel-mask file).
 * Rows per tumour ROI; MVD_per_mm2 and collagen_fraction are lesion biomarkers (biomarkers.ts)
 * that stratification relates to accumulation.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import type { Component } from "../../core/histology/components.js";
import { microvesselDensity } from "../../core/histology/hotspot.js";
import { presetStainSet, STAIN_PRESET_NAMES, type StainPreset } from "../../core/histology/stainVectors.js";
import {
  areaFraction,
  type PenetrationResult,
  penetration,
  type Segmentation,
  segmentStain,
  writeOverlay,
} from "../../io/histology/pipelines.js";
import { memorySource, openRaster } from "../../io/histology/rasterSource.js";
import type { ResultRow, ResultStatus } from "../../store/types.js";
import type { LoadedStudy } from "../../study/load.js";
import type { Scan } from "../../study/schema.js";
import type { Task } from "../task.js";
import { row } from "./common.js";

export const HISTOLOGY = "histology";

function presetOf(scan: Scan): StainPreset {
  const p = String(scan.acquisition?.stains ?? "");
  if (!(STAIN_PRESET_NAMES as string[]).includes(p))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.stains`,
      value: p,
      expected: STAIN_PRESET_NAMES.join(" | "),
    });
  return p as StainPreset;
}

function umPerPx(scan: Scan): number {
  const v = Number(scan.acquisition?.umPerPx);
  if (!(v > 0))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.umPerPx`,
      value: scan.acquisition?.umPerPx ?? null,
      expected: "the pixel size in µm",
    });
  return v;
}

/** profile settings of the penetration analysis (µm) */
export const PENETRATION = { binUm: 5, maxUm: 150, nearUm: 20, farUm: 60, maxSidePx: 2048 };

const CHANNELS = ["red", "green", "blue", "gray"] as const;

function isFluorescence(scan: Scan): boolean {
  return String(scan.acquisition?.stain ?? "").toLowerCase() === "fluorescence";
}

function channelOf(scan: Scan): (typeof CHANNELS)[number] {
  const c = String(scan.acquisition?.channel ?? "gray");
  if (!(CHANNELS as readonly string[]).includes(c))
    throw new InputError({
      file: "study.json",
      field: `scans[${scan.id}].acquisition.channel`,
      value: c,
      expected: CHANNELS.join(" | "),
    });
  return c as (typeof CHANNELS)[number];
}

/** vessel mask of a CD31 section: accepted components (area ≥ min) of the DAB segmentation */
interface VesselMask {
  scan: Scan;
  width: number;
  height: number;
  /** null: section too large to hold the mask */
  mask: Uint8Array | null;
  vessels: number;
}

function vesselMask(
  seg: Segmentation,
  scan: Scan,
  width: number,
  height: number,
  accept: (c: Component) => boolean,
): VesselMask {
  const ov = seg.overlay;
  if (ov === null || ov.factor > 1) return { scan, width, height, mask: null, vessels: 0 };
  const ok = new Set(seg.components.filter(accept).map((c) => c.id));
  const mask = new Uint8Array(ov.ids.length);
  for (let i = 0; i < mask.length; i++) if (ov.ids[i] && ok.has(ov.seams.rootOf(ov.ids[i]))) mask[i] = 1;
  return { scan, width, height, mask, vessels: ok.size };
}

/** half-depth from the first bin, log-linear λ, near/far ratio from a penetration profile */
export function penetrationIndices(p: PenetrationResult, background: number) {
  const filled = p.bins.filter((b) => b.mean !== null && b.pixels > 0);
  const centre = (b: (typeof filled)[number]) => (b.from_um + b.to_um) / 2;
  const depth50 = p.depth50_um !== null && filled.length ? p.depth50_um - centre(filled[0]) : null;
  let lambda: number | null = null;
  if (filled.length >= 2) {
    const s0 = (filled[0].mean as number) - background;
    const use = filled.filter((b) => b.pixels >= 50 && (b.mean as number) - background > 0.1 * s0);
    if (use.length >= 3 && s0 > 0) {
      let sw = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let sxy = 0;
      for (const b of use) {
        const w = b.pixels;
        const x = centre(b);
        const y = Math.log((b.mean as number) - background);
        sw += w;
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        sxy += w * x * y;
      }
      const slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
      lambda = slope < 0 ? -1 / slope : null;
    }
  }
  let nS = 0;
  let nN = 0;
  let fS = 0;
  let fN = 0;
  for (const b of filled) {
    if (b.to_um <= PENETRATION.nearUm) {
      nS += (b.mean as number) * b.pixels;
      nN += b.pixels;
    } else if (b.from_um >= PENETRATION.farUm) {
      fS += (b.mean as number) * b.pixels;
      fN += b.pixels;
    }
  }
  if (p.beyond_mean !== null && p.beyond_pixels > 0 && p.max_um >= PENETRATION.farUm) {
    fS += p.beyond_mean * p.beyond_pixels;
    fN += p.beyond_pixels;
  }
  const ratio = nN > 0 && fN > 0 && fS > 0 ? nS / nN / (fS / fN) : null;
  return { depth50, lambda, ratio, profile: filled.map((b) => ({ d: centre(b), mean: b.mean as number })) };
}

const PEN_PARAMS: [string, string][] = [
  ["penetration.depth50_um", "um"],
  ["penetration.lambda_um", "um"],
  ["penetration.rim_core_ratio", "1"],
  ["penetration.cov", "1"],
  ["penetration.gini", "1"],
];

function flaggedPenetration(subject: string, roi: string, message: string): ResultRow[] {
  const status: ResultStatus = "flagged";
  return PEN_PARAMS.map(([p, u]) => row(HISTOLOGY, subject, roi, p, null, u, { status, message }));
}

export function planHistology(ls: LoadedStudy): Task[] {
  const bySubject = new Map<string, Scan[]>();
  for (const s of ls.study.scans.filter((x) => x.purpose === "histology"))
    bySubject.set(s.subject, [...(bySubject.get(s.subject) ?? []), s]);
  return [...bySubject.entries()].map(([subject, scans]) => ({
    id: `${HISTOLOGY}/${subject}`,
    kind: HISTOLOGY,
    revision: 2,
    subject,
    inputFiles: scans.flatMap((s) => s.files),
    inputs: { scans },
    dependsOn: [],
    run: async ({ progress }) => {
      const rows: ResultRow[] = [];
      const outDir = join(ls.dir, "results", "histology");
      mkdirSync(outDir, { recursive: true });
      let k = 0;
      const masks = new Map<string, VesselMask>();
      const fluo: Scan[] = [];
      for (const scan of scans) {
        if (isFluorescence(scan)) {
          fluo.push(scan);
          continue;
        }
        const preset = presetOf(scan);
        const set = presetStainSet(preset);
        const roi = String(scan.acquisition?.tumour ?? "tumour");
        const um = umPerPx(scan);
        const src = await openRaster(join(ls.dir, scan.files[0]));
        const H = HISTOLOGY;
        try {
          if (preset === "masson") {
            const r = await areaFraction(src, set, {
              stainIndex: set.names.indexOf("methyl_blue"),
              threshold: "otsu",
              umPerPx: um,
              overlay: join(outDir, `${scan.id}_collagen.png`),
            });
            rows.push(
              row(H, subject, roi, "collagen_fraction", r.area_fraction, "1"),
              row(H, subject, roi, "collagen_threshold_od", r.threshold_od, "OD"),
              row(H, subject, roi, "trichrome_area_mm2", r.area_mm2, "mm2"),
            );
          } else {
            const dab = set.names.indexOf("dab");
            if (dab < 0)
              throw new InputError({
                file: "study.json",
                field: `scans[${scan.id}].acquisition.stains`,
                value: preset,
                expected: "a preset with DAB (hdab, hedab) for CD31",
              });
            const minAreaUm2 = Number(scan.acquisition?.minAreaUm2 ?? 10);
            // as io pipelines.ts mvd (same segmentation, density and overlay), keeping the
            // full-resolution component labels for the vessel mask of the penetration analysis
            const seg = await segmentStain(src, set, {
              stain: dab,
              threshold: "otsu",
              overlayMaxSide: 2048,
            });
            const r = {
              ...microvesselDensity(seg.components, {
                width: src.width,
                height: src.height,
                umPerPx: um,
                minAreaUm2,
                fieldMm2: 0.74,
              }),
              threshold_od: seg.threshold,
            };
            const accept = (c: Component) => c.area * um ** 2 >= minAreaUm2;
            writeOverlay(seg, join(outDir, `${scan.id}_vessels.png`), accept);
            const hs = r.hotspot_status === "ok" ? {} : { message: r.hotspot_status };
            rows.push(
              row(H, subject, roi, "vessels", r.vessels, "1"),
              row(H, subject, roi, "MVD_per_mm2", r.mvd_per_mm2, "1/mm2"),
              row(H, subject, roi, "hotspot_MVD_per_mm2", r.hotspot_mvd_per_mm2, "1/mm2", hs),
              row(H, subject, roi, "vessel_area_fraction", r.vessel_area_fraction, "1"),
              row(H, subject, roi, "CD31_area_mm2", r.area_mm2, "mm2"),
              row(H, subject, roi, "CD31_threshold_od", r.threshold_od, "OD"),
            );
            masks.set(scan.id, vesselMask(seg, scan, src.width, src.height, accept));
          }
        } finally {
          await src.close();
        }
        progress(++k / scans.length);
      }
      const used = new Set<string>();
      for (const scan of fluo) {
        const roi = String(scan.acquisition?.tumour ?? "tumour");
        const ref = scan.acquisition?.registeredTo;
        const vm =
          ref !== undefined
            ? masks.get(String(ref))
            : [...masks.values()].find((m) => String(m.scan.acquisition?.tumour ?? "tumour") === roi);
        progress(++k / scans.length);
        if (!vm) {
          rows.push(...flaggedPenetration(subject, roi, "no CD31 section for the vessel mask"));
          continue;
        }
        used.add(vm.scan.id);
        if (!vm.mask) {
          rows.push(
            ...flaggedPenetration(
              subject,
              roi,
              `section larger than ${PENETRATION.maxSidePx} px a side: run eprscope histo penetration with a vessel mask file`,
            ),
          );
          continue;
        }
        if (vm.vessels === 0) {
          rows.push(...flaggedPenetration(subject, roi, "no vessel detected on the CD31 section"));
          continue;
        }
        const um = umPerPx(scan);
        const bg = Number(scan.acquisition?.background ?? 0);
        const rgb = new Uint8Array(vm.mask.length * 3);
        for (let i = 0; i < vm.mask.length; i++) if (vm.mask[i]) rgb.fill(255, i * 3, i * 3 + 3);
        const src = await openRaster(join(ls.dir, scan.files[0]));
        let p: PenetrationResult;
        try {
          p = await penetration(src, {
            signal: { channel: channelOf(scan) },
            umPerPx: um,
            vessels: memorySource(vm.width, vm.height, rgb, `${vm.scan.id} vessel mask`),
            binUm: PENETRATION.binUm,
            maxUm: PENETRATION.maxUm,
            rimUm: PENETRATION.nearUm,
            background: bg,
          });
        } finally {
          await src.close();
        }
        const ix = penetrationIndices(p, bg);
        const H = HISTOLOGY;
        const fl = (msg: string) => ({ status: "flagged" as ResultStatus, message: msg });
        rows.push(
          row(
            H,
            subject,
            roi,
            "penetration.depth50_um",
            ix.depth50,
            "um",
            ix.depth50 === null ? fl(p.status) : {},
          ),
          row(
            H,
            subject,
            roi,
            "penetration.lambda_um",
            ix.lambda,
            "um",
            ix.lambda === null ? fl("profile above background too short or not decreasing") : {},
          ),
          row(
            H,
            subject,
            roi,
            "penetration.rim_core_ratio",
            ix.ratio,
            "1",
            ix.ratio === null ? fl(`no pixel ≥ ${PENETRATION.farUm} µm from a vessel`) : {},
          ),
          row(H, subject, roi, "penetration.cov", p.signal_cov, "1"),
          row(H, subject, roi, "penetration.gini", p.signal_gini, "1"),
          row(H, subject, roi, "penetration.background", bg, "a.u."),
          ...ix.profile.flatMap((b, j) => [
            row(H, subject, roi, `penetration.profile.${j}.distance_um`, b.d, "um"),
            row(H, subject, roi, `penetration.profile.${j}.mean`, b.mean, "a.u."),
          ]),
        );
      }
      for (const vm of masks.values())
        if (!used.has(vm.scan.id))
          rows.push(
            ...flaggedPenetration(
              subject,
              String(vm.scan.acquisition?.tumour ?? "tumour"),
              "no nanoparticle-fluorescence section registered to the CD31 section",
            ),
          );
      return {
        rows,
        provenance: [
          {
            kind: "param",
            name: "segmentation",
            value:
              "Fiji stain vectors, Otsu threshold, 8-connected components, min vessel 10 µm², hotspot field 0.74 mm²",
          },
          {
            kind: "param",
            name: "penetration",
            value: `distance to the nearest CD31 vessel (exact EDT), ${PENETRATION.binUm} µm bins to ${PENETRATION.maxUm} µm, near < ${PENETRATION.nearUm} µm vs far ≥ ${PENETRATION.farUm} µm`,
          },
        ],
      };
    },
  }));
}
