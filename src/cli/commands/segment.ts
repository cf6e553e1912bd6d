/**
 * `eprscope segment <method> <image.nii.gz> --out labels.nii.gz [--json]` — label maps:
 *  - threshold: CT classes by HU (0 outside air, 1 lung, 2 soft tissue, 3 bone; --air-max,
 *    --lung-max, --bone-min), src/core/segmentation/threshold.ts;
 *  - grow: seeded region growing from --seed i,j,k (repeatable) within [--lo, --hi), or
 *    confidence connected (mean ± --k·SD) when no interval is given; output 1 = region;
 *  - random-walker: Grady's random walker from a scribble label map --seeds (0 = unseeded),
 *    --beta, optional --mask;
 *  - atlas: the project's analytic mouse atlas registered to a CT (affine Mattes MI), labels
 *    carried through the transform (--refine: random-walker refinement at the organ borders).
 * The JSON lists each label with its voxel count and volume (mm³).
 */
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { type Volume, voxelVolumeMm3 } from "../../core/image/volume.js";
import { ATLAS_ORGANS } from "../../core/segmentation/atlas.js";
import { atlasSegment } from "../../core/segmentation/atlasSegment.js";
import { randomWalker } from "../../core/segmentation/randomWalker.js";
import { growConfidence, growInterval, type Seed } from "../../core/segmentation/regionGrow.js";
import { ctClasses } from "../../core/segmentation/threshold.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList, parseNumberOption } from "../options.js";
import { emit } from "../output.js";
import { checkImage } from "./register.js";

const METHODS = ["threshold", "grow", "random-walker", "atlas"] as const;

export function labelSummary(labels: Volume, names: Record<number, string> = {}) {
  const counts = new Map<number, number>();
  for (const v of labels.data) if (v > 0) counts.set(v, (counts.get(v) ?? 0) + 1);
  const vv = voxelVolumeMm3(labels.affine);
  return [...counts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([label, voxels]) => ({ label, name: names[label] ?? null, voxels, volume_mm3: voxels * vv }));
}

