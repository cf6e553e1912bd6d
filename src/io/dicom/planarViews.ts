/**
 * Planar ROI counts per scan, view and energy window, from either
 *  - a long CSV table (one row per scan × ROI × view × window): columns `roi`, `view`
 *    (anterior|posterior, ant|post), `counts`, `duration_s`, `pixels`, and the scan time as
 *    `time_h` (hours after injection) or `acquired` (ISO 8601, with an injection time);
 *    optional `window` (photopeak|lower|upper, default photopeak), `kind`
 *    (organ|lesion|heart|background|standard), `background` (the ROI's background ROI),
 *    `organ_thickness_cm`, `body_thickness_cm`, `transmission` (I/I₀ at the ROI);
 *  - a folder (or file) of planar NM DICOM objects (planarNm.ts), one scan per object, with an
 *    ROI table (`roi`, `x`, `y`, `width`, `height` in anterior-image pixels, optional `shape`
 *    rect|ellipse and the per-ROI columns above). Posterior ROIs are the mirrored anterior
 *    ones (core/scintigraphy/roi.ts) unless mirror = false. Windows are classified against
 *    the nuclide's photopeaks (scatter.ts classifyWindows); with several photopeak windows
 *    (In-111 171 + 245 keV) each is TEW-corrected with its own side windows before summing.
 * Every malformed value is an InputError naming file, column and row.
 */
import { readFileSync, statSync } from "node:fs";
import { InputError } from "../../core/errors.js";
import { PHOTOPEAKS } from "../../core/scintigraphy/attenuation.js";
import type { WindowCounts } from "../../core/scintigraphy/quantify.js";
import { type PlanarRoi, roiMask, roiSum } from "../../core/scintigraphy/roi.js";
import { classifyWindows, tewScatterCounts, windowWidthKeV } from "../../core/scintigraphy/scatter.js";
import { parseIsoDateTime } from "../../core/units/isoTime.js";
import { hasColumn, numericColumn, readCsv, stringColumn, type Table } from "../csv.js";
import { walkFiles } from "../walkFiles.js";
import { acquisitionEpochMs, dicomDtMs, type PlanarNmImage, planarNmFromDicom } from "./planarNm.js";
import { hasDicomPreamble, parseDicom } from "./read.js";

export type View = "anterior" | "posterior";
export type WindowName = "photopeak" | "lower" | "upper";

export interface RoiEntry {
  roi: string;
  kind?: string;
  background?: string;
  organThicknessCm?: number;
  bodyThicknessCm?: number;
  transmission?: number;
  anterior?: WindowCounts;
  posterior?: WindowCounts;
}

export interface PlanarScan {
  label: string;
  timeH: number;
  rois: Map<string, RoiEntry>;
  nuclide?: string | null;
  injectedMBq?: number | null;
  source: string;
  /** DICOM input: scatter already removed from the photopeak counts by TEW */
  tewPreApplied?: boolean;
}

const VIEWS: Record<string, View> = {
  anterior: "anterior",
  ant: "anterior",
  a: "anterior",
  posterior: "posterior",
  post: "posterior",
  p: "posterior",
};
const WINDOWS: Record<string, WindowName> = {
  photopeak: "photopeak",
  peak: "photopeak",
  main: "photopeak",
  lower: "lower",
  upper: "upper",
};

function optCol(t: Table, name: string, positive: boolean): Float64Array | null {
  if (!hasColumn(t, name)) return null;
  const v = numericColumn(t, name, { allowMissing: true });
  v.forEach((x, k) => {
    if (!Number.isNaN(x) && !(positive ? x > 0 : x >= 0))
      throw new InputError({
        file: t.file,
        field: `column ${name}, row ${k + 1}`,
        value: x,
        expected: positive ? "a number > 0 (or an empty cell)" : "a number ≥ 0 (or an empty cell)",
      });
  });
  return v;
}

const at = (a: Float64Array | null, i: number) => (a && Number.isFinite(a[i]) ? a[i] : undefined);
const optStr = (t: Table, name: string) => (hasColumn(t, name) ? stringColumn(t, name) : null);

