/**
 * Demo study design (shared/DEMO.md): PSMA-targeted (TNP) vs untargeted (UNP) ~100 nm
 * 111In-labelled polymeric nanoparticles in nude mice bearing PSMA+ (PC3-PIP) and PSMA−
 * (PC3-flu) xenografts. Literature-anchored numbers (Theranostics 2020;10:956, §2.2):
 * tumour UNP ≈ 8 %ID/g at 48 h falling by 96 h, TNP ≈ 6 %ID/g at 48 h and retained;
 * spleen, liver ≫ kidney; muscle < 1 %ID/g; blood terminal half-life about a day for UNP,
 * shorter for TNP. Everything here is ground truth for the generator.
 */

export const DEMO_SEED = 20260302;
export const NUCLIDE = "In-111";
export const INJECTION_DAY = "2026-03-02";

export interface ArmDesign {
  group: string;
  agent: string;
  n: number;
  /** blood %ID/g = C0·(f·e^{−ln2 t/t½fast} + (1−f)·e^{−ln2 t/t½slow}), t in h */
  fastFraction: number;
  fastHalfLifeH: number;
  slowHalfLifeH: number;
  /** tumour model C_T = K_in ∫ c_blood(τ) e^{−k_out (t−τ)} dτ; K_in scaled to the 48 h target */
  tumour: Record<"tumour_psma" | "tumour_flu", { pctIDperG48h: number; koutPerH: number }>;
  /** organ %ID/g at 96 h (median) and uptake time constant (h) */
  organs: Record<string, { pctIDperG96h: number; uptakeTauH: number }>;
}

export const ORGANS = ["heart", "lung", "liver", "spleen", "kidney", "muscle"] as const;

export const ARMS: ArmDesign[] = [
  {
    group: "UNP",
    agent: "UNP",
    n: 6,
    fastFraction: 0.3,
    fastHalfLifeH: 1.5,
    slowHalfLifeH: 22,
    tumour: {
      tumour_psma: { pctIDperG48h: 8, koutPerH: Math.LN2 / 40 },
      tumour_flu: { pctIDperG48h: 7.5, koutPerH: Math.LN2 / 40 },
    },
    organs: {
      heart: { pctIDperG96h: 1.6, uptakeTauH: 2 },
      lung: { pctIDperG96h: 2.4, uptakeTauH: 2 },
      liver: { pctIDperG96h: 14, uptakeTauH: 6 },
      spleen: { pctIDperG96h: 35, uptakeTauH: 8 },
      kidney: { pctIDperG96h: 4.5, uptakeTauH: 4 },
      muscle: { pctIDperG96h: 0.5, uptakeTauH: 6 },
    },
  },
  {
    group: "TNP",
    agent: "TNP",
    n: 6,
    fastFraction: 0.4,
    fastHalfLifeH: 1.0,
    slowHalfLifeH: 14,
    tumour: {
      tumour_psma: { pctIDperG48h: 6, koutPerH: 0.002 },
      tumour_flu: { pctIDperG48h: 3.5, koutPerH: Math.LN2 / 40 },
    },
    organs: {
      heart: { pctIDperG96h: 1.2, uptakeTauH: 2 },
      lung: { pctIDperG96h: 2.1, uptakeTauH: 2 },
      liver: { pctIDperG96h: 16, uptakeTauH: 5 },
      spleen: { pctIDperG96h: 40, uptakeTauH: 6 },
      kidney: { pctIDperG96h: 5.5, uptakeTauH: 4 },
      muscle: { pctIDperG96h: 0.45, uptakeTauH: 6 },
    },
  },
];

/** sparse (destructive) blood sampling arm: one terminal sample per mouse */
export const SPARSE = { group: "UNPS", agent: "UNP", timesH: [1, 8, 24, 96], perTime: 3 };

export const BLOOD_TIMES_H = [0.08, 1, 4, 8, 24, 48, 72, 96];
export const SCAN_TIMES_H = [4, 24, 48, 96];
/** gamma counting: organs counted 1 h after necropsy at 96 h; blood samples counted then too */
export const NECROPSY_H = 96;
export const COUNT_DELAY_H = 1;
export const COUNTER_EFFICIENCY = 0.72;
export const BACKGROUND_CPM = 45;

/** organ masses (g): median and log-SD */
export const ORGAN_MASS_G: Record<string, [number, number]> = {
  heart: [0.11, 0.08],
  lung: [0.15, 0.1],
  liver: [1.1, 0.08],
  spleen: [0.09, 0.15],
  kidney: [0.32, 0.08],
  muscle: [0.1, 0.15],
  blood: [0.05, 0.1],
};

/** tumour growth: untreated rate (1/day) and kill per %ID/g accumulated at 48 h */
export const GROWTH_PER_DAY = 0.09;
export const KILL_PER_PCTIDG_DAY = 0.0125;
export const FOLLOW_UP_DAYS = 60;
