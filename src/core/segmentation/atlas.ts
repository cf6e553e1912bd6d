/**
 * Analytic mouse organ atlas (made in this project; NOT derived from a real mouse atlas such as
 * Digimouse or MOBY): a ~25 g mouse as an ellipsoidal body with ellipsoidal organs and a
 * spine of ellipsoidal vertebral bodies, in an atlas frame in mm with the origin at the body centre, x right→left,
 * y posterior→anterior, z tail→head (close to the demo SPECT phantom's layout, src/study/demo/spect.ts,
 * centred; lungs kept 1 mm inside the body wall, a larger spleen). Where shapes overlap the later entry wins. Label values are the demo study's ROI
 * labels (heart 1 … tumour_flu 8) plus bladder 9 and bone 10; 0 = background/unlabelled body.
 *
 * Tissue intensity tables give a contrast-enhanced micro-CT (blood-pool agent; HU) and a
 * T2-weighted-MR-like contrast (arbitrary units, non-monotonic in HU) so multimodal
 * registration can be tested; rendering supersamples each voxel (partial-volume averaging).
 * Use: atlas-based initialisation (register the atlas CT to a subject CT, carry the labels),
 * and phantoms for validation.
 */
import type { Volume } from "../image/volume.js";
import { applyPoint } from "../registration/transform.js";

export interface AtlasShape {
  organ: string;
  label: number;
  kind: "ellipsoid" | "cylinder-z";
  centreMm: [number, number, number];
  /** ellipsoid radii, or [r, r, half-length] for the z-cylinder */
  radiiMm: [number, number, number];
}

export const ATLAS_BODY: AtlasShape = {
  organ: "body",
  label: 0,
  kind: "ellipsoid",
  centreMm: [0, 0, 0],
  radiiMm: [12, 9, 46],
};

export const ATLAS_SHAPES: AtlasShape[] = [
  { organ: "lung", label: 2, kind: "ellipsoid", centreMm: [-5.5, 1, 24], radiiMm: [3.5, 4, 7] },
  { organ: "lung", label: 2, kind: "ellipsoid", centreMm: [5.5, 1, 24], radiiMm: [3.5, 4, 7] },
  { organ: "heart", label: 1, kind: "ellipsoid", centreMm: [0, 2, 24], radiiMm: [4, 4, 4.5] },
  { organ: "liver", label: 3, kind: "ellipsoid", centreMm: [-1, 0, 11], radiiMm: [9, 6, 5] },
  { organ: "spleen", label: 4, kind: "ellipsoid", centreMm: [8.5, 0.5, 2], radiiMm: [2.5, 3, 5.5] },
  { organ: "kidney", label: 5, kind: "ellipsoid", centreMm: [-5.5, -4, -6], radiiMm: [2.5, 2.5, 4] },
  { organ: "kidney", label: 5, kind: "ellipsoid", centreMm: [5.5, -4, -6], radiiMm: [2.5, 2.5, 4] },
  { organ: "muscle", label: 6, kind: "ellipsoid", centreMm: [-5, 0, -34], radiiMm: [3, 3, 7] },
  { organ: "tumour_psma", label: 7, kind: "ellipsoid", centreMm: [11, 2, -18], radiiMm: [4, 4, 5] },
  { organ: "tumour_flu", label: 8, kind: "ellipsoid", centreMm: [-11, 2, -18], radiiMm: [4, 4, 5] },
  { organ: "bladder", label: 9, kind: "ellipsoid", centreMm: [0, -1, -40], radiiMm: [3, 3, 3] },
  // spine: vertebral bodies every 3 mm along z (discs in between are soft tissue)
  ...Array.from(
    { length: 26 },
    (_, i): AtlasShape => ({
      organ: "bone",
      label: 10,
      kind: "ellipsoid",
      centreMm: [0, -6, -39 + 3 * i],
      radiiMm: [1.6, 1.4, 1.15],
    }),
  ),
];

/** label → organ id (labels 1–10) */
export const ATLAS_ORGANS: Record<number, string> = Object.fromEntries(
  ATLAS_SHAPES.map((s) => [s.label, s.organ]),
);

/** tissue classes: "air" (outside the body), "soft" (unlabelled body), then the organs */
export type TissueTable = Record<string, number>;

/** contrast-enhanced micro-CT, HU */
export const CT_HU: TissueTable = {
  air: -1000,
  soft: 40,
  heart: 280,
  lung: -600,
  liver: 140,
  spleen: 180,
  kidney: 220,
  muscle: 60,
  tumour_psma: 90,
  tumour_flu: 90,
  bladder: 320, // iodine excreted in the urine
  bone: 900,
};

