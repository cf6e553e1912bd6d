/**
 * `eprscope histo …`: histology quantification of tiles and whole slides (tile by tile,
 * bounded memory; progress on stderr when a slide has more than one tile).
 *
 *   histo deconvolve <image> --stains hdab|he|hedab|masson [--vectors FILE] --out DIR --json
 *     → { width, height, stains: { <name>: { mean_od, sd_od, p05, p50, p95, min, max } }, … }
 *       and <name>_od.tif (float32) + <name>.png (Fiji-style 8-bit) per stain in DIR
 *   histo mvd <image> --um-per-px N [--min-area-um2 10] --json
 *     → { vessels, area_mm2, mvd_per_mm2, vessel_area_fraction, hotspot_mvd_per_mm2, … }
 *   histo area <image> --stains masson [--stain methyl_blue] [--objects] --json   (collagen, TAM markers)
 *   histo her2 <image> [--thresholds 0.2,0.4,0.6] --json                          (membrane-agnostic bins)
 *   histo penetration <image> --um-per-px N --vessel-mask M | --tumour-mask M --json
 *   histo estimate <image> [--out vectors.json]                                   (Macenko vectors)
 * Conventions: SCIENCE.md §10–12; OD = −log10(max(I,1)/255); Fiji's stain vectors; third
 * vector = normalised cross product (or Landini's complement with --residual complement).
 */
import { readFileSync } from "node:fs";
import cliProgress from "cli-progress";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import type { MorphOp } from "../../core/histology/morphology.js";
import { unmixingCoefficients } from "../../core/histology/opticalDensity.js";
import {
  makeStainSet,
  parseStainVectors,
  presetStainSet,
  STAIN_PRESET_NAMES,
  type StainPreset,
  type StainSet,
} from "../../core/histology/stainVectors.js";
import * as P from "../../io/histology/pipelines.js";
import { openRaster, type RasterSource } from "../../io/histology/rasterSource.js";
import type { Progress } from "../../io/histology/tiles.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";

interface Common {
  json?: boolean;
  out?: string;
  tile?: string;
  level?: string;
  mask?: string;
  tissueOd?: string;
  quiet?: boolean;
}

interface StainOpts {
  stains: string;
  vectors?: string;
  residual: string;
  stain?: string;
}

function progressBar(enabled: boolean): { progress: Progress; stop: () => void } {
  if (!enabled) return { progress: () => {}, stop: () => {} };
  const tty = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | null = null;
  let pass = "";
  let lastPct = -1;
  const progress: Progress = (done, total, p) => {
    if (total <= 1) return;
    if (tty) {
      if (p !== pass) {
        bar?.stop();
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: ` ${p} {bar} {percentage}% | {value}/{total} tiles`,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, 0);
        pass = p;
      }
      bar?.update(done);
      return;
    }
    if (p !== pass) {
      pass = p;
      lastPct = -1;
    }
    const pct = Math.floor((done / total) * 10) * 10;
    if (pct !== lastPct) {
      lastPct = pct;
      process.stderr.write(`eprscope histo ${p}: ${done}/${total} tiles (${pct}%)\n`);
    }
  };
  return { progress, stop: () => bar?.stop() };
}

function stainSet(o: StainOpts): StainSet {
  const third = parseChoice("--residual", o.residual, ["cross", "complement"] as const);
  if (o.vectors) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(o.vectors, "utf8"));
    } catch (e) {
      throw new InputError({
        file: o.vectors,
        expected: `a JSON file of stain vectors (${(e as Error).message})`,
      });
    }
    return makeStainSet(parseStainVectors(json, o.vectors), third);
  }
  return presetStainSet(parseChoice("--stains", o.stains, STAIN_PRESET_NAMES) as StainPreset, third);
}

function stainIndex(set: StainSet, name: string | undefined, fallback: string): number {
  const n = (name ?? (set.names.includes(fallback) ? fallback : set.names[0])).toLowerCase();
  const i = set.names.indexOf(n);
  if (i < 0)
    throw new InputError({ field: "--stain", value: name, expected: `one of ${set.names.join(", ")}` });
  return i;
}

function threshold(raw: string): P.ThresholdSpec {
  if (raw === "otsu" || raw === "triangle") return raw;
  return parseNumberOption("--threshold", raw);
}

