/**
 * Tile-streaming histology analyses: each pass reads the slide tile by tile (tiles.ts) and
 * feeds pure core accumulators, so the peak memory is one tile (plus halo) plus the
 * accumulators — the exact colour histogram (64 MiB), one slide-wide row of component ids and
 * per-component statistics, a bounded overlay — whatever the slide size.
 *
 *   deconvolve:  1 pass  → colour histogram → per-stain mean/SD/percentiles (exact), OD TIFFs
 *   mvd / area:  2 passes → histogram → threshold (Otsu/triangle/fixed) → positive mask →
 *                 morphology (tile + halo) → seam-aware components → MVD, hotspot, overlay
 *   her2:        1 pass  → histogram → DAB bins
 *   penetration: 1 pass  → distance transform of the vessel/tumour mask on tile + halo
 *                 (halo = max distance, so distances ≤ max are exact) → profile, indices
 *   estimate:    1 pass  → histogram → Macenko vectors
 * Whole image and whole slide run the same code (an in-memory image is a source too), and a
 * test checks that the tile size does not change any number. Lives in io because it drives
 * file reads; the numerics are all in core/histology.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { AnalysisError, InputError } from "../../core/errors.js";
import {
  ColourHistogram,
  transformDistribution,
  type WeightedValues,
} from "../../core/histology/colourHistogram.js";
import { type Component, SeamComponents } from "../../core/histology/components.js";
import { distanceToMask } from "../../core/histology/distanceTransform.js";
import {
  coefficientOfVariation,
  entropyBits,
  fractionAbove,
  gini,
  mean,
  otsuThreshold,
  percentile,
  sd,
  triangleThreshold,
} from "../../core/histology/distribution.js";
import { type MvdResult, microvesselDensity } from "../../core/histology/hotspot.js";
import { type MacenkoResult, macenkoVectors } from "../../core/histology/macenko.js";
import { applyMorphology, type MorphOp, morphologyHalo } from "../../core/histology/morphology.js";
import {
  amountToIntensity8,
  OD_LUT,
  stainAmountTile,
  unmixingCoefficients,
} from "../../core/histology/opticalDensity.js";
import { PenetrationAccumulator, type PenetrationProfile } from "../../core/histology/penetration.js";
import type { RgbTile } from "../../core/histology/raster.js";
import { type Her2Result, her2Bins } from "../../core/histology/scoring.js";
import type { StainSet, Vec3 } from "../../core/histology/stainVectors.js";
import type { RasterSource } from "./rasterSource.js";
import { TiledTiffWriter } from "./tiffWriter.js";
import { analysisGrid, coreOf, type Grid, type Progress, readMask, tileVisits } from "./tiles.js";
import { writePng } from "./writers.js";

export interface TissueOptions {
  /** tissue/tumour mask image, same size (non-zero = analysed) */
  mask?: RasterSource;
  /** analysed pixels: mean RGB OD ≥ this (excludes white background) */
  tissueOd?: number;
}

export interface RunOptions {
  tile?: number;
  progress?: Progress;
  tissue?: TissueOptions;
}

function gridOf(src: RasterSource, o: RunOptions): Grid {
  return analysisGrid(src, o.tile ?? 1024);
}

function checkSameSize(a: RasterSource, b: RasterSource, field: string): void {
  if (a.width !== b.width || a.height !== b.height)
    throw new InputError({
      file: b.path,
      field,
      value: `${b.width}×${b.height}`,
      expected: `a mask of the image's size ${a.width}×${a.height}`,
    });
}

/** Analysed-pixel mask of a tile (undefined = all pixels). */
async function tissueOf(t: TissueOptions | undefined, tile: RgbTile): Promise<Uint8Array | undefined> {
  if (!t || (t.mask === undefined && t.tissueOd === undefined)) return undefined;
  const m = new Uint8Array(tile.width * tile.height).fill(1);
  if (t.mask) {
    const mk = await readMask(t.mask, tile.x0, tile.y0, tile.width, tile.height);
    m.set(mk.data);
  }
  if (t.tissueOd !== undefined) {
    const d = tile.data;
    for (let i = 0; i < m.length; i++)
      if ((OD_LUT[d[i * 3]] + OD_LUT[d[i * 3 + 1]] + OD_LUT[d[i * 3 + 2]]) / 3 < t.tissueOd) m[i] = 0;
  }
  return m;
}

