/**
 * Fitting the nanoparticle PBPK model to a study's own biodistribution: blood %ID/g over time
 * and organ %ID/g (tissue samples, at necropsy or serially).
 *
 * Parameters θ_j = ln(scale_j), multipliers of the a-priori model (model.ts PbpkScales):
 *   mps_liver_scale, mps_spleen_scale   per-pass MPS extraction of liver, spleen
 *   mps_marrow_scale                    per-pass MPS extraction of the bone marrow — the
 *                                       unmeasured MPS, i.e. the blood elimination not booked
 *                                       to a sampled organ (identified through the blood curve)
 *   tumour_permeability_scale           tumour vascular permeability (diffusive PS)
 *   opsonised_fraction                  fraction of a PEG dose opsonised at injection and
 *                                       cleared like a bare particle (the fast blood phase);
 *                                       fitted as θ = logit(f); not applicable to bare particles
 *   lung_uptake_scale                   lung per-pass extraction (intravascular phagocytes +
 *                                       capillary trapping)
 *   renal_mesangial_scale               kidney mesangial per-pass extraction; not applicable to
 *                                       particles that cannot pass the glomerular fenestrae
 *   renal_tubular_scale                 proximal-tubular uptake fraction of the filtered
 *                                       particles; not applicable above the glomerular cut-off
 *                                       (nothing filtered)
 * Objective: weighted least squares in log space, minimise Σ w_i (ln y_i − ln f_i(θ))², with
 *   w_i = 1/σ_i², σ_i = √ln(1 + CV_i²) the log-normal SD from the row's SD (CV = sd/y) when every
 *   row has an SD, else w_i = 1 (then the residual variance s² sets the scale of the errors).
 *   f_i = c_i·y(t_i): blood = plasma pool / blood mass; organ = extravascular pools / organ mass
 *   + SAMPLE_BLOOD_FRACTION × blood (an unperfused tissue sample, species.ts).
 * Solver: the existing bounded Levenberg–Marquardt (core/fit) over the model's linear ODE
 *   dy/dt = A(θ)·y (core/ode, Dormand–Prince), with the analytic Jacobian from the forward
 *   sensitivity equations dS_j/dt = A·S_j + (∂A/∂θ_j)·y, S_j(0) = 0 integrated with y (so the
 *   Jacobian is consistent with the solution instead of a finite difference through an adaptive
 *   integrator); ∂A/∂θ_j by central differences of the algebraic transfer coefficients
 *   (h = 1e-5 in ln θ, error O(h²)). Bounds: scale ∈ [1e-3, 1e3].
 * Uncertainty: Cov(θ) = s²(JᵀWJ)⁻¹ with s² = RSS/(n − p) (Gauss–Newton linearisation,
 *   e.g. Bates & Watts 1988 §2.3; Seber & Wild 1989 §2.1); stderr of a scale = scale·SE(θ)
 *   (delta method; f(1 − f)·SE(θ) for the fraction). Identifiability (reported, never replaced by a plausible number):
 *   - a parameter no observation informs (Jacobian column ≈ 0 at the start, e.g. tumour
 *     permeability without tumour rows) is held at its a-priori value, status "not identifiable:
 *     no data informs it";
 *   - several local optima (multi-start from the a-priori point, the MPS scales ×¼ and ×4, the
 *     tumour permeability ×0.1 and ×10): a distinct optimum within ΔRSS ≤ 3.84·s² (χ²₁ 95 %
 *     likelihood ratio) of the best → the differing parameters "not identifiable: two optima";
 *     this happens for the tumour permeability when the tumour is sampled once (late tumour
 *     %ID/g rises then falls with P: uptake, then washout with the falling blood);
 *   - JᵀWJ singular (relative pivot < 1e-10), SE(θ) > 1 (uncertain by more than a factor e), a
 *     fitted value on a bound, or |corr| > 0.99 with another parameter → status "not identifiable"
 *     with the reason, value and stderr null.
 *   Goodness of fit: geometric mean fold error GMFE = exp(mean |ln(f_i/y_i)|) (Obach et al. 1997
 *   J Pharmacol Exp Ther 283:46 use the same average fold error), for the fitted and the
 *   a-priori model.
 * Hand-written: the model is this project's own; the numerics reuse core/fit and core/ode.
 */
