/**
 * Whole-body nanoparticle PBPK model (permeability-limited, linear), amounts in % injected dose.
 * Compartments: circulating plasma (all intravascular space, Hct excluded); per organ (lung,
 * liver, spleen, kidney, heart, muscle, tumour, bone marrow, skin, rest) an interstitial space,
 * a captured pool (MPS of liver, spleen, bone marrow; lung intravascular phagocytes and capillary
 * trapping; kidney mesangium and proximal tubule) and a bound pool (tumour, targeting); urine and
 * faeces. Particles are far below organ plasma flows in exchange (PS ≪ Q), so the
 * capillary concentration equals the plasma concentration Cp (no separate vascular compartments —
 * they would add stiffness 10³–10⁴ 1/h and nothing measurable). Per organ k (plasma flow Q,
 * lymph L = f_L·Q, Ci = A_i/V_i):
 *   transvascular J = L(1 − σ)·Cp + PS·B(Pe)·(Cp − Ci),  Pe = L(1 − σ)/PS  (Patlak 1971)
 *   interstitial  dA_i/dt = J − L(1 − σ_L)·Ci − [liver] k_bile·a_hep·A_i − k_on·A_i + k_off·A_b
 *   captured      dA_mps/dt = E(d)·Q·Cp − [liver] k_mps·A_mps + [kidney] f_tub·GFR·W(λ_g)·Cp
 *   urine         dA_u/dt = (1 − f_tub)·GFR·W(λ_g)·Cp
 *   plasma        dA_p/dt = Σ_k [−J + L(1 − σ_L)·Ci − E·Q·Cp] − GFR·W(λ_g)·Cp
 * (E: nanoparticle.ts — MPS law, lung phagocytes + capillary trapping, kidney mesangial access;
 * f_tub: proximal-tubular uptake of filtered particles.)
 * The system is built as a list of first-order transfers between pools (buildPbpkSystem, also
 * used by pbpk/fit.ts for the sensitivity equations); every term moves amount between two pools,
 * so Σ amounts = 100 %ID; the explicit
 * Dormand–Prince integrator (src/core/ode "rk45", the default) preserves this linear invariant to
 * rounding. Opsonised plasma pool (PEG particles): a fraction f_ops of the dose opsonised at
 * injection, cleared by the MPS with the bare-particle extraction (and renally) — the fast initial
 * phase of PEG-particle blood curves. IV bolus into plasma at t = 0. amount_pctID.<organ> is the extravascular content
 * (interstitium + MPS + bound); blood is all circulating particles; concentrations per gram of
 * organ (density 1 g/mL), blood per gram of whole blood.
 */
import { InputError } from "../../errors.js";
import { solveOde } from "../../ode/solve.js";
import { bernoulli } from "../extravasation.js";
import {
  DISPOSITION,
  glomerularSieving,
  hepatocyteAccess,
  type OrganExchange,
  organExchange,
  SURFACES,
  type Surface,
} from "./nanoparticle.js";
import {
  INTERSTITIAL_FRACTION,
  ORGANS,
  type Organ,
  PHYSIOLOGY,
  SAMPLE_BLOOD_FRACTION,
  SPECIES,
  type Species,
} from "./species.js";

export interface PbpkInput {
  sizeNm: number;
  species: Species;
  hours: number;
  targeted?: boolean;
  /** particle surface (default "bare": uncoated, opsonised) */
  surface?: Surface;
  /** multipliers of the a-priori parameters (fitted values from pbpk/fit.ts) */
  scales?: PbpkScales;
  doseMgPerKg?: number;
  /** number of report times (linear in time plus early points); default 241 */
  points?: number;
  method?: "rk45" | "rosenbrock";
}

export interface OrganSetup {
  organ: Organ;
  massKg: number;
  plasmaFlowLPerH: number;
  interstitialL: number;
  exchange: OrganExchange;
}

export interface PbpkSetup {
  species: Species;
  organs: OrganSetup[];
  plasmaL: number;
  bloodL: number;
  renalClearanceLPerH: number;
  glomerularSieving: number;
}