export async function colourHistogram(src: RasterSource, o: RunOptions = {}): Promise<ColourHistogram> {
  if (o.tissue?.mask) checkSameSize(src, o.tissue.mask, "--mask");
  const h = new ColourHistogram();
  for (const v of tileVisits(src.width, src.height, gridOf(src, o))) {
    const tile = await src.readRgb(v.x0, v.y0, v.width, v.height);
    h.addTile(tile, await tissueOf(o.tissue, tile));
    o.progress?.(v.index + 1, v.total, "histogram");
  }
  return h;
}

export interface StainStats {
  mean_od: number;
  sd_od: number;
  p05: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
}

function statsOf(d: WeightedValues): StainStats {
  return {
    mean_od: mean(d),
    sd_od: sd(d),
    p05: percentile(d, 5),
    p50: percentile(d, 50),
    p95: percentile(d, 95),
    min: d.values[0],
    max: d.values[d.values.length - 1],
  };
}

export function stainDistribution(h: ColourHistogram, k: Vec3): WeightedValues {
  return transformDistribution(h, (r, g, b) => OD_LUT[r] * k[0] + OD_LUT[g] * k[1] + OD_LUT[b] * k[2]);
}

export interface DeconvolveResult {
  width: number;
  height: number;
  pixels: number;
  vectors: Record<string, Vec3>;
  third_vector: string;
  stains: Record<string, StainStats>;
  files: string[];
}

/** Colour deconvolution: per-stain statistics and (with outDir) OD images. */
export async function deconvolve(
  src: RasterSource,
  set: StainSet,
  o: RunOptions & { outDir?: string; png?: boolean; umPerPx?: number } = {},
): Promise<DeconvolveResult> {
  if (o.tissue?.mask) checkSameSize(src, o.tissue.mask, "--mask");
  const ks = unmixingCoefficients(set);
  const grid = analysisGrid(src, o.tile ?? 512);
  // TIFF tiles must be multiples of 16: round the analysis grid for the writer
  const tw = Math.ceil(grid.tileWidth / 16) * 16;
  const th = Math.ceil(grid.tileHeight / 16) * 16;
  const g2: Grid = {
    tileWidth: tw,
    tileHeight: th,
    across: Math.ceil(src.width / tw),
    down: Math.ceil(src.height / th),
  };
  const files: string[] = [];
  const writers: TiledTiffWriter[] = [];
  const pngOk = (o.png ?? true) && src.width * src.height <= 64e6;
  const pngs: Uint8Array[] = [];
  if (o.outDir) {
    mkdirSync(o.outDir, { recursive: true });
    const big = src.width * src.height * 4 > 3.5e9;
    set.names.forEach((n) => {
      const p = join(o.outDir as string, `${n}_od.tif`);
      const w = new TiledTiffWriter(p, big);
      w.beginImage({
        width: src.width,
        height: src.height,
        tileWidth: tw,
        tileHeight: th,
        samples: 1,
        format: "float32",
        compression: "deflate",
        umPerPx: o.umPerPx,
      });
      writers.push(w);
      files.push(p);
      if (pngOk) pngs.push(new Uint8Array(src.width * src.height));
    });
  }
  const h = new ColourHistogram();
  for (const v of tileVisits(src.width, src.height, g2)) {
    const tile = await src.readRgb(v.x0, v.y0, v.width, v.height);
    h.addTile(tile, await tissueOf(o.tissue, tile));
    if (o.outDir) {
      for (let s = 0; s < 3; s++) {
        const a = stainAmountTile(tile, ks[s]);
        writers[s].writeTile(v.x0 / tw, v.y0 / th, Float32Array.from(a), v.width, v.height);
        if (pngOk) {
          const img = pngs[s];
          for (let y = 0; y < v.height; y++)
            for (let x = 0; x < v.width; x++)
              img[(y + v.y0) * src.width + x + v.x0] = amountToIntensity8(a[y * v.width + x]);
        }
      }
    }
    o.progress?.(v.index + 1, v.total, "deconvolve");
  }
  for (const w of writers) {
    w.endImage();
    w.close();
  }
  if (o.outDir && pngOk)
    set.names.forEach((n, s) => {
      const p = join(o.outDir as string, `${n}.png`);
      writePng(p, src.width, src.height, pngs[s], 1);
      files.push(p);
    });
  if (h.total === 0) throw new AnalysisError("no analysed pixels (empty tissue mask?)");
  const stains: Record<string, StainStats> = {};
  const vectors: Record<string, Vec3> = {};
  set.names.forEach((n, s) => {
    stains[n] = statsOf(stainDistribution(h, ks[s]));
    vectors[n] = set.vectors[s];
  });
  return {
    width: src.width,
    height: src.height,
    pixels: h.total,
    vectors,
    third_vector: set.third,
    stains,
    files,
  };
}

