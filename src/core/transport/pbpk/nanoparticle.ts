/**
 * Size-dependent nanoparticle disposition parameters for the PBPK model.
 *  - Transcapillary exchange by pore theory (../poreTheory.ts): per organ an effective pore
 *    radius r_p, pore fraction per length ε/ΔX and vessel surface density S/V give
 *    P·S/V = D₀(r_s)·H(λ)·(ε/ΔX)·(S/V) and σ(λ). Continuous endothelium r_p = 5 nm
 *    (small-pore radius of the two-pore theory, Rippe & Haraldsson 1994 Physiol Rev 74:163);
 *    fenestrated kidney capillaries 15 nm; liver/marrow sinusoids 50 nm (fenestrae ≈ 100 nm,
 *    Wisse 1970); splenic slits 100 nm; tumour 200 nm (pore cut-off 380–780 nm, Hobbs et al. 1998
 *    PNAS 95:4607), with tumour ε/ΔX set so that P(100 nm) ≈ 3.4e-8 cm/s (Yuan et al. 1995 Cancer
 *    Res 55:3752), which also gives P(10 nm) ≈ 1e-6 cm/s, the order of albumin's tumour P;
 *    tumour S/V = 50 1/cm: a whole-tumour average including poorly perfused regions.
 *  - Convective extravasation with the lymph flow L = 0.2 % of plasma flow (Shah & Betts 2012,
 *    J Pharmacokinet Pharmacodyn 39:67), lymphatic reflection σ_L = 0.2; tumour lymph flow 10× lower
 *    (impaired lymphatics: the "retention" of EPR).
 *  - Renal filtration CL = GFR·W(λ_g) with the Renkin convective sieving W and an effective
 *    glomerular pore radius 4.0 nm (two-pore small-pore radius 3.6–4.5 nm), which puts the
 *    cut-off (W < 1 %) at ≈ 6 nm hydrodynamic diameter (Choi et al. 2007 Nat Biotechnol 25:1165:
 *    5.5 nm).
 *  - MPS uptake in liver, spleen, bone marrow (and a little in lung: rodents have few pulmonary
 *    intravascular macrophages, Brain et al. 1999 Am J Physiol 276:L146): per-pass extraction
 *    E(d) = E_max·dⁿ/(dⁿ + d₅₀ⁿ), n = 4, d₅₀ = 100 nm — increasing with size (Moghimi, Hunter &
 *    Murray 2001 Pharmacol Rev 53:283). E_max values (bare, i.e. uncoated, opsonised surface) are
 *    model choices giving liver + spleen dominance for 100 nm particles, a splenic %ID/g ≈ 2×
 *    the hepatic one (liposomes in mice: 1.5–4×) and a blood half-life ≈ 1 h for bare
 *    100 nm particles (conventional liposomes and uncoated polymer nanospheres: minutes to ≈ 1 h,
 *    Gref et al. 1994 Science 263:1600; Allen & Hansen 1991 Biochim Biophys Acta 1066:29).
 *  - Surface: a PEG (or other hydrophilic-polymer, "stealth") coating suppresses opsonisation
 *    and with it MPS recognition (Gref 1994; Moghimi, Hunter & Murray 2001; review Li & Huang
 *    2008 Mol Pharm 5:496). Modelled as one factor on the per-pass MPS extraction of every MPS
 *    organ, f_PEG = 0.06, chosen so that PEGylated 100 nm particles in the mouse have a blood
 *    half-life of ≈ 20 h — the reported 15–24 h of 100 nm PEG-liposomes in mice (Allen & Hansen
 *    1991; Papahadjopoulos et al. 1991 PNAS 88:11460; Li & Huang 2008): the factor is calibrated
 *    to that half-life, not measured on its own. Bare = factor 1. A fraction of a PEG dose
 *    (f_ops = 0.1, a model assumption) is taken to be opsonised at injection (incomplete or
 *    heterogeneous coating, complement activation; Moghimi & Szebeni 2003 Prog Lipid Res 42:463)
 *    and cleared like a bare particle: the short initial phase of measured PEG-particle blood
 *    curves.
 *  - Hepatobiliary excretion to faeces from the liver interstitium (Disse space / hepatocytes),
 *    reachable only by particles smaller than the fenestrae, and slow elimination of
 *    Kupffer-cell-captured particles.
 *  - Targeting (ligand-decorated carriers): binding/internalisation in the tumour interstitium and a
 *    higher MPS recognition (opsonisation), which shortens circulation: the earlier, lower
 *    tumour curve reported for targeted carriers (e.g. Kunjachan et al. 2014 Nano Lett 14:972).
 * All parameter values other than physiology are model assumptions (documented, not fitted).
 */
import { convectiveHindrance, diffusiveHindrance, reflectionCoefficient } from "../poreTheory.js";
import { stokesEinsteinDiffusionCm2PerS } from "../stokesEinstein.js";
import type { Organ } from "./species.js";

/** particle surface: PEG/stealth coating or bare (uncoated, rapidly opsonised) */
export type Surface = "peg" | "bare";
export const SURFACES: readonly Surface[] = ["peg", "bare"];

/**
 * Map a study agent's free-text `surface` (study.json agentSchema) to the model's surface:
 * PEG / PEGylated / polyethylene glycol / stealth / hydrophilic polymer shells (pHPMA,
 * polysarcosine, zwitterionic) → "peg"; anything else (citrate, bare, uncoated, plain) →
 * "bare"; null when not stated (the caller decides the default and says so).
 */