export interface PbpkResult {
  time_h: number[];
  amount_pctID: Record<string, number[]>;
  conc_pctID_per_g: Record<string, number[]>;
  conc_ug_per_g?: Record<string, number[]>;
  /**
   * what an excised, unperfused tissue sample contains: extravascular %ID/g plus the organ's
   * blood fraction × blood %ID/g (species.ts SAMPLE_BLOOD_FRACTION) — the quantity to compare
   * with gamma-counted biodistribution
   */
  sample_pctID_per_g: Record<string, number[]>;
  summary: {
    blood_half_life_h: number | null;
    blood_half_life_status: string;
    tumour_auc_pctID_h_per_g: number;
    tumour_peak_pctID_per_g: number;
    tumour_peak_time_h: number;
    urine_pctID_final: number;
    faeces_pctID_final: number;
    liver_spleen_pctID_final: number;
    max_mass_balance_error_pctID: number;
    renal_sieving_coefficient: number;
  };
  parameters: {
    species: Species;
    size_nm: number;
    targeted: boolean;
    surface: Surface;
    scales: {
      mps_liver: number;
      mps_spleen: number;
      mps_marrow: number;
      tumour_permeability: number;
      opsonised_fraction: number;
      lung_uptake: number;
      renal_mesangial: number;
      renal_tubular: number;
    };
    dose_mg_per_kg: number | null;
    body_weight_kg: number;
    organs: Record<
      string,
      {
        mass_g: number;
        plasma_flow_L_per_h: number;
        ps_L_per_h: number;
        sigma: number;
        permeability_cm_per_s: number;
        mps_extraction: number;
      }
    >;
    renal_clearance_L_per_h: number;
    /** fraction of the filtered particles taken up by the proximal tubule (kidney), not excreted */
    renal_tubular_uptake_fraction: number;
    solver: { method: string; steps: number; rejected: number };
  };
}

export function pbpkSetup(
  species: Species,
  sizeNm: number,
  targeted = false,
  surface: Surface = "bare",
): PbpkSetup {
  const ph = PHYSIOLOGY[species];
  const hctP = 1 - ph.hematocrit;
  const bw = ph.bodyWeightKg;
  const co = ph.cardiacOutputLPerH;
  const bloodL = ph.bloodFraction * bw;
  const named = Object.keys(ph.massFraction) as (keyof typeof ph.massFraction)[];
  const massOf = (o: Organ): number => {
    if (o === "tumour") return ph.tumourMassKg;
    if (o === "rest") {
      const used = named.reduce((s, k) => s + ph.massFraction[k], 0) * bw + ph.tumourMassKg + bloodL;
      return bw - used;
    }
    return ph.massFraction[o] * bw;
  };
  const tumourFlow = ph.tumourPerfusionLPerHPerKg * ph.tumourMassKg;
  const flowOf = (o: Organ): number => {
    if (o === "lung") return co;
    if (o === "tumour") return tumourFlow;
    if (o === "rest") {
      const used = Object.values(ph.flowFraction).reduce((s, f) => s + f, 0) * co + tumourFlow;
      return co - used;
    }
    return ph.flowFraction[o] * co;
  };
  const organs = ORGANS.map((o) => {
    const m = massOf(o);
    return {
      organ: o,
      massKg: m,
      plasmaFlowLPerH: flowOf(o) * hctP,
      interstitialL: m * INTERSTITIAL_FRACTION[o],
      exchange: organExchange(o, sizeNm, targeted, surface),
    };
  });
  const sieving = glomerularSieving(sizeNm);
  return {
    species,
    organs,
    plasmaL: bloodL * hctP,
    bloodL,
    renalClearanceLPerH: ph.gfrLPerH * sieving,
    glomerularSieving: sieving,
  };
}

function checkInput(p: PbpkInput): void {
  if (!(p.sizeNm > 0 && p.sizeNm <= 1000) || !Number.isFinite(p.sizeNm))
    throw new InputError({
      field: "--size-nm",
      value: p.sizeNm,
      expected: "a hydrodynamic diameter in (0, 1000] nm",
    });
  if (!SPECIES.includes(p.species))
    throw new InputError({ field: "--species", value: p.species, expected: `one of ${SPECIES.join(", ")}` });
  if (!(p.hours > 0 && p.hours <= 24 * 60) || !Number.isFinite(p.hours))
    throw new InputError({ field: "--hours", value: p.hours, expected: "a duration in (0, 1440] h" });
  if (p.surface !== undefined && !SURFACES.includes(p.surface))
    throw new InputError({ field: "--surface", value: p.surface, expected: `one of ${SURFACES.join(", ")}` });
  for (const [k, v] of Object.entries(p.scales ?? {}))
    if (v !== undefined && !(Number.isFinite(v) && v >= 0))
      throw new InputError({ field: `scales.${k}`, value: v, expected: "a finite multiplier ≥ 0" });
  if (p.doseMgPerKg !== undefined && !(p.doseMgPerKg > 0))
    throw new InputError({ field: "--dose-mg-per-kg", value: p.doseMgPerKg, expected: "a dose > 0 mg/kg" });
}