export type ThresholdSpec = number | "otsu" | "triangle";

export function resolveThreshold(d: WeightedValues, t: ThresholdSpec): number {
  if (typeof t === "number") return t;
  return t === "otsu" ? otsuThreshold(d, 256) : triangleThreshold(d, 256);
}

export interface SegmentOptions extends RunOptions {
  stain: number;
  threshold: ThresholdSpec;
  morphology?: MorphOp;
  radius?: number;
  /** overlay: longest side in pixels (downsampled by an integer factor) */
  overlayMaxSide?: number;
}

export interface Segmentation {
  threshold: number;
  components: Component[];
  tissuePx: number;
  positivePx: number;
  histogram: ColourHistogram | null;
  overlay: {
    width: number;
    height: number;
    factor: number;
    rgb: Uint8Array;
    ids: Int32Array;
    seams: SeamComponents;
  } | null;
}

/** Threshold a stain, clean the mask, and label its components seam-aware. */
export async function segmentStain(
  src: RasterSource,
  set: StainSet,
  o: SegmentOptions,
): Promise<Segmentation> {
  if (o.tissue?.mask) checkSameSize(src, o.tissue.mask, "--mask");
  const k = unmixingCoefficients(set)[o.stain];
  let hist: ColourHistogram | null = null;
  let t: number;
  if (typeof o.threshold === "number") t = o.threshold;
  else {
    hist = await colourHistogram(src, o);
    if (hist.total === 0) throw new AnalysisError("no analysed pixels (empty tissue mask?)");
    t = resolveThreshold(stainDistribution(hist, k), o.threshold);
  }
  const op = o.morphology ?? "none";
  const r = o.radius ?? 1;
  const halo = morphologyHalo(op, r);
  const grid = gridOf(src, o);
  const seams = new SeamComponents(src.width);
  let overlay: Segmentation["overlay"] = null;
  if (o.overlayMaxSide) {
    const f = Math.max(1, Math.ceil(Math.max(src.width, src.height) / o.overlayMaxSide));
    const ow = Math.ceil(src.width / f);
    const oh = Math.ceil(src.height / f);
    overlay = {
      width: ow,
      height: oh,
      factor: f,
      rgb: new Uint8Array(ow * oh * 3),
      ids: new Int32Array(ow * oh),
      seams,
    };
  }
  let tissuePx = 0;
  let positivePx = 0;
  for (const v of tileVisits(src.width, src.height, grid, halo)) {
    const win = await src.readRgb(v.wx0, v.wy0, v.wwidth, v.wheight);
    const tissue = await tissueOf(o.tissue, win);
    const a = stainAmountTile(win, k);
    let m: Uint8Array = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) m[i] = a[i] > t && (!tissue || tissue[i]) ? 1 : 0;
    m = applyMorphology(m, v.wwidth, v.wheight, op, r);
    if (tissue) for (let i = 0; i < m.length; i++) m[i] &= tissue[i];
    const core = coreOf(v, m);
    const coreTissue = tissue ? coreOf(v, tissue) : undefined;
    for (let i = 0; i < core.length; i++) {
      positivePx += core[i];
      if (!coreTissue || coreTissue[i]) tissuePx++;
    }
    const labels = seams.addTile({ x0: v.x0, y0: v.y0, width: v.width, height: v.height, data: core });
    if (overlay) {
      const f = overlay.factor;
      const rgbCore = coreOf(v, win.data, 3);
      for (let oy = Math.ceil(v.y0 / f); oy * f < v.y0 + v.height; oy++)
        for (let ox = Math.ceil(v.x0 / f); ox * f < v.x0 + v.width; ox++) {
          const li = (oy * f - v.y0) * v.width + (ox * f - v.x0);
          const oi = oy * overlay.width + ox;
          overlay.ids[oi] = labels[li];
          for (let c = 0; c < 3; c++) overlay.rgb[oi * 3 + c] = rgbCore[li * 3 + c];
        }
    }
    o.progress?.(v.index + 1, v.total, "segment");
  }
  return { threshold: t, components: seams.components(), tissuePx, positivePx, histogram: hist, overlay };
}

