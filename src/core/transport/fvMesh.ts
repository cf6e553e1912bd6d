/**
 * Finite-volume meshes shared by the interstitial-pressure and particle-transport solvers.
 * A mesh is a set of control volumes (cells) joined by internal faces (cell a → cell b, area,
 * centre-to-centre distance) and boundary faces (cell → fixed exterior value at a distance).
 *  - radialSphereMesh(R, N): vertex-centred 1D spherical mesh, nodes r_i = i·R/(N−1), i = 0..N−1;
 *    nodes 0..N−2 are unknowns with control volumes [r_i − h/2, r_i + h/2] ∩ [0, R]; node N−1
 *    (r = R) is the Dirichlet node reached through the boundary face at r = R − h/2.
 *  - gridMesh(mask, dims, spacing): cell-centred Cartesian mesh of the voxels inside a mask
 *    (x fastest, NIfTI order). Faces to non-mask voxels are Dirichlet faces at half a voxel
 *    (the exterior value applies at the tissue surface). Edges of the box are Dirichlet on axes
 *    with more than one voxel; an axis of length 1 is treated as infinitely extended (no flux), so
 *    [n,1,1] is a 1D slab and [nx,ny,1] a 2D problem.
 * Units: lengths cm, areas cm², volumes cm³ (inputs in mm are converted here).
 */
import { InputError } from "../errors.js";

export interface FvMesh {
  kind: "sphere" | "grid";
  nCells: number;
  volumeCm3: Float64Array;
  faceA: Int32Array;
  faceB: Int32Array;
  faceAreaCm2: Float64Array;
  faceDistCm: Float64Array;
  /** boundary faces: owning cell, area, distance to the exterior value */
  bCell: Int32Array;
  bAreaCm2: Float64Array;
  bDistCm: Float64Array;
  /** boundary face axis (0 x, 1 y, 2 z; 0 for the sphere) and side (−1 low, +1 high) */
  bAxis: Int8Array;
  bSide: Int8Array;
  /** cell-centre coordinates, cm (sphere: radius in x, 0 in y, z) */
  centreCm: Float64Array;
  /** depth below the tissue surface of each cell centre, cm */
  depthCm: Float64Array;
  /** grid only: voxel index of each cell, and cell of each voxel (−1 outside) */
  voxelOfCell?: Int32Array;
  cellOfVoxel?: Int32Array;
  dims?: [number, number, number];
  spacingCm?: [number, number, number];
  /** sphere only: node radii including the Dirichlet node at R, cm */
  nodeRadiusCm?: Float64Array;
}

export function radialSphereMesh(radiusCm: number, nodes: number): FvMesh {
  if (!(radiusCm > 0)) throw new InputError({ field: "radius", value: radiusCm, expected: "a radius > 0" });
  if (!Number.isInteger(nodes) || nodes < 3)
    throw new InputError({ field: "nodes", value: nodes, expected: "an integer ≥ 3" });
  const h = radiusCm / (nodes - 1);
  const n = nodes - 1;
  const volume = new Float64Array(n);
  const centre = new Float64Array(3 * n);
  const depth = new Float64Array(n);
  const nodeR = new Float64Array(nodes);
  for (let i = 0; i < nodes; i++) nodeR[i] = i === nodes - 1 ? radiusCm : i * h;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(0, (i - 0.5) * h);
    const hi = (i + 0.5) * h;
    volume[i] = ((4 * Math.PI) / 3) * (hi ** 3 - lo ** 3);
    centre[3 * i] = nodeR[i];
    depth[i] = radiusCm - nodeR[i];
  }
  const nf = n - 1;
  const faceA = new Int32Array(nf);
  const faceB = new Int32Array(nf);
  const area = new Float64Array(nf);
  const dist = new Float64Array(nf).fill(h);
  for (let i = 0; i < nf; i++) {
    faceA[i] = i;
    faceB[i] = i + 1;
    area[i] = 4 * Math.PI * ((i + 0.5) * h) ** 2;
  }
  return {
    kind: "sphere",
    nCells: n,
    volumeCm3: volume,
    faceA,
    faceB,
    faceAreaCm2: area,
    faceDistCm: dist,
    bCell: Int32Array.of(n - 1),
    bAreaCm2: Float64Array.of(4 * Math.PI * (radiusCm - h / 2) ** 2),
    bDistCm: Float64Array.of(h),
    bAxis: Int8Array.of(0),
    bSide: Int8Array.of(1),
    centreCm: centre,
    depthCm: depth,
    nodeRadiusCm: nodeR,
  };
}

