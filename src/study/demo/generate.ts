/**
 * Demo study generator (pure, seeded): builds study.json content and the ground truth
 * for the design in design.ts. Blood: bi-exponential %ID/g. Tumour: one-tissue uptake
 * C_T(t) = K_in ∫ c_b(τ) e^{−k_out(t−τ)} dτ (closed form for a bi-exponential input).
 * Each animal has an EPR factor ε (log-normal, log-SD 0.35) that scales tumour uptake and,
 * imperfectly, its DCE-MRI Ktrans and vp — as EPR heterogeneity does in reality.
 * Gamma counts are Poisson with background; activities decay with the 111In half-life.
 */
import { decayFactor } from "../../core/nuclide/index.js";
import { Rng } from "../../core/random.js";
import type { Outcome, Sample, Study, Subject } from "../schema.js";
import {
  ARMS,
  type ArmDesign,
  BACKGROUND_CPM,
  BLOOD_TIMES_H,
  COUNT_DELAY_H,
  COUNTER_EFFICIENCY,
  DEMO_SEED,
  FOLLOW_UP_DAYS,
  GROWTH_PER_DAY,
  INJECTION_DAY,
  KILL_PER_PCTIDG_DAY,
  NECROPSY_H,
  NUCLIDE,
  ORGAN_MASS_G,
  ORGANS,
  SPARSE,
} from "./design.js";

export const TUMOURS = ["tumour_psma", "tumour_flu"] as const;
export type TumourId = (typeof TUMOURS)[number];

export interface SubjectTruth {
  id: string;
  group: string;
  bodyWeightG: number;
  injectedMBq: number;
  injectionTime: string;
  eprFactor: number;
  /** tumour volume at day 0 (mm³) */
  v0Mm3: number;
  /** individual drug sensitivity: multiplies the kill rate per %ID/g (log-normal, log-SD 0.35) */
  sensitivity: number;
  blood: { c0PctIDperG: number; weights: [number, number]; ratesPerH: [number, number] };
  tumours: Record<
    TumourId,
    { kinPerH: number; koutPerH: number; ktransPerMin: number; vp: number; ve: number }
  >;
  organs96h: Record<string, number>;
  organTauH: Record<string, number>;
  imaging: boolean;
}

export interface DemoTruth {
  seed: number;
  nuclide: string;
  subjects: SubjectTruth[];
}

const H = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** blood %ID/g at t hours */
export function bloodPctIDperG(s: SubjectTruth, tH: number): number {
  const b = s.blood;
  return (
    b.c0PctIDperG *
    (b.weights[0] * Math.exp(-b.ratesPerH[0] * tH) + b.weights[1] * Math.exp(-b.ratesPerH[1] * tH))
  );
}

/** ∫0^t c_b(τ) e^{−k(t−τ)} dτ for the bi-exponential blood curve */
function bloodConvolved(s: SubjectTruth, k: number, tH: number): number {
  let sum = 0;
  for (let j = 0; j < 2; j++) {
    const a = s.blood.ratesPerH[j];
    const w = s.blood.c0PctIDperG * s.blood.weights[j];
    sum +=
      Math.abs(k - a) < 1e-12
        ? w * tH * Math.exp(-k * tH)
        : (w * (Math.exp(-a * tH) - Math.exp(-k * tH))) / (k - a);
  }
  return sum;
}

/** tumour %ID/g at t hours */
export function tumourPctIDperG(s: SubjectTruth, tumour: TumourId, tH: number): number {
  const t = s.tumours[tumour];
  return t.kinPerH * bloodConvolved(s, t.koutPerH, tH);
}

/** organ %ID/g at t hours (saturating uptake reaching the 96 h value) plus 5 % blood content */
export function organPctIDperG(s: SubjectTruth, organ: string, tH: number): number {
  if (organ === "blood") return bloodPctIDperG(s, tH);
  if (organ === "tumour_psma" || organ === "tumour_flu") return tumourPctIDperG(s, organ, tH);
  const tau = s.organTauH[organ];
  const shape = (1 - Math.exp(-tH / tau)) / (1 - Math.exp(-NECROPSY_H / tau));
  return s.organs96h[organ] * shape + 0.05 * bloodPctIDperG(s, tH);
}