/** Paint accepted components green and rejected (too small) ones red on the overlay, write PNG. */
export function writeOverlay(seg: Segmentation, path: string, accept: (c: Component) => boolean): void {
  const ov = seg.overlay;
  if (!ov) return;
  const accepted = new Map<number, boolean>();
  for (const c of seg.components) accepted.set(c.id, accept(c));
  const out = new Uint8Array(ov.rgb.length);
  for (let i = 0; i < ov.ids.length; i++) {
    const id = ov.ids[i];
    if (!id) {
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(ov.rgb[i * 3 + c] * 0.6 + 255 * 0.4);
      continue;
    }
    const ok = accepted.get(ov.seams.rootOf(id)) ?? false;
    const col = ok ? [0, 190, 0] : [230, 0, 0];
    for (let c = 0; c < 3; c++) out[i * 3 + c] = col[c];
  }
  writePng(path, ov.width, ov.height, out, 3);
}

export interface MvdOptions extends RunOptions {
  umPerPx: number;
  minAreaUm2: number;
  fieldMm2: number;
  threshold: ThresholdSpec;
  stainIndex: number;
  morphology?: MorphOp;
  radius?: number;
  overlay?: string;
  overlayMaxSide?: number;
}

export async function mvd(
  src: RasterSource,
  set: StainSet,
  o: MvdOptions,
): Promise<MvdResult & { threshold_od: number; stain: string }> {
  const seg = await segmentStain(src, set, {
    ...o,
    stain: o.stainIndex,
    overlayMaxSide: o.overlay ? (o.overlayMaxSide ?? 2048) : undefined,
  });
  const hasTissue = Boolean(o.tissue?.mask || o.tissue?.tissueOd !== undefined);
  const res = microvesselDensity(seg.components, {
    width: src.width,
    height: src.height,
    umPerPx: o.umPerPx,
    minAreaUm2: o.minAreaUm2,
    fieldMm2: o.fieldMm2,
    tissuePx: hasTissue ? seg.tissuePx : undefined,
  });
  if (o.overlay) writeOverlay(seg, o.overlay, (c) => c.area * o.umPerPx ** 2 >= o.minAreaUm2);
  return { ...res, threshold_od: seg.threshold, stain: set.names[o.stainIndex] };
}

export interface AreaResult {
  stain: string;
  threshold_od: number;
  threshold_method: string;
  analysed_px: number;
  positive_px: number;
  area_fraction: number;
  mean_od: number;
  area_mm2: number | null;
  objects?: number;
  objects_per_mm2?: number | null;
  min_object_um2?: number;
}

/** Stain-positive area fraction (collagen, DAB markers) and optional object density. */
export async function areaFraction(
  src: RasterSource,
  set: StainSet,
  o: RunOptions & {
    stainIndex: number;
    threshold: ThresholdSpec;
    umPerPx?: number;
    objects?: boolean;
    minObjectUm2?: number;
    morphology?: MorphOp;
    radius?: number;
    overlay?: string;
  },
): Promise<AreaResult> {
  const k = unmixingCoefficients(set)[o.stainIndex];
  const h = await colourHistogram(src, o);
  if (h.total === 0) throw new AnalysisError("no analysed pixels (empty tissue mask?)");
  const d = stainDistribution(h, k);
  const t = resolveThreshold(d, o.threshold);
  const frac = fractionAbove(d, t);
  const pxMm2 = o.umPerPx ? (o.umPerPx / 1000) ** 2 : null;
  const res: AreaResult = {
    stain: set.names[o.stainIndex],
    threshold_od: t,
    threshold_method: typeof o.threshold === "number" ? "fixed" : o.threshold,
    analysed_px: h.total,
    positive_px: Math.round(frac * h.total),
    area_fraction: frac,
    mean_od: mean(d),
    area_mm2: pxMm2 ? h.total * pxMm2 : null,
  };
  if (o.objects || o.overlay) {
    if (!o.umPerPx)
      throw new InputError({ field: "--um-per-px", expected: "the pixel size, needed to count objects" });
    const minUm2 = o.minObjectUm2 ?? 10;
    const seg = await segmentStain(src, set, {
      ...o,
      stain: o.stainIndex,
      threshold: t,
      overlayMaxSide: o.overlay ? 2048 : undefined,
    });
    const um2 = o.umPerPx ** 2;
    const objs = seg.components.filter((c) => c.area * um2 >= minUm2);
    res.objects = objs.length;
    res.objects_per_mm2 = pxMm2 ? objs.length / (h.total * pxMm2) : null;
    res.min_object_um2 = minUm2;
    if (o.overlay) writeOverlay(seg, o.overlay, (c) => c.area * um2 >= minUm2);
  }
  return res;
}