import { InputError } from "../../errors.js";
import { levenbergMarquardt } from "../../fit/levenbergMarquardt.js";
import type { CurveModel, FitStatus } from "../../fit/types.js";
import { solveOde } from "../../ode/solve.js";
import {
  applyTransfers,
  buildPbpkSystem,
  initialState,
  opsonisedFractionOf,
  PBPK_OPSONISED,
  PBPK_PLASMA,
  type PbpkResult,
  type PbpkScales,
  type PbpkSystem,
  simulatePbpk,
} from "./model.js";
import { glomerularSieving, mesangialAccess, type Surface } from "./nanoparticle.js";
import { ORGANS, type Organ, SAMPLE_BLOOD_FRACTION, SPECIES, type Species } from "./species.js";

export const FIT_PARAMS = [
  "mps_liver_scale",
  "mps_spleen_scale",
  "mps_marrow_scale",
  "tumour_permeability_scale",
  "opsonised_fraction",
  "lung_uptake_scale",
  "renal_mesangial_scale",
  "renal_tubular_scale",
] as const;
export type FitParam = (typeof FIT_PARAMS)[number];

const SCALE_KEY: Record<FitParam, keyof PbpkScales> = {
  mps_liver_scale: "mpsLiver",
  mps_spleen_scale: "mpsSpleen",
  mps_marrow_scale: "mpsMarrow",
  tumour_permeability_scale: "tumourPermeability",
  opsonised_fraction: "opsonisedFraction",
  lung_uptake_scale: "lungUptake",
  renal_mesangial_scale: "renalMesangial",
  renal_tubular_scale: "renalTubular",
};

/** why a parameter does not apply to this particle (null: it applies) */
function notApplicable(k: FitParam, sizeNm: number, surface: Surface): string | null {
  if (k === "opsonised_fraction" && surface === "bare")
    return "not applicable: bare surface (all particles opsonised)";
  if (k === "renal_tubular_scale" && !(glomerularSieving(sizeNm) > 0))
    return "not applicable: above the glomerular cut-off (nothing is filtered)";
  if (k === "renal_mesangial_scale" && !(mesangialAccess(sizeNm) > 0))
    return "not applicable: the particle does not reach the mesangium (filtered, or larger than the glomerular fenestrae)";
  return null;
}

/** the fraction is fitted on the logit scale, the scales on the log scale */
const isFraction = (k: FitParam) => k === "opsonised_fraction";
const toTheta = (k: FitParam, v: number) => (isFraction(k) ? Math.log(v / (1 - v)) : Math.log(v));
const fromTheta = (k: FitParam, t: number) => (isFraction(k) ? 1 / (1 + Math.exp(-t)) : Math.exp(t));
/** d value / d θ */
const dValue = (k: FitParam, t: number) => {
  const v = fromTheta(k, t);
  return isFraction(k) ? v * (1 - v) : v;
};

export interface PbpkObservation {
  /** "blood" or a model organ (lung, liver, spleen, kidney, heart, muscle, tumour, …) */
  organ: Organ | "blood";
  time_h: number;
  pctID_per_g: number;
  /** SD of the value (same unit), optional */
  sd?: number | null;
}

export interface PbpkFitInput {
  sizeNm: number;
  species: Species;
  surface?: Surface;
  targeted?: boolean;
  observations: PbpkObservation[];
  /** parameters to fit (default all of FIT_PARAMS) */
  fit?: readonly FitParam[];
  /** starting scales (default 1 = a priori) */
  start?: Partial<Record<FitParam, number>>;
  maxIterations?: number;
}

