/**
 * Diffusion–convection–binding of particles in tissue with vascular sources (Baxter & Jain 1989
 * II, Microvasc Res 38:252; 1991 III, 41:5), on a finite-volume mesh:
 *   ∂c/∂t = ∇·(D∇c) − ∇·(R_F·v·c) + a(x)·Cp(t) − k(x)·c/φ − k_L(x)·c − k_on·c + k_off·b
 *   ∂b/∂t = k_on·c − k_off·b
 * c free particles per tissue volume, b bound/internalised (immobile), φ available volume
 * fraction (Ci = c/φ), v from the IFP solution (face flows), a, k from `extravasation.ts`
 * (size-dependent through P and σ), k_L lymphatic removal, Cp(t) plasma concentration.
 * Discretisation: conservative face fluxes with exponential (Scharfetter–Gummel / Allen–Southwell)
 * weighting F = A·(D/d)·[B(−Pe)·c_a − B(Pe)·c_b], Pe = R_F·u·d/D — exact for 1D steady
 * convection–diffusion with constant coefficients and positive for every Péclet number —
 * integrated explicitly (positivity-limited step); the local source/lymph/binding terms are
 * integrated implicitly (backward Euler) within each step. Every transfer is booked, so
 *   amount(t) = amount(0) + ∫source − ∫lymph − ∫surface outflow
 * holds to rounding (reported as balanceRelError). Surface: Dirichlet exterior concentration.
 * Two step kernels with the same arithmetic: the generic one (face lists, any mesh) and, for grid
 * meshes, the structured 7-point kernel of gridKernel.ts (per-axis face coefficients, gathered
 * per cell, so it can be split into z-slabs and run on worker threads: engine/transport). The
 * structured fields are bit-identical to the generic ones; its booked sums are added per z-plane
 * and then over planes in order (≤ 1e-15 relative from the generic sums; the same for any number
 * of threads). Setup (prepareTransport), step schedule (intervalSteps) and booking
 * (TransportLedger) are shared by every path.
 * Hand-written: the mesh/booking is specific to this model; no TS FV package exists.
 */
import { InputError } from "../errors.js";
import { bernoulli } from "./extravasation.js";
import type { FvMesh } from "./fvMesh.js";
import { buildGridKernel, type GridKernel, gridRklBackend, gridStepper } from "./gridKernel.js";
import { type CellField, cellField } from "./ifpSolver.js";
import { genericRklBackend, type RklPlan, type RklStats, rkl2Run, runSync } from "./superTimeStep.js";

export interface TransportProblem {
  mesh: FvMesh;
  /** effective interstitial diffusion coefficient, cm²/s */
  diffusionCm2PerS: number;
  /** retardation (solute/fluid velocity ratio in the interstitium), default 1 */
  retardation?: number;
  /** fluid flow through internal faces a → b (cm³/s), e.g. IfpSolution.faceFlowCm3PerS */
  faceFlowCm3PerS?: Float64Array;
  /** outward fluid flow through boundary faces (cm³/s) */
  boundaryFlowCm3PerS?: Float64Array;
  /** vascular uptake coefficient a per cell, 1/s */
  uptakePerS?: CellField;
  /** back-flux coefficient k per cell (acts on c/φ), 1/s */
  backfluxPerS?: CellField;
  /** available volume fraction φ (0, 1], default 1 */
  availableFraction?: number;
  /** lymphatic removal rate per cell, 1/s (0 in tumours) */
  lymphPerS?: CellField;
  konPerS?: number;
  koffPerS?: number;
  /** plasma concentration at time t (s) */
  plasma?: (tS: number) => number;
  /** concentration outside the tissue, per boundary face or one value; default 0 */
  exteriorConcentration?: number | ArrayLike<number>;
  initialFree?: ArrayLike<number>;
  initialBound?: ArrayLike<number>;
  /** report times (s), increasing, > 0 */
  reportTimesS: ArrayLike<number>;
  /** upper bound on the time step (s); the positivity limit applies anyway */
  maxDtS?: number;
  /** fraction of the positivity limit used, default 0.9 */
  safety?: number;
  /** keep per-cell fields at every report time (default: last only) */
  keepFields?: boolean;
  /** rim = depth < rimFraction·max depth, core = depth > (1 − rimFraction)·max depth; default 1/3 */
  rimFraction?: number;
  /**
   * step kernel: "auto" (default: structured for grid meshes, generic otherwise), "generic" (face
   * lists; the reference path) or "grid" (structured; an error for a mesh that is not a grid)
   */
  kernel?: "auto" | "generic" | "grid";
  /**
   * time integration of the transport operator: "explicit" (default; forward Euler at the
   * positivity limit, local terms backward Euler in the same step) or "rkl2" (super-time-stepping,
   * superTimeStep.ts: RKL2 super-steps, local terms exact, Strang-split)
   */
  scheme?: "explicit" | "rkl2";
  /** rkl2: stages per super-step (sets the target super-step to the stability bound of s stages) */
  stages?: number;
  /** rkl2: target super-step, s (default 3600); report intervals are covered by super-steps */
  superStepS?: number;
  /** rkl2: grow the super-steps from one explicit step at t = 0 (τ ≤ 0.5·t; default true) */
  startupRamp?: boolean;
}