/** multipliers of the a-priori model (all 1 by default): what pbpk/fit.ts estimates */
export interface PbpkScales {
  /** per-pass MPS extraction of the liver */
  mpsLiver?: number;
  /** per-pass MPS extraction of the spleen */
  mpsSpleen?: number;
  /** per-pass MPS extraction of the bone marrow (the unmeasured MPS: blood elimination) */
  mpsMarrow?: number;
  /** tumour vascular permeability P (diffusive PS) */
  tumourPermeability?: number;
  /** lung uptake (intravascular phagocytes + capillary trapping), per-pass extraction */
  lungUptake?: number;
  /** kidney mesangial uptake, per-pass extraction of the renal plasma flow */
  renalMesangial?: number;
  /** proximal-tubular uptake fraction of the filtered particles (capped at 1) */
  renalTubular?: number;
  /**
   * fraction of the dose opsonised at injection (a value in [0, 1), not a multiplier; default
   * DISPOSITION.pegOpsonisedFraction for PEG, 0 for bare): cleared by the MPS as a bare particle
   */
  opsonisedFraction?: number;
}

/** one first-order, mass-conserving transfer: d y[to] += k·y[from], d y[from] −= k·y[from] */
export interface Transfer {
  from: number;
  to: number;
  kPerH: number;
}

/** the linear system dy/dt = A·y of the model, as a list of transfers between pools */
export interface PbpkSystem {
  setup: PbpkSetup;
  nState: number;
  transfers: Transfer[];
  /** state index of pool k (0 interstitial, 1 MPS, 2 bound) of organ o */
  index: (o: number, k: 0 | 1 | 2) => number;
  /** per organ: diffusive exchange PS·B(Pe), L/h */
  diffLPerH: number[];
  opsonisedFraction: number;
  /** fraction of the filtered particles taken up by the proximal tubule */
  tubularFraction: number;
}

/**
 * state layout: 0 plasma (circulating, not opsonised), 1 urine, 2 faeces, 3 opsonised plasma,
 * then per organ [interstitial, mps, bound]
 */
export const PBPK_PLASMA = 0;
export const PBPK_URINE = 1;
export const PBPK_FAECES = 2;
export const PBPK_OPSONISED = 3;

/** the opsonised fraction at injection for the surface (or the given value) */
export function opsonisedFractionOf(surface: Surface, scales: PbpkScales = {}): number {
  return scales.opsonisedFraction ?? (surface === "peg" ? DISPOSITION.pegOpsonisedFraction : 0);
}

/** initial state: 100 %ID in plasma, the opsonised fraction in the opsonised pool */
export function initialState(sys: PbpkSystem): Float64Array {
  const y0 = new Float64Array(sys.nState);
  y0[PBPK_PLASMA] = 100 * (1 - sys.opsonisedFraction);
  y0[PBPK_OPSONISED] = 100 * sys.opsonisedFraction;
  return y0;
}