export interface PbpkFitPoint {
  organ: string;
  time_h: number;
  measured: number;
  sd: number | null;
  predicted: number;
  apriori: number;
  /** predicted / measured */
  ratio: number;
}

export interface PbpkFitResult {
  /** fitted scales; null when not identifiable */
  params: Record<FitParam, number | null>;
  /** standard errors of the scales (delta method); null when not identifiable */
  stderr: Record<FitParam, number | null>;
  /** standard errors on the fitting scale: ln(scale), logit(fraction) */
  stderr_log: Record<FitParam, number | null>;
  param_status: Record<FitParam, string>;
  /** correlation matrix of ln(scale) over the fitted parameters (order of `fitted`) */
  correlation: number[][] | null;
  fitted: FitParam[];
  /** "ok", "partly identifiable: …", "not identifiable: …" or the optimiser's failure */
  status: string;
  optimizer: {
    status: FitStatus;
    converged: boolean;
    iterations: number;
    message: string;
    /** multi-start: starting points tried, of which converged */
    starts?: number;
    converged_starts?: number;
  };
  weighting: "sd" | "unweighted";
  n: number;
  rss: number;
  /** residual variance s² = RSS/(n − p) */
  s2: number | null;
  gmfe: number;
  gmfe_apriori: number;
  predicted: PbpkFitPoint[];
  blood_half_life_h: number | null;
  blood_half_life_status: string;
  blood_half_life_apriori_h: number | null;
  /** the scales the fitted model was simulated with (non-identifiable ones at their start value) */
  scales_used: Record<FitParam, number>;
}

const ORGAN_SET = new Set<string>(ORGANS);

/**
 * A biodistribution organ name → the model compartment: blood; lung(s), liver, spleen,
 * kidney(s), heart, muscle, skin, bone marrow / marrow, tumour / tumor / tumour_<id>; null
 * when the model has no such compartment.
 */
export function pbpkOrganOf(name: string): Organ | "blood" | null {
  const t = name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  if (t === "blood" || t === "plasma") return "blood";
  if (/^tumou?r/.test(t)) return "tumour";
  if (t === "lungs") return "lung";
  if (t === "kidneys") return "kidney";
  if (t === "marrow" || t === "bone_marrow") return "bone_marrow";
  if (t === "rest") return null;
  return ORGAN_SET.has(t) ? (t as Organ) : null;
}
const LOG_LO = Math.log(1e-3);
const LOG_HI = Math.log(1e3);
const lowerOf = (k: FitParam) => (isFraction(k) ? toTheta(k, 1e-4) : LOG_LO);
const upperOf = (k: FitParam) => (isFraction(k) ? toTheta(k, 0.99) : LOG_HI);
const DTHETA = 1e-5;

interface Design {
  times: number[];
  /** per observation: index into times, and the linear functional coefficients */
  obs: { ti: number; coef: [number, number][] }[];
}

function design(sys: PbpkSystem, observations: PbpkObservation[]): Design {
  const uniq = [0, ...new Set(observations.map((o) => o.time_h))].sort((a, b) => a - b);
  const bloodG = sys.setup.bloodL * 1000;
  const obs = observations.map((o) => {
    const ti = uniq.indexOf(o.time_h);
    const coef: [number, number][] = [
      [PBPK_PLASMA, 1 / bloodG],
      [PBPK_OPSONISED, 1 / bloodG],
    ];
    if (o.organ !== "blood") {
      const k = ORGANS.indexOf(o.organ);
      const m = sys.setup.organs[k].massKg * 1000;
      coef[0][1] = SAMPLE_BLOOD_FRACTION[o.organ] / bloodG;
      coef[1][1] = SAMPLE_BLOOD_FRACTION[o.organ] / bloodG;
      for (const pool of [0, 1, 2] as const) coef.push([sys.index(k, pool), 1 / m]);
    }
    return { ti, coef };
  });
  return { times: uniq, obs };
}