export async function her2(
  src: RasterSource,
  set: StainSet,
  o: RunOptions & { stainIndex: number; thresholds?: [number, number, number]; cutoff?: number },
): Promise<Her2Result & { stain: string; analysed_px: number }> {
  const h = await colourHistogram(src, o);
  if (h.total === 0) throw new AnalysisError("no analysed pixels (empty tissue mask?)");
  const k = unmixingCoefficients(set)[o.stainIndex];
  return {
    stain: set.names[o.stainIndex],
    analysed_px: h.total,
    ...her2Bins(stainDistribution(h, k), o.thresholds, o.cutoff),
  };
}

export async function estimate(
  src: RasterSource,
  o: RunOptions & { beta?: number; alphaPct?: number },
): Promise<MacenkoResult> {
  return macenkoVectors(await colourHistogram(src, o), o);
}

export type SignalSpec = { channel: "red" | "green" | "blue" | "gray" } | { stain: Vec3; name: string };

export function signalFunction(s: SignalSpec): (r: number, g: number, b: number) => number {
  if ("stain" in s) {
    const k = s.stain;
    return (r, g, b) => OD_LUT[r] * k[0] + OD_LUT[g] * k[1] + OD_LUT[b] * k[2];
  }
  switch (s.channel) {
    case "red":
      return (r) => r;
    case "green":
      return (_r, g) => g;
    case "blue":
      return (_r, _g, b) => b;
    default:
      return (r, g, b) => (r + g + b) / 3;
  }
}

export interface PenetrationResult extends PenetrationProfile {
  mode: "vessel" | "edge";
  um_per_px: number;
  analysed_px: number;
  signal_mean: number;
  signal_cov: number;
  signal_gini: number;
  signal_entropy_bits: number;
}

/**
 * Signal vs distance from the nearest vessel (`vessels` mask) or from the tumour edge
 * (`tumour` mask: distance inside the tumour to the nearest non-tumour pixel).
 */
export async function penetration(
  src: RasterSource,
  o: RunOptions & {
    signal: SignalSpec;
    umPerPx: number;
    vessels?: RasterSource;
    tumour?: RasterSource;
    region?: RasterSource;
    binUm: number;
    maxUm: number;
    rimUm: number;
    background?: number;
  },
): Promise<PenetrationResult> {
  const mode = o.vessels ? "vessel" : "edge";
  const featureSrc = (o.vessels ?? o.tumour) as RasterSource;
  if (!featureSrc)
    throw new InputError({ field: "--vessel-mask/--tumour-mask", expected: "one of the two masks" });
  checkSameSize(src, featureSrc, mode === "vessel" ? "--vessel-mask" : "--tumour-mask");
  if (o.region) checkSameSize(src, o.region, "--region-mask");
  const halo = Math.ceil(o.maxUm / o.umPerPx) + 1;
  const acc = new PenetrationAccumulator(o.binUm, o.maxUm, o.rimUm);
  const f = signalFunction(o.signal);
  const hist = new ColourHistogram();
  for (const v of tileVisits(src.width, src.height, gridOf(src, o), halo)) {
    const fm = await readMask(featureSrc, v.wx0, v.wy0, v.wwidth, v.wheight);
    let feat = fm.data;
    if (mode === "edge") feat = feat.map((x) => (x ? 0 : 1));
    const dist = coreOf(v, distanceToMask(feat, v.wwidth, v.wheight));
    for (let i = 0; i < dist.length; i++) dist[i] *= o.umPerPx;
    const tile = await src.readRgb(v.x0, v.y0, v.width, v.height);
    const sig = new Float64Array(v.width * v.height);
    for (let i = 0; i < sig.length; i++)
      sig[i] = f(tile.data[i * 3], tile.data[i * 3 + 1], tile.data[i * 3 + 2]);
    const region = new Uint8Array(sig.length).fill(1);
    if (o.region) {
      const rm = await readMask(o.region, v.x0, v.y0, v.width, v.height);
      region.set(rm.data);
    }
    for (let i = 0; i < region.length; i++) if (dist[i] === 0) region[i] = 0; // vessel pixels / outside tumour
    acc.add(dist, sig, region, true);
    hist.addTile(tile, region);
    o.progress?.(v.index + 1, v.total, "penetration");
  }
  const prof = acc.result(o.background ?? 0);
  const d = transformDistribution(hist, f);
  return {
    mode,
    um_per_px: o.umPerPx,
    analysed_px: hist.total,
    ...prof,
    signal_mean: mean(d),
    signal_cov: coefficientOfVariation(d),
    signal_gini: gini(d),
    signal_entropy_bits: entropyBits(d),
  };
}