function roiProps(i: number, cols: ReturnType<typeof perRoiColumns>): Omit<RoiEntry, "roi"> {
  const kind = cols.kind?.[i] || undefined;
  const background = cols.background?.[i] || undefined;
  return {
    kind,
    background,
    organThicknessCm: at(cols.organ, i),
    bodyThicknessCm: at(cols.body, i),
    transmission: at(cols.transmission, i),
  };
}

function perRoiColumns(t: Table) {
  const transmission = optCol(t, "transmission", true);
  transmission?.forEach((x, k) => {
    if (x > 1.05)
      throw new InputError({
        file: t.file,
        field: `column transmission, row ${k + 1}`,
        value: x,
        expected: "a transmission I/I₀ in (0, 1]",
      });
  });
  return {
    kind: optStr(t, "kind"),
    background: optStr(t, "background"),
    organ: optCol(t, "organ_thickness_cm", false),
    body: optCol(t, "body_thickness_cm", true),
    transmission,
  };
}

function merge(e: RoiEntry, p: Omit<RoiEntry, "roi">): void {
  for (const [k, v] of Object.entries(p))
    if (v !== undefined && (e as unknown as Record<string, unknown>)[k] === undefined)
      (e as unknown as Record<string, unknown>)[k] = v;
}

/** scans from a long views CSV; `injectedMs` needed when the table has `acquired` instead of `time_h` */
export function readViewsCsv(file: string, injectedMs?: number): PlanarScan[] {
  const t = readCsv(file);
  const rois = stringColumn(t, "roi");
  const views = stringColumn(t, "view");
  const counts = numericColumn(t, "counts");
  const dur = numericColumn(t, "duration_s");
  const pixels = numericColumn(t, "pixels");
  const win = optStr(t, "window");
  const timeH = hasColumn(t, "time_h") ? numericColumn(t, "time_h") : null;
  const acquired = !timeH && hasColumn(t, "acquired") ? stringColumn(t, "acquired") : null;
  if (!timeH && !acquired)
    throw new InputError({
      file,
      field: "columns",
      value: t.columns,
      expected: "a scan time column: time_h (hours after injection) or acquired (ISO 8601)",
    });
  if (acquired && injectedMs === undefined)
    throw new InputError({
      file,
      field: "--injected",
      expected: "the injection time (ISO 8601) for a table with an `acquired` column",
    });
  const cols = perRoiColumns(t);
  const scans = new Map<string, PlanarScan>();
  for (let i = 0; i < t.rows.length; i++) {
    const where = (c: string) => ({ file, field: `column ${c}, row ${i + 1}` });
    const view = VIEWS[views[i].toLowerCase()];
    if (!view)
      throw new InputError({
        ...where("view"),
        value: views[i],
        expected: "anterior or posterior (ant, post)",
      });
    const w = win ? WINDOWS[(win[i] || "photopeak").toLowerCase()] : "photopeak";
    if (!w)
      throw new InputError({ ...where("window"), value: win?.[i], expected: "photopeak, lower or upper" });
    if (!(counts[i] >= 0))
      throw new InputError({ ...where("counts"), value: counts[i], expected: "counts ≥ 0" });
    if (!(dur[i] > 0))
      throw new InputError({
        ...where("duration_s"),
        value: dur[i],
        expected: "an acquisition duration > 0 s",
      });
    if (!(pixels[i] > 0))
      throw new InputError({ ...where("pixels"), value: pixels[i], expected: "an ROI area > 0 pixels" });
    let h: number;
    let label: string;
    if (timeH) {
      h = timeH[i];
      if (!(h >= 0))
        throw new InputError({ ...where("time_h"), value: h, expected: "a time ≥ 0 h after injection" });
      label = `${h} h`;
    } else {
      const ms = parseIsoDateTime((acquired as string[])[i], where("acquired"));
      h = (ms - (injectedMs as number)) / 3_600_000;
      if (h < 0)
        throw new InputError({
          ...where("acquired"),
          value: (acquired as string[])[i],
          expected: "a time after the injection",
        });
      label = (acquired as string[])[i];
    }
    const key = String(h);
    const scan = scans.get(key) ?? { label, timeH: h, rois: new Map(), source: file };
    scans.set(key, scan);
    const e = scan.rois.get(rois[i]) ?? { roi: rois[i] };
    scan.rois.set(rois[i], e);
    merge(e, roiProps(i, cols));
    const wc: WindowCounts = e[view] ?? { counts: Number.NaN, durationS: dur[i], pixels: pixels[i] };
    e[view] = wc;
    if (w === "photopeak") {
      if (Number.isFinite(wc.counts))
        throw new InputError({
          ...where("roi"),
          value: rois[i],
          expected: `one ${view} photopeak row per ROI and scan`,
        });
      wc.counts = counts[i];
      wc.durationS = dur[i];
      wc.pixels = pixels[i];
    } else wc[w] = counts[i];
  }
  const out = [...scans.values()].sort((a, b) => a.timeH - b.timeH);
  for (const s of out)
    for (const e of s.rois.values())
      for (const v of ["anterior", "posterior"] as const)
        if (e[v] && !Number.isFinite(e[v]?.counts))
          throw new InputError({
            file,
            field: `ROI ${e.roi} at ${s.label}`,
            expected: `a ${v} photopeak row (only scatter windows given)`,
          });
  return out;
}

