/**
 * Deformable registration with a cubic B-spline free-form deformation (bspline.ts; Rueckert et
 * al., IEEE TMI 18:712, 1999) on top of an affine initialisation, as elastix's
 * affine → BSplineTransform chain (Klein et al., IEEE TMI 29:196, 2010):
 *   minimise  E(φ) = −MI(F, M∘T_φ)  (or −NCC)  + λ·E_bend(φ),  T_φ(x) = A·x + D_φ(x)
 *  1. A = the affine (or rigid) registration of the same pair (register.ts), or a given matrix;
 *  2. multi-resolution: Gaussian image pyramid (pyramid.ts; the finest level smoothed too, by
 *     σ = 1 voxel for NCC and 0.5 for MI) and control grids of spacing S·2^(L−1−l) at level l
 *     (elastix's default GridSpacingSchedule), the coefficients carried to the next level by
 *     exact B-spline subdivision;
 *  3. per level, L-BFGS (optimizer.ts: lbfgsVector) on all 3·n_c coefficients with the analytic
 *     gradient ∂E/∂φ_c = Σ_x ∂E/∂I_m(x) ∇I_m(T(x)) β_c(x) (+ λ ∂E_bend/∂φ_c), the moving image
 *     and the jittered fixed samples interpolated with cubic B-splines (fixedSampling.ts), until
 *     5 iterations gain < 10⁻³ of the level's decrease.
 * λ (mm²) weighs the bending energy (mm⁻², integrated exactly over the control cells) against the
 * metric (−NCC ∈ [−1, 1], or −MI in nats); defaults 0.003 (NCC) and 0.01 (MI).
 * Why the finest level is smoothed: unsmoothed, the free-form deformation fits the partial-volume
 * and interpolation mismatch of the edges (a noise-free pure-affine phantom pair started at the
 * truth drifts 0.86 mm RMS while NCC rises from 0.9980 to 0.9994); σ = 1 voxel lowers the field
 * error by a quarter to a third for NCC. MI on CT↔MR is biased by smoothing (affine: 0.5 → 1.0
 * voxel), hence 0.5 there; multimodal B-spline MI remains the weak case (0.6 voxel RMS on the
 * CT↔MR phantom: started at the truth, MI itself moves 0.6 voxel away).
 * Validation (test/core/registration/bspline.test.ts, bench/register.ts): a phantom with a known
 * smooth deformation, against the truth and against elastix 5.0.1's BSplineTransform.
 */
import { InputError } from "../errors.js";
import type { Volume } from "../image/volume.js";
import {
  accumulate,
  bendingEnergy,
  type ControlGrid,
  controlCount,
  controlGrid,
  denseField,
  displacement,
  jacobianStats,
  refine,
  support,
} from "./bspline.js";
import { fixedSamples } from "./fixedSampling.js";
import { mattesBinning, mattesCost } from "./mattes.js";
import { nccCost } from "./ncc.js";
import { lbfgsVector } from "./optimizer.js";
import { defaultSchedule, type PyramidLevel, pyramidLevel, shrinkMask } from "./pyramid.js";
import { type RegisterOptions, type RegistrationResult, register } from "./register.js";
import { spacingOf } from "./resample.js";
import { type Interpolation, mapWorld, movingLevel } from "./sampler.js";
import { applyPoint, type Mat4, parametersToMatrix } from "./transform.js";

