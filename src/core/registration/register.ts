/**
 * Intensity-based rigid/affine registration of two 3D images in world space (NIfTI RAS mm):
 * finds T (fixed world → moving world) minimising −MI (Mattes) or −NCC over fixed-image samples.
 *
 *  1. initialisation: centre c = fixed centre of mass (intensity − minimum, inside the mask),
 *     t = moving centre of mass − c (ITK CenteredTransformInitializer, MOMENTS), or the
 *     geometric centres, or an initial matrix;
 *  2. multi-resolution: Gaussian pyramid (shrink 4-2-1, σ = 0.5·factor) of both images,
 *     parameters carried from coarse to fine (they are in world units, so unchanged);
 *  3. per level, regular-step gradient descent (optimizer.ts) with the analytic metric gradient;
 *     for affine, a rigid stage at the coarsest level first (robust start, as the usual
 *     elastix rigid → affine chain).
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
import { mattesBinning, mattesMI } from "./mattes.js";
import { ncc } from "./ncc.js";
import { lbfgs, regularStepDescent } from "./optimizer.js";
import { defaultSchedule, type PyramidLevel, pyramidLevel, shrinkMask } from "./pyramid.js";
import { spacingOf, trilinear } from "./resample.js";
import { mapSamples, movingLevel, type Samples } from "./sampler.js";
import {
  applyPoint,
  identityParameters,
  invert4,
  type Mat4,
  matrixToAffineParameters,
  matrixToRigidParameters,
  maxDisplacementMm,
  multiply4,
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

function centreOfMass(v: Volume, mask?: Volume): [number, number, number] {
  const [nx, ny, nz] = v.dims;
  let min = Number.POSITIVE_INFINITY;
  const n = nx * ny * nz;
  for (let i = 0; i < n; i++) if (v.data[i] < min) min = v.data[i];
  const inMask = maskLookup(v, mask);
  let s = 0;
  const c = [0, 0, 0];
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const idx = i + nx * (j + ny * k);
        if (inMask && !inMask(i, j, k)) continue;
        const w = v.data[idx] - min;
        if (!(w > 0)) continue;
        s += w;
        c[0] += w * i;
        c[1] += w * j;
        c[2] += w * k;
      }
  if (!(s > 0)) return geometricCentre(v);
  return applyPoint(v.affine, [c[0] / s, c[1] / s, c[2] / s]);
}

function geometricCentre(v: { dims: number[]; affine: ArrayLike<number> }): [number, number, number] {
  return applyPoint(v.affine, [(v.dims[0] - 1) / 2, (v.dims[1] - 1) / 2, (v.dims[2] - 1) / 2]);
}

/** lookup of a mask (any grid) at image voxel (i, j, k) by nearest neighbour through the affines */
function maskLookup(v: Volume, mask?: Volume): ((i: number, j: number, k: number) => boolean) | null {
  if (!mask) return null;
  const m = multiply4(invert4(mask.affine), v.affine);
  const [mx, my, mz] = mask.dims;
  return (i, j, k) => {
    const [a, b, c] = applyPoint(m, [i, j, k]).map(Math.round);
    return a >= 0 && b >= 0 && c >= 0 && a < mx && b < my && c < mz && mask.data[a + mx * (b + my * c)] > 0;
  };
}

/** mulberry32 stream for the sample subset (pure, seeded) */
function rand(seed: number): () => number {
  let st = seed >>> 0;
  return () => {
    st = (st + 0x6d2b79f5) >>> 0;
    let t = st;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function fixedSamples(
  f: Volume,
  mask: Volume | undefined,
  centre: ArrayLike<number>,
  maxSamples: number,
  seed: number,
  margin: number[] = [0, 0, 0],
  jitter = false,
): Samples {
  const [nx, ny, nz] = f.dims;
  const inMask = maskLookup(f, mask);
  const idx: number[] = [];
  const [ex, ey, ez] = margin.map((m, a) => (f.dims[a] > 2 * m + 4 ? m : 0));
  for (let k = ez; k < nz - ez; k++)
    for (let j = ey; j < ny - ey; j++)
      for (let i = ex; i < nx - ex; i++) if (!inMask || inMask(i, j, k)) idx.push(i + nx * (j + ny * k));
  if (idx.length > maxSamples) {
    const r = rand(seed);
    for (let a = idx.length - 1; a > 0; a--) {
      const b = Math.floor(r() * (a + 1));
      [idx[a], idx[b]] = [idx[b], idx[a]];
    }
    idx.length = maxSamples;
  }
  const n = idx.length;
  const x = new Float64Array(3 * n);
  const fv = new Float64Array(n);
  const A = f.affine;
  const r = rand(seed * 7919 + 17);
  for (let q = 0; q < n; q++) {
    const id = idx[q];
    let i = id % nx;
    let j = Math.floor(id / nx) % ny;
    let k = Math.floor(id / (nx * ny));
    if (jitter) {
      // off-grid sample (elastix "RandomCoordinate"): fixed value interpolated too, which removes
      // the grid-alignment artefact of interpolated similarity metrics
      i = Math.min(nx - 1, Math.max(0, i + r() - 0.5));
      j = Math.min(ny - 1, Math.max(0, j + r() - 0.5));
      k = Math.min(nz - 1, Math.max(0, k + r() - 0.5));
      fv[q] = trilinear(f.data, nx, ny, nz, i, j, k);
    } else fv[q] = f.data[id];
    for (let a = 0; a < 3; a++)
      x[3 * q + a] = A[a * 4] * i + A[a * 4 + 1] * j + A[a * 4 + 2] * k + A[a * 4 + 3] - centre[a];
  }
  return { n, x, f: fv };
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
    const samples = fixedSamples(
      fl,
      fm,
      centre,
      o.maxSamples ?? 60000,
      (o.seed ?? 1) + li,
      margin,
      o.sampler !== "grid",
    );
    if (samples.n < 16)
      throw new InputError({
        field: "fixedMask",
        expected: "a fixed image (mask) with at least 16 voxels to sample",
      });
    const mv = movingLevel(ml, mm);
    const bn = metric === "mi" ? mattesBinning(samples, mv, o.bins ?? 48) : null;
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
    if (kind === "affine" && li === 0) {
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