function scalesOf(theta: Float64Array, names: readonly FitParam[], base: PbpkScales): PbpkScales {
  const s: PbpkScales = { ...base };
  names.forEach((n, j) => {
    s[SCALE_KEY[n]] = fromTheta(n, theta[j]);
  });
  return s;
}

function checkFitInput(p: PbpkFitInput): void {
  if (!SPECIES.includes(p.species))
    throw new InputError({ field: "--species", value: p.species, expected: `one of ${SPECIES.join(", ")}` });
  if (!(p.sizeNm > 0 && p.sizeNm <= 1000))
    throw new InputError({
      field: "--size-nm",
      value: p.sizeNm,
      expected: "a hydrodynamic diameter in (0, 1000] nm",
    });
  if (p.observations.length === 0)
    throw new InputError({ field: "observations", value: 0, expected: "at least one biodistribution row" });
  p.observations.forEach((o, i) => {
    if (o.organ !== "blood" && !ORGAN_SET.has(o.organ))
      throw new InputError({
        field: `organ (row ${i + 1})`,
        value: o.organ,
        expected: `blood or one of ${ORGANS.join(", ")}`,
      });
    if (!(Number.isFinite(o.time_h) && o.time_h > 0 && o.time_h <= 24 * 60))
      throw new InputError({
        field: `time_h (row ${i + 1})`,
        value: o.time_h,
        expected: "a time in (0, 1440] h",
      });
    if (!(Number.isFinite(o.pctID_per_g) && o.pctID_per_g > 0))
      throw new InputError({
        field: `pctID_per_g (row ${i + 1})`,
        value: o.pctID_per_g,
        expected: "a positive %ID/g (log-space fit)",
      });
    if (o.sd !== undefined && o.sd !== null && !(Number.isFinite(o.sd) && o.sd >= 0))
      throw new InputError({ field: `sd (row ${i + 1})`, value: o.sd, expected: "an SD ≥ 0" });
  });
}

/**
 * The log-space PBPK curve model for core/fit: evaluate solves y(t); jacobian solves y with its
 * sensitivities. Exported for tests.
 */