/** ROI definitions for DICOM input */
export function readRoiDefinitions(file: string): { roi: PlanarRoi; props: Omit<RoiEntry, "roi"> }[] {
  const t = readCsv(file);
  const names = stringColumn(t, "roi");
  const [x, y, w, h] = ["x", "y", "width", "height"].map((c) => numericColumn(t, c));
  const shape = optStr(t, "shape");
  const cols = perRoiColumns(t);
  return names.map((name, i) => {
    const s = (shape?.[i] || "rect").toLowerCase();
    if (s !== "rect" && s !== "ellipse")
      throw new InputError({
        file,
        field: `column shape, row ${i + 1}`,
        value: s,
        expected: "rect or ellipse",
      });
    for (const [c, v, min] of [
      ["x", x[i], 0],
      ["y", y[i], 0],
      ["width", w[i], 1],
      ["height", h[i], 1],
    ] as const)
      if (!(Number.isInteger(v) && v >= min))
        throw new InputError({
          file,
          field: `column ${c}, row ${i + 1}`,
          value: v,
          expected: `an integer pixel index ≥ ${min}`,
        });
    return {
      roi: { name, shape: s, x: x[i], y: y[i], width: w[i], height: h[i] },
      props: roiProps(i, cols),
    };
  });
}

export interface DicomScanOptions {
  nuclide: string;
  /** epoch ms of the injection, overriding RadiopharmaceuticalStartDateTime */
  injectedMs?: number;
  mirrorPosterior: boolean;
}

function dicomImages(input: string, pixels = true): PlanarNmImage[] {
  const paths = statSync(input).isDirectory() ? walkFiles(input) : [input];
  const out: PlanarNmImage[] = [];
  for (const p of paths) {
    const bytes = readFileSync(p);
    if (!hasDicomPreamble(bytes)) continue;
    const f = parseDicom(bytes, p);
    if (String(f.ds.Modality ?? "") !== "NM") continue;
    out.push(planarNmFromDicom(f, { pixels }));
  }
  if (out.length === 0)
    throw new InputError({ file: input, expected: "planar NM DICOM files (Modality NM)" });
  return out;
}

/** the radionuclide named in the first NM object's header (null when none is recognised) */
export function dicomNuclide(input: string): string | null {
  return (
    dicomImages(input, false).find((i) => i.radiopharmaceutical.nuclide)?.radiopharmaceutical.nuclide ?? null
  );
}