async function withSources<T>(
  image: string,
  o: Common,
  extra: Record<string, string | undefined>,
  run: (
    src: RasterSource,
    masks: Record<string, RasterSource | undefined>,
    common: P.RunOptions,
  ) => Promise<T>,
): Promise<T> {
  const level = o.level !== undefined ? parseNumberOption("--level", o.level, { min: 0, integer: true }) : 0;
  const src = await openRaster(image, { level });
  const masks: Record<string, RasterSource | undefined> = {};
  const { progress, stop } = progressBar(!o.quiet);
  try {
    for (const [k, p] of Object.entries({ mask: o.mask, ...extra }))
      if (p) masks[k] = await openRaster(p, { level });
    const common: P.RunOptions = {
      tile:
        o.tile !== undefined ? parseNumberOption("--tile", o.tile, { min: 16, integer: true }) : undefined,
      progress,
      tissue: {
        mask: masks.mask,
        tissueOd: o.tissueOd !== undefined ? parseNumberOption("--tissue-od", o.tissueOd) : undefined,
      },
    };
    return await run(src, masks, common);
  } finally {
    stop();
    await src.close();
    for (const m of Object.values(masks)) await m?.close();
  }
}

function addCommon(c: Command, withOut = true): Command {
  c.option("--level <n>", "pyramid level of a TIFF (0 = full resolution)")
    .option("--tile <px>", "analysis tile size in pixels (default 1024; rounded to whole TIFF tiles)")
    .option("--mask <file>", "tissue/tumour mask image of the same size (non-zero = analysed)")
    .option(
      "--tissue-od <od>",
      "analyse only pixels with mean RGB optical density ≥ this (drops white background)",
    )
    .option("--quiet", "no progress on stderr")
    .option("--json", "print one JSON document");
  if (withOut) c.option("--out <file>", "write the JSON result to a file");
  return c;
}

function addStains(c: Command, defaultStains = "hdab"): Command {
  return c
    .option(
      "--stains <preset>",
      `stain vectors: ${STAIN_PRESET_NAMES.join("|")} (Fiji's presets)`,
      defaultStains,
    )
    .option("--vectors <file>", 'JSON stain vectors {"name":[r,g,b],…} (2 or 3; overrides --stains)')
    .option(
      "--residual <how>",
      "third vector when two are given: cross (normalised cross product) | complement (Landini)",
      "cross",
    );
}

function parseMorph(raw: string | undefined): { morphology: MorphOp; radius: number } {
  if (!raw) return { morphology: "none", radius: 0 };
  const m = /^(open|close|erode|dilate)(?::(\d+))?$/.exec(raw);
  if (!m)
    throw new InputError({
      field: "--morphology",
      value: raw,
      expected: "open|close|erode|dilate[:radius], e.g. open:1",
    });
  return { morphology: m[1] as MorphOp, radius: m[2] ? Number(m[2]) : 1 };
}

