/**
 * `eprscope resample <moving.nii.gz> --like <fixed.nii.gz> [--transform T.json | --matrix "m00 …
 * m33"] [--invert] [--interpolation linear|nearest] --out out.nii.gz [--json]`: the moving image
 * on the fixed image's grid through a fixed→moving world matrix (the `matrix` of `eprscope
 * register --save-transform`, or 16 numbers row-major; identity when neither is given).
 * `--invert` uses the inverse (a moving→fixed matrix). Nearest neighbour for label maps.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import { resampleLinear, resampleNearest } from "../../core/registration/resample.js";
import { fromNested, identity4, invert4 } from "../../core/registration/transform.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList } from "../options.js";
import { emit } from "../output.js";

export function readMatrix(o: { transform?: string; matrix?: string }): Float64Array {
  if (o.transform && o.matrix)
    throw new InputError({ field: "--matrix", expected: "either --transform or --matrix, not both" });
  if (o.matrix) {
    const m = parseNumberList("--matrix", o.matrix.replace(/\s+/g, ",").replace(/,+/g, ","));
    if (m.length !== 16 && m.length !== 12)
      throw new InputError({ field: "--matrix", value: o.matrix, expected: "16 (or 12) numbers, row-major" });
    return Float64Array.from(m.length === 12 ? [...m, 0, 0, 0, 1] : m);
  }
  if (o.transform) {
    let j: { matrix?: unknown };
    try {
      j = JSON.parse(readFileSync(o.transform, "utf8"));
    } catch (e) {
      throw new InputError({
        file: o.transform,
        expected: `a JSON file with a "matrix" (${(e as Error).message})`,
      });
    }
    const m = j.matrix;
    if (
      !Array.isArray(m) ||
      m.length !== 4 ||
      !m.every((r) => Array.isArray(r) && r.length === 4 && r.every(Number.isFinite))
    )
      throw new InputError({ file: o.transform, field: "matrix", expected: "a 4×4 nested array of numbers" });
    return fromNested(m as number[][]);
  }
  return identity4();
}

export function register(program: Command): void {
  program
    .command("resample")
    .description("resample an image onto another image's grid through a world-space transform")
    .argument("<moving>", "image to resample (NIfTI, 3D or 4D)")
    .requiredOption("--like <fixed>", "image whose grid (dims, affine) the output takes")
    .requiredOption("--out <file>", "output NIfTI")
    .option(
      "--transform <file>",
      "JSON with a fixed→moving 4×4 `matrix` (eprscope register --save-transform)",
    )
    .option("--matrix <numbers>", "fixed→moving 4×4 matrix, 16 numbers row-major (comma or space separated)")
    .option("--invert", "the matrix maps moving → fixed: use its inverse")
    .option("--interpolation <how>", "linear or nearest (label maps)", "linear")
    .option("--json", "print one JSON document")
    .action(
      (
        movingPath: string,
        o: {
          like: string;
          out: string;
          transform?: string;
          matrix?: string;
          invert?: boolean;
          interpolation?: string;
          json?: boolean;
        },
      ) => {
        const interp = parseChoice("--interpolation", o.interpolation ?? "linear", [
          "linear",
          "nearest",
        ] as const);
        const inputs = [movingPath, o.like, ...(o.transform ? [o.transform] : [])];
        assertOutputOutsideInputs(o.out, inputs);
        let m = readMatrix(o);
        if (o.invert) m = invert4(m);
        const moving = readNifti(movingPath);
        const fixed = readNifti(o.like);
        const out =
          interp === "nearest" ? resampleNearest(moving, fixed, m) : resampleLinear(moving, fixed, m);
        writeNifti(
          o.out,
          out,
          interp === "nearest" ? { datatype: "int32", description: "eprscope resample (nearest)" } : {},
        );
        emit(
          { out: o.out, dims: out.dims, interpolation: interp, matrix: Array.from(m) },
          { json: o.json, inputs },
          () => `wrote ${o.out}\n`,
        );
      },
    );
}
