/**
 * Histology per subject (kind "histology", one task over the subject's scans of purpose
 * "histology"; each scan one stained section of `acquisition.tumour`, `umPerPx` the pixel size):
 *  - CD31 / H-DAB (`stains` "hdab", `stain` CD31): colour deconvolution with Fiji's H-DAB vectors
 *    (Ruifrok & Johnston 2001), DAB > Otsu threshold, 8-connected components ≥ `minAreaUm2`
 *    (default 10 µm²) are vessels → vessels, MVD_per_mm2 (whole section), hotspot_MVD_per_mm2
 *    (Weidner ×200 field 0.74 mm², or the whole section when smaller), vessel_area_fraction
 *    (io/histology/pipelines.ts mvd); overlay PNG in results/histology/.
 *  - Masson trichrome (`stains` "masson"): methyl blue > Otsu threshold → collagen_fraction
 *    (area fraction of the section; pipelines.ts areaFraction).
 * Rows per tumour ROI; MVD_per_mm2 and collagen_fraction are lesion biomarkers (biomarkers.ts)
 * that stratification relates to accumulation.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../core/errors.js";
import { presetStainSet, STAIN_PRESET_NAMES, type StainPreset } from "../../core/histology/stainVectors.js";
import { areaFraction, mvd } from "../../io/histology/pipelines.js";
import { openRaster } from "../../io/histology/rasterSource.js";
import type { ResultRow } from "../../store/types.js";
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

export function planHistology(ls: LoadedStudy): Task[] {
  const bySubject = new Map<string, Scan[]>();
  for (const s of ls.study.scans.filter((x) => x.purpose === "histology"))
    bySubject.set(s.subject, [...(bySubject.get(s.subject) ?? []), s]);
  return [...bySubject.entries()].map(([subject, scans]) => ({
    id: `${HISTOLOGY}/${subject}`,
    kind: HISTOLOGY,
    revision: 1,
    subject,
    inputFiles: scans.flatMap((s) => s.files),
    inputs: { scans },
    dependsOn: [],
    run: async ({ progress }) => {
      const rows: ResultRow[] = [];
      const outDir = join(ls.dir, "results", "histology");
      mkdirSync(outDir, { recursive: true });
      let k = 0;
      for (const scan of scans) {
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
            const r = await mvd(src, set, {
              umPerPx: um,
              minAreaUm2,
              fieldMm2: 0.74,
              threshold: "otsu",
              stainIndex: dab,
              overlay: join(outDir, `${scan.id}_vessels.png`),
            });
            const hs = r.hotspot_status === "ok" ? {} : { message: r.hotspot_status };
            rows.push(
              row(H, subject, roi, "vessels", r.vessels, "1"),
              row(H, subject, roi, "MVD_per_mm2", r.mvd_per_mm2, "1/mm2"),
              row(H, subject, roi, "hotspot_MVD_per_mm2", r.hotspot_mvd_per_mm2, "1/mm2", hs),
              row(H, subject, roi, "vessel_area_fraction", r.vessel_area_fraction, "1"),
              row(H, subject, roi, "CD31_area_mm2", r.area_mm2, "mm2"),
              row(H, subject, roi, "CD31_threshold_od", r.threshold_od, "OD"),
            );
          }
        } finally {
          await src.close();
        }
        progress(++k / scans.length);
      }
      return {
        rows,
        provenance: [
          {
            kind: "param",
            name: "segmentation",
            value:
              "Fiji stain vectors, Otsu threshold, 8-connected components, min vessel 10 µm², hotspot field 0.74 mm²",
          },
        ],
      };
    },
  }));
}
