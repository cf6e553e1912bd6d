/**
 * Vessel network as a graph: nodes (positions in mm) joined by straight cylindrical segments
 * (radius µm, centreline length mm ≥ the chord), and pressure boundary nodes (inlets and
 * outlets). Geometry per segment: lumen volume V = π·r²·L, lateral wall surface S = 2π·r·L.
 * Positions are in the "grid frame": mm from the corner of the simulation grid (voxel (i, j, k)
 * spans [i·s, (i + 1)·s) along each axis), so voxel look-up is floor(x/s).
 * Also: validation with InputError, node–segment incidence (CSR) and connected components
 * (union–find with path halving; Tarjan 1975).
 */
import { InputError } from "../../errors.js";

export type BoundaryKind = "inlet" | "outlet";

export interface BoundaryNode {
  node: number;
  kind: BoundaryKind;
  pressureMmHg: number;
}

export interface VesselNetwork {
  /** node positions, mm (x, y, z interleaved; 3·nNodes) */
  positionMm: Float64Array;
  /** segment end nodes */
  from: Int32Array;
  to: Int32Array;
  radiusUm: Float64Array;
  /** centreline length, mm (≥ the distance between the end nodes) */
  lengthMm: Float64Array;
  boundary: BoundaryNode[];
}

export function nodeCount(n: VesselNetwork): number {
  return n.positionMm.length / 3;
}

export function segmentCount(n: VesselNetwork): number {
  return n.from.length;
}

/** chord length between the end nodes of segment s, mm */
export function chordLengthMm(n: VesselNetwork, s: number): number {
  const a = 3 * n.from[s];
  const b = 3 * n.to[s];
  const p = n.positionMm;
  return Math.hypot(p[b] - p[a], p[b + 1] - p[a + 1], p[b + 2] - p[a + 2]);
}

/** lumen volume π·r²·L, mm³ */
export function segmentVolumeMm3(n: VesselNetwork, s: number): number {
  const r = n.radiusUm[s] * 1e-3;
  return Math.PI * r * r * n.lengthMm[s];
}

/** lateral wall surface 2π·r·L, mm² */
export function segmentSurfaceMm2(n: VesselNetwork, s: number): number {
  return 2 * Math.PI * n.radiusUm[s] * 1e-3 * n.lengthMm[s];
}

/** Check array sizes, indices, radii, lengths and boundary nodes; `source` names the input. */
export function validateNetwork(n: VesselNetwork, source = "network"): void {
  const nn = n.positionMm.length / 3;
  if (!Number.isInteger(nn) || nn < 2)
    throw new InputError({ file: source, field: "nodes", value: nn, expected: "at least 2 nodes" });
  for (let i = 0; i < n.positionMm.length; i++)
    if (!Number.isFinite(n.positionMm[i]))
      throw new InputError({
        file: source,
        field: `nodes[${Math.floor(i / 3)}]`,
        value: n.positionMm[i],
        expected: "finite coordinates (mm)",
      });
  const ns = n.from.length;
  if (ns < 1) throw new InputError({ file: source, field: "segments", value: 0, expected: "≥ 1 segment" });
  if (n.to.length !== ns || n.radiusUm.length !== ns || n.lengthMm.length !== ns)
    throw new InputError({
      file: source,
      field: "segments",
      expected: "from, to, radius and length for every segment",
    });
  for (let s = 0; s < ns; s++) {
    const a = n.from[s];
    const b = n.to[s];
    if (!(a >= 0 && a < nn && b >= 0 && b < nn) || a === b)
      throw new InputError({
        file: source,
        field: `segments[${s}].from/to`,
        value: [a, b],
        expected: `two different node indices in 0…${nn - 1}`,
      });
    if (!(n.radiusUm[s] > 0 && Number.isFinite(n.radiusUm[s])))
      throw new InputError({
        file: source,
        field: `segments[${s}].radius_um`,
        value: n.radiusUm[s],
        expected: "a radius > 0 µm",
      });
    const chord = chordLengthMm(n, s);
    if (!(n.lengthMm[s] > 0 && Number.isFinite(n.lengthMm[s])) || n.lengthMm[s] < chord * (1 - 1e-9))
      throw new InputError({
        file: source,
        field: `segments[${s}].length_mm`,
        value: n.lengthMm[s],
        expected: `a length > 0 and ≥ the distance between its nodes (${chord} mm)`,
      });
  }
  const seen = new Set<number>();
  for (const [i, b] of n.boundary.entries()) {
    if (!(b.node >= 0 && b.node < nn) || seen.has(b.node))
      throw new InputError({
        file: source,
        field: `boundary[${i}].node`,
        value: b.node,
        expected: `a node index in 0…${nn - 1}, each at most once`,
      });
    seen.add(b.node);
    if (!Number.isFinite(b.pressureMmHg))
      throw new InputError({
        file: source,
        field: `boundary[${i}].pressure_mmHg`,
        value: b.pressureMmHg,
        expected: "a finite pressure (mmHg)",
      });
  }
  if (!n.boundary.some((b) => b.kind === "inlet") || !n.boundary.some((b) => b.kind === "outlet"))
    throw new InputError({
      file: source,
      field: "boundary",
      value: n.boundary.length,
      expected: "at least one inlet and one outlet node",
    });
}

/** node → incident segments (CSR): segments of node i are seg[start[i]…start[i+1]) */
export interface Incidence {
  start: Int32Array;
  seg: Int32Array;
}

export function incidence(n: VesselNetwork): Incidence {
  const nn = nodeCount(n);
  const start = new Int32Array(nn + 1);
  for (let s = 0; s < n.from.length; s++) {
    start[n.from[s] + 1]++;
    start[n.to[s] + 1]++;
  }
  for (let i = 0; i < nn; i++) start[i + 1] += start[i];
  const fill = start.slice(0, nn);
  const seg = new Int32Array(2 * n.from.length);
  for (let s = 0; s < n.from.length; s++) {
    seg[fill[n.from[s]]++] = s;
    seg[fill[n.to[s]]++] = s;
  }
  return { start, seg };
}

/** connected component label of every node (0…count−1, in order of first appearance) */
export function connectedComponents(n: VesselNetwork): { label: Int32Array; count: number } {
  const nn = nodeCount(n);
  const parent = Int32Array.from({ length: nn }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let s = 0; s < n.from.length; s++) {
    const a = find(n.from[s]);
    const b = find(n.to[s]);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  }
  const label = new Int32Array(nn).fill(-1);
  const ids = new Map<number, number>();
  for (let i = 0; i < nn; i++) {
    const r = find(i);
    let id = ids.get(r);
    if (id === undefined) {
      id = ids.size;
      ids.set(r, id);
    }
    label[i] = id;
  }
  return { label, count: ids.size };
}