/** decay factor of the demo nuclide after dtH hours (core/nuclide, the one decay law) */
const decay = (dtH: number): number => decayFactor(NUCLIDE, dtH * 3600);

function makeSubjectTruth(
  rng: Rng,
  arm: ArmDesign,
  id: string,
  k: number,
  imaging: boolean,
  t0: number,
): SubjectTruth {
  const bw = rng.between(20, 25);
  const epr = rng.logNormal(1, 0.35);
  const s: SubjectTruth = {
    id,
    group: imaging ? arm.group : SPARSE.group,
    bodyWeightG: round(bw, 1),
    injectedMBq: 0,
    injectionTime: iso(t0 + k * 10 * 60_000),
    eprFactor: epr,
    v0Mm3: rng.logNormal(150, 0.2),
    sensitivity: rng.logNormal(1, 0.35),
    blood: {
      c0PctIDperG: (100 / (0.075 * bw)) * rng.logNormal(1, 0.08),
      weights: [arm.fastFraction, 1 - arm.fastFraction],
      ratesPerH: [
        Math.LN2 / (arm.fastHalfLifeH * rng.logNormal(1, 0.15)),
        Math.LN2 / (arm.slowHalfLifeH * rng.logNormal(1, 0.15)),
      ],
    },
    tumours: {} as SubjectTruth["tumours"],
    organs96h: {},
    organTauH: {},
    imaging,
  };
  for (const tu of TUMOURS) {
    const design = arm.tumour[tu];
    const own = tu === "tumour_psma" ? epr : epr * rng.logNormal(1, 0.2);
    const unit = bloodConvolved(s, design.koutPerH, 48);
    s.tumours[tu] = {
      kinPerH: (design.pctIDperG48h * own) / unit,
      koutPerH: design.koutPerH,
      // DCE biomarkers: correlated with EPR, not perfectly (Theranostics 2020 §3.1)
      ktransPerMin: round(0.12 * own ** 0.8 * rng.logNormal(1, 0.2), 4),
      vp: round(Math.min(0.2, 0.04 * own ** 0.6 * rng.logNormal(1, 0.2)), 4),
      ve: round(rng.between(0.2, 0.4), 3),
    };
  }
  for (const o of ORGANS) {
    s.organs96h[o] = arm.organs[o].pctIDperG96h * rng.logNormal(1, 0.15);
    s.organTauH[o] = arm.organs[o].uptakeTauH;
  }
  return s;
}

function round(v: number, d: number): number {
  const f = 10 ** d;
  return Math.round(v * f) / f;
}

export interface DemoStudy {
  study: Study;
  truth: DemoTruth;
}

/** Gamma-counter sample of an activity (MBq at measurement time). */
function gammaSample(rng: Rng, activityMBq: number, measuredAtMs: number) {
  const countingTimeS = 60;
  const expected = (activityMBq * 1e6 * COUNTER_EFFICIENCY + BACKGROUND_CPM / 60) * countingTimeS;
  return {
    counts: rng.poisson(expected),
    countingTimeS,
    efficiency: COUNTER_EFFICIENCY,
    backgroundCpm: BACKGROUND_CPM,
    measuredAt: iso(measuredAtMs),
  };
}

