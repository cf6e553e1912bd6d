/**
 * Run Debian's elastix 5.0.1 (`apt-get install elastix`) on a fixed/moving NIfTI pair with a
 * parameter file written to a temporary folder, and read its transform back as a 4×4 RAS
 * fixed→moving matrix: transformix maps 4 non-coplanar fixed points (written in ITK's LPS
 * physical space) to the moving image, and the affine through them is solved exactly, so no
 * Euler-angle or centre convention of elastix's TransformParameters has to be interpreted.
 * CPU time is user + sys of the elastix child (single thread: -threads 1), from /usr/bin/time.
 * Used by run.ts (reference data) and bench/register.ts; never at test time.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Volume } from "../../../src/core/image/volume.js";
import { readNifti, writeNifti } from "../../../src/io/nifti.js";

export function parameterFile(transform: "rigid" | "affine", metric: "mi" | "ncc"): string {
  return `(FixedInternalImagePixelType "float")
(MovingInternalImagePixelType "float")
(FixedImageDimension 3)
(MovingImageDimension 3)
(UseDirectionCosines "true")
(Registration "MultiResolutionRegistration")
(Interpolator "BSplineInterpolator")
(BSplineInterpolationOrder 1)
(ResampleInterpolator "FinalBSplineInterpolator")
(FinalBSplineInterpolationOrder 3)
(Resampler "DefaultResampler")
(FixedImagePyramid "FixedSmoothingImagePyramid")
(MovingImagePyramid "MovingSmoothingImagePyramid")
(NumberOfResolutions 3)
(Optimizer "AdaptiveStochasticGradientDescent")
(MaximumNumberOfIterations 500)
(Transform "${transform === "rigid" ? "EulerTransform" : "AffineTransform"}")
(Metric "${metric === "mi" ? "AdvancedMattesMutualInformation" : "AdvancedNormalizedCorrelation"}")
(NumberOfHistogramBins 32)
(AutomaticScalesEstimation "true")
(AutomaticTransformInitialization "true")
(AutomaticTransformInitializationMethod "CenterOfGravity")
(HowToCombineTransforms "Compose")
(ImageSampler "RandomCoordinate")
(NumberOfSpatialSamples 4000)
(NewSamplesEveryIteration "true")
(CheckNumberOfSamples "true")
(ErodeMask "false")
(DefaultPixelValue 0)
(WriteResultImage "false")
(ResultImagePixelType "float")
(ResultImageFormat "nii.gz")
`;
}

export interface ElastixResult {
  matrix: number[][];
  cpuS: number;
  wallS: number;
  version: string;
}

/** 4 fixed-world points (RAS) spanning the fixed grid */
function probePoints(fixed: Volume): number[][] {
  const a = fixed.affine;
  const [nx, ny, nz] = fixed.dims;
  return [
    [0, 0, 0],
    [nx - 1, 0, 0],
    [0, ny - 1, 0],
    [0, 0, nz - 1],
  ].map(([i, j, k]) => [0, 1, 2].map((r) => a[r * 4] * i + a[r * 4 + 1] * j + a[r * 4 + 2] * k + a[r * 4 + 3]));
}

