/**
 * Demo arm "clinical": a small clinical nanotheranostic cohort beside the mouse study — 12
 * patients with HER2-positive metastatic breast cancer (species "human", group MM302), modelled
 * on the seed's clinical examples: ¹¹¹In-labelled PEGylated liposomes imaged by planar
 * whole-body scintigraphy at 1, 24 and 72 h (Harrington et al., Clin Cancer Res 2001;7:243 —
 * long blood-pool persistence, liver/spleen uptake, lesions visible) and ⁶⁴Cu-MM-302 PET at
 * ~24 h with the best response per patient (Lee et al., Clin Cancer Res 2017;23:4190 — high
 * lesion deposition tends to respond).
 *
 * The arm adds its patients to study.json itself (subjects, the two agents, the MM302 group,
 * two administrations per patient, one outcome per patient: best overall response, RECIST class,
 * no tumour id, so the mouse stratification and companion analyses never see it); its scans use
 * purpose "other" with acquisition.protocol "clinical-planar" / "clinical-pet", so the mouse
 * planar, imaging and segmentation analyses do not pick them up (engine/analyses/clinical.ts
 * does). The agents carry no hydrodynamic size, so no PBPK task is planned for them.
 *
 * Truth (truth/clinical.json), per patient:
 *  - blood %ID(t) = 100·(0.1·e^(−ln2·t/3 h) + 0.9·e^(−ln2·t/T_β)), T_β ≈ 70 h (log-normal);
 *    heart (blood pool) ROI = 6 % of blood; liver = 10 % of blood + L_max(1 − e^(−t/30 h));
 *    spleen = 1.5 % of blood + S_max(1 − e^(−t/30 h)); soft-tissue background
 *    (0.75·blood + 15·(1 − e^(−t/30 h))) %ID spread over the body slab; all decay-corrected;
 *  - lesions: volume 4–34 mL, true 24 h SUV = 3.5·ε_patient·ε_lesion (log-normal, log-SD 0.5 and
 *    0.25); planar lesion %ID(t) = 100·V·SUV/W[g]·h(t)/h(24 h), h(t) = 1 − e^(−t/30 h) (the
 *    ¹¹¹In liposome deposits as the ⁶⁴Cu one does — a modelling choice); PET lesion truth from
 *    clinicalPet.ts (concentration, labelled volume, %ID);
 *  - residence time τ = ∫₀^∞ f(t)·e^(−λt) dt per planar ROI (numerical, as the planar arm);
 *  - response: patient uptake u = mean true lesion SUV; P(responder) = 1/(1 + e^(−2.5·z)),
 *    z = ln(u/median u)/0.5; responders CR (20 %) or PR, others SD (55 %) or PD.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { decayFactor } from "../../../core/nuclide/decay.js";
import type { Rng } from "../../../core/random.js";
import type { Scan } from "../../schema.js";
import type { DemoStudy } from "../generate.js";
import {
  BLOOD_LABEL,
  CLINICAL_PET_GRID,
  PET_FWHM_MM,
  PET_NOISE_SD,
  writeClinicalPet,
} from "./clinicalPet.js";
import {
  CLINICAL_PLANAR_GRID,
  CLINICAL_SCATTER_FRACTION,
  CLINICAL_SENSITIVITY_CPS_PER_MBQ,
  CLINICAL_STANDARD_MBQ,
  LESION_SITES,
  lesionRegion,
  organRegions,
  type PlanarRegion,
  writeClinicalPlanar,
} from "./clinicalPlanar.js";
import type { DemoArm } from "./index.js";

export const CLINICAL_PATIENTS = 12;
export const CLINICAL_GROUP = "MM302";
export const PLANAR_TIMES_H = [1, 24, 72];
const PET_UPTAKE_H = 24;
const FIRST_INJECTION = Date.parse("2026-05-04T09:00:00Z");
const H = 3600_000;
const D = 24 * H;
const UPTAKE_TAU_H = 30;
const AGENT_PLANAR = "IN111-PL";
const AGENT_PET = "CU64-MM302";

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const round = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
const uptake = (tH: number) => 1 - Math.exp(-tH / UPTAKE_TAU_H);

interface Patient {
  id: string;
  weightKg: number;
  bodyThicknessCm: number;
  inMBq: number;
  cuMBq: number;
  inMs: number;
  cuMs: number;
  scanTimesH: number[];
  petUptakeS: number;
  betaHalfLifeH: number;
  liverMax: number;
  spleenMax: number;
  lesions: { id: string; label: number; site: string; volumeMl: number; suv: number }[];
  bloodSuv: number;
  liverSuv: number;
}

const bloodPctID = (p: Patient, tH: number) =>
  100 * (0.1 * Math.exp((-Math.LN2 * tH) / 3) + 0.9 * Math.exp((-Math.LN2 * tH) / p.betaHalfLifeH));

/** decay-corrected %ID of a planar ROI at t h */
function planarPctID(p: Patient, roi: string, tH: number): number {
  const b = bloodPctID(p, tH);
  if (roi === "heart") return 0.06 * b;
  if (roi === "liver") return 0.1 * b + p.liverMax * uptake(tH);
  if (roi === "spleen") return 0.015 * b + p.spleenMax * uptake(tH);
  const l = p.lesions.find((x) => x.id === roi);
  if (!l) throw new Error(`no planar ROI ${roi}`);
  return ((100 * l.volumeMl * l.suv) / (p.weightKg * 1000)) * (uptake(tH) / uptake(PET_UPTAKE_H));
}

