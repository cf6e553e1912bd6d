/**
 * Virtual cohort for evaluating stratification methods against a known true effect (issue 20).
 * Each of N tumours draws its EPR phenotype, the nanomedicine's accumulation follows from the
 * PBPK model (transport/pbpk), response from a dose–response model of the delivered amount, and
 * the imaging/histology biomarkers a study would measure are the phenotype seen through
 * measurement noise. Because the truth is generated, a stratification method's output (ROC AUC,
 * logistic slope, median split) can be compared with the value it should find.
 *
 * Phenotype (model assumptions, stated here; per tumour i, independent):
 *   permeability multiplier  p_i ~ LogNormal(median 1, σ_log 0.5)    (vascular pore permeability)
 *   relative blood volume    b_i ~ LogNormal(1, 0.3)                  (S/V ∝ vessel density ∝ rBV)
 *   collagen area fraction   c_i ~ Uniform(0.05, 0.40)               (Masson trichrome)
 *   macrophage density       m_i ~ LogNormal(1, 0.4)                 (relative TAM density)
 * Effective tumour PS multiplier (the PBPK model's `tumourPermeability` scale):
 *   s_i = p_i · b_i · exp(−k_c·(c_i − 0.2)) · (1 + w_m·(m_i − 1)),  k_c = 4, w_m = 0.3
 * (collagen hinders interstitial penetration — Netti et al. 2000 Cancer Res 60:2497; TAMs take up
 * and retain nanoparticles — Miller et al. 2015 Nat Commun 6:8692; the coefficients are model
 * choices, not fitted values).
 * Accumulation: tumour AUC_i (%ID·h/g, 0–T h) and %ID/g at the imaging time from simulatePbpk.
 * Response (Emax/Hill in the delivered amount, i.e. logistic in ln AUC):
 *   P(response_i) = 1 / (1 + exp(−h·(ln AUC_i − ln AUC50))),  AUC50 = cohort median AUC × r50
 * so logistic regression of response on ln AUC has true slope h and intercept −h·ln AUC50.
 * Measured biomarkers (multiplicative log-normal noise of the given CV, collagen additive):
 *   Ktrans ∝ p_i·b_i (× 0.1 /min), ferumoxytol [Fe] ∝ b_i·(0.7 + 0.3·m_i) (× 0.05 mM),
 *   CEUS AUC ∝ b_i (× 100 a.u.), collagen fraction c_i + N(0, 0.02), imaged %ID/g (PET at the
 *   imaging time) × noise.
 * Known true effect per biomarker x: the expected ROC AUC given the cohort's values,
 *   E[AUC] = Σ_{i≠j} π_i(1−π_j)·H(x_i − x_j) / Σ_{i≠j} π_i(1−π_j),  H(0) = ½, π = P(response),
 * which is what the empirical AUC estimates (it equals the empirical AUC averaged over response
 * draws to first order; exactly so when the responders' and non-responders' counts are fixed).
 */
import { InputError } from "../errors.js";
import { Rng } from "../random.js";
import { simulatePbpk } from "../transport/pbpk/model.js";
import type { Surface } from "../transport/pbpk/nanoparticle.js";
import type { Species } from "../transport/pbpk/species.js";

export interface VirtualCohortOptions {
  n: number;
  seed: number;
  sizeNm?: number;
  species?: Species;
  surface?: Surface;
  /** AUC window and imaging time, h */
  hours?: number;
  imagingTimeH?: number;
  /** Hill slope h of the response model */
  hill?: number;
  /** AUC50 as a multiple of the cohort median AUC */
  auc50Ratio?: number;
  /** measurement CV of the imaging biomarkers (fraction) */
  measurementCv?: number;
}

export interface VirtualTumour {
  id: string;
  permeability: number;
  rbv: number;
  collagen_fraction: number;
  macrophage_density: number;
  ps_multiplier: number;
  auc_pctID_h_per_g: number;
  uptake_pctID_per_g: number;
  response_probability: number;
  response: 0 | 1;
  Ktrans_per_min: number;
  Fe_mM: number;
  CEUS_AUC: number;
  collagen_measured: number;
  imaged_uptake_pctID_per_g: number;
}

export const COHORT_BIOMARKERS = [
  "Ktrans_per_min",
  "Fe_mM",
  "CEUS_AUC",
  "collagen_measured",
  "imaged_uptake_pctID_per_g",
  "auc_pctID_h_per_g",
] as const;
export type CohortBiomarker = (typeof COHORT_BIOMARKERS)[number];

export interface VirtualCohort {
  tumours: VirtualTumour[];
  truth: {
    hill_slope: number;
    auc50_pctID_h_per_g: number;
    logistic_intercept: number;
    logistic_slope_per_ln_auc: number;
    expected_roc_auc: Record<CohortBiomarker, number>;
    responders: number;
    options: Required<VirtualCohortOptions>;
  };
}

const KC = 4;
const WM = 0.3;

/**
 * E[AUC] of marker x for outcome probabilities π (higher x ↔ response), ties count ½:
 * Σ_{i≠j} π_i(1−π_j)·H(x_i − x_j) / Σ_{i≠j} π_i(1−π_j), in O(n log n) (sorted, tie groups).
 */