export function runElastix(fixed: Volume, moving: Volume, transform: "rigid" | "affine", metric: "mi" | "ncc"): ElastixResult {
  const dir = mkdtempSync(join(tmpdir(), "eprscope-elastix-"));
  try {
    writeNifti(join(dir, "fixed.nii"), fixed);
    writeNifti(join(dir, "moving.nii"), moving);
    writeFileSync(join(dir, "params.txt"), parameterFile(transform, metric));
    const t0 = process.hrtime.bigint();
    const r = spawnSync(
      "/usr/bin/time",
      ["-f", "CPU %U %S", "elastix", "-f", join(dir, "fixed.nii"), "-m", join(dir, "moving.nii"), "-p", join(dir, "params.txt"), "-out", dir, "-threads", "1"],
      { encoding: "utf8" },
    );
    const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`elastix failed (${r.status}): ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
    const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN;
    // transformix on 4 points: RAS → LPS (ITK physical space) and back
    const pts = probePoints(fixed);
    const lps = pts.map(([x, y, z]) => [-x, -y, z]);
    writeFileSync(join(dir, "points.txt"), `point\n${lps.length}\n${lps.map((p) => p.join(" ")).join("\n")}\n`);
    const tx = spawnSync("transformix", ["-def", join(dir, "points.txt"), "-tp", join(dir, "TransformParameters.0.txt"), "-out", dir], {
      encoding: "utf8",
    });
    if (tx.status !== 0) throw new Error(`transformix failed: ${tx.stdout.slice(-2000)}`);
    const out = readFileSync(join(dir, "outputpoints.txt"), "utf8")
      .split("\n")
      .filter((l) => l.includes("OutputPoint"))
      .map((l) => {
        const m = /OutputPoint = \[ ([^\]]+) \]/.exec(l);
        if (!m) throw new Error(`cannot parse ${l}`);
        const [x, y, z] = m[1].trim().split(/\s+/).map(Number);
        return [-x, -y, z];
      });
    const matrix = solveAffine(pts, out);
    const v = spawnSync("elastix", ["--version"], { encoding: "utf8" }).stdout.trim();
    return { matrix, cpuS, wallS, version: v };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the affine y = A x + b through 4 point pairs */
function solveAffine(x: number[][], y: number[][]): number[][] {
  // columns: differences from the first point
  const dx = [1, 2, 3].map((i) => [0, 1, 2].map((r) => x[i][r] - x[0][r]));
  const dy = [1, 2, 3].map((i) => [0, 1, 2].map((r) => y[i][r] - y[0][r]));
  // X = [dx1 dx2 dx3] (3×3, columns), Y likewise; A = Y X⁻¹
  const X = [0, 1, 2].map((r) => [0, 1, 2].map((c) => dx[c][r]));
  const Y = [0, 1, 2].map((r) => [0, 1, 2].map((c) => dy[c][r]));
  const inv = invert3(X);
  const A = [0, 1, 2].map((r) => [0, 1, 2].map((c) => Y[r][0] * inv[0][c] + Y[r][1] * inv[1][c] + Y[r][2] * inv[2][c]));
  const b = [0, 1, 2].map((r) => y[0][r] - (A[r][0] * x[0][0] + A[r][1] * x[0][1] + A[r][2] * x[0][2]));
  return [[...A[0], b[0]], [...A[1], b[1]], [...A[2], b[2]], [0, 0, 0, 1]];
}

function invert3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

export interface ElastixFieldResult {
  /** u(x) = T(x) − x on the fixed grid, RAS mm, component-major 3·n³ (as bsplineField) */
  field: Float32Array;
  cpuS: number;
  parameterFiles: string[];
}

/**
 * elastix affine → B-spline (`-p affine -p bspline_<metric>.txt`, the committed B-spline
 * parameter file) and `transformix -def all`: the deformation field, read back from ITK's LPS
 * vectors (negated x and y) into RAS.
 */
export function runElastixBSpline(fixed: Volume, moving: Volume, metric: "mi" | "ncc"): ElastixFieldResult {
  const dir = mkdtempSync(join(tmpdir(), "eprscope-elastix-"));
  try {
    writeNifti(join(dir, "fixed.nii"), fixed);
    writeNifti(join(dir, "moving.nii"), moving);
    const affine = parameterFile("affine", metric);
    const bspline = readFileSync(new URL(`./bspline_${metric}.txt`, import.meta.url), "utf8");
    writeFileSync(join(dir, "affine.txt"), affine);
    writeFileSync(join(dir, "bspline.txt"), bspline);
    const r = spawnSync(
      "/usr/bin/time",
      [
        "-f",
        "CPU %U %S",
        "elastix",
        "-f",
        join(dir, "fixed.nii"),
        "-m",
        join(dir, "moving.nii"),
        "-p",
        join(dir, "affine.txt"),
        "-p",
        join(dir, "bspline.txt"),
        "-out",
        dir,
        "-threads",
        "1",
      ],
      { encoding: "utf8" },
    );
    if (r.status !== 0) throw new Error(`elastix failed (${r.status}): ${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`);
    const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr);
    const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : Number.NaN;
    const tx = spawnSync("transformix", ["-def", "all", "-tp", join(dir, "TransformParameters.1.txt"), "-out", dir], {
      encoding: "utf8",
    });
    if (tx.status !== 0) throw new Error(`transformix failed: ${tx.stdout.slice(-2000)}`);
    const def = readNifti(join(dir, "deformationField.nii.gz"));
    const n3 = fixed.dims[0] * fixed.dims[1] * fixed.dims[2];
    if (def.data.length !== 3 * n3) throw new Error(`deformation field has ${def.data.length} values, expected ${3 * n3}`);
    const field = new Float32Array(3 * n3);
    for (let v = 0; v < n3; v++) {
      field[v] = -def.data[v];
      field[n3 + v] = -def.data[n3 + v];
      field[2 * n3 + v] = def.data[2 * n3 + v];
    }
    return { field, cpuS, parameterFiles: [affine, bspline] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
