/**
 * Per-lesion uptake from a PET (or quantitative SPECT) activity-concentration volume and a
 * lesion label map: body-weight SUV statistics (suv.ts: SUVmax, SUVpeak on the PERCIST 1 cm³
 * sphere, SUVmean), lesion volume, %ID and lesion-to-blood ratio.
 *
 *   decay factor   D = exp(−ln2·Δt/T½),  Δt = scan start − injection
 *   C_scan         voxel activity concentration at scan start (Bq/mL) = value·u, or value·u·D when
 *                  the image is decay-corrected to the injection time (u: Bq/mL per image unit)
 *   SUV [g/mL]     = C_scan · W[g] / (A_inj[Bq] · D)      (1 g/mL tissue; QIBA/PERCIST SUVbw)
 *   %ID            = 100 · Σ_lesion C_scan·V_voxel / (A_inj · D) = 100 · SUVmean · V[mL] / W[g]
 *                    (the fraction of the injected activity in the lesion, decay-corrected to injection)
 *   lesion-to-blood = SUVmean(lesion) / SUVmean(blood-pool VOI)
 *
 * No decay correction within the frame (the standard SUV convention; for Cu-64 a 10-min frame
 * changes D by < 0.5 %). Labels: 0 background, positive integers lesions (one value per lesion);
 * the blood-pool VOI label, when given, is not a lesion. Layout x fastest, then y, then z.
 */
import { InputError } from "../errors.js";
import { decayFactor } from "../nuclide/decay.js";
import { getNuclide } from "../nuclide/nuclides.js";
import { lesionSuv, maskMean, type VolumeGrid } from "./suv.js";

export type ImageDecayReference = "scan" | "injection";

export interface PetLesionOptions {
  weightKg: number;
  injectedMBq: number;
  nuclide: string;
  /** scan start − injection (s), ≥ 0 */
  uptakeS: number;
  /** voxel values are concentrations at scan start (default) or decay-corrected to injection */
  imageReference?: ImageDecayReference;
  /** Bq/mL per image unit (1 for Bq/mL) */
  bqPerMlPerUnit?: number;
  /** label of a blood-pool VOI (lesion-to-blood ratios), not a lesion */
  bloodLabel?: number;
}

export interface PetLesionRow {
  lesion: string;
  label: number;
  SUVmax: number;
  SUVpeak: number;
  SUVmean: number;
  volume_ml: number;
  pctID: number;
  lesion_to_blood: number | null;
  voxels: number;
  peak_voxels: number;
}

export interface SuvScale {
  decay_factor: number;
  injected_at_scan_MBq: number;
  /** SUV per image unit */
  suv_per_unit: number;
}

export function suvScale(o: PetLesionOptions): SuvScale {
  const n = getNuclide(o.nuclide);
  if (!(o.weightKg > 0 && o.weightKg <= 1000))
    throw new InputError({ field: "weight", value: o.weightKg, expected: "a body weight in (0, 1000] kg" });
  if (!(o.injectedMBq > 0 && Number.isFinite(o.injectedMBq)))
    throw new InputError({
      field: "injected activity",
      value: o.injectedMBq,
      expected: "an activity > 0 MBq",
    });
  if (!(o.uptakeS >= 0 && Number.isFinite(o.uptakeS)))
    throw new InputError({
      field: "scan time",
      value: o.uptakeS,
      expected: "a scan at or after the injection (uptake time ≥ 0 s)",
    });
  const u = o.bqPerMlPerUnit ?? 1;
  if (!(u > 0))
    throw new InputError({ field: "image units", value: u, expected: "a positive Bq/mL per unit" });
  const D = decayFactor(n.name, o.uptakeS);
  const atScanBq = o.injectedMBq * 1e6 * D;
  const toScan = (o.imageReference ?? "scan") === "injection" ? D : 1;
  return {
    decay_factor: D,
    injected_at_scan_MBq: atScanBq / 1e6,
    suv_per_unit: (u * toScan * o.weightKg * 1000) / atScanBq,
  };
}

/** the distinct positive labels of a label map (checked: finite non-negative integers) */
export function labelValues(labels: ArrayLike<number>): number[] {
  const set = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (v === 0) continue;
    if (!(Number.isInteger(v) && v > 0))
      throw new InputError({
        field: "label map",
        value: { voxel: i, value: v },
        expected: "labels 0 (background) or positive integers",
      });
    set.add(v);
  }
  return [...set].sort((a, b) => a - b);
}

export function petLesionTable(
  values: ArrayLike<number>,
  grid: VolumeGrid,
  labels: ArrayLike<number>,
  o: PetLesionOptions,
): { rows: PetLesionRow[]; scale: SuvScale; bloodSUVmean: number | null } {
  const n = grid.dims[0] * grid.dims[1] * grid.dims[2];
  if (values.length !== n || labels.length !== n)
    throw new InputError({
      field: "label map",
      value: { image: values.length, labels: labels.length },
      expected: `${n} voxels in both (the same grid)`,
    });
  const scale = suvScale(o);
  const suv = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (!Number.isFinite(v))
      throw new InputError({
        field: "image",
        value: { voxel: i, value: v },
        expected: "finite voxel values",
      });
    suv[i] = v * scale.suv_per_unit;
  }
  const all = labelValues(labels);
  let blood: number | null = null;
  if (o.bloodLabel !== undefined) {
    if (!all.includes(o.bloodLabel))
      throw new InputError({
        field: "blood label",
        value: o.bloodLabel,
        expected: `a label present in the label map (${all.join(", ") || "none"})`,
      });
    blood = maskMean(suv, maskOf(labels, o.bloodLabel));
  }
  const lesions = all.filter((l) => l !== o.bloodLabel);
  if (lesions.length === 0)
    throw new InputError({ field: "label map", expected: "at least one lesion label (a positive value)" });
  const voxMl = (grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2]) / 1000;
  const rows = lesions.map((label) => {
    const s = lesionSuv(suv, grid, maskOf(labels, label));
    return {
      lesion: String(label),
      label,
      SUVmax: s.suv_max,
      SUVpeak: s.suv_peak,
      SUVmean: s.suv_mean,
      volume_ml: s.voxels * voxMl,
      pctID: (100 * s.suv_mean * s.voxels * voxMl) / (o.weightKg * 1000),
      lesion_to_blood: blood !== null && blood > 0 ? s.suv_mean / blood : null,
      voxels: s.voxels,
      peak_voxels: s.peak_voxels,
    };
  });
  return { rows, scale, bloodSUVmean: blood };
}

function maskOf(labels: ArrayLike<number>, label: number): Uint8Array {
  const m = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) if (labels[i] === label) m[i] = 1;
  return m;
}