export interface TransportReport {
  timeS: number;
  amountFree: number;
  amountBound: number;
  /** cumulative amounts: extravasated from plasma, removed by lymphatics, lost through the surface */
  cumulativeSource: number;
  cumulativeLymph: number;
  cumulativeSurfaceOut: number;
  balanceRelError: number;
  meanConc: number;
  rimMeanConc: number;
  coreMeanConc: number;
  /** amount-weighted mean depth below the surface of all particles (free + bound), µm */
  penetrationDepthUm: number;
}

export interface TransportSolution {
  reports: TransportReport[];
  /** fields (free, bound) at the report times (or only the last) */
  fields: { timeS: number; free: Float64Array; bound: Float64Array }[];
  dtS: number;
  steps: number;
  maxBalanceRelError: number;
  /** step kernel used: "generic" (face lists) or "grid" (structured 7-point) */
  kernel: "generic" | "grid";
  /** threads that advanced the cells (1 here; engine/transport runs the grid kernel on workers) */
  threads: number;
  scheme: "explicit" | "rkl2";
  /** rkl2: super-steps, rejections (negative cells → halved), sweeps; steps = accepted super-steps */
  rkl?: RklStats;
}

/** validated problem data and face coefficients, shared by every step kernel */
export interface PreparedTransport {
  mesh: FvMesh;
  n: number;
  /** internal faces: flux a→b = ca·c_a − cb·c_b */
  ca: Float64Array;
  cb: Float64Array;
  /** boundary faces: outward flux = bca·c − bcb·ext */
  bca: Float64Array;
  bcb: Float64Array;
  ext: Float64Array;
  /** per cell: uptake a, back-flux k/φ, lymph k_L (1/s) */
  a: Float64Array;
  kb: Float64Array;
  kl: Float64Array;
  kon: number;
  koff: number;
  plasma: (tS: number) => number;
  times: number[];
  dtMax: number;
  /** initial free and bound fields (cell order) */
  c: Float64Array;
  b: Float64Array;
  rimFraction: number;
  keepFields: boolean;
  scheme: "explicit" | "rkl2";
  /** rkl2 schedule parameters (null for the explicit scheme) */
  rkl: RklPlan | null;
}