export function buildPbpkSystem(
  p: Pick<PbpkInput, "sizeNm" | "species" | "targeted" | "surface">,
  scales: PbpkScales = {},
): PbpkSystem {
  const targeted = p.targeted ?? false;
  const surface = p.surface ?? "bare";
  const s = pbpkSetup(p.species, p.sizeNm, targeted, surface);
  // opsonised particles are recognised as bare ones
  const bareEx = surface === "bare" ? s : pbpkSetup(p.species, p.sizeNm, targeted, "bare");
  const nO = s.organs.length;
  const base = 4;
  const index = (o: number, k: 0 | 1 | 2) => base + 3 * o + k;
  const nState = base + 3 * nO;
  const sigL = DISPOSITION.lymphReflection;
  const bile = DISPOSITION.biliaryPerH * hepatocyteAccess(p.sizeNm);
  const kmps = DISPOSITION.mpsEliminationPerH;
  const kon = targeted ? DISPOSITION.targetedKonPerH : 0;
  const koff = targeted ? DISPOSITION.targetedKoffPerH : 0;
  const mpsScale: Partial<Record<Organ, number>> = {
    liver: scales.mpsLiver ?? 1,
    spleen: scales.mpsSpleen ?? 1,
    bone_marrow: scales.mpsMarrow ?? 1,
    lung: scales.lungUptake ?? 1,
    kidney: scales.renalMesangial ?? 1,
  };
  const tubular = Math.min(1, DISPOSITION.tubularUptakeFraction * (scales.renalTubular ?? 1));
  const kidneyCaptured = index(ORGANS.indexOf("kidney"), 1);
  const Vp = s.plasmaL;
  const transfers: Transfer[] = [];
  const add = (from: number, to: number, kPerH: number) => {
    if (kPerH > 0) transfers.push({ from, to, kPerH });
  };
  const diffLPerH: number[] = [];
  s.organs.forEach((o, i) => {
    const L = o.exchange.lymphFraction * o.plasmaFlowLPerH;
    const permScale = o.organ === "tumour" ? (scales.tumourPermeability ?? 1) : 1;
    const ps = o.exchange.psPerH * o.massKg * permScale; // (1/h)·(L tissue) → L/h
    const conv = L * (1 - o.exchange.sigma);
    const diff = ps > 0 ? ps * bernoulli(conv / ps) : 0;
    diffLPerH.push(diff);
    const mps = o.exchange.mpsExtraction * o.plasmaFlowLPerH * (mpsScale[o.organ] ?? 1);
    const ii = index(i, 0);
    const Vi = o.interstitialL;
    // J = conv·Cp + diff·(Cp − Ci) − L(1 − σ_L)·Ci
    add(PBPK_PLASMA, ii, (conv + diff) / Vp);
    add(ii, PBPK_PLASMA, (diff + L * (1 - sigL)) / Vi);
    add(PBPK_PLASMA, index(i, 1), mps / Vp);
    const mpsOps = bareEx.organs[i].exchange.mpsExtraction * o.plasmaFlowLPerH * (mpsScale[o.organ] ?? 1);
    add(PBPK_OPSONISED, index(i, 1), mpsOps / Vp);
    if (o.organ === "liver") {
      add(ii, PBPK_FAECES, bile);
      add(index(i, 1), PBPK_FAECES, kmps);
    }
    if (o.organ === "tumour") {
      add(ii, index(i, 2), kon);
      add(index(i, 2), ii, koff);
    }
  });
  // glomerular filtration: to the urine, or taken up by the proximal tubule
  for (const from of [PBPK_PLASMA, PBPK_OPSONISED]) {
    add(from, PBPK_URINE, ((1 - tubular) * s.renalClearanceLPerH) / Vp);
    add(from, kidneyCaptured, (tubular * s.renalClearanceLPerH) / Vp);
  }
  const opsonisedFraction = opsonisedFractionOf(surface, scales);
  return { setup: s, nState, transfers, index, diffLPerH, opsonisedFraction, tubularFraction: tubular };
}

/** dy/dt = A·y from the transfer list (every term moves amount between two pools) */
export function applyTransfers(tr: Transfer[], y: Float64Array, d: Float64Array, offset = 0): void {
  for (let k = 0; k < tr.length; k++) {
    const t = tr[k];
    const f = t.kPerH * y[offset + t.from];
    d[offset + t.from] -= f;
    d[offset + t.to] += f;
  }
}

/** report times: 0, a few early points, then nPts − 1 equal steps to `hours` */
export function reportTimes(hours: number, nPts: number): number[] {
  const early = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5].filter((t) => t < hours / (nPts - 1));
  const tEval = [0, ...early];
  for (let i = 1; i < nPts; i++) tEval.push((hours * i) / (nPts - 1));
  return tEval;
}