export function pbpkLogModel(
  p: Pick<PbpkFitInput, "sizeNm" | "species" | "surface" | "targeted" | "observations">,
  names: readonly FitParam[],
  base: PbpkScales = {},
): CurveModel & { predict(theta: Float64Array): Float64Array } {
  const sys0 = buildPbpkSystem(p, base);
  const d = design(sys0, p.observations);
  const nS = sys0.nState;
  const q = names.length;
  const n = p.observations.length;
  const tEnd = d.times[d.times.length - 1];
  const opts = { method: "rk45" as const, tEval: d.times, rtol: 1e-10, atol: 1e-13, maxSteps: 5_000_000 };
  const predictFrom = (ys: Float64Array[], offset: number, out: Float64Array) => {
    for (let i = 0; i < n; i++) {
      const { ti, coef } = d.obs[i];
      let v = 0;
      for (const [k, c] of coef) v += c * ys[ti][offset + k];
      out[i] = v;
    }
  };
  const solveY = (theta: Float64Array) => {
    const sys = buildPbpkSystem(p, scalesOf(theta, names, base));
    const y0 = initialState(sys);
    const rhs = (_t: number, y: Float64Array, dy: Float64Array) => {
      dy.fill(0);
      applyTransfers(sys.transfers, y, dy);
    };
    return solveOde(rhs, 0, y0, tEnd, opts).y;
  };
  const pred = new Float64Array(n);
  return {
    nParams: q,
    nPoints: n,
    predict(theta) {
      const out = new Float64Array(n);
      predictFrom(solveY(theta), 0, out);
      return out;
    },
    evaluate(theta, out) {
      predictFrom(solveY(theta), 0, pred);
      for (let i = 0; i < n; i++) out[i] = Math.log(pred[i]);
    },
    jacobian(theta, _f, jac) {
      const sys = buildPbpkSystem(p, scalesOf(theta, names, base));
      const tr = sys.transfers;
      // ∂k/∂θ_j for every transfer (same structure at θ ± h: multiplicative scales > 0)
      const dk: Float64Array[] = names.map((_, j) => {
        const tp = Float64Array.from(theta);
        const tm = Float64Array.from(theta);
        tp[j] += DTHETA;
        tm[j] -= DTHETA;
        const a = buildPbpkSystem(p, scalesOf(tp, names, base)).transfers;
        const b = buildPbpkSystem(p, scalesOf(tm, names, base)).transfers;
        if (a.length !== tr.length || b.length !== tr.length)
          throw new Error("PBPK transfer structure changed under a parameter perturbation");
        return Float64Array.from(tr, (_t, k) => (a[k].kPerH - b[k].kPerH) / (2 * DTHETA));
      });
      const z0 = new Float64Array(nS * (1 + q));
      z0.set(initialState(sys));
      // initial-state sensitivity of the opsonised fraction
      names.forEach((k, j) => {
        if (!isFraction(k)) return;
        const dv = 100 * dValue(k, theta[j]);
        z0[nS * (1 + j) + PBPK_PLASMA] = -dv;
        z0[nS * (1 + j) + PBPK_OPSONISED] = dv;
      });
      const rhs = (_t: number, z: Float64Array, dz: Float64Array) => {
        dz.fill(0);
        applyTransfers(tr, z, dz, 0);
        for (let j = 0; j < q; j++) {
          const off = nS * (1 + j);
          applyTransfers(tr, z, dz, off);
          const dkj = dk[j];
          for (let k = 0; k < tr.length; k++) {
            if (dkj[k] === 0) continue;
            const f = dkj[k] * z[tr[k].from];
            dz[off + tr[k].from] -= f;
            dz[off + tr[k].to] += f;
          }
        }
      };
      const zs = solveOde(rhs, 0, z0, tEnd, opts).y;
      predictFrom(zs, 0, pred);
      const sens = new Float64Array(n);
      for (let j = 0; j < q; j++) {
        predictFrom(zs, nS * (1 + j), sens);
        for (let i = 0; i < n; i++) jac[i * q + j] = sens[i] / pred[i];
      }
    },
  };
}

/** symmetric positive-definite inverse by Cholesky; null when singular (relative pivot < 1e-10) */
function spdInverse(a: number[][]): number[][] | null {
  const q = a.length;
  const L = a.map(() => new Array<number>(q).fill(0));
  const dmax = Math.max(...a.map((r, i) => r[i]));
  for (let i = 0; i < q; i++)
    for (let j = 0; j <= i; j++) {
      let v = a[i][j];
      for (let k = 0; k < j; k++) v -= L[i][k] * L[j][k];
      if (i === j) {
        if (!(v > 1e-10 * dmax)) return null;
        L[i][i] = Math.sqrt(v);
      } else L[i][j] = v / L[j][j];
    }
  const inv = a.map(() => new Array<number>(q).fill(0));
  for (let c = 0; c < q; c++) {
    const e = new Array<number>(q).fill(0);
    e[c] = 1;
    const z = new Array<number>(q).fill(0);
    for (let i = 0; i < q; i++) {
      let v = e[i];
      for (let k = 0; k < i; k++) v -= L[i][k] * z[k];
      z[i] = v / L[i][i];
    }
    for (let i = q - 1; i >= 0; i--) {
      let v = z[i];
      for (let k = i + 1; k < q; k++) v -= L[k][i] * inv[k][c];
      inv[i][c] = v / L[i][i];
    }
  }
  return inv;
}

/**
 * starting points: the given start, the MPS scales together ×0.25 and ×4, the tumour
 * permeability ×0.1 and ×10, the opsonised fraction +2 on the logit scale
 */