export function expectedRocAuc(x: ArrayLike<number>, pi: ArrayLike<number>): number {
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  let below = 0; // Σ (1 − π_j) over x_j < current group
  let num = 0;
  let sumPi = 0;
  let sumQ = 0;
  let self = 0;
  for (let g = 0; g < n; ) {
    let e = g;
    let gPi = 0;
    let gQ = 0;
    while (e < n && x[order[e]] === x[order[g]]) {
      gPi += pi[order[e]];
      gQ += 1 - pi[order[e]];
      self += pi[order[e]] * (1 - pi[order[e]]);
      e++;
    }
    // pairs within the tie group (i ≠ j) count ½
    let tiePairs = gPi * gQ;
    for (let k = g; k < e; k++) tiePairs -= pi[order[k]] * (1 - pi[order[k]]);
    num += gPi * below + 0.5 * tiePairs;
    below += gQ;
    sumPi += gPi;
    sumQ += gQ;
    g = e;
  }
  const den = sumPi * sumQ - self;
  return den > 0 ? num / den : Number.NaN;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function virtualCohort(o: VirtualCohortOptions): VirtualCohort {
  const opts: Required<VirtualCohortOptions> = {
    n: o.n,
    seed: o.seed,
    sizeNm: o.sizeNm ?? 100,
    species: o.species ?? "mouse",
    surface: o.surface ?? "peg",
    hours: o.hours ?? 72,
    imagingTimeH: o.imagingTimeH ?? 24,
    hill: o.hill ?? 2,
    auc50Ratio: o.auc50Ratio ?? 1,
    measurementCv: o.measurementCv ?? 0.15,
  };
  if (!(Number.isInteger(opts.n) && opts.n >= 2 && opts.n <= 100_000))
    throw new InputError({ field: "--n", value: opts.n, expected: "an integer number of tumours, 2–100000" });
  if (!(opts.imagingTimeH > 0 && opts.imagingTimeH <= opts.hours))
    throw new InputError({
      field: "--imaging-time-h",
      value: opts.imagingTimeH,
      expected: `a time in (0, ${opts.hours}] h`,
    });
  for (const [f, v] of [
    ["--hill", opts.hill],
    ["--auc50-ratio", opts.auc50Ratio],
  ] as const)
    if (!(v > 0 && Number.isFinite(v)))
      throw new InputError({ field: f, value: v, expected: "a number > 0" });
  if (!(opts.measurementCv >= 0 && opts.measurementCv < 2))
    throw new InputError({ field: "--measurement-cv", value: opts.measurementCv, expected: "0 ≤ CV < 2" });
  const rng = new Rng(opts.seed);
  const pts = Math.round(opts.hours) + 1;
  const noisy = (v: number) => v * Math.exp(rng.normal(0, Math.sqrt(Math.log(1 + opts.measurementCv ** 2))));
  const draft = Array.from({ length: opts.n }, (_, i) => {
    const permeability = rng.logNormal(1, 0.5);
    const rbv = rng.logNormal(1, 0.3);
    const collagen = rng.between(0.05, 0.4);
    const macrophage = rng.logNormal(1, 0.4);
    const ps = permeability * rbv * Math.exp(-KC * (collagen - 0.2)) * (1 + WM * (macrophage - 1));
    const sim = simulatePbpk({
      sizeNm: opts.sizeNm,
      species: opts.species,
      hours: opts.hours,
      surface: opts.surface,
      scales: { tumourPermeability: ps },
      points: pts,
    });
    const t = sim.time_h;
    const c = sim.conc_pctID_per_g.tumour;
    let k = t.findIndex((x) => x >= opts.imagingTimeH - 1e-9);
    if (k < 0) k = t.length - 1;
    const uptake =
      k > 0 && t[k] > opts.imagingTimeH
        ? c[k - 1] + ((c[k] - c[k - 1]) * (opts.imagingTimeH - t[k - 1])) / (t[k] - t[k - 1])
        : c[k];
    return {
      id: `T${String(i + 1).padStart(4, "0")}`,
      permeability,
      rbv,
      collagen,
      macrophage,
      ps,
      auc: sim.summary.tumour_auc_pctID_h_per_g,
      uptake,
    };
  });
  const auc50 = median(draft.map((d) => d.auc)) * opts.auc50Ratio;
  const tumours: VirtualTumour[] = draft.map((d) => {
    const pr = 1 / (1 + Math.exp(-opts.hill * (Math.log(d.auc) - Math.log(auc50))));
    const response: 0 | 1 = rng.uniform() < pr ? 1 : 0;
    return {
      id: d.id,
      permeability: d.permeability,
      rbv: d.rbv,
      collagen_fraction: d.collagen,
      macrophage_density: d.macrophage,
      ps_multiplier: d.ps,
      auc_pctID_h_per_g: d.auc,
      uptake_pctID_per_g: d.uptake,
      response_probability: pr,
      response,
      Ktrans_per_min: noisy(0.1 * d.permeability * d.rbv),
      Fe_mM: noisy(0.05 * d.rbv * (0.7 + 0.3 * d.macrophage)),
      CEUS_AUC: noisy(100 * d.rbv),
      collagen_measured: Math.max(0, d.collagen + rng.normal(0, 0.02)),
      imaged_uptake_pctID_per_g: noisy(d.uptake),
    };
  });
  const pi = tumours.map((t) => t.response_probability);
  const expected = Object.fromEntries(
    COHORT_BIOMARKERS.map((b) => [
      b,
      expectedRocAuc(
        tumours.map((t) => t[b]),
        pi,
      ),
    ]),
  ) as Record<CohortBiomarker, number>;
  return {
    tumours,
    truth: {
      hill_slope: opts.hill,
      auc50_pctID_h_per_g: auc50,
      logistic_intercept: -opts.hill * Math.log(auc50),
      logistic_slope_per_ln_auc: opts.hill,
      expected_roc_auc: expected,
      responders: tumours.reduce((s, t) => s + t.response, 0),
      options: opts,
    },
  };
}