export interface BSplineOptions {
  /** "mi" (Mattes, multimodal) or "ncc" (same modality) */
  metric?: "mi" | "ncc";
  /** final control-point spacing, mm (default 8 fixed voxels) */
  gridSpacingMm?: number;
  /** resolution levels (image pyramid and control grids), default 3 */
  levels?: number;
  schedule?: PyramidLevel[];
  /** affine initialisation: "affine" (default), "rigid" or "none" (identity) */
  initial?: "affine" | "rigid" | "none";
  /** a given initial fixed→moving matrix (skips the linear registration) */
  initialMatrix?: ArrayLike<number>;
  /** options of the initial linear registration */
  linear?: Partial<RegisterOptions>;
  /** bending-energy weight λ (mm²), default 0.003 (NCC) or 0.01 (MI) */
  bendingWeight?: number;
  /** L-BFGS iterations per level (default 150) */
  iterations?: number;
  bins?: number;
  fixedBins?: number;
  /** at most this many fixed samples per level (default 40000) */
  maxSamples?: number;
  fixedMask?: Volume;
  movingMask?: Volume;
  interpolation?: Interpolation;
  /** fixed samples jittered off-grid ("random-coordinate", default) or at voxel centres ("grid") */
  sampler?: "grid" | "random-coordinate";
  seed?: number;
  /** coefficients to start from on the first level's control grid (3·n_c, component-major) */
  initialCoefficients?: Float64Array;
  /** L-BFGS stop: the last 5 iterations decreased the cost by < this × the level's decrease (default 10⁻³) */
  tolerance?: number;
}

export interface BSplineLevelReport {
  factors: number[];
  gridSpacingMm: number[];
  controlPoints: number;
  iterations: number;
  evaluations: number;
  value: number;
  stop: string;
  samples: number;
}

export interface BSplineResult {
  transform: "bspline";
  metric: "mi" | "ncc";
  /** the affine initialisation A (fixed world → moving world) */
  matrix: Mat4;
  grid: ControlGrid;
  /** control-point displacements φ (mm, moving world), component-major 3·n_c */
  coefficients: Float64Array;
  gridSpacingMm: number;
  controlPoints: number;
  iterations: number;
  levels: BSplineLevelReport[];
  /** final metric cost at full resolution (−MI nats or −NCC), without the penalty */
  finalValue: number;
  bendingEnergy: number;
  validSampleFraction: number;
  /** the initial linear registration, when one was run */
  initialRegistration?: RegistrationResult;
}

/** the default pyramid (pyramid.ts) with the finest level smoothed by σ_final voxels */
export function deformableSchedule(dims: number[], levels: number, sigmaFinal: number): PyramidLevel[] {
  const s = defaultSchedule(dims, levels);
  const last = s[s.length - 1];
  s[s.length - 1] = {
    factors: last.factors,
    sigmaVox: last.sigmaVox.map((v, a) => (last.factors[a] === 1 ? sigmaFinal : v)) as [
      number,
      number,
      number,
    ],
  };
  return s;
}

function is3d(v: Volume, field: string): void {
  if (v.dims.length < 3 || v.dims.slice(0, 3).some((d) => !(d >= 2)))
    throw new InputError({ field, value: v.dims, expected: "a 3D image with at least 2 voxels per axis" });
}

