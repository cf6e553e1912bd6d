/**
 * Whole-body nanoparticle PBPK model (permeability-limited, linear), amounts in % injected dose.
 * Compartments: circulating plasma (all intravascular space, Hct excluded); per organ (lung,
 * liver, spleen, kidney, heart, muscle, tumour, bone marrow, skin, rest) an interstitial space,
 * MPS-captured pools (liver, spleen, bone marrow, lung) and a bound pool (tumour, targeting);
 * urine and faeces. Particles are far below organ plasma flows in exchange (PS ≪ Q), so the
 * capillary concentration equals the plasma concentration Cp (no separate vascular compartments —
 * they would add stiffness 10³–10⁴ 1/h and nothing measurable). Per organ k (plasma flow Q,
 * lymph L = f_L·Q, Ci = A_i/V_i):
 *   transvascular J = L(1 − σ)·Cp + PS·B(Pe)·(Cp − Ci),  Pe = L(1 − σ)/PS  (Patlak 1971)
 *   interstitial  dA_i/dt = J − L(1 − σ_L)·Ci − [liver] k_bile·a_hep·A_i − k_on·A_i + k_off·A_b
 *   MPS           dA_mps/dt = E(d)·Q·Cp − [liver] k_mps·A_mps
 *   plasma        dA_p/dt = Σ_k [−J + L(1 − σ_L)·Ci − E·Q·Cp] − GFR·W(λ_g)·Cp
 * Every term moves amount between two pools, so Σ amounts = 100 %ID; the explicit
 * Dormand–Prince integrator (src/core/ode "rk45", the default) preserves this linear invariant to
 * rounding. IV bolus into plasma at t = 0. amount_pctID.<organ> is the extravascular content
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
} from "./nanoparticle.js";
import { INTERSTITIAL_FRACTION, ORGANS, type Organ, PHYSIOLOGY, SPECIES, type Species } from "./species.js";

export interface PbpkInput {
  sizeNm: number;
  species: Species;
  hours: number;
  targeted?: boolean;
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
    solver: { method: string; steps: number; rejected: number };
  };
}

export function pbpkSetup(species: Species, sizeNm: number, targeted = false): PbpkSetup {
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
      exchange: organExchange(o, sizeNm, targeted),
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
  if (p.doseMgPerKg !== undefined && !(p.doseMgPerKg > 0))
    throw new InputError({ field: "--dose-mg-per-kg", value: p.doseMgPerKg, expected: "a dose > 0 mg/kg" });
}

export function simulatePbpk(p: PbpkInput): PbpkResult {
  checkInput(p);
  const targeted = p.targeted ?? false;
  const s = pbpkSetup(p.species, p.sizeNm, targeted);
  const nO = s.organs.length;
  // state layout: 0 plasma, 1 urine, 2 faeces, then per organ [interstitial, mps, bound]
  const base = 3;
  const idx = (o: number, k: 0 | 1 | 2) => base + 3 * o + k;
  const nState = base + 3 * nO;
  const liver = ORGANS.indexOf("liver");
  const tumour = ORGANS.indexOf("tumour");
  const sigL = DISPOSITION.lymphReflection;
  const bile = DISPOSITION.biliaryPerH * hepatocyteAccess(p.sizeNm);
  const kmps = DISPOSITION.mpsEliminationPerH;
  const kon = targeted ? DISPOSITION.targetedKonPerH : 0;
  const koff = targeted ? DISPOSITION.targetedKoffPerH : 0;
  const org = s.organs.map((o) => {
    const L = o.exchange.lymphFraction * o.plasmaFlowLPerH;
    const ps = o.exchange.psPerH * o.massKg; // (1/h)·(L tissue) → L/h
    const conv = L * (1 - o.exchange.sigma);
    const diff = ps > 0 ? ps * bernoulli(conv / ps) : 0;
    return { L, conv, diff, mps: o.exchange.mpsExtraction * o.plasmaFlowLPerH, Vi: o.interstitialL };
  });
  const Vp = s.plasmaL;
  const renal = s.renalClearanceLPerH;
  const rhs = (_t: number, y: Float64Array, d: Float64Array) => {
    d.fill(0);
    const cp = y[0] / Vp;
    for (let o = 0; o < nO; o++) {
      const r = org[o];
      const ii = idx(o, 0);
      const ci = y[ii] / r.Vi;
      const J = r.conv * cp + r.diff * (cp - ci) - r.L * (1 - sigL) * ci;
      d[0] -= J;
      d[ii] += J;
      if (r.mps > 0) {
        const u = r.mps * cp;
        d[0] -= u;
        d[idx(o, 1)] += u;
      }
      if (o === liver) {
        const b1 = bile * y[ii];
        const b2 = kmps * y[idx(o, 1)];
        d[ii] -= b1;
        d[idx(o, 1)] -= b2;
        d[2] += b1 + b2;
      }
      if (o === tumour && kon > 0) {
        const bnd = kon * y[ii] - koff * y[idx(o, 2)];
        d[ii] -= bnd;
        d[idx(o, 2)] += bnd;
      }
    }
    const f = renal * cp;
    d[0] -= f;
    d[1] += f;
  };
  const y0 = new Float64Array(nState);
  y0[0] = 100;
  const nPts = p.points ?? 241;
  const early = [0.01, 0.02, 0.05, 0.1, 0.25, 0.5].filter((t) => t < p.hours / (nPts - 1));
  const tEval = [0, ...early];
  for (let i = 1; i < nPts; i++) tEval.push((p.hours * i) / (nPts - 1));
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
    amount.blood.push(y[0]);
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
      dose_mg_per_kg: p.doseMgPerKg ?? null,
      body_weight_kg: ph.bodyWeightKg,
      organs: Object.fromEntries(
        s.organs.map((o, i) => [
          o.organ,
          {
            mass_g: o.massKg * 1000,
            plasma_flow_L_per_h: o.plasmaFlowLPerH,
            ps_L_per_h: org[i].diff,
            sigma: o.exchange.sigma,
            permeability_cm_per_s: o.exchange.permeabilityCmPerS,
            mps_extraction: o.exchange.mpsExtraction,
          },
        ]),
      ),
      renal_clearance_L_per_h: s.renalClearanceLPerH,
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
