/**
 * Physiological parameters for the nanoparticle PBPK model (mouse, rat, human).
 * Organ masses (fraction of body weight) and blood flows (fraction of cardiac output) follow
 * Brown et al. (1997) "Physiological parameter values for PBPK models", Toxicol Ind Health
 * 13:407–484 (Tables 4–5 organ weights, Table 23 flows). Human spleen and red-marrow flows
 * (3 % of cardiac output each), red-marrow mass (1.5 kg) and cardiac output (6.5 L/min, adult)
 * as in the reference-man PBPK of NRC 1999 "Risk assessment of radon in drinking water", Annex A
 * (Tables; cardiac output after Williams 1993; resting flows reviewed by Williams &
 * Leggett 1989, Clin Phys Physiol Meas 10:187); the earlier 5.6 L/min, attributed to ICRP 89,
 * was not found in the sources checked. Rodent spleen and marrow flows are assumed. GFR from
 * Davies & Morris (1993) Pharm Res 10:1093. Tumour: a
 * subcutaneous xenograft (mouse 0.2 g, rat 2 g) or a 20 mL human lesion perfused at
 * 0.2 mL/min/g (Vaupel, Kallinowski & Okunieff 1989, Cancer Res 49:6449). The "rest" compartment
 * takes the remaining mass and flow (after blood). Interstitial fractions: Shah & Betts (2012).
 * Values are recalled from these sources; see the table in src/core/transport/README.md.
 */

export const ORGANS = [
  "lung",
  "liver",
  "spleen",
  "kidney",
  "heart",
  "muscle",
  "tumour",
  "bone_marrow",
  "skin",
  "rest",
] as const;
export type Organ = (typeof ORGANS)[number];
export type Species = "mouse" | "rat" | "human";
export const SPECIES: readonly Species[] = ["mouse", "rat", "human"];

export interface SpeciesPhysiology {
  bodyWeightKg: number;
  /** cardiac output, L/h */
  cardiacOutputLPerH: number;
  /** total blood volume, fraction of body weight (density 1) */
  bloodFraction: number;
  hematocrit: number;
  /** glomerular filtration rate, L/h */
  gfrLPerH: number;
  /** organ mass, fraction of body weight (lung, …, skin; rest and tumour are derived) */
  massFraction: Record<Exclude<Organ, "rest" | "tumour">, number>;
  /** systemic blood flow, fraction of cardiac output (the lung receives all of it) */
  flowFraction: Record<Exclude<Organ, "rest" | "tumour" | "lung">, number>;
  tumourMassKg: number;
  /** tumour blood flow per tissue mass, L/h/kg */
  tumourPerfusionLPerHPerKg: number;
  source: string;
}

const BW = { mouse: 0.025, rat: 0.25, human: 70 };