export function simulatePbpk(p: PbpkInput): PbpkResult {
  checkInput(p);
  const targeted = p.targeted ?? false;
  const surface = p.surface ?? "bare";
  const sys = buildPbpkSystem(p, p.scales);
  const s = sys.setup;
  const nO = s.organs.length;
  const idx = sys.index;
  const nState = sys.nState;
  const rhs = (_t: number, y: Float64Array, d: Float64Array) => {
    d.fill(0);
    applyTransfers(sys.transfers, y, d);
  };
  const y0 = initialState(sys);
  const tEval = reportTimes(p.hours, p.points ?? 241);
  const method = p.method ?? "rk45";
  const sol = solveOde(rhs, 0, y0, p.hours, {
    method,
    tEval,
    rtol: 1e-8,
    atol: 1e-10,
    maxSteps: 5_000_000,
  });
  const amount: Record<string, number[]> = { blood: [] };
  for (const o of ORGANS) amount[o] = [];
  amount.urine = [];
  amount.faeces = [];
  let maxErr = 0;
  for (const y of sol.y) {
    amount.blood.push(y[PBPK_PLASMA] + y[PBPK_OPSONISED]);
    for (let o = 0; o < nO; o++) amount[ORGANS[o]].push(y[idx(o, 0)] + y[idx(o, 1)] + y[idx(o, 2)]);
    amount.urine.push(y[1]);
    amount.faeces.push(y[2]);
    let tot = 0;
    for (let i = 0; i < nState; i++) tot += y[i];
    maxErr = Math.max(maxErr, Math.abs(tot - 100));
  }
  const bloodG = s.bloodL * 1000;
  const conc: Record<string, number[]> = { blood: amount.blood.map((a) => a / bloodG) };
  for (const o of s.organs) conc[o.organ] = amount[o.organ].map((a) => a / (o.massKg * 1000));
  const sample: Record<string, number[]> = { blood: conc.blood };
  for (const o of s.organs)
    sample[o.organ] = conc[o.organ].map((c, i) => c + SAMPLE_BLOOD_FRACTION[o.organ] * conc.blood[i]);
  const t = sol.t;
  // blood half-life: first time blood falls to 50 %ID (log-linear interpolation)
  let half: number | null = null;
  let halfStatus = "ok";
  const b = amount.blood;
  for (let i = 1; i < b.length; i++) {
    if (b[i] <= 50) {
      const f = Math.log(b[i - 1] / 50) / Math.log(b[i - 1] / b[i]);
      half = t[i - 1] + f * (t[i] - t[i - 1]);
      break;
    }
  }
  if (half === null) halfStatus = `blood above 50 %ID for the whole ${p.hours} h`;
  const ct = conc.tumour;
  let auc = 0;
  let peak = ct[0];
  let tPeak = t[0];
  for (let i = 1; i < t.length; i++) {
    auc += ((ct[i] + ct[i - 1]) / 2) * (t[i] - t[i - 1]);
    if (ct[i] > peak) {
      peak = ct[i];
      tPeak = t[i];
    }
  }
  const last = t.length - 1;
  const ph = PHYSIOLOGY[p.species];
  const result: PbpkResult = {
    time_h: t,
    amount_pctID: amount,
    conc_pctID_per_g: conc,
    sample_pctID_per_g: sample,
    summary: {
      blood_half_life_h: half,
      blood_half_life_status: halfStatus,
      tumour_auc_pctID_h_per_g: auc,
      tumour_peak_pctID_per_g: peak,
      tumour_peak_time_h: tPeak,
      urine_pctID_final: amount.urine[last],
      faeces_pctID_final: amount.faeces[last],
      liver_spleen_pctID_final: amount.liver[last] + amount.spleen[last],
      max_mass_balance_error_pctID: maxErr,
      renal_sieving_coefficient: s.glomerularSieving,
    },
    parameters: {
      species: p.species,
      size_nm: p.sizeNm,
      targeted,
      surface,
      scales: {
        mps_liver: p.scales?.mpsLiver ?? 1,
        mps_spleen: p.scales?.mpsSpleen ?? 1,
        mps_marrow: p.scales?.mpsMarrow ?? 1,
        tumour_permeability: p.scales?.tumourPermeability ?? 1,
        opsonised_fraction: sys.opsonisedFraction,
        lung_uptake: p.scales?.lungUptake ?? 1,
        renal_mesangial: p.scales?.renalMesangial ?? 1,
        renal_tubular: p.scales?.renalTubular ?? 1,
      },
      dose_mg_per_kg: p.doseMgPerKg ?? null,
      body_weight_kg: ph.bodyWeightKg,
      organs: Object.fromEntries(
        s.organs.map((o, i) => [
          o.organ,
          {
            mass_g: o.massKg * 1000,
            plasma_flow_L_per_h: o.plasmaFlowLPerH,
            ps_L_per_h: sys.diffLPerH[i],
            sigma: o.exchange.sigma,
            permeability_cm_per_s: o.exchange.permeabilityCmPerS,
            mps_extraction: o.exchange.mpsExtraction,
          },
        ]),
      ),
      renal_clearance_L_per_h: s.renalClearanceLPerH,
      renal_tubular_uptake_fraction: sys.tubularFraction,
      solver: { method, steps: sol.steps, rejected: sol.rejected },
    },
  };
  if (p.doseMgPerKg !== undefined) {
    const doseUg = p.doseMgPerKg * ph.bodyWeightKg * 1000;
    result.conc_ug_per_g = Object.fromEntries(
      Object.entries(conc).map(([k, v]) => [k, v.map((c) => (c / 100) * doseUg)]),
    );
  }
  return result;
}