export function prepareTransport(prob: TransportProblem): PreparedTransport {
  const m = prob.mesh;
  const n = m.nCells;
  const D = prob.diffusionCm2PerS;
  if (!(D >= 0) || !Number.isFinite(D))
    throw new InputError({ field: "diffusionCm2PerS", value: D, expected: "D ≥ 0 cm²/s" });
  const RF = prob.retardation ?? 1;
  if (!(RF >= 0)) throw new InputError({ field: "retardation", value: RF, expected: "≥ 0" });
  const phi = prob.availableFraction ?? 1;
  if (!(phi > 0 && phi <= 1))
    throw new InputError({ field: "availableFraction", value: phi, expected: "0 < φ ≤ 1" });
  const kon = prob.konPerS ?? 0;
  const koff = prob.koffPerS ?? 0;
  if (!(kon >= 0) || !(koff >= 0))
    throw new InputError({ field: "konPerS/koffPerS", value: [kon, koff], expected: "rates ≥ 0 per s" });
  const a = cellField(prob.uptakePerS ?? 0, n, "uptakePerS");
  const kb = cellField(prob.backfluxPerS ?? 0, n, "backfluxPerS");
  const kl = cellField(prob.lymphPerS ?? 0, n, "lymphPerS");
  for (let i = 0; i < n; i++) {
    if (a[i] < 0 || kb[i] < 0 || kl[i] < 0)
      throw new InputError({
        field: "uptakePerS/backfluxPerS/lymphPerS",
        value: [a[i], kb[i], kl[i]],
        expected: "≥ 0",
      });
    kb[i] /= phi;
  }
  const plasma = prob.plasma ?? (() => 0);
  const times = Array.from(prob.reportTimesS);
  if (times.length === 0 || times.some((t, i) => !(t > (i ? times[i - 1] : 0))))
    throw new InputError({
      field: "reportTimesS",
      value: times.slice(0, 5),
      expected: "increasing times > 0 s",
    });
  const nf = m.faceA.length;
  const nb = m.bCell.length;
  const flow = prob.faceFlowCm3PerS ?? new Float64Array(nf);
  const bflow = prob.boundaryFlowCm3PerS ?? new Float64Array(nb);
  if (flow.length !== nf || bflow.length !== nb)
    throw new InputError({
      field: "faceFlowCm3PerS",
      value: [flow.length, bflow.length],
      expected: `${nf} internal and ${nb} boundary face flows`,
    });
  const ext = new Float64Array(nb);
  if (typeof prob.exteriorConcentration === "number" || prob.exteriorConcentration === undefined)
    ext.fill(prob.exteriorConcentration ?? 0);
  else {
    if (prob.exteriorConcentration.length !== nb)
      throw new InputError({
        field: "exteriorConcentration",
        value: prob.exteriorConcentration.length,
        expected: `${nb} values (one per boundary face)`,
      });
    ext.set(prob.exteriorConcentration);
  }
  // face coefficients: flux a→b = ca·c_a − cb·c_b
  const ca = new Float64Array(nf);
  const cb = new Float64Array(nf);
  const out = new Float64Array(n); // Σ outgoing coefficients per cell (positivity limit)
  const inc = new Float64Array(n); // Σ incoming coefficients per cell (Gershgorin radius)
  const coef = (area: number, dist: number, q: number): [number, number] => {
    const u = (RF * q) / area;
    if (D === 0) return [area * Math.max(u, 0), area * Math.max(-u, 0)];
    const g = (area * D) / dist;
    const pe = (u * dist) / D;
    return [g * bernoulli(-pe), g * bernoulli(pe)];
  };
  for (let f = 0; f < nf; f++) {
    [ca[f], cb[f]] = coef(m.faceAreaCm2[f], m.faceDistCm[f], flow[f]);
    out[m.faceA[f]] += ca[f];
    out[m.faceB[f]] += cb[f];
    inc[m.faceA[f]] += cb[f];
    inc[m.faceB[f]] += ca[f];
  }
  const bca = new Float64Array(nb);
  const bcb = new Float64Array(nb);
  for (let f = 0; f < nb; f++) {
    [bca[f], bcb[f]] = coef(m.bAreaCm2[f], m.bDistCm[f], bflow[f]);
    out[m.bCell[f]] += bca[f];
  }
  let dtStable = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) if (out[i] > 0) dtStable = Math.min(dtStable, m.volumeCm3[i] / out[i]);
  const safety = prob.safety ?? 0.9;
  let dtMax = Math.min(safety * dtStable, prob.maxDtS ?? Number.POSITIVE_INFINITY);
  if (!Number.isFinite(dtMax)) dtMax = times[times.length - 1] / 100;
  const scheme = prob.scheme ?? "explicit";
  if (scheme !== "explicit" && scheme !== "rkl2")
    throw new InputError({ field: "scheme", value: scheme, expected: '"explicit" or "rkl2"' });
  let rkl: RklPlan | null = null;
  if (scheme === "rkl2") {
    // L = transport + source − (k/φ + k_L)·c: forward-Euler stability step 2/ρ(L),
    // ρ ≤ max_i (Σout_i + Σin_i)/V_i + κ_i (Gershgorin); positivity limit 1/(Σout_i/V_i + κ_i)
    let rho = 0;
    let pos = 0;
    for (let i = 0; i < n; i++) {
      const kap = kb[i] + kl[i];
      rho = Math.max(rho, (out[i] + inc[i]) / m.volumeCm3[i] + kap);
      pos = Math.max(pos, out[i] / m.volumeCm3[i] + kap);
    }
    const dtE = rho > 0 ? 2 / rho : Number.POSITIVE_INFINITY;
    const dtEuler = Math.min(pos > 0 ? safety / pos : dtMax, prob.maxDtS ?? Number.POSITIVE_INFINITY);
    const st = prob.stages;
    if (st !== undefined && !(Number.isInteger(st) && st >= 2))
      throw new InputError({ field: "stages", value: st, expected: "an integer ≥ 2" });
    const sup = prob.superStepS;
    if (sup !== undefined && !(sup > 0))
      throw new InputError({ field: "superStepS", value: sup, expected: "a super-step > 0 s" });
    let tauTarget = Math.min(
      sup ?? (st === undefined ? 3600 : Number.POSITIVE_INFINITY),
      st === undefined ? Number.POSITIVE_INFINITY : (safety * dtE * (st * st + st - 2)) / 4,
      prob.maxDtS ?? Number.POSITIVE_INFINITY,
    );
    if (!Number.isFinite(tauTarget)) tauTarget = times[times.length - 1];
    rkl = { tauTargetS: tauTarget, dtE, safety, dtEuler, startupRamp: prob.startupRamp ?? true };
  }
  const c = new Float64Array(n);
  const b = new Float64Array(n);
  if (prob.initialFree) c.set(cellField(prob.initialFree, n, "initialFree"));
  if (prob.initialBound) b.set(cellField(prob.initialBound, n, "initialBound"));
  return {
    mesh: m,
    n,
    ca,
    cb,
    bca,
    bcb,
    ext,
    a,
    kb,
    kl,
    kon,
    koff,
    plasma,
    times,
    dtMax,
    c,
    b,
    rimFraction: prob.rimFraction ?? 1 / 3,
    keepFields: !!prob.keepFields,
    scheme,
    rkl,
  };
}