export function registerBSpline(fixed: Volume, moving: Volume, o: BSplineOptions = {}): BSplineResult {
  is3d(fixed, "fixed");
  is3d(moving, "moving");
  const metric = o.metric ?? "mi";
  const f3 = { ...fixed, dims: fixed.dims.slice(0, 3) };
  const m3 = { ...moving, dims: moving.dims.slice(0, 3) };
  const sp = spacingOf(f3.affine);
  const meanVox = (sp[0] + sp[1] + sp[2]) / 3;
  const S = o.gridSpacingMm ?? 8 * meanVox;
  if (!(S > 0) || !Number.isFinite(S))
    throw new InputError({ field: "gridSpacingMm", value: S, expected: "a control-point spacing > 0 mm" });
  const lambda = o.bendingWeight ?? (metric === "ncc" ? 0.003 : 0.01);
  if (!(lambda >= 0))
    throw new InputError({ field: "bendingWeight", value: lambda, expected: "a weight ≥ 0" });
  // 1. affine initialisation
  let initialRegistration: RegistrationResult | undefined;
  let A: Mat4;
  if (o.initialMatrix) A = Float64Array.from(o.initialMatrix);
  else if ((o.initial ?? "affine") === "none") A = parametersToMatrix("rigid", [0, 0, 0, 0, 0, 0], [0, 0, 0]);
  else {
    initialRegistration = register(f3, m3, {
      transform: o.initial === "rigid" ? "rigid" : "affine",
      metric,
      fixedMask: o.fixedMask,
      movingMask: o.movingMask,
      bins: o.bins,
      seed: o.seed,
      ...o.linear,
    });
    A = initialRegistration.matrix;
  }
  // 2. levels
  const schedule = o.schedule ?? deformableSchedule(f3.dims, o.levels ?? 3, metric === "ncc" ? 1 : 0.5);
  const L = schedule.length;
  let grid = controlGrid(f3, S * 2 ** (L - 1));
  let coef: Float64Array = new Float64Array(3 * controlCount(grid));
  if (o.initialCoefficients) {
    if (o.initialCoefficients.length !== coef.length)
      throw new InputError({
        field: "initialCoefficients",
        value: o.initialCoefficients.length,
        expected: `${coef.length} coefficients (3 × the first level's control grid)`,
      });
    coef = Float64Array.from(o.initialCoefficients);
  }
  const interpolation = o.interpolation ?? "cubic";
  const levels: BSplineLevelReport[] = [];
  let iterations = 0;
  let finalValue = Number.NaN;
  let finalBending = 0;
  let validFraction = 0;
  for (let li = 0; li < L; li++) {
    if (li > 0) ({ grid, coef } = refine(grid, coef));
    const lv = schedule[li];
    const fl = pyramidLevel(f3, lv);
    const ml = pyramidLevel(m3, lv);
    const fm = o.fixedMask
      ? lv.factors.every((f) => f === 1)
        ? o.fixedMask
        : shrinkMask(o.fixedMask, lv.factors)
      : undefined;
    const mm = o.movingMask
      ? lv.factors.every((f) => f === 1)
        ? o.movingMask
        : shrinkMask(o.movingMask, lv.factors)
      : undefined;
    const margin = lv.sigmaVox.map((sg, a) => (sg > 0 ? Math.ceil((2 * sg) / lv.factors[a]) : 0));
    const samples = fixedSamples(fl, {
      mask: fm,
      centre: [0, 0, 0],
      maxSamples: o.maxSamples ?? 40000,
      seed: (o.seed ?? 1) + 100 + li,
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
    const sup = support(grid, samples.x);
    // bending energy integrated over the whole fixed image (Gauss points per control cell), so
    // the control points over the border margin and over empty regions are regularised too
    const bendSup = lambda > 0 ? support(grid, bendingPoints(grid), true) : null;
    const ax = new Float64Array(3 * samples.n);
    for (let q = 0; q < samples.n; q++)
      for (let a = 0; a < 3; a++)
        ax[3 * q + a] =
          A[a * 4] * samples.x[3 * q] +
          A[a * 4 + 1] * samples.x[3 * q + 1] +
          A[a * 4 + 2] * samples.x[3 * q + 2] +
          A[a * 4 + 3];
    const d = new Float64Array(3 * samples.n);
    const y = new Float64Array(3 * samples.n);
    const v = new Float64Array(3 * samples.n);
    const metricAt = (c: Float64Array, withGradient: boolean) => {
      displacement(grid, sup, c, d);
      for (let i = 0; i < y.length; i++) y[i] = ax[i] + d[i];
      const mp = mapWorld(y, mv);
      if (mp.count < Math.max(16, 0.05 * samples.n)) return { value: Number.NaN, dEdm: null, mp };
      const r = bn ? mattesCost(samples, mp, bn, withGradient) : nccCost(samples, mp, withGradient);
      return { value: r.value, dEdm: r.dEdm, mp };
    };
    const evaluate = (c: Float64Array) => {
      const r = metricAt(c, true);
      const gradient = new Float64Array(c.length);
      if (!Number.isFinite(r.value) || !r.dEdm) return { value: Number.NaN, gradient };
      const e = r.dEdm;
      for (let q = 0; q < samples.n; q++) {
        const eq = r.mp.valid[q] ? e[q] : 0;
        v[3 * q] = eq * r.mp.dm[3 * q];
        v[3 * q + 1] = eq * r.mp.dm[3 * q + 1];
        v[3 * q + 2] = eq * r.mp.dm[3 * q + 2];
      }
      accumulate(grid, sup, v, gradient);
      let value = r.value;
      if (bendSup) value += lambda * bendingEnergy(grid, bendSup, c, lambda, gradient);
      return { value, gradient };
    };
    const lvSpacing = spacingOf(fl.affine);
    const vox = (lvSpacing[0] + lvSpacing[1] + lvSpacing[2]) / 3;
    const res = lbfgsVector(evaluate, coef, {
      maxIterations: o.iterations ?? 150,
      maxStep: 0.5 * vox,
      tolerance: o.tolerance ?? 1e-3,
    });
    if (res.stop === "no-samples")
      throw new InputError({
        field: "moving",
        expected: "images that overlap (fewer than 5 % of the fixed samples map inside the moving image)",
      });
    coef = res.x;
    iterations += res.iterations;
    const fin = metricAt(coef, false);
    levels.push({
      factors: lv.factors,
      gridSpacingMm: grid.spacingMm.slice(),
      controlPoints: controlCount(grid),
      iterations: res.iterations,
      evaluations: res.evaluations,
      value: fin.value,
      stop: res.stop,
      samples: samples.n,
    });
    if (li === L - 1) {
      finalValue = fin.value;
      validFraction = fin.mp.count / samples.n;
      if (bendSup) finalBending = bendingEnergy(grid, bendSup, coef);
    }
  }
  return {
    transform: "bspline",
    metric,
    matrix: A,
    grid,
    coefficients: coef,
    gridSpacingMm: S,
    controlPoints: controlCount(grid),
    iterations,
    levels,
    finalValue,
    bendingEnergy: finalBending,
    validSampleFraction: validFraction,
    initialRegistration,
  };
}

/**
 * 2-point Gauss–Legendre nodes per axis in every control cell that covers the fixed image
 * (8 per cell, world mm): the bending integrand is a polynomial of degree ≤ 2 per axis within a
 * cell, so their mean is the exact (1/V)∫ over those cells
 */
export function bendingPoints(g: ControlGrid): Float64Array {
  const g1 = 0.5 - 0.5 / Math.sqrt(3);
  const g2 = 0.5 + 0.5 / Math.sqrt(3);
  const cells = [0, 1, 2].map((a) => Math.max(1, Math.ceil((g.fixed.dims[a] - 1) / g.spacingVox[a] - 1e-9)));
  const out = new Float64Array(3 * 8 * cells[0] * cells[1] * cells[2]);
  const F = g.fixed.affine;
  let q = 0;
  for (let k = 0; k < cells[2]; k++)
    for (let j = 0; j < cells[1]; j++)
      for (let i = 0; i < cells[0]; i++)
        for (const c of [g1, g2])
          for (const b of [g1, g2])
            for (const a of [g1, g2]) {
              // cell (i, j, k) spans fixed voxels [i·s, (i + 1)·s] per axis
              const p = applyPoint(F, [
                (i + a) * g.spacingVox[0],
                (j + b) * g.spacingVox[1],
                (k + c) * g.spacingVox[2],
              ]);
              out[3 * q] = p[0];
              out[3 * q + 1] = p[1];
              out[3 * q + 2] = p[2];
              q++;
            }
  return out;
}

/** the displacement field u(x) = T(x) − x (world mm) on the fixed grid, component-major 3·n³ */
export function bsplineField(r: Pick<BSplineResult, "grid" | "coefficients" | "matrix">): Float32Array {
  return denseField(r.grid, r.coefficients, r.matrix);
}

/** Jacobian determinant of T over the fixed grid: min, max, fraction folded (det ≤ 0) */
export function bsplineJacobian(r: Pick<BSplineResult, "grid" | "coefficients" | "matrix">) {
  return jacobianStats(r.grid, r.coefficients, r.matrix);
}
