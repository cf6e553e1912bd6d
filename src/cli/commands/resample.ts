/**
 * `eprscope resample <moving.nii.gz> --like <fixed.nii.gz> [--transform T.json | --matrix "m00 …
 * m33" | --field u.nii.gz] [--invert] [--interpolation linear|nearest] --out out.nii.gz [--json]`:
 * the moving image on the fixed image's grid through a fixed→moving world matrix (the `matrix` of
 * `eprscope register --save-transform`, or 16 numbers row-major; identity when none is given) or
 * a displacement field on the fixed grid (`register --out-transform`). A bspline transform JSON is
 * applied through its displacement field (its `field` entry, or `--field`): its `matrix` is only
 * the affine start, so it is never used alone. `--invert` uses the inverse matrix (a
 * moving→fixed matrix; not for fields). Nearest neighbour for label maps.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import type { Command } from "commander";
import { InputError } from "../../core/errors.js";
import {
  resampleLinear,
  resampleLinearField,
  resampleNearest,
  resampleNearestField,
} from "../../core/registration/resample.js";
import { fromNested, identity4, invert4 } from "../../core/registration/transform.js";
import { readDisplacementField } from "../../io/displacementField.js";
import { readNifti, writeNifti } from "../../io/nifti.js";
import { assertOutputOutsideInputs } from "../../io/safePaths.js";
import { parseChoice, parseNumberList } from "../options.js";
import { emit } from "../output.js";

function readTransformJson(file: string): { matrix?: unknown; transform?: unknown; field?: unknown } {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new InputError({ file, expected: `a JSON file with a "matrix" (${(e as Error).message})` });
  }
}

/**
 * The displacement field a transform applies, if it is a field: `--field`, or the `field` entry
 * of a bspline `--transform` JSON (as written, else relative to the JSON's folder). A bspline
 * JSON without a readable field is refused: its matrix alone is not the transform.
 */
export function fieldPathOf(o: { transform?: string; field?: string; matrix?: string }): string | null {
  if (o.field) {
    if (o.matrix || o.transform)
      throw new InputError({ field: "--field", expected: "one of --field, --transform or --matrix" });
    return o.field;
  }
  if (!o.transform) return null;
  const j = readTransformJson(o.transform);
  if (j.transform !== "bspline") return null;
  const f = j.field;
  const candidates =
    typeof f === "string" ? [f, ...(isAbsolute(f) ? [] : [join(dirname(o.transform), f)])] : [];
  const found = candidates.find((c) => existsSync(c));
  if (!found)
    throw new InputError({
      file: o.transform,
      field: "field",
      value: f ?? null,
      expected:
        "a bspline transform is applied through its displacement field: register with --out-transform FIELD.nii.gz, or pass --field FIELD.nii.gz (its matrix is only the affine start)",
    });
  return found;
}

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
    const j = readTransformJson(o.transform);
    if (j.transform === "bspline")
      throw new InputError({
        file: o.transform,
        field: "transform",
        value: "bspline",
        expected: "a rigid or affine transform here: a bspline transform's matrix is only its affine start",
      });
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
    .option(
      "--field <file>",
      "displacement field on the --like grid (register --out-transform; 5D NIfTI, mm RAS)",
    )
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
          field?: string;
          invert?: boolean;
          interpolation?: string;
          json?: boolean;
        },
      ) => {
        const interp = parseChoice("--interpolation", o.interpolation ?? "linear", [
          "linear",
          "nearest",
        ] as const);
        const inputs = [
          movingPath,
          o.like,
          ...(o.transform ? [o.transform] : []),
          ...(o.field ? [o.field] : []),
        ];
        assertOutputOutsideInputs(o.out, inputs);
        const fieldPath = fieldPathOf(o);
        if (fieldPath && o.invert)
          throw new InputError({
            field: "--invert",
            expected: "a matrix: a displacement field is not inverted here",
          });
        if (fieldPath && !inputs.includes(fieldPath)) {
          inputs.push(fieldPath);
          assertOutputOutsideInputs(o.out, inputs);
        }
        const moving = readNifti(movingPath);
        const fixed = readNifti(o.like);
        let m: Float64Array | null = null;
        let out: ReturnType<typeof resampleLinear>;
        if (fieldPath) {
          const u = readDisplacementField(fieldPath, fixed, o.like);
          out =
            interp === "nearest"
              ? resampleNearestField(moving, fixed, u)
              : resampleLinearField(moving, fixed, u);
        } else {
          m = o.invert ? invert4(readMatrix(o)) : readMatrix(o);
          out = interp === "nearest" ? resampleNearest(moving, fixed, m) : resampleLinear(moving, fixed, m);
        }
        writeNifti(
          o.out,
          out,
          interp === "nearest" ? { datatype: "int32", description: "eprscope resample (nearest)" } : {},
        );
        emit(
          {
            out: o.out,
            dims: out.dims,
            interpolation: interp,
            matrix: m ? Array.from(m) : null,
            field: fieldPath,
          },
          { json: o.json, inputs },
          () => `wrote ${o.out}\n`,
        );
      },
    );
}