/** τ = ∫₀^∞ f(t)·e^(−λt) dt (h), midpoint rule (0.02 h steps to 12 h, 0.25 h to 2000 h) */
function residenceTruthH(f: (tH: number) => number): number {
  const lambda = -Math.log(decayFactor("In-111", 3600));
  let sum = 0;
  for (const [t0, t1, dt] of [
    [0, 12, 0.02],
    [12, 2000, 0.25],
  ])
    for (let t = t0 + dt / 2; t < t1; t += dt) sum += f(t) * Math.exp(-lambda * t) * dt;
  return sum;
}

function makePatient(rng: Rng, k: number): Patient {
  const id = `PT${String(k + 1).padStart(2, "0")}`;
  const weightKg = round(Math.min(110, Math.max(45, rng.logNormal(70, 0.15))), 1);
  const bodyThicknessCm = round(Math.min(27, Math.max(18.5, 20 + 0.1 * (weightKg - 70))), 2);
  const inMs = FIRST_INJECTION + k * 3 * D;
  const cuMs = inMs + 8 * D;
  // scan times: nominal ± 10 min, whole minutes (DICOM times have 1 s resolution)
  const scanTimesH = PLANAR_TIMES_H.map((t) => t + (rng.int(21) - 10) / 60);
  const eps = rng.logNormal(1, 0.5);
  const nLesions = 2 + (rng.uniform() < 0.5 ? 1 : 0);
  const sites = Object.keys(LESION_SITES);
  const chosen: string[] = [];
  while (chosen.length < nLesions) {
    const s = sites[rng.int(sites.length)];
    if (!chosen.includes(s)) chosen.push(s);
  }
  return {
    id,
    weightKg,
    bodyThicknessCm,
    inMBq: round(rng.logNormal(185, 0.05), 2),
    cuMBq: round(rng.logNormal(200, 0.08), 2),
    inMs,
    cuMs,
    scanTimesH,
    petUptakeS: (PET_UPTAKE_H + rng.int(31) / 60) * 3600,
    betaHalfLifeH: rng.logNormal(70, 0.2),
    liverMax: rng.logNormal(12, 0.25),
    spleenMax: rng.logNormal(3, 0.3),
    lesions: chosen.map((site, i) => ({
      id: `L${i + 1}`,
      label: i + 1,
      site,
      volumeMl: round(rng.between(4.2, 33.5), 2),
      suv: round(3.5 * eps * rng.logNormal(1, 0.25), 3),
    })),
    bloodSuv: rng.logNormal(5, 0.15),
    liverSuv: rng.logNormal(4, 0.2),
  };
}

