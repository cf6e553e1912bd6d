/**
 * Segment ↔ voxel intersection: each straight segment is cut at every grid plane it crosses
 * (x = i·sx, y = j·sy, z = k·sz in the grid frame, mm) into pieces lying in one voxel each; a
 * piece's voxel is that of its midpoint, −1 outside the grid. Pieces carry their parameter range
 * [t0, t1] along the chord (fractions of the segment; the centreline length is shared in the same
 * proportions). Exact for straight segments: the crossing parameters are (plane − a)/(b − a).
 * Also the per-voxel geometry maps used by the DCE simulation: vessel volume fraction, wall
 * surface, and blood flow entering each voxel (the flux through its faces plus boundary inflow
 * inside it).
 */
import type { VesselNetwork } from "./graph.js";

export interface VoxelGrid {
  dims: [number, number, number];
  spacingMm: [number, number, number];
}

export interface SegmentPieces {
  /** pieces of segment s are start[s]…start[s+1], ordered from `from` to `to` */
  start: Int32Array;
  voxel: Int32Array;
  t0: Float64Array;
  t1: Float64Array;
}

export function voxelOf(grid: VoxelGrid, x: number, y: number, z: number): number {
  const i = Math.floor(x / grid.spacingMm[0]);
  const j = Math.floor(y / grid.spacingMm[1]);
  const k = Math.floor(z / grid.spacingMm[2]);
  const [nx, ny, nz] = grid.dims;
  if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return -1;
  return i + nx * (j + ny * k);
}

export function segmentPieces(net: VesselNetwork, grid: VoxelGrid): SegmentPieces {
  const ns = net.from.length;
  const start = new Int32Array(ns + 1);
  const voxel: number[] = [];
  const t0: number[] = [];
  const t1: number[] = [];
  const p = net.positionMm;
  const ts: number[] = [];
  for (let s = 0; s < ns; s++) {
    const a = 3 * net.from[s];
    const b = 3 * net.to[s];
    ts.length = 0;
    ts.push(0, 1);
    for (let ax = 0; ax < 3; ax++) {
      const pa = p[a + ax];
      const pb = p[b + ax];
      if (pa === pb) continue;
      const sp = grid.spacingMm[ax];
      const lo = Math.min(pa, pb) / sp;
      const hi = Math.max(pa, pb) / sp;
      for (let q = Math.ceil(lo); q <= Math.floor(hi); q++) {
        const t = (q * sp - pa) / (pb - pa);
        if (t > 0 && t < 1) ts.push(t);
      }
    }
    ts.sort((u, v) => u - v);
    let prev = 0;
    for (let q = 1; q < ts.length; q++) {
      const t = ts[q];
      if (t - prev <= 1e-12) continue;
      const m = (prev + t) / 2;
      const v = voxelOf(
        grid,
        p[a] + m * (p[b] - p[a]),
        p[a + 1] + m * (p[b + 1] - p[a + 1]),
        p[a + 2] + m * (p[b + 2] - p[a + 2]),
      );
      const last = voxel.length - 1;
      if (voxel.length > start[s] && voxel[last] === v) t1[last] = t;
      else {
        voxel.push(v);
        t0.push(prev);
        t1.push(t);
      }
      prev = t;
    }
    t1[t1.length - 1] = 1;
    start[s + 1] = voxel.length;
  }
  return { start, voxel: Int32Array.from(voxel), t0: Float64Array.from(t0), t1: Float64Array.from(t1) };
}

export interface VoxelGeometry {
  /** lumen (blood) volume per voxel volume */
  vesselFraction: Float64Array;
  /** wall surface per voxel, mm² */
  surfaceMm2: Float64Array;
  /** blood flow entering each voxel (faces + boundary inflow inside), mm³/s */
  inflowMm3PerS: Float64Array;
  voxelVolumeMm3: number;
}

/**
 * Lumen volume and surface shared among pieces by length; inflow: a segment crossing from voxel
 * u into voxel v ≠ u adds |Q| to v (the flow direction decides which voxel it enters), a
 * boundary node injecting flow inside voxel v adds its inflow to v.
 */
export function voxelGeometry(
  net: VesselNetwork,
  grid: VoxelGrid,
  pieces: SegmentPieces,
  flowMm3PerS: ArrayLike<number>,
  boundaryInflowMm3PerS: ArrayLike<number>,
): VoxelGeometry {
  const nv = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const vol = grid.spacingMm[0] * grid.spacingMm[1] * grid.spacingMm[2];
  const vf = new Float64Array(nv);
  const surf = new Float64Array(nv);
  const inflow = new Float64Array(nv);
  for (let s = 0; s < net.from.length; s++) {
    const r = net.radiusUm[s] * 1e-3;
    const len = net.lengthMm[s];
    const q = flowMm3PerS[s];
    for (let k = pieces.start[s]; k < pieces.start[s + 1]; k++) {
      const v = pieces.voxel[k];
      const l = (pieces.t1[k] - pieces.t0[k]) * len;
      if (v >= 0) {
        vf[v] += (Math.PI * r * r * l) / vol;
        surf[v] += 2 * Math.PI * r * l;
      }
      if (k === pieces.start[s]) continue;
      // the crossing between piece k−1 and piece k
      const entered = q > 0 ? v : pieces.voxel[k - 1];
      if (entered >= 0 && q !== 0) inflow[entered] += Math.abs(q);
    }
  }
  net.boundary.forEach((b, i) => {
    const q = boundaryInflowMm3PerS[i];
    if (!(q > 0)) return;
    const p = net.positionMm;
    const v = voxelOf(grid, p[3 * b.node], p[3 * b.node + 1], p[3 * b.node + 2]);
    if (v >= 0) inflow[v] += q;
  });
  return { vesselFraction: vf, surfaceMm2: surf, inflowMm3PerS: inflow, voxelVolumeMm3: vol };
}