export function generateDemoStudy(seed = DEMO_SEED): DemoStudy {
  const rng = new Rng(seed);
  const t0 = Date.parse(`${INJECTION_DAY}T09:00:00Z`);
  const subjects: Subject[] = [];
  const truths: SubjectTruth[] = [];
  const samples: Sample[] = [];
  const administrations: Study["administrations"] = [];
  const outcomes: Outcome[] = [];
  let k = 0;
  const addSubject = (arm: ArmDesign, id: string, imaging: boolean) => {
    const s = makeSubjectTruth(rng, arm, id, k++, imaging, t0);
    const tInj = Date.parse(s.injectionTime);
    // syringe: before − after − tail residue, each read on the dose calibrator at its own time
    const beforeMBq = round(rng.between(15, 18), 2);
    const afterMBq = round(rng.between(0.4, 0.9), 3);
    const residueMBq = round(rng.between(0.1, 0.4), 3);
    const tBefore = tInj - 6 * 60_000;
    const tAfter = tInj + 2 * 60_000;
    const tResidue = tInj + 4 * 60_000;
    s.injectedMBq =
      beforeMBq * decay((tInj - tBefore) / H) -
      afterMBq / decay((tAfter - tInj) / H) -
      residueMBq / decay((tResidue - tInj) / H);
    truths.push(s);
    subjects.push({
      id,
      species: "mouse",
      strain: "BALB/c nude",
      sex: "M",
      bodyWeight: `${s.bodyWeightG} g`,
      group: s.group,
      tumourModel: "PC3-PIP (PSMA+) right flank, PC3-flu (PSMA−) left flank",
      tumours: [
        { id: "tumour_psma", model: "PC3-PIP", site: "right flank" },
        { id: "tumour_flu", model: "PC3-flu", site: "left flank" },
      ],
    });
    administrations.push({
      subject: id,
      agent: arm.agent,
      dose: `${round(s.injectedMBq, 3)} MBq`,
      time: s.injectionTime,
      route: "iv",
      syringe: {
        before: `${beforeMBq} MBq`,
        beforeMeasuredAt: iso(tBefore),
        after: `${afterMBq} MBq`,
        afterMeasuredAt: iso(tAfter),
        residue: `${residueMBq} MBq`,
        residueMeasuredAt: iso(tResidue),
      },
    });
    return s;
  };
  const sample = (
    s: SubjectTruth,
    tissue: string,
    tH: number,
    countAtH: number,
    massG: number,
    idx: string,
  ) => {
    const tInj = Date.parse(s.injectionTime);
    const amountMBq = (organPctIDperG(s, tissue, tH) / 100) * massG * s.injectedMBq * decay(countAtH);
    samples.push({
      id: `${s.id}-${idx}`,
      subject: s.id,
      kind: tissue === "blood" ? "blood" : "tissue",
      tissue,
      collectedAt: iso(tInj + tH * H),
      mass: `${massG} g`,
      gamma: gammaSample(rng, amountMBq, tInj + countAtH * H),
    });
  };
  for (const arm of ARMS) {
    for (let i = 1; i <= arm.n; i++) {
      const s = addSubject(arm, `${arm.group}${String(i).padStart(2, "0")}`, true);
      // serial blood (10 µL, 1.06 g/mL), counted with the organs after necropsy
      for (const tH of BLOOD_TIMES_H)
        sample(s, "blood", tH, NECROPSY_H + COUNT_DELAY_H, 0.0106 * rng.logNormal(1, 0.03), `blood-${tH}h`);
      for (const o of [...ORGANS, ...TUMOURS]) {
        const [med, sd] = ORGAN_MASS_G[o] ?? [0, 0];
        const mass = o.startsWith("tumour")
          ? tumourVolumeMm3(s, o, NECROPSY_H / 24) / 1000
          : rng.logNormal(med, sd);
        sample(s, o, NECROPSY_H, NECROPSY_H + COUNT_DELAY_H, mass, o);
      }
      outcomes.push(makeOutcome(rng, s));
    }
  }
  const sparseArm = ARMS.find((a) => a.agent === SPARSE.agent)!;
  for (const tH of SPARSE.timesH) {
    for (let j = 1; j <= SPARSE.perTime; j++) {
      const s = addSubject(sparseArm, `${SPARSE.group}-${tH}h-${j}`, false);
      sample(s, "blood", tH, tH + COUNT_DELAY_H, rng.logNormal(0.05, 0.1), "blood");
    }
  }
  const study: Study = {
    schemaVersion: 1,
    id: "demo-psma-111In-nanoparticles",
    title:
      "PSMA-targeted vs untargeted 111In-labelled polymeric nanoparticles in PC3-PIP/PC3-flu xenografts (demo)",
    description:
      "Synthetic demo study (seeded) modelled on Theranostics 2020;10:956 §2.2: biodistribution by SPECT/CT and gamma counting, blood PK (serial and sparse), DCE-MRI before treatment, tumour response. Ground truth in truth/.",
    subjects,
    groups: [
      {
        id: "UNP",
        description: "untargeted 100 nm polymeric nanoparticles, imaging + therapy cohort",
        agent: "UNP",
      },
      {
        id: "TNP",
        description: "PSMA-targeted 100 nm polymeric nanoparticles, imaging + therapy cohort",
        agent: "TNP",
      },
      {
        id: SPARSE.group,
        description: "untargeted, destructive blood sampling (one sample per mouse)",
        agent: "UNP",
      },
    ],
    agents: [
      {
        id: "UNP",
        name: "111In-pHPMA-NP",
        kind: "polymer",
        hydrodynamicSizeNm: 100,
        surface: "PEG",
        targetingLigand: null,
        label: { nuclide: NUCLIDE },
      },
      {
        id: "TNP",
        name: "111In-pHPMA-NP-PSMA",
        kind: "polymer",
        hydrodynamicSizeNm: 105,
        surface: "PEG",
        targetingLigand: "PSMA (ACUPA)",
        label: { nuclide: NUCLIDE },
      },
    ],
    administrations,
    scans: [],
    rois: [
      { id: "blood", name: "blood", kind: "blood" },
      { id: "heart", name: "heart", label: 1, kind: "organ" },
      { id: "lung", name: "lungs", label: 2, kind: "organ" },
      { id: "liver", name: "liver", label: 3, kind: "organ" },
      { id: "spleen", name: "spleen", label: 4, kind: "organ" },
      { id: "kidney", name: "kidneys", label: 5, kind: "organ" },
      { id: "muscle", name: "muscle (thigh)", label: 6, kind: "reference" },
      { id: "tumour_psma", name: "PC3-PIP tumour (PSMA+)", label: 7, kind: "tumour" },
      { id: "tumour_flu", name: "PC3-flu tumour (PSMA−)", label: 8, kind: "tumour" },
    ],
    samples,
    outcomes,
    analyses: {
      "blood-pk": { route: "iv-bolus", auc: "linlog" },
    },
  };
  return { study, truth: { seed, nuclide: NUCLIDE, subjects: truths } };
}