export function register(program: Command): void {
  const histo = program
    .command("histo")
    .description(
      "histology: colour deconvolution, CD31 MVD, area fractions, HER2 bins, penetration (tiles and whole slides)",
    );

  addCommon(
    addStains(
      histo
        .command("deconvolve")
        .description(
          "colour deconvolution (Ruifrok & Johnston 2001) with Fiji's stain vectors; OD statistics and images",
        )
        .argument(
          "<image>",
          "RGB PNG, JPEG or TIFF (tiled/pyramidal BigTIFF whole slides read tile by tile)",
        ),
    ),
    false,
  )
    .option("--out <dir>", "folder for <stain>_od.tif (float32 OD) and <stain>.png (8-bit, 255·10^−OD)")
    .option("--no-png", "do not write the 8-bit PNG images")
    .option("--report <file>", "also write the JSON result to this file")
    .option("--um-per-px <n>", "pixel size, stored in the OD TIFFs' resolution tags")
    .addHelpText(
      "after",
      `
OD = −log10(max(I,1)/255) per channel; amounts = OD · M⁻¹ (rows of M = unit stain vectors).
Stain names: hdab → hematoxylin, dab, residual; he → hematoxylin, eosin, residual;
hedab → hematoxylin, eosin, dab; masson → methyl_blue, ponceau_fuchsin, residual.
Example:
  eprscope histo deconvolve cd31.tif --stains hdab --out od/ --json
`,
    )
    .action(
      async (image: string, o: Common & StainOpts & { png: boolean; report?: string; umPerPx?: string }) => {
        const set = stainSet(o);
        const inputs = [image, o.mask, o.vectors].filter((x): x is string => Boolean(x));
        if (o.out) assertOutputOutsideInputs(o.out, inputs, { outputIsFolder: true });
        if (o.report) assertOutputOutsideInputs(o.report, inputs);
        const umPerPx =
          o.umPerPx !== undefined
            ? parseNumberOption("--um-per-px", o.umPerPx, { min: 0, exclusiveMin: true })
            : undefined;
        const res = await withSources(image, o, {}, (src, _m, common) =>
          P.deconvolve(src, set, { ...common, outDir: o.out, png: o.png, umPerPx }),
        );
        emit(res, { json: o.json, out: o.report });
      },
    );

  addCommon(
    addStains(
      histo
        .command("mvd")
        .description("CD31/DAB microvessel density: vessels per mm² (whole section and Weidner hotspot)")
        .argument("<image>", "CD31 IHC image (H-DAB), PNG/JPEG/TIFF"),
    ),
  )
    .requiredOption("--um-per-px <n>", "pixel size in µm")
    .option("--min-area-um2 <a>", "minimum vessel area in µm²", "10")
    .option("--stain <name>", "stain that marks vessels (default dab)")
    .option("--threshold <t>", "positive if stain OD > t: otsu | triangle | a number", "otsu")
    .option("--morphology <op>", "clean the mask: open|close|erode|dilate[:radius] (square footprint)")
    .option("--field-mm2 <a>", "hotspot field area in mm² (Weidner ×200 field ≈ 0.74)", "0.74")
    .option("--overlay <png>", "write an overlay: vessels green, objects below the minimum area red")
    .addHelpText(
      "after",
      `
Vessel = 8-connected component of the positive mask with area ≥ --min-area-um2 (components
crossing tile borders are merged). MVD = vessels / area (whole image, or --mask / --tissue-od).
Hotspot = densest square field of --field-mm2 (centroid counts, fields stepped by a quarter side).
Example:
  eprscope histo mvd cd31.tif --um-per-px 0.5 --overlay cd31_vessels.png --json
`,
    )
    .action(
      async (
        image: string,
        o: Common &
          StainOpts & {
            umPerPx: string;
            minAreaUm2: string;
            threshold: string;
            morphology?: string;
            fieldMm2: string;
            overlay?: string;
          },
      ) => {
        const set = stainSet(o);
        const inputs = [image, o.mask, o.vectors].filter((x): x is string => Boolean(x));
        if (o.overlay) assertOutputOutsideInputs(o.overlay, inputs, { field: "--overlay" });
        const umPerPx = parseNumberOption("--um-per-px", o.umPerPx, { min: 0, exclusiveMin: true });
        const minAreaUm2 = parseNumberOption("--min-area-um2", o.minAreaUm2, { min: 0 });
        const fieldMm2 = parseNumberOption("--field-mm2", o.fieldMm2, { min: 0, exclusiveMin: true });
        const res = await withSources(image, o, {}, (src, _m, common) =>
          P.mvd(src, set, {
            ...common,
            ...parseMorph(o.morphology),
            umPerPx,
            minAreaUm2,
            fieldMm2,
            threshold: threshold(o.threshold),
            stainIndex: stainIndex(set, o.stain, "dab"),
            overlay: o.overlay,
          }),
        );
        emit(res, o);
      },
    );

  addCommon(
    addStains(
      histo
        .command("area")
        .description(
          "stain-positive area fraction: collagen (Masson), DAB markers (CD68, F4/80, CD206), with object density",
        )
        .argument("<image>", "stained image, PNG/JPEG/TIFF"),
    ),
  )
    .option("--stain <name>", "stain to quantify (default dab, or methyl_blue for masson)")
    .option("--threshold <t>", "positive if stain OD > t: otsu | triangle | a number", "otsu")
    .option("--um-per-px <n>", "pixel size in µm (gives area_mm2; needed for --objects)")
    .option("--objects", "also count positive objects (8-connected, ≥ --min-object-um2) per mm² (e.g. TAMs)")
    .option("--min-object-um2 <a>", "minimum object area in µm²", "10")
    .option("--morphology <op>", "clean the mask before counting: open|close|erode|dilate[:radius]")
    .option("--overlay <png>", "overlay of counted objects")
    .addHelpText(
      "after",
      `
Examples:
  eprscope histo area trichrome.tif --stains masson --tissue-od 0.05 --json       (collagen fraction)
  eprscope histo area f480.tif --stains hdab --um-per-px 0.5 --objects --json      (TAM area, density)
`,
    )
    .action(
      async (
        image: string,
        o: Common &
          StainOpts & {
            threshold: string;
            umPerPx?: string;
            objects?: boolean;
            minObjectUm2: string;
            morphology?: string;
            overlay?: string;
          },
      ) => {
        const set = stainSet(o);
        const inputs = [image, o.mask, o.vectors].filter((x): x is string => Boolean(x));
        if (o.overlay) assertOutputOutsideInputs(o.overlay, inputs, { field: "--overlay" });
        const umPerPx =
          o.umPerPx !== undefined
            ? parseNumberOption("--um-per-px", o.umPerPx, { min: 0, exclusiveMin: true })
            : undefined;
        const res = await withSources(image, o, {}, (src, _m, common) =>
          P.areaFraction(src, set, {
            ...common,
            ...parseMorph(o.morphology),
            stainIndex: stainIndex(set, o.stain, set.names.includes("methyl_blue") ? "methyl_blue" : "dab"),
            threshold: threshold(o.threshold),
            umPerPx,
            objects: o.objects,
            minObjectUm2: parseNumberOption("--min-object-um2", o.minObjectUm2, { min: 0 }),
            overlay: o.overlay,
          }),
        );
        emit(res, o);
      },
    );

  addCommon(
    addStains(
      histo
        .command("her2")
        .description(
          "HER2-style 0/1+/2+/3+ bins by DAB OD (pixel-based, membrane-agnostic approximation) and H-score",
        )
        .argument("<image>", "HER2 IHC image (H-DAB)"),
    ),
  )
    .option("--stain <name>", "stain (default dab)")
    .option("--thresholds <t1,t2,t3>", "DAB OD limits of 1+/2+/3+ (QuPath defaults)", "0.2,0.4,0.6")
    .option(
      "--cutoff <f>",
      "fraction of the analysed area a bin needs to set the score (ASCO/CAP 10 %)",
      "0.1",
    )
    .addHelpText(
      "after",
      `
Score: 3+ if ≥ cutoff of the area is 3+, else 2+ if ≥ cutoff is ≥ 2+, else 1+ if ≥ cutoff is ≥ 1+, else 0.
This is NOT ASCO/CAP membrane scoring (no cells or membranes are segmented): use --tissue-od
or --mask to restrict it to tumour, and use it to rank and stratify, not to diagnose.
`,
    )
    .action(async (image: string, o: Common & StainOpts & { thresholds: string; cutoff: string }) => {
      const set = stainSet(o);
      const t = parseNumberList("--thresholds", o.thresholds);
      if (t.length !== 3 || !(t[0] < t[1] && t[1] < t[2]))
        throw new InputError({
          field: "--thresholds",
          value: o.thresholds,
          expected: "three increasing OD values",
        });
      const res = await withSources(image, o, {}, (src, _m, common) =>
        P.her2(src, set, {
          ...common,
          stainIndex: stainIndex(set, o.stain, "dab"),
          thresholds: t as [number, number, number],
          cutoff: parseNumberOption("--cutoff", o.cutoff, { min: 0, max: 1 }),
        }),
      );
      emit(res, o);
    });

  addCommon(
    addStains(
      histo
        .command("penetration")
        .description(
          "signal vs distance from the nearest vessel or from the tumour edge; depth, rim/core, CoV, Gini",
        )
        .argument(
          "<image>",
          "image carrying the signal (e.g. nanoparticle fluorescence as RGB, or a stained section)",
        ),
    ),
  )
    .requiredOption("--um-per-px <n>", "pixel size in µm")
    .option(
      "--vessel-mask <file>",
      "vessel mask of the same size (non-zero = vessel): distance from the nearest vessel",
    )
    .option(
      "--tumour-mask <file>",
      "tumour mask (non-zero = tumour): distance inside the tumour from its edge",
    )
    .option("--region-mask <file>", "restrict to this region (e.g. the tumour, with --vessel-mask)")
    .option("--signal <s>", "red | green | blue | gray (8-bit) or a stain name of --stains (OD)", "green")
    .option("--bin-um <d>", "distance bin width in µm", "10")
    .option("--max-distance-um <d>", "profile up to this distance (also the tile halo)", "200")
    .option("--rim-um <d>", "rim (near) vs core (far) split in µm", "50")
    .option("--background <v>", "signal background subtracted before the depth criteria", "0")
    .addHelpText(
      "after",
      `
Depth D50 / D1/e: distance where the (background-subtracted) profile falls to 50 % / 1/e of its first bin.
Example:
  eprscope histo penetration dox_fluo.tif --um-per-px 0.65 --vessel-mask cd31_mask.png --signal red --json
`,
    )
    .action(
      async (
        image: string,
        o: Common &
          StainOpts & {
            umPerPx: string;
            vesselMask?: string;
            tumourMask?: string;
            regionMask?: string;
            signal: string;
            binUm: string;
            maxDistanceUm: string;
            rimUm: string;
            background: string;
          },
      ) => {
        if (Boolean(o.vesselMask) === Boolean(o.tumourMask))
          throw new InputError({ field: "--vessel-mask/--tumour-mask", expected: "exactly one of the two" });
        let signal: P.SignalSpec;
        if (["red", "green", "blue", "gray"].includes(o.signal)) signal = { channel: o.signal as "red" };
        else {
          const set = stainSet(o);
          signal = { stain: unmixingCoefficients(set)[stainIndex(set, o.signal, o.signal)], name: o.signal };
        }
        const umPerPx = parseNumberOption("--um-per-px", o.umPerPx, { min: 0, exclusiveMin: true });
        const binUm = parseNumberOption("--bin-um", o.binUm, { min: 0, exclusiveMin: true });
        const maxUm = parseNumberOption("--max-distance-um", o.maxDistanceUm, { min: 0, exclusiveMin: true });
        const rimUm = parseNumberOption("--rim-um", o.rimUm, { min: 0 });
        const background = parseNumberOption("--background", o.background);
        const res = await withSources(
          image,
          o,
          { vessels: o.vesselMask, tumour: o.tumourMask, region: o.regionMask },
          (src, m, common) =>
            P.penetration(src, {
              ...common,
              signal,
              umPerPx,
              vessels: m.vessels,
              tumour: m.tumour,
              region: m.region,
              binUm,
              maxUm,
              rimUm,
              background,
            }),
        );
        emit(res, o);
      },
    );

  addCommon(
    histo
      .command("estimate")
      .description("estimate two stain vectors from the image (Macenko 2009); the output is a --vectors file")
      .argument("<image>", "stained image"),
  )
    .option(
      "--names <a,b>",
      "names of the two stains (first = larger red OD, e.g. hematoxylin)",
      "hematoxylin,eosin",
    )
    .option("--beta <od>", "drop pixels with any channel OD below this", "0.15")
    .option("--alpha <pct>", "robust angle percentile", "1")
    .action(async (image: string, o: Common & { names: string; beta: string; alpha: string }) => {
      const names = o.names.split(",").map((s) => s.trim().toLowerCase());
      if (names.length !== 2 || names.some((n) => !n))
        throw new InputError({ field: "--names", value: o.names, expected: "two comma-separated names" });
      const res = await withSources(image, o, {}, (src, _m, common) =>
        P.estimate(src, {
          ...common,
          beta: parseNumberOption("--beta", o.beta, { min: 0 }),
          alphaPct: parseNumberOption("--alpha", o.alpha, { min: 0, max: 50 }),
        }),
      );
      emit(
        {
          method: "macenko",
          stains: { [names[0]]: res.vectors[0], [names[1]]: res.vectors[1] },
          pixels_used: res.pixels_used,
          angles_deg: res.angles_deg,
        },
        o,
      );
    });
}
