/**
 * Intensity-based rigid/affine registration of two 3D images in world space (NIfTI RAS mm):
 * finds T (fixed world → moving world) minimising −MI (Mattes) or −NCC over fixed-image samples.
 *
 *  1. initialisation: centre c = fixed centre of mass (intensity − minimum, inside the mask),
 *     t = moving centre of mass − c (ITK CenteredTransformInitializer, MOMENTS), or the
 *     geometric centres, or an initial matrix;
 *  2. multi-resolution: Gaussian pyramid (shrink 4-2-1, σ = 0.5·factor) of both images,
 *     parameters carried from coarse to fine (they are in world units, so unchanged);
 *  3. per level, regular-step gradient descent then L-BFGS (optimizer.ts) with the analytic
 *     metric gradient; for affine, a rigid stage at the coarsest level first (robust start, as
 *     the usual elastix rigid → affine chain).
 * Samples: every fixed voxel (≤ 60000), jittered within ±½ voxel (fixedSampling.ts).
 * Interpolation: affine uses cubic B-splines (cubic.ts) for the moving image and the jittered
 * fixed values, rigid trilinear; Mattes MI uses 128 fixed × 48 moving bins (mattes.ts).
 * What limited affine CT↔MR MI (profiled on the phantoms of test/reference/elastix/cases.ts):
 * (a) the 48 fixed bins, 43 HU wide on CT, merging soft-tissue classes (more fixed bins: 0.48 →
 * 0.30 voxel); (b) a trilinear moving image against trilinearly jittered fixed values — a
 * rough cost with minima ±0.15 voxel apart, and the cubic moving image alone adds a blur
 * mismatch (0.32); the same cubic kernel for both: one smooth minimum, 0.26 ± 0.04 voxel over
 * 7 noise seeds (was 0.46). Not limiting: the final full-resolution level (present), grid vs
 * random sampling, several samples per voxel, L-BFGS restarts (the full-resolution minima are
 * genuine), smoothing at the last level (worse), NMI, quantile bins, a cubic fixed Parzen window.
 * The remaining error is the metric's own: started at the truth, MI moves 0.2 voxel away.
 *
 * Why hand-written: `@itk-wasm/elastix` (npm 1.0.1) ships a 16 MB prebuilt elastix.wasm in its
 * package (a binary fetched at install time), its browser build loads pipelines from
 * cdn.jsdelivr.net at run time, it depends on a beta itk-wasm with a dozen runtime dependencies
 * and its Node entry uses node:fs — none of which is allowed in this pure core. The method is
 * the textbook one (Mattes 2003; ITK Software Guide §3.11) and is validated against Debian's
 * elastix 5.0.1 on the same phantoms (bench/register.ts, test/reference/elastix/).
 */