export function surfaceOf(text: string | null | undefined): Surface | null {
  const t = text?.trim().toLowerCase() ?? "";
  if (t === "") return null;
  if (/peg|polyethylene\s*glycol|poly\(ethylene glycol\)|stealth|hpma|polysarcosine|zwitter/.test(t))
    return "peg";
  return "bare";
}

export interface ExchangeParameters {
  poreRadiusNm: number;
  /** ε/ΔX, 1/cm */
  poreFractionPerLengthPerCm: number;
  /** vessel surface per tissue volume, 1/cm */
  svPerCm: number;
  /** lymph flow as a fraction of organ plasma flow */
  lymphFraction: number;
  /** maximal MPS extraction per pass (0 = none) */
  mpsEmax: number;
}

export const EXCHANGE: Record<Organ, ExchangeParameters> = {
  lung: {
    poreRadiusNm: 5,
    poreFractionPerLengthPerCm: 10,
    svPerCm: 300,
    lymphFraction: 0.002,
    mpsEmax: 0.00001,
  },
  liver: {
    poreRadiusNm: 50,
    poreFractionPerLengthPerCm: 100,
    svPerCm: 200,
    lymphFraction: 0.002,
    mpsEmax: 0.006,
  },
  spleen: {
    poreRadiusNm: 100,
    poreFractionPerLengthPerCm: 100,
    svPerCm: 200,
    lymphFraction: 0.002,
    mpsEmax: 0.009,
  },
  kidney: {
    poreRadiusNm: 15,
    poreFractionPerLengthPerCm: 20,
    svPerCm: 150,
    lymphFraction: 0.002,
    mpsEmax: 0,
  },
  heart: { poreRadiusNm: 5, poreFractionPerLengthPerCm: 10, svPerCm: 100, lymphFraction: 0.002, mpsEmax: 0 },
  muscle: { poreRadiusNm: 5, poreFractionPerLengthPerCm: 10, svPerCm: 70, lymphFraction: 0.002, mpsEmax: 0 },
  tumour: {
    poreRadiusNm: 200,
    poreFractionPerLengthPerCm: 1.8,
    svPerCm: 50,
    lymphFraction: 0.0002,
    mpsEmax: 0,
  },
  bone_marrow: {
    poreRadiusNm: 50,
    poreFractionPerLengthPerCm: 50,
    svPerCm: 150,
    lymphFraction: 0.002,
    mpsEmax: 0.003,
  },
  skin: { poreRadiusNm: 5, poreFractionPerLengthPerCm: 10, svPerCm: 70, lymphFraction: 0.002, mpsEmax: 0 },
  rest: { poreRadiusNm: 5, poreFractionPerLengthPerCm: 10, svPerCm: 70, lymphFraction: 0.002, mpsEmax: 0 },
};

export const DISPOSITION = {
  glomerularPoreRadiusNm: 4.0,
  lymphReflection: 0.2,
  mpsD50Nm: 100,
  mpsHill: 4,
  /** liver interstitium → bile → faeces, 1/h */
  biliaryPerH: 0.05,
  /** Kupffer-cell-captured → faeces, 1/h */
  mpsEliminationPerH: 0.002,
  /** PEG/stealth surface: multiplier of the per-pass MPS extraction (see the header) */
  pegMpsFactor: 0.06,
  /** PEG/stealth surface: fraction of the dose opsonised at injection (model assumption) */
  pegOpsonisedFraction: 0.1,
  /** targeted carriers: MPS extraction multiplier, tumour binding and release, 1/h */
  targetedMpsFactor: 3,
  targetedKonPerH: 0.5,
  targetedKoffPerH: 0.01,
};

export interface OrganExchange {
  /** permeability–surface product per tissue volume, 1/h */
  psPerH: number;
  sigma: number;
  lymphFraction: number;
  /** per-pass MPS extraction */
  mpsExtraction: number;
  permeabilityCmPerS: number;
}

/** size-dependent exchange parameters of one organ for a particle of hydrodynamic diameter d */
export function organExchange(
  organ: Organ,
  diameterNm: number,
  targeted = false,
  surface: Surface = "bare",
): OrganExchange {
  const p = EXCHANGE[organ];
  const rs = diameterNm / 2;
  const lambda = rs / p.poreRadiusNm;
  const d0 = stokesEinsteinDiffusionCm2PerS({ radiusNm: rs });
  const perm = d0 * diffusiveHindrance(lambda) * p.poreFractionPerLengthPerCm;
  const n = DISPOSITION.mpsHill;
  const size = diameterNm ** n / (diameterNm ** n + DISPOSITION.mpsD50Nm ** n);
  const coat = surface === "peg" ? DISPOSITION.pegMpsFactor : 1;
  const emax = Math.min(1, p.mpsEmax * coat * (targeted ? DISPOSITION.targetedMpsFactor : 1));
  return {
    psPerH: perm * p.svPerCm * 3600,
    sigma: reflectionCoefficient(lambda),
    lymphFraction: p.lymphFraction,
    mpsExtraction: emax * size,
    permeabilityCmPerS: perm,
  };
}

/** glomerular sieving coefficient (Renkin convective restriction at the glomerular pore radius) */
export function glomerularSieving(diameterNm: number): number {
  return convectiveHindrance(diameterNm / 2 / DISPOSITION.glomerularPoreRadiusNm);
}

/** can particles reach hepatocytes (smaller than the liver fenestrae)? fraction by pore partition */
export function hepatocyteAccess(diameterNm: number): number {
  const lambda = diameterNm / 2 / EXCHANGE.liver.poreRadiusNm;
  return lambda >= 1 ? 0 : (1 - lambda) ** 2;
}