/**
 * The steps from t to the report time tr: dt = min(dtMax, tr − t) until t ≥ tr·(1 − 1e-14),
 * at most maxCount of them (written to dtOut). Every solver path steps through this schedule.
 */
export function intervalSteps(
  t: number,
  tr: number,
  dtMax: number,
  dtOut: Float64Array,
  maxCount = dtOut.length,
): { count: number; t: number } {
  let count = 0;
  while (count < maxCount && t < tr * (1 - 1e-14)) {
    const dt = Math.min(dtMax, tr - t);
    dtOut[count++] = dt;
    t += dt;
  }
  return { count, t };
}

/** plasma concentration at the end of a step, checked */
export function plasmaAt(plasma: (tS: number) => number, tS: number): number {
  const cp = plasma(tS);
  if (!Number.isFinite(cp))
    throw new InputError({ field: "plasma", value: cp, expected: `a finite concentration at t = ${tS} s` });
  return cp;
}

/**
 * Booking of one solve: the per-step sums of a kernel (src = Σ V(a·Cp − k·c), lym = Σ V·k_L·c,
 * out = Σ boundary outflow, in = Σ boundary inflow, before × dt) are accumulated here, in step
 * order, and the report at each report time is computed from the fields (cell order).
 */
export class TransportLedger {
  readonly reports: TransportReport[] = [];
  readonly fields: TransportSolution["fields"] = [];
  steps = 0;
  private cumSrc = 0;
  private cumLym = 0;
  private cumOut = 0;
  private grossIn = 0;
  private maxBal = 0;
  private readonly m0: number;
  private readonly maxDepth: number;

  constructor(private readonly p: PreparedTransport) {
    this.m0 = this.amount(p.c, p.b);
    let maxDepth = 0;
    const depth = p.mesh.depthCm;
    for (let i = 0; i < p.n; i++) if (Number.isFinite(depth[i])) maxDepth = Math.max(maxDepth, depth[i]);
    this.maxDepth = maxDepth;
  }

  private amount(x: Float64Array, y: Float64Array | null): number {
    const V = this.p.mesh.volumeCm3;
    let s = 0;
    if (y) for (let i = 0; i < this.p.n; i++) s += V[i] * (x[i] + y[i]);
    else for (let i = 0; i < this.p.n; i++) s += V[i] * (x[i] + 0);
    return s;
  }

