/**
 * CT tissue classes by Hounsfield thresholds (defaults for mouse micro-CT; adjustable):
 *   outside air: components of HU < −850 touching the grid border; body = the rest, holes filled;
 *   lung: HU < −250 inside the body minus its one-voxel skin shell (the skin's partial-volume
 *   voxels mix air and tissue to lung-like HU); bone HU ≥ 500 (above iodinated blood-pool
 *   contrast, ≈ 250–350 HU); soft tissue otherwise
 * Output classes: 0 outside air, 1 lung (and enclosed gas), 2 soft tissue, 3 bone. The body
 * mask is every non-outside voxel with holes filled.
 */
import { connectedComponents } from "./components.js";
import { erode, fillHoles } from "./morphology.js";

export const CT_CLASSES = { air: 0, lung: 1, soft: 2, bone: 3 } as const;

export interface CtThresholds {
  airMaxHU: number;
  lungMaxHU: number;
  boneMinHU: number;
}

export const DEFAULT_CT_THRESHOLDS: CtThresholds = { airMaxHU: -850, lungMaxHU: -250, boneMinHU: 500 };

export function ctClasses(
  hu: ArrayLike<number>,
  dims: number[],
  t: Partial<CtThresholds> = {},
  spacing: number[] = [1, 1, 1],
): Uint8Array {
  const th = { ...DEFAULT_CT_THRESHOLDS, ...t };
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  // outside air: components of HU < airMax touching the grid border
  const air = Uint8Array.from({ length: n }, (_, v) => (hu[v] < th.airMaxHU ? 1 : 0));
  const { labels } = connectedComponents(air, dims, 6);
  const border = new Set<number>();
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) {
          const l = labels[i + nx * (j + ny * k)];
          if (l) border.add(l);
        }
  const body = fillHoles(
    Uint8Array.from(labels, (l) => (l && border.has(l) ? 0 : 1)),
    dims,
  );
  // the skin's partial-volume shell (air + tissue, HU between air and lung) is not lung
  const interior = erode(body, dims, spacing, Math.min(...spacing) * 1.01);
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (!body[v]) out[v] = CT_CLASSES.air;
    else if (hu[v] < th.lungMaxHU) out[v] = interior[v] ? CT_CLASSES.lung : CT_CLASSES.soft;
    else out[v] = hu[v] >= th.boneMinHU ? CT_CLASSES.bone : CT_CLASSES.soft;
  }
  return out;
}

export function bodyMask(classes: ArrayLike<number>, dims: number[]): Uint8Array {
  return fillHoles(
    Uint8Array.from(classes as ArrayLike<number>, (c) => (c !== CT_CLASSES.air ? 1 : 0)),
    dims,
  );
}

/** binary mask lo ≤ value < hi */
export function thresholdMask(data: ArrayLike<number>, lo: number, hi: number): Uint8Array {
  return Uint8Array.from(data as ArrayLike<number>, (v) => (v >= lo && v < hi ? 1 : 0));
}
