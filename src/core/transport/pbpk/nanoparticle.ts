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
 *  - MPS uptake in liver, spleen, bone marrow: per-pass extraction E(d) = E_max·dⁿ/(dⁿ + d₅₀ⁿ),
 *    n = 4, d₅₀ = 100 nm — increasing with size (Moghimi, Hunter & Murray 2001 Pharmacol Rev
 *    53:283).
 *  - Lung, two first-order terms on the whole cardiac output into a captured lung pool:
 *    (1) phagocytosis by pulmonary intravascular macrophages/monocytes, the MPS law above with
 *    E_max = 1e-5 (bare), which makes the lung ≈ 0.9 % of the MPS uptake of a bare 100 nm particle
 *    in the mouse — Brain et al. 1999 (Am J Physiol 276:L146, 13 species): pulmonary uptake of
 *    ¹⁹⁸Au colloid < 1.1 % of the dose in mice and rats (17–60 % in species with PIMs: sheep,
 *    calves, pigs, cats), the rest mostly in the liver; (2) mechanical trapping in the capillary
 *    bed of large or aggregated particles: a particle is held when its path meets a capillary
 *    narrower than itself, with log-normally distributed effective diameters, so per pass
 *    E_trap(d) = Φ(ln(d/d_t)/s), d_t = 3.4 µm, s = 0.55 — matched here to dog microsphere data
 *    (Am J Physiol 1961;200:1191, doi:10.1152/ajplegacy.1961.200.6.1191): ≈ 50 % of 2.8–4.0 µm
 *    spheres and 6 % of ≥ 8 µm spheres pass the lung on the first circulation (Φ gives 50 % and
 *    94 % trapped), nearly all pass at ≤ 1.4 µm (Φ: 5 % trapped); E_trap(100 nm) ≈ 1e-10. The
 *    dog's values are used for every species (a model assumption; lung capillaries ≈ 6 µm in
 *    humans). Trapping is mechanical: no surface or targeting factor. For an aggregate, give its
 *    hydrodynamic diameter.
 *  - Kidney, two first-order terms into a captured kidney pool (below the respective size
 *    limits; Kamaly et al. 2016 Nat Rev Nephrol 12:738 review the renal handling of particles):
 *    (1) proximal-tubular uptake of filtered particles: a fraction f_tub = 0.05 of the glomerular
 *    filtrate GFR·W(λ_g)·Cp is taken up by the tubule instead of reaching the urine (a model
 *    assumption: the order of the kidney retention relative to urinary excretion of renally
 *    cleared ultrasmall particles, not a measured fraction); it is size-dependent through the
 *    sieving W, so it vanishes above the glomerular cut-off; (2) mesangial uptake of particles
 *    small enough to pass the glomerular endothelial fenestrae (80–150 nm in diameter,
 *    doi:10.1038/s41401-018-0052-4) but too large to be filtered: per pass of the renal plasma
 *    flow E_mes(d) = E_mes,max·[dⁿ/(dⁿ + d₅₀ⁿ)]·(1 − d/d_f)²·(1 − W(λ_g)) × the surface and
 *    targeting factors below — the phagocytic MPS size law times the fenestra partition
 *    (d_f = 150 nm, the upper end of the fenestra range). It peaks near 85 nm and is above half
 *    its maximum for ≈ 55–115 nm, the window of Choi et al. 2011 (PNAS 108:6656: 75 ± 25 nm
 *    particles target the mesangium). E_mes,max = 0.002 is a model assumption giving ≈ 3 %ID/g
 *    extravascular kidney at 96 h for 100 nm PEG particles in the mouse (2–5 %ID/g for such
 *    particles in mouse biodistributions). E_max values (bare, i.e. uncoated, opsonised surface) are
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
import { normalCdf } from "../../stats/distributions.js";
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
  /** glomerular endothelial fenestra diameter for mesangial access, nm (80–150 nm; upper end) */
  glomerularFenestraNm: 150,
  /** maximal per-pass mesangial extraction of the renal plasma flow (bare surface; model assumption) */
  mesangialEmax: 0.002,
  /** fraction of the filtered particles taken up by the proximal tubule (model assumption) */
  tubularUptakeFraction: 0.05,
  /** lung capillary trapping: 50 % trapping diameter (nm) and log-SD (dog microspheres, Am J Physiol 1961;200:1191) */
  lungTrapD50Nm: 3400,
  lungTrapLogSd: 0.55,
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
  /**
   * per-pass extraction into the organ's captured pool: MPS (liver, spleen, marrow), lung
   * intravascular phagocytes + capillary trapping, kidney mesangium
   */
  mpsExtraction: number;
  permeabilityCmPerS: number;
}

/** the MPS size law dⁿ/(dⁿ + d₅₀ⁿ) */
export function mpsSizeFactor(diameterNm: number): number {
  const n = DISPOSITION.mpsHill;
  return diameterNm ** n / (diameterNm ** n + DISPOSITION.mpsD50Nm ** n);
}

/** per-pass mechanical trapping in the lung capillary bed, Φ(ln(d/d_t)/s) */
export function lungTrapping(diameterNm: number): number {
  return normalCdf(Math.log(diameterNm / DISPOSITION.lungTrapD50Nm) / DISPOSITION.lungTrapLogSd);
}

/**
 * access to the mesangium: partition through the glomerular endothelial fenestrae (1 − d/d_f)²
 * times the part not filtered (1 − W(λ_g))
 */
export function mesangialAccess(diameterNm: number): number {
  const l = diameterNm / DISPOSITION.glomerularFenestraNm;
  return l >= 1 ? 0 : (1 - l) ** 2 * (1 - glomerularSieving(diameterNm));
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
  const size = mpsSizeFactor(diameterNm);
  const recognition =
    (surface === "peg" ? DISPOSITION.pegMpsFactor : 1) * (targeted ? DISPOSITION.targetedMpsFactor : 1);
  let extraction = Math.min(1, p.mpsEmax * recognition) * size;
  if (organ === "lung") extraction = Math.min(1, extraction + lungTrapping(diameterNm));
  if (organ === "kidney")
    extraction = Math.min(1, DISPOSITION.mesangialEmax * recognition) * size * mesangialAccess(diameterNm);
  return {
    psPerH: perm * p.svPerCm * 3600,
    sigma: reflectionCoefficient(lambda),
    lymphFraction: p.lymphFraction,
    mpsExtraction: extraction,
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