import { InputError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import { centreOfMass, fixedSamples, geometricCentre } from "./fixedSampling.js";
import { mattesBinning, mattesMI } from "./mattes.js";
import { ncc } from "./ncc.js";
import { lbfgs, regularStepDescent } from "./optimizer.js";
import { defaultSchedule, type PyramidLevel, pyramidLevel, shrinkMask } from "./pyramid.js";
import { spacingOf } from "./resample.js";
import { type Interpolation, mapSamples, movingLevel } from "./sampler.js";
import {
  identityParameters,
  type Mat4,
  matrixToAffineParameters,
  matrixToRigidParameters,
  maxDisplacementMm,
  parameterGradient,
  parametersToMatrix,
  type TransformKind,
} from "./transform.js";

export type MetricKind = "mi" | "ncc";

export interface RegisterOptions {
  transform: TransformKind;
  metric?: MetricKind;
  levels?: number;
  schedule?: PyramidLevel[];
  /** iterations per level */
  iterations?: number;
  bins?: number;
  /** at most this many fixed samples per level (random subset, seeded); default 60000 */
  maxSamples?: number;
  fixedMask?: Volume;
  movingMask?: Volume;
  initialisation?: "com" | "geometry" | "none";
  /** initial fixed→moving matrix (overrides initialisation's translation; the centre stays) */
  initialMatrix?: ArrayLike<number>;
  seed?: number;
  /** max step of the finest level in mm (coarser levels scale with their voxel size); default 1 voxel */
  maxStepMm?: number;
  /** min step of the finest level in mm; default 0.002 voxel */
  minStepMm?: number;
  /** fixed samples at voxel centres ("grid") or jittered off-grid ("random-coordinate", default) */
  sampler?: "grid" | "random-coordinate";
  /** "rsgd+lbfgs" (default: regular-step descent, then L-BFGS per level) or "rsgd" */
  optimizer?: "rsgd" | "rsgd+lbfgs";
  /**
   * interpolation of the moving image (and of the jittered fixed samples) in the metric:
   * "cubic" (B-spline, cubic.ts) — the default for affine — or "linear" (trilinear) — the
   * default for rigid, as accurate there (±0.01 voxel on the phantoms) and 1.5× faster
   */
  interpolation?: Interpolation;
  /** affine: a rigid stage at the coarsest level first (default true) */
  rigidStage?: boolean;
  /** Mattes MI: fixed-image histogram bins (default max(bins, 128); mattes.ts) */
  fixedBins?: number;
}

export interface LevelReport {
  factors: number[];
  iterations: number;
  value: number;
  stop: string;
  samples: number;
}

export interface RegistrationResult {
  transform: TransformKind;
  metric: MetricKind;
  /** fixed world → moving world, 4×4 row-major */
  matrix: Mat4;
  parameters: number[];
  centre: [number, number, number];
  initialMatrix: Mat4;
  /** final cost at full resolution (−MI in nats, or −NCC) */
  finalValue: number;
  iterations: number;
  levels: LevelReport[];
  /** max over the fixed grid of ‖T(x) − x‖ */
  maxDisplacementMm: number;
  validSampleFraction: number;
}

function is3dFinite(v: Volume, field: string): void {
  if (v.dims.length < 3 || v.dims.slice(0, 3).some((d) => !(d >= 2)))
    throw new InputError({ field, value: v.dims, expected: "a 3D image with at least 2 voxels per axis" });
}

function toParameters(kind: TransformKind, mat: ArrayLike<number>, centre: ArrayLike<number>): number[] {
  return kind === "rigid" ? matrixToRigidParameters(mat, centre) : matrixToAffineParameters(mat, centre);
}

export function register(fixed: Volume, moving: Volume, o: RegisterOptions): RegistrationResult {
  is3dFinite(fixed, "fixed");
  is3dFinite(moving, "moving");
  const kind = o.transform;
  const metric = o.metric ?? "mi";
  const interpolation = o.interpolation ?? (kind === "affine" ? "cubic" : "linear");
  const f3 = { ...fixed, dims: fixed.dims.slice(0, 3) };
  const m3 = { ...moving, dims: moving.dims.slice(0, 3) };
  // 1. initialisation
  const init = o.initialisation ?? "com";
  const centre =
    init === "com" ? centreOfMass(f3, o.fixedMask) : (geometricCentre(f3) as [number, number, number]);
  let initMat: Mat4;
  if (o.initialMatrix) initMat = Float64Array.from(o.initialMatrix);
  else {
    const target =
      init === "com" ? centreOfMass(m3, o.movingMask) : init === "geometry" ? geometricCentre(m3) : centre;
    initMat = parametersToMatrix(kind, identityParameters(kind), centre);
    for (let r = 0; r < 3; r++) initMat[r * 4 + 3] += target[r] - centre[r];
  }
  let p = toParameters(kind, initMat, centre);
  // 2. pyramid
  const schedule = o.schedule ?? defaultSchedule(f3.dims, o.levels ?? 3);
  const fineSpacing = spacingOf(f3.affine);
  const fineVox = (fineSpacing[0] + fineSpacing[1] + fineSpacing[2]) / 3;
  const levels: LevelReport[] = [];
  let iterations = 0;
  let finalValue = Number.NaN;
  let validFraction = 0;
  for (let li = 0; li < schedule.length; li++) {
    const lv = schedule[li];
    const fl = pyramidLevel(f3, lv);
    const ml = pyramidLevel(m3, lv);
    const fm = o.fixedMask ? shrinkMaskTo(o.fixedMask, lv) : undefined;
    const mm = o.movingMask ? shrinkMaskTo(o.movingMask, lv) : undefined;
    // fixed samples keep 2σ from the fixed border, where the smoothing's edge clamping differs
    // from the moving image (which continues past it): otherwise z-scale and shear are biased
    const margin = lv.sigmaVox.map((sg, a) => (sg > 0 ? Math.ceil((2 * sg) / lv.factors[a]) : 0));
    const samples = fixedSamples(fl, {
      mask: fm,
      centre,
      maxSamples: o.maxSamples ?? 60000,
      seed: (o.seed ?? 1) + li,
      margin,
      jitter: o.sampler !== "grid",
      interpolation,
    });
    if (samples.n < 16)
      throw new InputError({
        field: "fixedMask",
        expected: "a fixed image (mask) with at least 16 voxels to sample",
      });
    const mv = movingLevel(ml, mm, interpolation);
    const bins = o.bins ?? 48;
    const bn = metric === "mi" ? mattesBinning(samples, mv, bins, o.fixedBins ?? Math.max(bins, 128)) : null;
    let rho = 0;
    for (let q = 0; q < samples.n; q++)
      rho += samples.x[3 * q] ** 2 + samples.x[3 * q + 1] ** 2 + samples.x[3 * q + 2] ** 2;
    rho = Math.sqrt(rho / samples.n) || 1;
    const lvSpacing = spacingOf(fl.affine);
    const vox = (lvSpacing[0] + lvSpacing[1] + lvSpacing[2]) / 3;
    const evalFor = (k: TransformKind) => (pp: number[]) => {
      const mp = mapSamples(k, pp, centre, samples, mv);
      if (mp.count < Math.max(16, 0.05 * samples.n)) return { value: Number.NaN, gradient: pp.map(() => 0) };
      const r = bn ? mattesMI(samples, mp, bn) : ncc(samples, mp);
      return { value: r.value, gradient: parameterGradient(k, pp, r.gradient) };
    };
    const scalesFor = (k: TransformKind) =>
      k === "rigid" ? [rho, rho, rho, 1, 1, 1] : [...Array(9).fill(rho), 1, 1, 1];
    const maxStep = (o.maxStepMm ?? fineVox) * (vox / fineVox);
    const minStep = li === schedule.length - 1 ? (o.minStepMm ?? 0.002 * fineVox) : 0.02 * vox;
    const iters = o.iterations ?? 250;
    if (kind === "affine" && li === 0 && o.rigidStage !== false) {
      // rigid pre-stage: the rotation part of the initial matrix is its orthonormal polar factor
      const mat = parametersToMatrix(kind, p, centre);
      const rp = matrixToRigidParameters(mat, centre);
      const r = regularStepDescent(evalFor("rigid"), rp, scalesFor("rigid"), {
        maxStep,
        minStep,
        maxIterations: iters,
      });
      iterations += r.iterations;
      p = toParameters("affine", parametersToMatrix("rigid", r.p, centre), centre);
    }
    let r = regularStepDescent(evalFor(kind), p, scalesFor(kind), { maxStep, minStep, maxIterations: iters });
    if (r.stop !== "no-samples" && (o.optimizer ?? "rsgd+lbfgs") === "rsgd+lbfgs") {
      const q = lbfgs(evalFor(kind), r.p, scalesFor(kind), { maxStep, maxIterations: iters });
      if (q.stop !== "no-samples" && q.value <= r.value)
        r = { ...q, iterations: r.iterations + q.iterations };
    }
    if (r.stop === "no-samples")
      throw new InputError({
        field: "moving",
        expected: "images that overlap (fewer than 5 % of the fixed samples map inside the moving image)",
      });
    p = r.p;
    iterations += r.iterations;
    const final = evalFor(kind)(p);
    levels.push({
      factors: lv.factors,
      iterations: r.iterations,
      value: final.value,
      stop: r.stop,
      samples: samples.n,
    });
    if (li === schedule.length - 1) {
      finalValue = final.value;
      validFraction = mapSamples(kind, p, centre, samples, mv).count / samples.n;
    }
  }
  const matrix = parametersToMatrix(kind, p, centre);
  return {
    transform: kind,
    metric,
    matrix,
    parameters: p,
    centre,
    initialMatrix: initMat,
    finalValue,
    iterations,
    levels,
    maxDisplacementMm: maxDisplacementMm(
      matrix,
      Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
      f3,
    ),
    validSampleFraction: validFraction,
  };
}

function shrinkMaskTo(mask: Volume, lv: PyramidLevel): Volume {
  return lv.factors.every((f) => f === 1) ? mask : shrinkMask(mask, lv.factors);
}