  /** one step of length dt with the kernel's sums [src, lym, out, in] */
  book(dt: number, src0: number, lym0: number, stepOut: number, stepIn: number): void {
    const src = src0 * dt;
    const lym = lym0 * dt;
    this.cumSrc += src;
    this.cumLym += lym;
    this.cumOut += dt * stepOut;
    this.grossIn += dt * stepIn + Math.max(src, 0);
    this.steps++;
  }

  /** amounts (already integrated over their step) of one rkl2 operation; no step counted */
  bookAmounts(src: number, lym: number, out: number, inn: number): void {
    this.cumSrc += src;
    this.cumLym += lym;
    this.cumOut += out;
    this.grossIn += inn + Math.max(src, 0);
  }

  /** the report at time tr (report index ri) from the current fields, cell order */
  report(ri: number, tr: number, c: Float64Array, b: Float64Array): void {
    const p = this.p;
    const n = p.n;
    const V = p.mesh.volumeCm3;
    const mt = this.amount(c, b);
    // relative to the gross amount; below 1e-290 (subnormal range, where doubles lose their digits)
    // the scale is floored, so a problem whose total mass is ~0 reports its absolute imbalance / 1e-290
    const bal =
      Math.abs(mt - (this.m0 + this.cumSrc - this.cumLym - this.cumOut)) /
      Math.max(this.m0 + this.grossIn, 1e-290);
    this.maxBal = Math.max(this.maxBal, bal);
    let vol = 0;
    let rimA = 0;
    let rimV = 0;
    let coreA = 0;
    let coreV = 0;
    let depthW = 0;
    let free = 0;
    let bound = 0;
    const rimF = p.rimFraction;
    const maxDepth = this.maxDepth;
    for (let i = 0; i < n; i++) {
      const amt = V[i] * (c[i] + b[i]);
      free += V[i] * (c[i] + 0);
      bound += V[i] * (0 + b[i]);
      vol += V[i];
      const d = p.mesh.depthCm[i];
      if (d < rimF * maxDepth) {
        rimA += amt;
        rimV += V[i];
      }
      if (d > (1 - rimF) * maxDepth) {
        coreA += amt;
        coreV += V[i];
      }
      if (Number.isFinite(d)) depthW += amt * d;
    }
    this.reports.push({
      timeS: tr,
      amountFree: free,
      amountBound: bound,
      cumulativeSource: this.cumSrc,
      cumulativeLymph: this.cumLym,
      cumulativeSurfaceOut: this.cumOut,
      balanceRelError: bal,
      meanConc: mt / vol,
      rimMeanConc: rimV > 0 ? rimA / rimV : Number.NaN,
      coreMeanConc: coreV > 0 ? coreA / coreV : Number.NaN,
      penetrationDepthUm: mt > 0 ? (depthW / mt) * 1e4 : Number.NaN,
    });
    if (p.keepFields || ri === p.times.length - 1)
      this.fields.push({ timeS: tr, free: Float64Array.from(c), bound: Float64Array.from(b) });
  }

  solution(kernel: "generic" | "grid", threads: number, rkl?: RklStats): TransportSolution {
    return {
      reports: this.reports,
      fields: this.fields,
      dtS: rkl ? rkl.maxTauS : this.p.dtMax,
      steps: rkl ? rkl.superSteps : this.steps,
      maxBalanceRelError: this.maxBal,
      kernel,
      threads,
      scheme: rkl ? "rkl2" : "explicit",
      ...(rkl ? { rkl } : {}),
    };
  }
}

/** one explicit step of a kernel; sums written to out[0..3] = src, lym, surface out, surface in */
export interface TransportStepper {
  step(dt: number, cp: number, sums: Float64Array): void;
  /** current fields in cell order (views or copies) */
  fields(): { free: Float64Array; bound: Float64Array };
}

