/**
 * Demo arm "optical": head-to-head multispectral fluorescence imaging of a targeted and a passive
 * carrier in the same animals (the seed's RGD-pHPMA vs pHPMA, Kunjachan et al. 2013 ACS Nano
 * 7:252: the targeted carrier peaks earlier with a lower AUC). Four imaging mice are co-injected
 * with RGD-pHPMA-Dy750 ("targeted") and pHPMA-Dy676 ("passive"); at 7 time points (0.5–48 h) a
 * 16 × 16 × 1 planar multispectral stack at 8 emission wavelengths (680–820 nm) is acquired.
 * Per pixel: S(λ) = Σ_k c_k·ε_k(λ) + noise (1 % of the signal + 0.002), with Gaussian dye emission
 * spectra (peaks 700 and 775 nm, σ 18 nm; a 10 % red shoulder) and a broad decaying
 * autofluorescence (present everywhere, constant over time). Tumour (disc r ≤ 5 px) abundance
 * c(t)·u_px, u_px log-normal (SD 0.1), background 15 % of it; tumour curves
 *   c(t) = A·(e^{−ke·t} − e^{−ka·t})  (t in h),
 * passive ka 0.3/h, ke 0.02/h (peak ≈ 10 h), targeted ka 1.5/h, ke 0.08/h (peak ≈ 2 h), each
 * animal's A, ka, ke log-normal (SD 0.2, 0.15, 0.15). Spectra CSV at 5 nm (optical/spectra.csv),
 * evaluated from the same functions, so the wavelengths lie on its grid.
 * Truth (truth/optical.json): per animal and time the tumour-ROI mean abundances of every
 * component, and AUC (linear trapezoid over the sampled times, a.u.·h), peak and TTP per carrier.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { identityAffine, type Volume } from "../../../core/image/volume.js";
import type { Rng } from "../../../core/random.js";
import { writeNifti } from "../../../io/nifti.js";
import type { Scan } from "../../schema.js";
import type { DemoStudy } from "../generate.js";
import type { DemoArm } from "./index.js";

export const OPTICAL_TIMES_H = [0.5, 1, 2, 4, 8, 24, 48];
export const OPTICAL_WAVELENGTHS_NM = [680, 700, 720, 740, 760, 780, 800, 820];
const N = 16;
const COMPONENTS = ["targeted", "passive", "autofluorescence"] as const;

function spectrum(name: (typeof COMPONENTS)[number], nm: number): number {
  const g = (mu: number, s: number) => Math.exp(-((nm - mu) ** 2) / (2 * s * s));
  if (name === "targeted") return g(775, 18) + 0.1 * g(815, 25);
  if (name === "passive") return g(700, 18) + 0.1 * g(740, 25);
  return 0.6 * Math.exp(-(nm - 650) / 120);
}

function metrics(t: number[], y: number[]) {
  let auc = 0;
  let peak = Number.NEGATIVE_INFINITY;
  let ttp = 0;
  for (let i = 0; i < t.length; i++) {
    if (i > 0) auc += ((y[i] + y[i - 1]) / 2) * (t[i] - t[i - 1]);
    if (y[i] > peak) {
      peak = y[i];
      ttp = t[i];
    }
  }
  return { AUC_au_h: auc, peak_au: peak, TTP_h: ttp };
}

export const opticalArm: DemoArm = {
  name: "optical",
  seedOffset: 142,
  write(dir: string, demo: DemoStudy, rng: Rng) {
    mkdirSync(join(dir, "optical"), { recursive: true });
    const grid: number[] = [];
    for (let nm = 650; nm <= 850; nm += 5) grid.push(nm);
    writeFileSync(
      join(dir, "optical", "spectra.csv"),
      `wavelength_nm,${COMPONENTS.join(",")}\n${grid
        .map((nm) => [nm, ...COMPONENTS.map((c) => spectrum(c, nm).toFixed(6))].join(","))
        .join("\n")}\n`,
    );
    const spacing: [number, number, number] = [0.5, 0.5, 1];
    const geom = { dims: [N, N, 1], spacingMm: spacing, affine: identityAffine(spacing) };
    const nvox = N * N;
    const tumour = new Float32Array(nvox);
    for (let j = 0; j < N; j++)
      for (let i = 0; i < N; i++) tumour[i + N * j] = Math.hypot(i - 7.5, j - 7.5) <= 5 ? 1 : 0;
    const nw = OPTICAL_WAVELENGTHS_NM.length;
    const eps = COMPONENTS.map((c) => OPTICAL_WAVELENGTHS_NM.map((nm) => spectrum(c, nm)));
    const scans: Scan[] = [];
    const animals = [];
    for (const s of demo.truth.subjects.filter((x) => x.imaging).slice(0, 4)) {
      const base = `optical/${s.id}`;
      writeNifti(join(dir, `${base}_tumour_mask.nii.gz`), { ...geom, data: tumour } as Volume, {
        datatype: "uint8",
        description: "tumour ROI",
      });
      const p = {
        targeted: {
          A: rng.logNormal(1, 0.2),
          ka: 1.5 * rng.logNormal(1, 0.15),
          ke: 0.08 * rng.logNormal(1, 0.15),
        },
        passive: {
          A: rng.logNormal(1, 0.2),
          ka: 0.3 * rng.logNormal(1, 0.15),
          ke: 0.02 * rng.logNormal(1, 0.15),
        },
      };
      const curve = (c: "targeted" | "passive", t: number) =>
        p[c].A * (Math.exp(-p[c].ke * t) - Math.exp(-p[c].ka * t));
      const u = Array.from({ length: nvox }, () => rng.logNormal(1, 0.1));
      const af = Array.from({ length: nvox }, () => 0.5 * rng.logNormal(1, 0.1));
      const roiMean: Record<string, number[]> = { targeted: [], passive: [], autofluorescence: [] };
      for (const h of OPTICAL_TIMES_H) {
        const stack = new Float32Array(nvox * nw);
        const sums = [0, 0, 0];
        let nIn = 0;
        for (let v = 0; v < nvox; v++) {
          const w = tumour[v] > 0 ? u[v] : 0.15 * u[v];
          const c = [curve("targeted", h) * w, curve("passive", h) * w, af[v]];
          if (tumour[v] > 0) {
            for (let k = 0; k < 3; k++) sums[k] += c[k];
            nIn++;
          }
          for (let l = 0; l < nw; l++) {
            let sig = 0;
            for (let k = 0; k < 3; k++) sig += c[k] * eps[k][l];
            stack[l * nvox + v] = Math.max(0, sig * (1 + rng.normal(0, 0.01)) + rng.normal(0, 0.002));
          }
        }
        COMPONENTS.forEach((c, k) => {
          roiMean[c].push(sums[k] / nIn);
        });
        const file = `${base}_${String(h).replace(".", "p")}h_stack.nii.gz`;
        writeNifti(join(dir, file), { ...geom, dims: [N, N, 1, nw], data: stack } as Volume, {
          description: "multispectral fluorescence (a.u.), one volume per wavelength",
        });
        scans.push({
          id: `${s.id}-FLI-${String(h).replace(".", "p")}h`,
          subject: s.id,
          modality: "optical",
          time: new Date(Date.parse(s.injectionTime) + h * 3600_000).toISOString().replace(".000Z", "Z"),
          files: [file, `${base}_tumour_mask.nii.gz`],
          purpose: "multispectral",
          acquisition: {
            tumour: "tumour_psma",
            timeH: h,
            wavelengthsNm: OPTICAL_WAVELENGTHS_NM,
            spectra: "optical/spectra.csv",
            targeted: "targeted",
            passive: "passive",
            dyes: "targeted = RGD-pHPMA-Dy750, passive = pHPMA-Dy676 (co-injected)",
          },
        });
      }
      animals.push({
        subject: s.id,
        tumour: "tumour_psma",
        parameters: p,
        timesH: OPTICAL_TIMES_H,
        roiMeanAbundance: roiMean,
        targeted: metrics(OPTICAL_TIMES_H, roiMean.targeted),
        passive: metrics(OPTICAL_TIMES_H, roiMean.passive),
      });
    }
    return {
      scans,
      truth: {
        description:
          "multispectral fluorescence, targeted (RGD-pHPMA-Dy750) vs passive (pHPMA-Dy676) in the same animals; ROI-mean abundances per time",
        components: COMPONENTS,
        wavelengthsNm: OPTICAL_WAVELENGTHS_NM,
        animals,
      },
    };
  },
};
