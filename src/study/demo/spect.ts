/**
 * Demo SPECT volumes: a mouse phantom of ellipsoidal organs (label map values = ROI labels
 * in study.json) filled with the ground-truth activity concentration at the scan time
 * (Bq/mL, not decay-corrected, as SPECT reconstructions are usually stored), plus Gaussian
 * noise. Voxel grid: 32 × 24 × 64 at 1 × 1 × 1.5 mm (x: right→left, y: posterior→anterior,
 * z: tail→head). Partial-volume effects are not modelled, so ROI means recover the truth
 * within the noise.
 */
import type { Rng } from "../../core/random.js";
import { organPctIDperG, type SubjectTruth } from "./generate.js";

export const SPECT_DIMS = [32, 24, 64] as const;
export const SPECT_SPACING_MM = [1, 1, 1.5] as const;

interface Ellipsoid {
  label: number;
  roi: string;
  centreMm: [number, number, number];
  radiiMm: [number, number, number];
}

/** later entries win where ellipsoids overlap */
const PHANTOM: Ellipsoid[] = [
  { label: 2, roi: "lung", centreMm: [10, 13, 72], radiiMm: [4, 4, 7] },
  { label: 2, roi: "lung", centreMm: [22, 13, 72], radiiMm: [4, 4, 7] },
  { label: 1, roi: "heart", centreMm: [16, 14, 72], radiiMm: [4, 4, 4.5] },
  { label: 3, roi: "liver", centreMm: [15, 12, 59], radiiMm: [9, 6, 5] },
  { label: 4, roi: "spleen", centreMm: [24, 10, 52], radiiMm: [2.5, 2, 5] },
  { label: 5, roi: "kidney", centreMm: [10, 8, 46], radiiMm: [2.5, 2.5, 4] },
  { label: 5, roi: "kidney", centreMm: [22, 8, 46], radiiMm: [2.5, 2.5, 4] },
  { label: 6, roi: "muscle", centreMm: [11, 12, 14], radiiMm: [3, 3, 7] },
  { label: 7, roi: "tumour_psma", centreMm: [27, 14, 30], radiiMm: [4, 4, 5] },
  { label: 8, roi: "tumour_flu", centreMm: [5, 14, 30], radiiMm: [4, 4, 5] },
];
const BODY: Ellipsoid = { label: 0, roi: "body", centreMm: [16, 12, 48], radiiMm: [12, 9, 46] };

function inside(e: Ellipsoid, x: number, y: number, z: number): boolean {
  const dx = (x - e.centreMm[0]) / e.radiiMm[0];
  const dy = (y - e.centreMm[1]) / e.radiiMm[1];
  const dz = (z - e.centreMm[2]) / e.radiiMm[2];
  return dx * dx + dy * dy + dz * dz <= 1;
}

/** Label map (uint8, x fastest). */
export function spectLabels(): Uint8Array {
  const [nx, ny, nz] = SPECT_DIMS;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const p: [number, number, number] = [
          (i + 0.5) * SPECT_SPACING_MM[0],
          (j + 0.5) * SPECT_SPACING_MM[1],
          (k + 0.5) * SPECT_SPACING_MM[2],
        ];
        let label = 0;
        for (const e of PHANTOM) if (inside(e, ...p)) label = e.label;
        out[i + nx * (j + ny * k)] = label;
      }
  return out;
}

/** Body mask (soft-tissue background) as 1/0. */
function bodyMask(): Uint8Array {
  const [nx, ny, nz] = SPECT_DIMS;
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        out[i + nx * (j + ny * k)] = inside(
          BODY,
          (i + 0.5) * SPECT_SPACING_MM[0],
          (j + 0.5) * SPECT_SPACING_MM[1],
          (k + 0.5) * SPECT_SPACING_MM[2],
        )
          ? 1
          : 0;
  return out;
}

/**
 * Activity concentration volume (Bq/mL) at tH hours after injection.
 * C = %ID/g/100 · A_inj · decay(t) · 1 g/mL (tissue density 1 g/mL).
 */
export function spectVolume(
  s: SubjectTruth,
  labels: Uint8Array,
  tH: number,
  decayFactor: number,
  rng: Rng,
  noiseRel = 0.08,
): Float32Array {
  const roiOfLabel = new Map<number, string>();
  for (const e of PHANTOM) roiOfLabel.set(e.label, e.roi);
  const bqPerMlOf = (roi: string) => (organPctIDperG(s, roi, tH) / 100) * s.injectedMBq * 1e6 * decayFactor;
  const conc = new Map<number, number>();
  for (const [label, roi] of roiOfLabel) conc.set(label, bqPerMlOf(roi));
  const background = bqPerMlOf("muscle");
  const body = bodyMask();
  const out = new Float32Array(labels.length);
  for (let v = 0; v < labels.length; v++) {
    const c = labels[v] > 0 ? (conc.get(labels[v]) as number) : body[v] ? background : 0;
    out[v] = c > 0 ? Math.max(0, c * (1 + noiseRel * rng.normal())) : 0;
  }
  return out;
}