export const PHYSIOLOGY: Record<Species, SpeciesPhysiology> = {
  mouse: {
    bodyWeightKg: BW.mouse,
    // Brown 1997 allometric QC = 0.275·BW^0.75 L/min
    cardiacOutputLPerH: 0.275 * BW.mouse ** 0.75 * 60,
    // 72 mL/kg (Diehl et al. 2001 J Appl Toxicol 21:15; Riches et al. 1973: 72–79 mL/kg);
    // Brown 1997 tabulates 4.9 %, which gives a t = 0 blood %ID/g ≈ 1.5× the measured ones
    bloodFraction: 0.072,
    hematocrit: 0.45,
    gfrLPerH: 0.28e-3 * 60 * (BW.mouse / 0.02),
    massFraction: {
      lung: 0.0073,
      liver: 0.0549,
      spleen: 0.0035,
      kidney: 0.0167,
      heart: 0.005,
      muscle: 0.384,
      bone_marrow: 0.027,
      skin: 0.1653,
    },
    flowFraction: {
      liver: 0.161,
      spleen: 0.011,
      kidney: 0.091,
      heart: 0.066,
      muscle: 0.159,
      bone_marrow: 0.03,
      skin: 0.058,
    },
    tumourMassKg: 0.0002,
    tumourPerfusionLPerHPerKg: 12,
    source:
      "Brown 1997 (masses, flows, CO allometry); Diehl 2001 (blood volume); Davies & Morris 1993 (GFR); marrow/spleen flow assumed",
  },
  rat: {
    bodyWeightKg: BW.rat,
    cardiacOutputLPerH: 0.235 * BW.rat ** 0.75 * 60,
    bloodFraction: 0.074,
    hematocrit: 0.46,
    gfrLPerH: 1.31e-3 * 60,
    massFraction: {
      lung: 0.005,
      liver: 0.0366,
      spleen: 0.002,
      kidney: 0.0073,
      heart: 0.0033,
      muscle: 0.4043,
      bone_marrow: 0.03,
      skin: 0.1903,
    },
    flowFraction: {
      liver: 0.183,
      spleen: 0.011,
      kidney: 0.141,
      heart: 0.051,
      muscle: 0.278,
      bone_marrow: 0.03,
      skin: 0.058,
    },
    tumourMassKg: 0.002,
    tumourPerfusionLPerHPerKg: 12,
    source:
      "Brown 1997 (masses, flows, CO allometry); Davies & Morris 1993 (GFR); marrow/spleen flow assumed",
  },
  human: {
    bodyWeightKg: BW.human,
    cardiacOutputLPerH: 6.5 * 60,
    bloodFraction: 0.079,
    hematocrit: 0.45,
    gfrLPerH: 0.125 * 60,
    massFraction: {
      lung: 0.0076,
      liver: 0.0257,
      spleen: 0.0026,
      kidney: 0.0044,
      heart: 0.0047,
      muscle: 0.4,
      bone_marrow: 0.021,
      skin: 0.0371,
    },
    flowFraction: {
      liver: 0.227,
      spleen: 0.03,
      kidney: 0.175,
      heart: 0.04,
      muscle: 0.191,
      bone_marrow: 0.03,
      skin: 0.058,
    },
    tumourMassKg: 0.02,
    tumourPerfusionLPerHPerKg: 12,
    source:
      "Brown 1997 (masses, flows); NRC 1999 radon report Annex A (CO 6.5 L/min, red marrow 1.5 kg, spleen and marrow 3 % CO); Davies & Morris 1993 (GFR 125 mL/min)",
  },
};

/** interstitial volume, fraction of organ volume (order of Shah & Betts 2012, J Pharmacokinet Pharmacodyn 39:67; tumour: Jain 1987) */
export const INTERSTITIAL_FRACTION: Record<Organ, number> = {
  lung: 0.19,
  liver: 0.16,
  spleen: 0.2,
  kidney: 0.16,
  heart: 0.14,
  muscle: 0.12,
  tumour: 0.4,
  bone_marrow: 0.2,
  skin: 0.3,
  rest: 0.15,
};

/**
 * Blood contained in an excised, unperfused tissue sample, mL blood per mL tissue: the regional
 * blood volumes of Brown et al. 1997 Table 30 (rat, as recalled: lung 0.36, liver 0.21, spleen
 * 0.22, kidney 0.16, heart 0.26, muscle 0.04, skin 0.02, bone/marrow 0.04); tumour 0.05 (a DCE
 * vp of the order of xenografts). The model's circulating blood is a single compartment, so
 * these are used only to predict what a gamma-counted tissue sample contains
 * (extravascular + fraction × blood), not in the mass balance.
 */
export const SAMPLE_BLOOD_FRACTION: Record<Organ, number> = {
  lung: 0.36,
  liver: 0.21,
  spleen: 0.22,
  kidney: 0.16,
  heart: 0.26,
  muscle: 0.04,
  tumour: 0.05,
  bone_marrow: 0.04,
  skin: 0.02,
  rest: 0.04,
};