function startPoints(theta0: Float64Array, names: readonly FitParam[]): Float64Array[] {
  const out = [Float64Array.from(theta0)];
  const shifted = (pred: (k: FitParam) => boolean, by: number) => {
    if (!names.some(pred)) return;
    out.push(Float64Array.from(theta0, (v, j) => (pred(names[j]) ? v + by : v)));
  };
  const mps = (k: FitParam) => k.startsWith("mps_");
  const tum = (k: FitParam) => k === "tumour_permeability_scale";
  shifted(mps, Math.log(0.25));
  shifted(mps, Math.log(4));
  shifted(tum, Math.log(0.1));
  shifted(tum, Math.log(10));
  shifted(isFraction, 2);
  return out;
}

const gmfeOf = (pred: ArrayLike<number>, meas: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < meas.length; i++) s += Math.abs(Math.log(pred[i] / meas[i]));
  return Math.exp(s / meas.length);
};

export function fitPbpk(p: PbpkFitInput): PbpkFitResult {
  checkFitInput(p);
  const surface = p.surface ?? "bare";
  // parameters that do not apply to this particle (a bare particle is opsonised anyway; no
  // tubular uptake without filtration; no mesangial uptake without access) are not fitted
  const requested = [...(p.fit ?? FIT_PARAMS)].filter((k) => notApplicable(k, p.sizeNm, surface) === null);
  const obs = p.observations;
  const n = obs.length;
  const y = Float64Array.from(obs, (o) => Math.log(o.pctID_per_g));
  const allSd = obs.every((o) => o.sd !== undefined && o.sd !== null && o.sd > 0);
  const weights = allSd
    ? Float64Array.from(obs, (o) => {
        const cv = Math.max(1e-3, (o.sd as number) / o.pctID_per_g);
        return 1 / Math.log(1 + cv * cv);
      })
    : undefined;
  const startScale = (k: FitParam) => p.start?.[k] ?? (isFraction(k) ? opsonisedFractionOf(surface) : 1);
  const status: Record<FitParam, string> = Object.fromEntries(
    FIT_PARAMS.map((k) => [
      k,
      requested.includes(k) ? "ok" : (notApplicable(k, p.sizeNm, surface) ?? "fixed (not fitted)"),
    ]),
  ) as Record<FitParam, string>;
  // parameters no observation informs: held at their start value
  const full = pbpkLogModel(p, requested);
  const th0 = Float64Array.from(requested, (k) => toTheta(k, startScale(k)));
  const f0 = new Float64Array(n);
  const j0 = new Float64Array(n * requested.length);
  full.evaluate(th0, f0);
  full.jacobian?.(th0, f0, j0);
  const informed = requested.filter((k, j) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += j0[i * requested.length + j] ** 2;
    const ok = Math.sqrt(s) > 1e-6;
    if (!ok) status[k] = "not identifiable: no data informs it (held at the a-priori value)";
    return ok;
  });
  const base: PbpkScales = {};
  for (const k of FIT_PARAMS) if (!informed.includes(k)) base[SCALE_KEY[k]] = startScale(k);
  const q = informed.length;
  const model = pbpkLogModel(p, informed, base);
  const theta0 = Float64Array.from(informed, (k) => toTheta(k, startScale(k)));
  const params = Object.fromEntries(FIT_PARAMS.map((k) => [k, null])) as Record<FitParam, number | null>;
  const stderr = { ...params };
  const stderrLog = { ...params };
  let opt: PbpkFitResult["optimizer"] = {
    status: "invalid-input",
    converged: false,
    iterations: 0,
    message: "nothing to fit",
  };
  let theta: Float64Array = theta0;
  let rss = Number.NaN;
  let s2: number | null = null;
  let correlation: number[][] | null = null;
  let multiStarts = { starts: 0, converged_starts: 0 };
  const ambiguous = new Map<FitParam, string>();
  if (q > 0) {
    const lmOpts = {
      lower: Float64Array.from(informed, lowerOf),
      upper: Float64Array.from(informed, upperOf),
      weights,
      maxIterations: p.maxIterations ?? 100,
      ftol: 1e-14,
      xtol: 1e-12,
      gtol: 1e-12,
    };
    // multi-start: the tumour %ID/g at a late time is not monotonic in the permeability (fast
    // uptake is followed by washout with the falling blood), so there can be two optima
    const starts = startPoints(theta0, informed);
    const fits = starts.map((s0) => levenbergMarquardt(model, y, s0, lmOpts));
    const ok = fits.filter((f) => f.converged || f.status === "singular");
    const pool = ok.length > 0 ? ok : fits;
    const r = pool.reduce((a, b) => (b.rss < a.rss ? b : a));
    // a distinct optimum that fits statistically as well as the best one (likelihood ratio:
    // ΔRSS ≤ χ²₁(0.95)·s² = 3.84·s²): the parameters that differ are not identified
    const s2best = n > q ? r.rss / (n - q) : 0;
    const rival = pool.find(
      (f) =>
        f !== r &&
        f.rss - r.rss <= 3.84 * s2best + 1e-12 &&
        f.params.some((v, j) => Math.abs(v - r.params[j]) > 0.1),
    );
    multiStarts = { starts: starts.length, converged_starts: ok.length };
    if (rival)
      informed.forEach((k, j) => {
        if (Math.abs(rival.params[j] - r.params[j]) > 0.1)
          ambiguous.set(
            k,
            `not identifiable: two optima fit equally (${fromTheta(k, r.params[j]).toPrecision(3)} or ${fromTheta(k, rival.params[j]).toPrecision(3)})`,
          );
      });
    opt = {
      status: r.status,
      converged: r.converged,
      iterations: r.iterations ?? 0,
      message: r.message ?? "",
    };
    theta = r.params;
    rss = r.rss;
    // covariance at the solution: s²(JᵀWJ)⁻¹
    const f = new Float64Array(n);
    const J = new Float64Array(n * q);
    model.evaluate(theta, f);
    model.jacobian?.(theta, f, J);
    const jtj = Array.from({ length: q }, (_, a) =>
      Array.from({ length: q }, (_, b) => {
        let v = 0;
        for (let i = 0; i < n; i++) v += (weights ? weights[i] : 1) * J[i * q + a] * J[i * q + b];
        return v;
      }),
    );
    const inv = n > q ? spdInverse(jtj) : null;
    s2 = n > q ? rss / (n - q) : null;
    informed.forEach((k, j) => {
      const onBound = theta[j] <= lowerOf(k) + 1e-9 || theta[j] >= upperOf(k) - 1e-9;
      if (n <= q) status[k] = `not identifiable: ${n} observations for ${q} parameters`;
      else if (!inv) status[k] = "not identifiable: information matrix JᵀWJ singular";
      else if (onBound)
        status[k] =
          `not identifiable: estimate on the search bound (${isFraction(k) ? "[1e-4, 0.99]" : "[1e-3, 1e3]"})`;
      else {
        const se = Math.sqrt((s2 as number) * inv[j][j]);
        if (!(se <= 1))
          status[k] = `not identifiable: SE(${isFraction(k) ? "logit" : "ln"}) = ${se.toPrecision(3)} > 1`;
        else {
          stderrLog[k] = se;
          params[k] = fromTheta(k, theta[j]);
          stderr[k] = dValue(k, theta[j]) * se;
        }
      }
    });
    if (inv) {
      correlation = inv.map((row, a) => row.map((v, b) => v / Math.sqrt(inv[a][a] * inv[b][b])));
      informed.forEach((k, a) => {
        informed.forEach((k2, b) => {
          if (b !== a && Math.abs((correlation as number[][])[a][b]) > 0.99 && params[k] !== null) {
            status[k] =
              `not identifiable separately: |corr| with ${k2} = ${Math.abs((correlation as number[][])[a][b]).toFixed(4)} > 0.99`;
            params[k] = null;
            stderr[k] = null;
            stderrLog[k] = null;
          }
        });
      });
    }
    for (const [k, why] of ambiguous)
      if (params[k] !== null) {
        status[k] = why;
        params[k] = null;
        stderr[k] = null;
        stderrLog[k] = null;
      }
    if (!r.converged && opt.status !== "singular")
      for (const k of informed)
        if (params[k] !== null) {
          status[k] = `not identifiable: optimiser stopped (${r.status})`;
          params[k] = null;
          stderr[k] = null;
          stderrLog[k] = null;
        }
  }
  const scalesUsed = Object.fromEntries(
    FIT_PARAMS.map((k) => {
      const j = informed.indexOf(k);
      return [k, j >= 0 ? fromTheta(k, theta[j]) : startScale(k)];
    }),
  ) as Record<FitParam, number>;
  const fitted = model.predict(theta);
  const apriori = pbpkLogModel(p, []).predict(new Float64Array(0));
  if (q === 0)
    rss = obs.reduce((s, _o, i) => s + (weights ? weights[i] : 1) * (y[i] - Math.log(fitted[i])) ** 2, 0);
  const predicted: PbpkFitPoint[] = obs.map((o, i) => ({
    organ: o.organ,
    time_h: o.time_h,
    measured: o.pctID_per_g,
    sd: o.sd ?? null,
    predicted: fitted[i],
    apriori: apriori[i],
    ratio: fitted[i] / o.pctID_per_g,
  }));
  const hours = Math.max(96, ...obs.map((o) => o.time_h));
  const simFit = simulateScaled(p, scalesUsed, hours);
  const prior = Object.fromEntries(
    FIT_PARAMS.map((k) => [k, isFraction(k) ? opsonisedFractionOf(surface) : 1]),
  ) as Record<FitParam, number>;
  const simPrior = simulateScaled(p, prior, hours);
  const bad = requested.filter((k) => params[k] === null);
  const overall =
    q > 0 && n <= q
      ? `not identifiable: ${n} observations for ${q} parameters`
      : q > 0 && !opt.converged && opt.status !== "singular"
        ? `fit failed: ${opt.status} (${opt.message})`
        : bad.length === 0
          ? "ok"
          : bad.length === requested.length
            ? `not identifiable: ${bad.join(", ")}`
            : `partly identifiable: ${bad.join(", ")} not identifiable`;
  return {
    params,
    stderr,
    stderr_log: stderrLog,
    param_status: status,
    correlation,
    fitted: informed,
    status: overall,
    optimizer: { ...opt, ...multiStarts },
    weighting: weights ? "sd" : "unweighted",
    n,
    rss,
    s2,
    gmfe: gmfeOf(
      fitted,
      Float64Array.from(obs, (o) => o.pctID_per_g),
    ),
    gmfe_apriori: gmfeOf(
      apriori,
      Float64Array.from(obs, (o) => o.pctID_per_g),
    ),
    predicted,
    blood_half_life_h: simFit.summary.blood_half_life_h,
    blood_half_life_status: simFit.summary.blood_half_life_status,
    blood_half_life_apriori_h: simPrior.summary.blood_half_life_h,
    scales_used: scalesUsed,
  };
}

/** the model simulated with scales keyed by fit-parameter name */
export function simulateScaled(
  p: Pick<PbpkFitInput, "sizeNm" | "species" | "surface" | "targeted">,
  scales: Record<FitParam, number>,
  hours: number,
  points = 241,
): PbpkResult {
  const s: PbpkScales = {};
  for (const k of FIT_PARAMS) s[SCALE_KEY[k]] = scales[k];
  return simulatePbpk({
    sizeNm: p.sizeNm,
    species: p.species,
    surface: p.surface,
    targeted: p.targeted,
    hours,
    points,
    scales: s,
  });
}
