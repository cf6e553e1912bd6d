/**
 * Demo arm "release": temperature-sensitive liposomes (lysolipid TSL) co-loaded with Gd
 * (ProHance) and a drug, released by MR-guided hyperthermia of the PSMA+ tumour in a few imaging
 * mice; one mouse gets non-temperature-sensitive liposomes (NTSL) under the same heating as the
 * comparison. Per mouse, on a 16 × 16 × 2 grid (1 × 1 × 2 mm):
 *  - PRF phase series (40 frames at 15 s, 3 T, TE 10 ms): φ = φ0 + 2π·γ·α·B0·TE·ΔT + drift + noise,
 *    wrapped into (−π, π]; φ0 random per voxel (so phases wrap), a uniform linear B0 drift (0.3–0.5
 *    rad over the series, ≈ 4–6 °C if uncorrected), phase noise 0.01 rad (≈ 0.12 °C). Heating
 *    ΔT_v(t) = ΔTmax·g(r)·h(t): g Gaussian (σ 3.5 voxels) tapered to 0 between r = 5 and 6.5 voxels, ΔTmax 5.5–6.5 °C,
 *    h = 0 for 4 baseline frames, linear ramp 45–120 s, plateau to 420 s, exponential cooling (τ 50 s).
 *    The temperature history is piecewise linear between the frame samples (SCIENCE.md §12).
 *    The drift reference region is r ≥ 7 voxels (unheated).
 *  - R1 series at 11 of the PRF frame times, and an R1 map after complete release (calibration):
 *    R1 = R1,pre + r1,enc·c·(1 − f) + r1,free·c·f, c = liposomal Gd (log-normal around 0.4 mM),
 *    R1,full = R1,pre + r1,free·c, noise 0.005 1/s; f_v(t) = 1 − exp(−∫ k(T_v(τ)) dτ) (first-order
 *    release, f∞ = 1) with Arrhenius k(T) = k_ref·exp(−(Ea/R)(1/T − 1/T_ref)), the integral by
 *    composite Simpson (40 sub-steps per frame interval) — independent of the ODE solver the
 *    analysis uses.
 *  - in-vitro release curves (temperature_C, time_s, fraction; noise 0.01) of each carrier at
 *    several temperatures, from which the analysis fits k(T).
 * Truth (truth/release.json): the kinetics, per mouse the ROI-mean ΔT per frame, voxel CEM43
 * (ROI mean and median, same piecewise-linear definition), time-averaged T10/T50/T90 over the
 * heating plateau, and the released fraction the ROI-mean R1 measures, i.e. the Gd-weighted
 * Σ c_v·f_v / Σ c_v.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityAffine, type Volume } from "../../../core/image/volume.js";
import type { Rng } from "../../../core/random.js";
import { writeNifti } from "../../../io/nifti.js";
import type { Scan } from "../../schema.js";
import type { DemoStudy } from "../generate.js";
import type { DemoArm } from "./index.js";

export const RELEASE_GRID = { nx: 16, ny: 16, nz: 2, frames: 40, frameS: 15, baselineFrames: 4 };
const SPACING: [number, number, number] = [1, 1, 2];
const FIELD_T = 3;
const TE_MS = 10;
const BODY_C = 37;
const HEAT = { rampStartS: 45, rampEndS: 120, plateauEndS: 420, coolTauS: 50 };
/** R1 frames: indices into the PRF frames */
const R1_FRAMES = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 39];
const R1_FREE = 3.6;
const R1_ENC = 0.3;

export const RELEASE_KINETICS = {
  TSL: { kRefPerS: 0.006, tRefC: 42, eaKjPerMol: 700, fInf: 1 },
  NTSL: { kRefPerS: 3e-5, tRefC: 42, eaKjPerMol: 120, fInf: 1 },
} as const;
type Carrier = keyof typeof RELEASE_KINETICS;
const INVITRO: Record<Carrier, { temps: number[]; times: number[] }> = {
  TSL: { temps: [37, 39, 40, 41, 42, 43], times: [0, 30, 60, 120, 180, 300, 450, 600, 900, 1200] },
  NTSL: { temps: [37, 40, 42, 45], times: [0, 600, 1200, 2400, 3600, 5400, 7200, 10800, 14400] },
};