interface SegmentOptions {
  out: string;
  airMax?: string;
  lungMax?: string;
  boneMin?: string;
  seed?: string[];
  lo?: string;
  hi?: string;
  k?: string;
  seeds?: string;
  beta?: string;
  mask?: string;
  refine?: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("segment")
    .description("label maps: CT thresholds, region growing, random walker from scribbles, atlas")
    .argument("<method>", METHODS.join(" | "))
    .argument("<image>", "3D NIfTI (CT in HU for threshold and atlas)")
    .requiredOption("--out <file>", "output label map (NIfTI)")
    .option("--air-max <HU>", "threshold: outside air below this", "-850")
    .option("--lung-max <HU>", "threshold: lung below this", "-250")
    .option("--bone-min <HU>", "threshold: bone from this", "500")
    .option("--seed <i,j,k>", "grow: seed voxel (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--lo <v>", "grow: lower bound (inclusive)")
    .option("--hi <v>", "grow: upper bound (exclusive)")
    .option("--k <v>", "grow: confidence-connected multiplier of the SD", "2.5")
    .option("--seeds <file>", "random-walker: scribble label map (0 = unseeded)")
    .option("--beta <v>", "random-walker: edge sharpness β", "1")
    .option("--mask <file>", "random-walker: segment only inside this mask")
    .option("--refine", "atlas: refine the organ borders with the random walker")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nExamples:\n  eprscope segment threshold ct.nii.gz --out classes.nii.gz --json\n" +
        "  eprscope segment grow ct.nii.gz --seed 12,14,90 --lo -850 --hi -250 --out lungs.nii.gz\n" +
        "  eprscope segment random-walker ct.nii.gz --seeds scribbles.nii.gz --out organs.nii.gz\n" +
        "  eprscope segment atlas ct.nii.gz --refine --out organs.nii.gz --json\n",
    )
    .action((methodArg: string, imagePath: string, o: SegmentOptions) => {
      const method = parseChoice("method", methodArg, METHODS);
      const inputs = [imagePath, ...(o.seeds ? [o.seeds] : []), ...(o.mask ? [o.mask] : [])];
      assertOutputOutsideInputs(o.out, inputs);
      const image = readNifti(imagePath);
      checkImage(image, imagePath);
      const dims = image.dims.slice(0, 3);
      const n = dims[0] * dims[1] * dims[2];
      const data = image.data.subarray(0, n);
      let out: Float32Array;
      let names: Record<number, string> = {};
      let extra: Record<string, unknown> = {};
      if (method === "threshold") {
        out = Float32Array.from(
          ctClasses(
            data,
            dims,
            {
              airMaxHU: parseNumberOption("--air-max", o.airMax ?? "-850"),
              lungMaxHU: parseNumberOption("--lung-max", o.lungMax ?? "-250"),
              boneMinHU: parseNumberOption("--bone-min", o.boneMin ?? "500"),
            },
            image.spacingMm,
          ),
        );
        names = { 1: "lung", 2: "soft", 3: "bone" };
      } else if (method === "grow") {
        if (!o.seed?.length)
          throw new InputError({ field: "--seed", expected: "at least one seed voxel i,j,k" });
        const seeds = o.seed.map((s) => {
          const v = parseNumberList("--seed", s);
          if (v.length !== 3 || !v.every(Number.isInteger) || v.some((x, a) => x < 0 || x >= dims[a]))
            throw new InputError({
              field: "--seed",
              value: s,
              expected: `a voxel index i,j,k inside ${dims.join("×")}`,
            });
          return v as Seed;
        });
        if ((o.lo === undefined) !== (o.hi === undefined))
          throw new InputError({
            field: o.lo === undefined ? "--lo" : "--hi",
            expected: "both --lo and --hi (or neither)",
          });
        const g =
          o.lo !== undefined
            ? growInterval(
                data,
                dims,
                seeds,
                parseNumberOption("--lo", o.lo),
                parseNumberOption("--hi", o.hi),
              )
            : growConfidence(data, dims, seeds, {
                k: parseNumberOption("--k", o.k ?? "2.5", { min: 0, exclusiveMin: true }),
              });
        out = Float32Array.from(g);
        names = { 1: "region" };
      } else if (method === "random-walker") {
        if (!o.seeds)
          throw new InputError({ field: "--seeds", expected: "a scribble label map for random-walker" });
        const seeds = readNifti(o.seeds);
        if (seeds.dims.slice(0, 3).join() !== dims.join())
          throw new InputError({
            file: o.seeds,
            field: "dims",
            value: seeds.dims,
            expected: `the image's grid ${dims.join("×")}`,
          });
        const mask = o.mask ? readNifti(o.mask) : undefined;
        if (mask && mask.dims.slice(0, 3).join() !== dims.join())
          throw new InputError({
            file: o.mask,
            field: "dims",
            value: mask.dims,
            expected: `the image's grid ${dims.join("×")}`,
          });
        const rw = randomWalker(data, dims, seeds.data, {
          beta: parseNumberOption("--beta", o.beta ?? "1", { min: 0, exclusiveMin: true }),
          mask: mask?.data,
        });
        out = Float32Array.from(rw.labels);
        extra = { cgIterations: rw.iterations, converged: rw.converged };
      } else {
        const a = atlasSegment(image, { refine: o.refine === true });
        out = Float32Array.from(a.labels.data);
        names = ATLAS_ORGANS;
        extra = {
          atlas: "analytic mouse atlas (eprscope, ellipsoidal organs)",
          matrix: [0, 1, 2, 3].map((r) => Array.from(a.registration.matrix.slice(4 * r, 4 * r + 4))),
          metricValue: a.registration.finalValue,
        };
      }
      const labels: Volume = { dims, spacingMm: image.spacingMm, affine: image.affine, data: out };
      writeNifti(o.out, labels, { datatype: "uint8", description: `eprscope segment ${method}` });
      emit(
        { method, out: o.out, labels: labelSummary(labels, names), ...extra },
        { json: o.json, inputs },
        () =>
          `${labelSummary(labels, names)
            .map(
              (l) =>
                `${String(l.label).padStart(3)} ${(l.name ?? "").padEnd(12)} ${l.voxels} voxels ${l.volume_mm3.toFixed(1)} mm³`,
            )
            .join("\n")}\nwrote ${o.out}\n`,
      );
    });
}