/** T2-weighted-MR-like contrast (a.u.) */
export const MR_T2: TissueTable = {
  air: 0,
  soft: 300,
  heart: 150,
  lung: 30,
  liver: 110,
  spleen: 420,
  kidney: 520,
  muscle: 200,
  tumour_psma: 620,
  tumour_flu: 580,
  bladder: 900,
  bone: 60,
};

function inShape(s: AtlasShape, x: number, y: number, z: number): boolean {
  const dx = (x - s.centreMm[0]) / s.radiiMm[0];
  const dy = (y - s.centreMm[1]) / s.radiiMm[1];
  if (s.kind === "cylinder-z") return dx * dx + dy * dy <= 1 && Math.abs(z - s.centreMm[2]) <= s.radiiMm[2];
  const dz = (z - s.centreMm[2]) / s.radiiMm[2];
  return dx * dx + dy * dy + dz * dz <= 1;
}

/** tissue at an atlas point: organ id, "soft" inside the body, "air" outside */
export function tissueAt(x: number, y: number, z: number): string {
  let t = inShape(ATLAS_BODY, x, y, z) ? "soft" : "air";
  for (const s of ATLAS_SHAPES) if (inShape(s, x, y, z)) t = s.organ;
  return t;
}

export function labelAt(x: number, y: number, z: number): number {
  let l = 0;
  for (const s of ATLAS_SHAPES) if (inShape(s, x, y, z)) l = s.label;
  return l;
}

export interface RenderGrid {
  dims: [number, number, number];
  affine: ArrayLike<number>;
}

/**
 * Atlas labels on a grid: voxel centre x (grid world) → atlas point toAtlas·x → label.
 */
export function renderLabels(grid: RenderGrid, toAtlas: ArrayLike<number>): Volume {
  const [nx, ny, nz] = grid.dims;
  const out = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const a = applyPoint(toAtlas, applyPoint(grid.affine, [i, j, k]));
        out[i + nx * (j + ny * k)] = labelAt(a[0], a[1], a[2]);
      }
  return volumeOf(grid, out);
}

/**
 * Tissue intensities on a grid, each voxel the mean over ss³ sub-points (partial volume);
 * `value` maps a tissue name to an intensity (a TissueTable or a function).
 */
export function renderIntensity(
  grid: RenderGrid,
  toAtlas: ArrayLike<number>,
  value: TissueTable | ((tissue: string) => number),
  ss = 3,
): Volume {
  const f = typeof value === "function" ? value : (t: string) => value[t] ?? value.soft;
  const cache = new Map<string, number>();
  const val = (t: string): number => {
    let v = cache.get(t);
    if (v === undefined) {
      v = f(t);
      cache.set(t, v);
    }
    return v;
  };
  const [nx, ny, nz] = grid.dims;
  const out = new Float32Array(nx * ny * nz);
  const offs: number[] = [];
  for (let s = 0; s < ss; s++) offs.push((s + 0.5) / ss - 0.5);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        let acc = 0;
        for (const dk of offs)
          for (const dj of offs)
            for (const di of offs) {
              const a = applyPoint(toAtlas, applyPoint(grid.affine, [i + di, j + dj, k + dk]));
              acc += val(tissueAt(a[0], a[1], a[2]));
            }
        out[i + nx * (j + ny * k)] = acc / offs.length ** 3;
      }
  return volumeOf(grid, out);
}

function volumeOf(grid: RenderGrid, data: Float32Array): Volume {
  const a = grid.affine;
  return {
    dims: [...grid.dims],
    spacingMm: [0, 1, 2].map((c) => Math.hypot(a[c], a[4 + c], a[8 + c])) as [number, number, number],
    affine: Float64Array.from(a),
    data,
  };
}

/**
 * The atlas grid: the body's bounding box plus a 3 mm margin at `spacingMm` isotropic, world =
 * atlas frame (so toAtlas is the identity).
 */
export function atlasGrid(spacingMm = 1): RenderGrid {
  const half = ATLAS_BODY.radiiMm.map((r) => r + 3);
  const dims = half.map((h) => Math.ceil((2 * h) / spacingMm)) as [number, number, number];
  const affine = Float64Array.from([
    spacingMm,
    0,
    0,
    -((dims[0] - 1) * spacingMm) / 2,
    0,
    spacingMm,
    0,
    -((dims[1] - 1) * spacingMm) / 2,
    0,
    0,
    spacingMm,
    -((dims[2] - 1) * spacingMm) / 2,
    0,
    0,
    0,
    1,
  ]);
  return { dims, affine };
}