const R_GAS = 8.314462618;
function kOf(c: Carrier, tempC: number): number {
  const p = RELEASE_KINETICS[c];
  return (
    p.kRefPerS * Math.exp(((-p.eaKjPerMol * 1000) / R_GAS) * (1 / (tempC + 273.15) - 1 / (p.tRefC + 273.15)))
  );
}

function heatingShape(tS: number): number {
  if (tS <= HEAT.rampStartS) return 0;
  if (tS <= HEAT.rampEndS) return (tS - HEAT.rampStartS) / (HEAT.rampEndS - HEAT.rampStartS);
  if (tS <= HEAT.plateauEndS) return 1;
  return Math.exp(-(tS - HEAT.plateauEndS) / HEAT.coolTauS);
}

function spatialShape(r: number): number {
  const g = Math.exp(-(r * r) / (2 * 3.5 * 3.5));
  if (r <= 5) return g;
  if (r >= 6.5) return 0;
  return g * Math.cos(((r - 5) / 1.5) * (Math.PI / 2)) ** 2;
}

/** exact CEM43 (min) of a linear segment, independent re-statement of Sapareto & Dewey 1984 */
function cem43Linear(dtS: number, t0: number, t1: number): number {
  // fine midpoint quadrature is plenty for the truth (R^(43−T) smooth on each side of 43 °C)
  const n = 200;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const T = t0 + ((t1 - t0) * (i + 0.5)) / n;
    s += (T >= 43 ? 0.5 : 0.25) ** (43 - T);
  }
  return (s * dtS) / n / 60;
}