/** the generic kernel: face lists, any mesh; fields updated in place in p.c, p.b */
export function genericStepper(p: PreparedTransport): TransportStepper {
  const m = p.mesh;
  const n = p.n;
  const { ca, cb, bca, bcb, ext, a, kb, kl, kon, koff, c, b } = p;
  const nf = ca.length;
  const nb = bca.length;
  const V = m.volumeCm3;
  const dOut = new Float64Array(n);
  // hot loops: locals instead of property loads; per-cell constants of the implicit local update
  // (1/lhs, dt/V) are recomputed only when dt changes (the last step before a report time)
  const fA = m.faceA;
  const fB = m.faceB;
  const bC = m.bCell;
  const invV = Float64Array.from(V, (v) => 1 / v);
  const invLhs = new Float64Array(n);
  let dtPrev = Number.NaN;
  let db = 1;
  let kob = 0;
  return {
    step(dt, cp, sums) {
      if (dt !== dtPrev) {
        dtPrev = dt;
        db = 1 + dt * koff;
        kob = (dt * dt * koff * kon) / db;
        for (let i = 0; i < n; i++) invLhs[i] = 1 / (1 + dt * (kb[i] + kl[i] + kon) - kob);
      }
      dOut.fill(0);
      for (let f = 0; f < nf; f++) {
        const ia = fA[f];
        const ib = fB[f];
        const flux = ca[f] * c[ia] - cb[f] * c[ib];
        dOut[ia] += flux;
        dOut[ib] -= flux;
      }
      let stepOut = 0;
      let stepIn = 0;
      for (let f = 0; f < nb; f++) {
        const ic = bC[f];
        const flux = bca[f] * c[ic] - bcb[f] * ext[f];
        dOut[ic] += flux;
        stepOut += flux;
        if (flux < 0) stepIn -= flux;
      }
      let src = 0;
      let lym = 0;
      const dtKoffDb = (dt * koff) / db;
      const dtKonDb = (dt * kon) / db;
      const invDb = 1 / db;
      for (let i = 0; i < n; i++) {
        const cs = c[i] - dt * invV[i] * dOut[i];
        const cn = (cs + dt * a[i] * cp + dtKoffDb * b[i]) * invLhs[i];
        src += V[i] * (a[i] * cp - kb[i] * cn);
        lym += V[i] * kl[i] * cn;
        c[i] = cn;
        b[i] = b[i] * invDb + dtKonDb * cn;
      }
      sums[0] = src;
      sums[1] = lym;
      sums[2] = stepOut;
      sums[3] = stepIn;
    },
    fields: () => ({ free: c, bound: b }),
  };
}

/** the kernel "auto" selects for a prepared problem (grid: structured; else generic) */
export function selectKernel(p: PreparedTransport, kernel: TransportProblem["kernel"]): GridKernel | null {
  const k = kernel ?? "auto";
  if (k === "generic") return null;
  const g = buildGridKernel(p);
  if (!g && k === "grid")
    throw new InputError({
      field: "kernel",
      value: k,
      expected: "a grid mesh (gridMesh) for the structured kernel",
    });
  return g;
}

export function solveTransport(prob: TransportProblem): TransportSolution {
  const p = prepareTransport(prob);
  return solvePrepared(p, selectKernel(p, prob.kernel));
}

/** the serial solve of a prepared problem with the structured kernel `grid`, or generic (null) */
export function solvePrepared(p: PreparedTransport, grid: GridKernel | null): TransportSolution {
  if (p.rkl) {
    const ledger = new TransportLedger(p);
    const stats = runSync(rkl2Run(p, p.rkl, ledger), grid ? gridRklBackend(grid) : genericRklBackend(p));
    return ledger.solution(grid ? "grid" : "generic", 1, stats);
  }
  const stepper = grid ? gridStepper(grid) : genericStepper(p);
  const ledger = new TransportLedger(p);
  const sums = new Float64Array(4);
  const dts = new Float64Array(1024);
  let t = 0;
  for (let ri = 0; ri < p.times.length; ri++) {
    const tr = p.times[ri];
    for (;;) {
      const s = intervalSteps(t, tr, p.dtMax, dts);
      if (s.count === 0) break;
      for (let k = 0; k < s.count; k++) {
        const dt = dts[k];
        stepper.step(dt, plasmaAt(p.plasma, t + dt), sums);
        ledger.book(dt, sums[0], sums[1], sums[2], sums[3]);
        t += dt;
      }
    }
    t = tr;
    const f = stepper.fields();
    ledger.report(ri, tr, f.free, f.bound);
  }
  return ledger.solution(grid ? "grid" : "generic", 1);
}