/** tumour volume (mm³) at day d for the therapy model: V0·exp((g − κ·acc48h)·d) */
export function tumourVolumeMm3(s: SubjectTruth, tumour: string, day: number): number {
  const acc = tumourPctIDperG(s, tumour as TumourId, 48);
  return s.v0Mm3 * Math.exp((GROWTH_PER_DAY - KILL_PER_PCTIDG_DAY * s.sensitivity * acc) * day);
}

function makeOutcome(rng: Rng, s: SubjectTruth): Outcome {
  const days = [0, 3, 7, 10, 14, 17, 21, 24, 28];
  const vol = days.map((d) => ({
    day: d,
    volumeMm3: round(tumourVolumeMm3(s, "tumour_psma", d) * rng.logNormal(1, 0.08), 1),
  }));
  const ratio = vol[vol.length - 1].volumeMm3 / vol[0].volumeMm3;
  // RECIST-like on volume: PR ≤ −65 % (≈ −30 % diameter), PD ≥ +73 % (≈ +20 % diameter)
  const response = ratio < 0.05 ? "CR" : ratio <= 0.35 ? "PR" : ratio >= 1.73 ? "PD" : "SD";
  const rate = GROWTH_PER_DAY - KILL_PER_PCTIDG_DAY * s.sensitivity * tumourPctIDperG(s, "tumour_psma", 48);
  // endpoint: tumour volume 4× baseline
  const tEnd = rate > 0 ? Math.log(4) / rate : Number.POSITIVE_INFINITY;
  const t = Math.min(FOLLOW_UP_DAYS, tEnd * rng.logNormal(1, 0.1));
  return {
    subject: s.id,
    tumour: "tumour_psma",
    tumourVolumes: vol,
    response,
    survival: { timeD: round(t, 1), event: t < FOLLOW_UP_DAYS },
  };
}