function quantile7(v: number[], p: number): number {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

/** per-voxel time average of a piecewise-linear curve over [a, b] */
function timeAverage(timeS: number[], y: number[], a: number, b: number): number {
  let integral = 0;
  for (let t = 1; t < timeS.length; t++) {
    const lo = Math.max(timeS[t - 1], a);
    const hi = Math.min(timeS[t], b);
    if (!(hi > lo)) continue;
    const at = (x: number) => y[t - 1] + ((y[t] - y[t - 1]) * (x - timeS[t - 1])) / (timeS[t] - timeS[t - 1]);
    integral += ((at(lo) + at(hi)) / 2) * (hi - lo);
  }
  return integral / (b - a);
}

const wrap = (x: number) => {
  const w = x - 2 * Math.PI * Math.round(x / (2 * Math.PI));
  return w <= -Math.PI ? w + 2 * Math.PI : w;
};

export const releaseArm: DemoArm = {
  name: "release",
  seedOffset: 141,
  write(dir: string, demo: DemoStudy, rng: Rng) {
    const out = join(dir, "release");
    mkdirSync(out, { recursive: true });
    mkdirSync(join(dir, "truth", "release"), { recursive: true });
    const { nx, ny, nz, frames, frameS, baselineFrames } = RELEASE_GRID;
    const nvox = nx * ny * nz;
    const timeS = Array.from({ length: frames }, (_, i) => i * frameS);
    const r1TimesS = R1_FRAMES.map((f) => timeS[f]);
    const radPerC = 2 * Math.PI * 42.577478e6 * -0.01e-6 * FIELD_T * (TE_MS / 1000);
    const radius = new Float64Array(nvox);
    for (let k = 0; k < nz; k++)
      for (let j = 0; j < ny; j++)
        for (let i = 0; i < nx; i++) radius[i + nx * (j + ny * k)] = Math.hypot(i - 7.5, j - 7.5);
    const target = Float32Array.from(radius, (r) => (r <= 4 ? 1 : 0));
    const drift = Float32Array.from(radius, (r) => (r >= 7 ? 1 : 0));
    const geom = { dims: [nx, ny, nz], spacingMm: SPACING, affine: identityAffine(SPACING) };

    // in-vitro release curves per carrier
    const invitroFile: Record<Carrier, string> = { TSL: "", NTSL: "" };
    for (const c of Object.keys(INVITRO) as Carrier[]) {
      const lines = ["temperature_C,time_s,fraction"];
      for (const T of INVITRO[c].temps)
        for (const t of INVITRO[c].times) {
          const f = 1 - Math.exp(-kOf(c, T) * t);
          lines.push(`${T},${t},${(t === 0 ? 0 : f + rng.normal(0, 0.01)).toFixed(4)}`);
        }
      invitroFile[c] = `release/invitro_${c}.csv`;
      writeFileSync(join(dir, invitroFile[c]), `${lines.join("\n")}\n`);
    }

    const imaging = demo.truth.subjects.filter((s) => s.imaging);
    const plan: { id: string; carrier: Carrier }[] = [
      { id: imaging.find((s) => s.group === "UNP")?.id ?? imaging[0].id, carrier: "TSL" },
      { id: imaging.filter((s) => s.group === "UNP")[1]?.id ?? imaging[1].id, carrier: "TSL" },
      { id: imaging.find((s) => s.group === "TNP")?.id ?? imaging[2].id, carrier: "TSL" },
      { id: imaging.filter((s) => s.group === "TNP")[1]?.id ?? imaging[3].id, carrier: "NTSL" },
    ];
    const scans: Scan[] = [];
    const truthSubjects = [];
    for (const { id, carrier } of plan) {
      const s = demo.truth.subjects.find((x) => x.id === id);
      if (!s) continue;
      const dTmax = rng.between(5.5, 6.5);
      const driftTotal = rng.between(0.3, 0.5);
      // truth temperatures [voxel][frame]
      const dT = new Float64Array(nvox * frames);
      for (let v = 0; v < nvox; v++)
        for (let f = 0; f < frames; f++)
          dT[v * frames + f] = dTmax * spatialShape(radius[v]) * heatingShape(timeS[f]);
      const phase = new Float32Array(nvox * frames);
      for (let v = 0; v < nvox; v++) {
        const phi0 = rng.between(-Math.PI, Math.PI);
        for (let f = 0; f < frames; f++)
          phase[f * nvox + v] = wrap(
            phi0 +
              radPerC * dT[v * frames + f] +
              (driftTotal * timeS[f]) / timeS[frames - 1] +
              rng.normal(0, 0.01),
          );
      }
      // release per voxel under the piecewise-linear history, R1 maps
      const nr = R1_FRAMES.length;
      const r1 = new Float32Array(nvox * nr);
      const r1Full = new Float32Array(nvox);
      const conc = new Float64Array(nvox);
      const fVox = new Float64Array(nvox * nr);
      const cem = new Float32Array(nvox);
      for (let v = 0; v < nvox; v++) {
        const T = (f: number) => BODY_C + dT[v * frames + f];
        // cumulative ∫k dt at every frame by composite Simpson per interval
        const cumK = new Float64Array(frames);
        let dose = 0;
        for (let f = 1; f < frames; f++) {
          const m = 40;
          const h = (timeS[f] - timeS[f - 1]) / m;
          let sum = 0;
          for (let q = 0; q <= m; q++) {
            const w = q === 0 || q === m ? 1 : q % 2 ? 4 : 2;
            sum += w * kOf(carrier, T(f - 1) + ((T(f) - T(f - 1)) * q) / m);
          }
          cumK[f] = cumK[f - 1] + (sum * h) / 3;
          dose += cem43Linear(timeS[f] - timeS[f - 1], T(f - 1), T(f));
        }
        cem[v] = dose;
        const r1pre = 1 / (1.9 * rng.logNormal(1, 0.05));
        const c = target[v] > 0 ? 0.4 * rng.logNormal(1, 0.3) : 0.05 * rng.logNormal(1, 0.3);
        conc[v] = c;
        r1Full[v] = r1pre + R1_FREE * c + rng.normal(0, 0.005);
        R1_FRAMES.forEach((f, q) => {
          const fr = 1 - Math.exp(-cumK[f]);
          fVox[v * nr + q] = fr;
          r1[q * nvox + v] = r1pre + R1_ENC * c * (1 - fr) + R1_FREE * c * fr + rng.normal(0, 0.005);
        });
      }
      const base = `release/${id}`;
      writeNifti(
        join(dir, `${base}_prf_phase.nii.gz`),
        { ...geom, dims: [nx, ny, nz, frames], data: phase, frameS } as Volume,
        { description: "PRF phase (rad)" },
      );
      writeNifti(join(dir, `${base}_target_mask.nii.gz`), { ...geom, data: target } as Volume, {
        datatype: "uint8",
        description: "heated tumour (target ROI)",
      });
      writeNifti(join(dir, `${base}_drift_mask.nii.gz`), { ...geom, data: drift } as Volume, {
        datatype: "uint8",
        description: "unheated drift reference",
      });
      writeNifti(join(dir, `${base}_R1.nii.gz`), { ...geom, dims: [nx, ny, nz, nr], data: r1 } as Volume, {
        description: "R1 (1/s) series",
      });
      writeNifti(join(dir, `${base}_R1_full.nii.gz`), { ...geom, data: r1Full } as Volume, {
        description: "R1 (1/s) after complete release",
      });
      writeNifti(join(dir, `truth/release/${id}_CEM43_min.nii.gz`), { ...geom, data: cem } as Volume, {
        description: "truth CEM43 (min)",
      });
      // ROI truth
      const roi = [...Array(nvox).keys()].filter((v) => target[v] > 0);
      const roiMeanDT = timeS.map((_, f) => roi.reduce((a, v) => a + dT[v * frames + f], 0) / roi.length);
      const cems = roi.map((v) => cem[v]);
      const avgT = roi.map((v) =>
        timeAverage(
          timeS,
          timeS.map((_, f) => BODY_C + dT[v * frames + f]),
          HEAT.rampEndS,
          HEAT.plateauEndS,
        ),
      );
      const cw = roi.reduce((a, v) => a + conc[v], 0);
      const fracRoi = R1_FRAMES.map((_, q) => roi.reduce((a, v) => a + conc[v] * fVox[v * nr + q], 0) / cw);
      const t0 = Date.parse(s.injectionTime) + 24 * 3600_000;
      const time = new Date(t0).toISOString().replace(".000Z", "Z");
      const prfId = `${id}-PRF`;
      scans.push(
        {
          id: prfId,
          subject: id,
          modality: "MRI",
          time,
          files: [`${base}_prf_phase.nii.gz`, `${base}_target_mask.nii.gz`, `${base}_drift_mask.nii.gz`],
          purpose: "prf",
          acquisition: {
            tumour: "tumour_psma",
            teMs: TE_MS,
            fieldStrengthT: FIELD_T,
            baselineFrames,
            frameS,
            bodyTempC: BODY_C,
            driftOrder: 0,
            heatingStartS: HEAT.rampEndS,
            heatingEndS: HEAT.plateauEndS,
            heating: "MR-guided focused ultrasound, 42 °C target",
          },
        },
        {
          id: `${id}-R1`,
          subject: id,
          modality: "MRI",
          time,
          files: [`${base}_R1.nii.gz`, `${base}_R1_full.nii.gz`, `${base}_target_mask.nii.gz`],
          purpose: "r1-series",
          acquisition: {
            tumour: "tumour_psma",
            prfScan: prfId,
            timesS: r1TimesS,
            carrier,
            carrierDescription:
              carrier === "TSL"
                ? "lysolipid temperature-sensitive liposomes, Gd (ProHance) + doxorubicin"
                : "non-temperature-sensitive liposomes (HSPC/chol), Gd (ProHance) + doxorubicin",
            invitro: invitroFile[carrier],
            r1FreePerMmS: R1_FREE,
            r1EncapsulatedPerMmS: R1_ENC,
            drugPerGdRatio: 0.1,
            fieldStrengthT: FIELD_T,
          },
        },
      );
      truthSubjects.push({
        subject: id,
        tumour: "tumour_psma",
        carrier,
        dTmaxCentre_C: dTmax,
        driftTotal_rad: driftTotal,
        timeS,
        dT_C_roiMean: roiMeanDT,
        CEM43_min_roiMean: cems.reduce((a, b) => a + b, 0) / cems.length,
        CEM43_min_roiMedian: quantile7(cems, 0.5),
        T10_C: quantile7(avgT, 0.9),
        T50_C: quantile7(avgT, 0.5),
        T90_C: quantile7(avgT, 0.1),
        r1TimesS,
        releasedFraction: fracRoi,
        gdTotal_mM_roiMean: cw / roi.length,
      });
    }
    return {
      scans,
      truth: {
        description:
          "PRF thermometry and Gd release; releasedFraction is the Gd-weighted ROI mean Σc·f/Σc measured by ROI-mean R1",
        kinetics: RELEASE_KINETICS,
        radPerC,
        heatingWindowS: [HEAT.rampEndS, HEAT.plateauEndS],
        subjects: truthSubjects,
      },
    };
  },
};