export function gridMesh(
  mask: ArrayLike<number>,
  dims: [number, number, number],
  spacingMm: [number, number, number],
): FvMesh {
  const [nx, ny, nz] = dims;
  const nvox = nx * ny * nz;
  if (!dims.every((d) => Number.isInteger(d) && d >= 1))
    throw new InputError({ field: "dims", value: dims, expected: "three integers ≥ 1" });
  if (mask.length !== nvox)
    throw new InputError({
      field: "mask",
      value: mask.length,
      expected: `${nvox} voxels (${dims.join("×")})`,
    });
  if (!spacingMm.every((s) => s > 0 && Number.isFinite(s)))
    throw new InputError({ field: "spacing", value: spacingMm, expected: "three voxel sizes > 0 mm" });
  const sp: [number, number, number] = [spacingMm[0] / 10, spacingMm[1] / 10, spacingMm[2] / 10];
  const cellOfVoxel = new Int32Array(nvox).fill(-1);
  let n = 0;
  for (let v = 0; v < nvox; v++) if (mask[v] > 0) cellOfVoxel[v] = n++;
  if (n === 0) throw new InputError({ field: "mask", expected: "at least one voxel inside the mask" });
  const voxelOfCell = new Int32Array(n);
  const centre = new Float64Array(3 * n);
  for (let v = 0; v < nvox; v++) {
    const c = cellOfVoxel[v];
    if (c < 0) continue;
    voxelOfCell[c] = v;
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    centre[3 * c] = (i + 0.5) * sp[0];
    centre[3 * c + 1] = (j + 0.5) * sp[1];
    centre[3 * c + 2] = (k + 0.5) * sp[2];
  }
  const vol = sp[0] * sp[1] * sp[2];
  const volume = new Float64Array(n).fill(vol);
  const areas = [sp[1] * sp[2], sp[0] * sp[2], sp[0] * sp[1]];
  const strides = [1, nx, nx * ny];
  const fa: number[] = [];
  const fb: number[] = [];
  const fAxis: number[] = [];
  const ba: number[] = [];
  const bAxis: number[] = [];
  const bSide: number[] = [];
  for (let c = 0; c < n; c++) {
    const v = voxelOfCell[c];
    const idx = [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
    for (let ax = 0; ax < 3; ax++) {
      if (dims[ax] === 1) continue;
      for (const side of [-1, 1]) {
        const q = idx[ax] + side;
        const inside = q >= 0 && q < dims[ax];
        const nb = inside ? cellOfVoxel[v + side * strides[ax]] : -1;
        if (nb >= 0) {
          if (side === 1) {
            fa.push(c);
            fb.push(nb);
            fAxis.push(ax);
          }
        } else {
          ba.push(c);
          bAxis.push(ax);
          bSide.push(side);
        }
      }
    }
  }
  const faceArea = Float64Array.from(fAxis, (ax) => areas[ax]);
  const faceDist = Float64Array.from(fAxis, (ax) => sp[ax]);
  return {
    kind: "grid",
    nCells: n,
    volumeCm3: volume,
    faceA: Int32Array.from(fa),
    faceB: Int32Array.from(fb),
    faceAreaCm2: faceArea,
    faceDistCm: faceDist,
    bCell: Int32Array.from(ba),
    bAreaCm2: Float64Array.from(bAxis, (ax) => areas[ax]),
    bDistCm: Float64Array.from(bAxis, (ax) => sp[ax] / 2),
    bAxis: Int8Array.from(bAxis),
    bSide: Int8Array.from(bSide),
    centreCm: centre,
    depthCm: surfaceDepthCm(cellOfVoxel, dims, sp),
    voxelOfCell,
    cellOfVoxel,
    dims: [nx, ny, nz],
    spacingCm: sp,
  };
}

/**
 * Depth of each mask voxel centre below the tissue surface: exact Euclidean distance to the
 * nearest non-mask voxel centre (or the virtual voxel just outside the box on axes longer than
 * 1), minus half a voxel along that direction approximated by half the smallest spacing.
 * Separable squared EDT (Felzenszwalb & Huttenlocher 2012, Theory Comput 8:415).
 */
function surfaceDepthCm(cellOfVoxel: Int32Array, dims: [number, number, number], sp: number[]): Float64Array {
  const [nx, ny, nz] = dims;
  const INF = 1e30;
  const f = new Float64Array(nx * ny * nz);
  for (let v = 0; v < f.length; v++) f[v] = cellOfVoxel[v] >= 0 ? INF : 0;
  const strides = [1, nx, nx * ny];
  for (let ax = 0; ax < 3; ax++) {
    const len = dims[ax];
    if (len === 1) continue;
    const others = [0, 1, 2].filter((a) => a !== ax);
    const s = sp[ax];
    // extended line with one virtual exterior sample at each end (index 0 and len+1)
    const g = new Float64Array(len + 2);
    const out = new Float64Array(len + 2);
    const vIdx = new Int32Array(len + 2);
    const z = new Float64Array(len + 3);
    for (let a = 0; a < dims[others[0]]; a++) {
      for (let b = 0; b < dims[others[1]]; b++) {
        const base = a * strides[others[0]] + b * strides[others[1]];
        g[0] = 0;
        g[len + 1] = 0;
        for (let q = 0; q < len; q++) g[q + 1] = f[base + q * strides[ax]];
        edt1d(g, s, out, vIdx, z);
        for (let q = 0; q < len; q++) f[base + q * strides[ax]] = out[q + 1];
      }
    }
  }
  const n = cellOfVoxel.reduce((m, c) => Math.max(m, c + 1), 0);
  const depth = new Float64Array(n);
  const half = Math.min(...sp.filter((_, ax) => dims[ax] > 1), Number.POSITIVE_INFINITY) / 2;
  for (let v = 0; v < f.length; v++) {
    const c = cellOfVoxel[v];
    if (c >= 0) depth[c] = f[v] >= INF ? Number.POSITIVE_INFINITY : Math.max(0, Math.sqrt(f[v]) - half);
  }
  return depth;
}

/** 1D squared distance transform of samples g (spacing s) into out */
function edt1d(g: Float64Array, s: number, out: Float64Array, v: Int32Array, z: Float64Array): void {
  const n = g.length;
  let k = 0;
  v[0] = 0;
  z[0] = Number.NEGATIVE_INFINITY;
  z[1] = Number.POSITIVE_INFINITY;
  const pos = (q: number) => q * s;
  for (let q = 1; q < n; q++) {
    if (g[q] >= 1e30) continue;
    if (g[v[k]] >= 1e30) {
      v[k] = q;
      continue;
    }
    let x: number;
    for (;;) {
      const p = v[k];
      x = (g[q] + pos(q) ** 2 - (g[p] + pos(p) ** 2)) / (2 * (pos(q) - pos(p)));
      if (x <= z[k] && k > 0) k--;
      else break;
    }
    k++;
    v[k] = q;
    z[k] = x;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < pos(q)) k++;
    out[q] = (pos(q) - pos(v[k])) ** 2 + g[v[k]];
  }
}