function response(
  rng: Rng,
  z: number,
): { p: number; responder: boolean; category: "CR" | "PR" | "SD" | "PD" } {
  const p = 1 / (1 + Math.exp(-2.5 * z));
  const responder = rng.uniform() < p;
  const u = rng.uniform();
  const category = responder ? (u < 0.2 ? "CR" : "PR") : u < 0.55 ? "SD" : "PD";
  return { p, responder, category };
}

function write(dir: string, demo: DemoStudy, rng: Rng) {
  const patients = Array.from({ length: CLINICAL_PATIENTS }, (_, k) => makePatient(rng, k));
  const meanSuv = (p: Patient) => p.lesions.reduce((a, l) => a + l.suv, 0) / p.lesions.length;
  const u = patients.map(meanSuv).sort((a, b) => a - b);
  const medianU = (u[CLINICAL_PATIENTS / 2 - 1] + u[CLINICAL_PATIENTS / 2]) / 2;
  const s = demo.study;
  s.agents.push(
    {
      id: AGENT_PLANAR,
      name: "111In-DTPA-PEGylated liposomes",
      kind: "liposome",
      surface: "PEG",
      targetingLigand: null,
      label: { nuclide: "In-111" },
    },
    {
      id: AGENT_PET,
      name: "64Cu-MM-302 (HER2-targeted PEGylated liposomal doxorubicin)",
      kind: "liposome",
      surface: "PEG",
      targetingLigand: "anti-HER2 scFv (F5)",
      label: { nuclide: "Cu-64" },
    },
  );
  s.groups ??= [];
  s.groups.push({
    id: CLINICAL_GROUP,
    description:
      "clinical nanotheranostic cohort (HER2+ metastatic breast cancer): 111In-liposome planar scintigraphy, 64Cu-MM-302 PET, best response (RECIST 1.1)",
    agent: AGENT_PET,
  });
  const scans: Scan[] = [];
  const truthPatients: unknown[] = [];
  patients.forEach((p, k) => {
    const L = p.bodyThicknessCm;
    const regions: PlanarRegion[] = [
      ...organRegions(L),
      ...p.lesions.map((l) => lesionRegion(l.id, l.site, l.volumeMl, L)),
    ];
    const slabMl = 32 * 88 * L;
    scans.push(
      ...writeClinicalPlanar(
        dir,
        {
          id: p.id,
          injectedMBq: p.inMBq,
          injectionMs: p.inMs,
          bodyThicknessCm: L,
          regions,
          pctID: (roi, tH) => planarPctID(p, roi, tH),
          backgroundPctIDperMl: (tH) => (0.75 * bloodPctID(p, tH) + 15 * uptake(tH)) / slabMl,
          scanTimesH: p.scanTimesH,
        },
        rng,
        `2.25.20260504${String(k + 1).padStart(2, "0")}`,
      ),
    );
    const cuDf = decayFactor("Cu-64", p.petUptakeS);
    const pet = writeClinicalPet(
      dir,
      {
        id: p.id,
        weightKg: p.weightKg,
        injectedAtScanMBq: p.cuMBq * cuDf,
        lesions: p.lesions.map((l) => ({
          id: l.id,
          label: l.label,
          radiusMm: 10 * Math.cbrt((3 * l.volumeMl) / (4 * Math.PI)),
          suv: l.suv,
        })),
        backgroundSuv: 0.8,
        bloodSuv: p.bloodSuv,
        liverSuv: p.liverSuv,
      },
      rng,
    );
    const petMs = p.cuMs + p.petUptakeS * 1000;
    scans.push({
      id: `${p.id}-pet-24h`,
      subject: p.id,
      modality: "PET",
      time: iso(petMs),
      files: [pet.pet],
      labels: pet.labels,
      purpose: "other",
      acquisition: {
        protocol: "clinical-pet",
        nuclide: "Cu-64",
        units: "Bq/mL",
        decayCorrected: false,
        bloodLabel: BLOOD_LABEL,
        lesionLabels: p.lesions.map((l) => l.label),
      },
    });
    s.subjects.push({
      id: p.id,
      species: "human",
      sex: "F",
      bodyWeight: `${p.weightKg} kg`,
      group: CLINICAL_GROUP,
      tumourModel: "HER2-positive metastatic breast cancer (patient)",
      tumours: p.lesions.map((l) => ({ id: l.id, model: "metastasis", site: l.site })),
    });
    s.administrations.push(
      { subject: p.id, agent: AGENT_PLANAR, dose: `${p.inMBq} MBq`, time: iso(p.inMs), route: "iv" },
      { subject: p.id, agent: AGENT_PET, dose: `${p.cuMBq} MBq`, time: iso(p.cuMs), route: "iv" },
    );
    const z = Math.log(meanSuv(p) / medianU) / 0.5;
    const r = response(rng, z);
    s.outcomes.push({ subject: p.id, response: r.category });
    const rois = regions.map((x) => x.roi);
    const times = p.scanTimesH.map((tH) => ({
      time_h: tH,
      pctID: Object.fromEntries(rois.map((roi) => [roi, planarPctID(p, roi, tH)])),
    }));
    truthPatients.push({
      subject: p.id,
      weightKg: p.weightKg,
      bodyThicknessCm: L,
      planar: {
        injectedMBq: p.inMBq,
        injectionTime: iso(p.inMs),
        regions,
        times,
        bloodPoolPersistencePct: times.map((t) => (100 * t.pctID.heart) / times[0].pctID.heart),
        residenceTimeH: Object.fromEntries(
          rois.map((roi) => [roi, residenceTruthH((t) => planarPctID(p, roi, t) / 100)]),
        ),
      },
      pet: {
        injectedMBq: p.cuMBq,
        injectionTime: iso(p.cuMs),
        scanTime: iso(petMs),
        uptakeH: p.petUptakeS / 3600,
        decayFactor: cuDf,
        bloodSuv: p.bloodSuv,
        liverSuv: p.liverSuv,
        backgroundSuv: 0.8,
        lesions: pet.lesions.map((l) => ({ ...l, site: p.lesions.find((x) => x.id === l.id)?.site })),
      },
      uptakeSuvMean: meanSuv(p),
      responseProbability: r.p,
      responder: r.responder,
      response: r.category,
    });
  });
  writeFileSync(join(dir, "clinical", "README.txt"), README);
  return {
    scans,
    truth: {
      description:
        "clinical cohort: planar 111In-liposome %ID per ROI (decay-corrected to injection), residence times τ = ∫ f(t)·e^(−λt) dt (h); 64Cu-MM-302 PET lesion truth (uniform spheres, SUV at ~24 h, labelled volume, %ID); best response drawn from the patient's mean lesion SUV",
      planar: {
        grid: CLINICAL_PLANAR_GRID,
        sensitivityCpsPerMBq: CLINICAL_SENSITIVITY_CPS_PER_MBQ,
        scatterFraction: CLINICAL_SCATTER_FRACTION,
        standardMBqAtInjection: CLINICAL_STANDARD_MBQ,
      },
      pet: { grid: CLINICAL_PET_GRID, fwhmMm: PET_FWHM_MM, noiseSd: PET_NOISE_SD, bloodLabel: BLOOD_LABEL },
      medianUptakeSuv: medianU,
      patients: truthPatients,
    },
  };
}

const README = `Clinical nanotheranostic cohort (demo arm "clinical", synthetic):
<patient>_wb_<t>h.dcm   planar whole-body 111In-PEG-liposome NM DICOM (anterior + posterior, 171/245 keV + TEW windows)
<patient>_rois.csv      planar ROI boxes (anterior pixels): heart (blood pool), liver, spleen, lesions L1..Ln, background, standard
<patient>_pet_24h.nii.gz  64Cu-MM-302 PET, Bq/mL at scan start (not decay-corrected)
<patient>_pet_labels.nii.gz  lesion labels 1..n (= L1..Ln), blood-pool VOI 10
Truth: ../truth/clinical.json.
`;

export const clinicalArm: DemoArm = { name: "clinical", seedOffset: 161, write };