/** scans (one per NM object) with ROI counts from DICOM images */
export function scansFromDicom(input: string, roiFile: string, o: DicomScanOptions): PlanarScan[] {
  const defs = readRoiDefinitions(roiFile);
  const peaks = PHOTOPEAKS[o.nuclide]?.peaks.map((p) => p.energyKeV) ?? [];
  return dicomImages(input)
    .map((img) => {
      if (img.pixelStatus !== "ok")
        throw new InputError({
          file: img.file,
          field: "PixelData",
          expected: `decodable pixel data (${img.pixelStatus})`,
        });
      const injMs =
        o.injectedMs ?? dicomDtMs(img.radiopharmaceutical.startDateTime, img.timezoneOffset ?? "+0000");
      const acqMs = acquisitionEpochMs({ ...img, timezoneOffset: img.timezoneOffset ?? "+0000" });
      if (injMs === null || acqMs === null)
        throw new InputError({
          file: img.file,
          field: injMs === null ? "RadiopharmaceuticalStartDateTime" : "AcquisitionDate/AcquisitionTime",
          expected:
            injMs === null
              ? "an injection date-time in the file, or --injected"
              : "an acquisition date and time",
        });
      const views = new Set(img.frames.map((f) => f.view));
      for (const v of ["anterior", "posterior"] as const)
        if (!views.has(v))
          throw new InputError({
            file: img.file,
            field: "DetectorInformationSequence/ViewCodeSequence",
            value: [...views],
            expected: `an ${v} view (conjugate views need both; detectors without a view code are not guessed)`,
          });
      // photopeak windows with their TEW side windows
      const groups = (peaks.length ? peaks : [Number.NaN])
        .map((e) => classifyWindows(img.energyWindows, e))
        .filter((g, i, a) => g.main && a.findIndex((h) => h.main === g.main) === i);
      if (img.energyWindows.length > 0 && groups.length === 0)
        throw new InputError({
          file: img.file,
          field: "EnergyWindowInformationSequence",
          value: img.energyWindows.map((w) => `${w.name} ${w.lowerKeV}–${w.upperKeV} keV`),
          expected: `a window containing a ${o.nuclide} photopeak (${peaks.join(", ")} keV)`,
        });
      const windowIndex = (w: { name: string; lowerKeV: number; upperKeV: number } | undefined) =>
        w ? img.energyWindows.find((x) => x === w)?.index : undefined;
      const rois = new Map<string, RoiEntry>();
      let durationMs: number | null = null;
      for (const { roi, props } of defs) {
        const e: RoiEntry = { roi: roi.name, ...props };
        for (const view of ["anterior", "posterior"] as const) {
          const mask = roiMask(roi, img.rows, img.cols, view === "posterior" && o.mirrorPosterior);
          const sum = (win: number | undefined) => {
            if (win === undefined && img.energyWindows.length > 0) return undefined;
            const fr = img.frames.find(
              (f) => f.view === view && (win === undefined || f.energyWindow === win),
            );
            if (!fr?.pixels) return undefined;
            durationMs = fr.durationMs;
            return roiSum(fr.pixels, mask);
          };
          let primary = 0;
          let pixels = 0;
          if (groups.length === 0) {
            const s = sum(undefined);
            primary = s?.counts ?? Number.NaN;
            pixels = s?.pixels ?? 0;
          }
          for (const g of groups) {
            const m = sum(windowIndex(g.main));
            if (!m) continue;
            pixels = m.pixels;
            const l = sum(windowIndex(g.lower));
            const u = sum(windowIndex(g.upper));
            primary +=
              g.main && g.lower && l
                ? m.counts -
                  tewScatterCounts({
                    mainCounts: m.counts,
                    lowerCounts: l.counts,
                    upperCounts: u?.counts ?? 0,
                    mainWidthKeV: windowWidthKeV(g.main),
                    lowerWidthKeV: windowWidthKeV(g.lower),
                    upperWidthKeV: g.upper ? windowWidthKeV(g.upper) : undefined,
                  })
                : m.counts;
          }
          const d = (durationMs ?? Number.NaN) / 1000;
          if (!(d > 0))
            throw new InputError({
              file: img.file,
              field: "ActualFrameDuration",
              value: durationMs,
              expected: "a frame duration > 0 ms",
            });
          e[view] = { counts: primary, durationS: d, pixels };
        }
        rois.set(roi.name, e);
      }
      const tewApplied = groups.some((g) => g.lower);
      return {
        label: `${img.acquisitionDate ?? ""} ${img.acquisitionTime ?? ""}`.trim(),
        timeH: (acqMs - injMs) / 3_600_000,
        rois,
        nuclide: img.radiopharmaceutical.nuclide,
        injectedMBq: img.radiopharmaceutical.injectedMBq,
        source: img.file,
        tewPreApplied: tewApplied,
      } satisfies PlanarScan;
    })
    .sort((a, b) => a.timeH - b.timeH);
}
