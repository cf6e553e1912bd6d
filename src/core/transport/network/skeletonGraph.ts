/**
 * Vessel network from a segmented vessel image (binary mask, x fastest):
 *  1. skeleton by 3D thinning (thinning.ts, Lee et al. 1994 — equal to scikit-image's
 *     skeletonize_3d);
 *  2. graph: every skeleton voxel is a node at its voxel centre, 26-adjacent skeleton voxels are
 *     joined by a straight segment; of a triangle of mutually adjacent voxels the edge longer
 *     than both others is dropped (the diagonal short cuts of staircases and junctions);
 *  3. radii from the segmented volume: every mask voxel is assigned to the skeleton voxel its
 *     26-connected breadth-first wave reaches first; the skeleton is split into chains between
 *     nodes of degree ≠ 2 (a junction's voxels shared equally among its chains) and each chain
 *     gets r = √(V/(π·L)) — the cylinder with the chain's segmented volume and centreline length,
 *     so the network's lumen volume equals the mask volume;
 *  4. boundary nodes: an end point (degree 1) whose own segmented voxels (the end cap the
 *     thinning left) touch a chosen face of the image is extended by a segment to that face, where
 *     the inlet or outlet node sits; other end points are closed (dead ends carry no flow).
 * Limits: the skeleton of a thick or irregular segmentation has spurs and small loops; vessels
 * thinner than about two voxels are poorly represented; radii are chain averages (no tapering
 * within a chain); overlapping lumen at junctions is counted once (mask volume).
 */
import { InputError } from "../../errors.js";
import type { BoundaryNode, VesselNetwork } from "./graph.js";
import { thinMask } from "./thinning.js";

export type ImageFace = "x-" | "x+" | "y-" | "y+" | "z-" | "z+";
export const IMAGE_FACES: readonly ImageFace[] = ["x-", "x+", "y-", "y+", "z-", "z+"];

export interface MaskNetworkOptions {
  mask: ArrayLike<number>;
  dims: [number, number, number];
  spacingMm: [number, number, number];
  inletFaces: ImageFace[];
  outletFaces: ImageFace[];
  inletPressureMmHg: number;
  outletPressureMmHg: number;
  /** names the input in errors */
  source?: string;
}

export interface MaskNetwork extends VesselNetwork {
  /** skeleton voxel (x-fastest index) of every node; −1 for the boundary nodes on the faces */
  voxelOfNode: Int32Array;
  skeletonVoxels: number;
  maskVoxels: number;
  chains: number;
}

export function maskNetwork(o: MaskNetworkOptions): MaskNetwork {
  const [nx, ny, nz] = o.dims;
  const nvox = nx * ny * nz;
  const src = o.source ?? "mask";
  for (const f of o.inletFaces)
    if (o.outletFaces.includes(f))
      throw new InputError({
        field: "--inlet-faces/--outlet-faces",
        value: f,
        expected: "different faces for inlets and outlets",
      });
  let maskVoxels = 0;
  for (let i = 0; i < nvox; i++) if (o.mask[i] > 0) maskVoxels++;
  if (maskVoxels === 0)
    throw new InputError({
      file: src,
      field: "voxels",
      value: 0,
      expected: "a mask with vessel voxels (> 0)",
    });
  const skel = thinMask(o.mask, o.dims);
  const nodeOf = new Int32Array(nvox).fill(-1);
  const voxels: number[] = [];
  for (let i = 0; i < nvox; i++)
    if (skel[i]) {
      nodeOf[i] = voxels.length;
      voxels.push(i);
    }
  const nn = voxels.length;
  const [sx, sy, sz] = o.spacingMm;
  const ijk = (v: number) => [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))];
  // 26-neighbour offsets
  const offs: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) if (dx || dy || dz) offs.push([dx, dy, dz]);
  const neighbours = (v: number, cb: (w: number, d: [number, number, number]) => void) => {
    const [i, j, k] = ijk(v);
    for (const d of offs) {
      const a = i + d[0];
      const b = j + d[1];
      const c = k + d[2];
      if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
      cb(a + nx * (b + ny * c), d);
    }
  };
  const edgeLen = (d: [number, number, number]) => Math.hypot(d[0] * sx, d[1] * sy, d[2] * sz);
  // adjacency between skeleton nodes
  const adj: Map<number, number>[] = Array.from({ length: nn }, () => new Map());
  voxels.forEach((v, a) => {
    neighbours(v, (w, d) => {
      const b = nodeOf[w];
      if (b >= 0) adj[a].set(b, edgeLen(d));
    });
  });
  // drop the long edge of triangles
  const drop: [number, number][] = [];
  for (let a = 0; a < nn; a++)
    for (const [c, lac] of adj[a]) {
      if (c < a) continue;
      for (const [b, lab] of adj[a]) {
        if (b === c) continue;
        const lbc = adj[b].get(c);
        if (lbc !== undefined && lab < lac - 1e-12 && lbc < lac - 1e-12) {
          drop.push([a, c]);
          break;
        }
      }
    }
  for (const [a, c] of drop) {
    adj[a].delete(c);
    adj[c].delete(a);
  }
  // volume owned by each skeleton node (26-connected BFS from all skeleton voxels)
  const owner = new Int32Array(nvox).fill(-1);
  let queue = voxels.slice();
  voxels.forEach((v, a) => {
    owner[v] = a;
  });
  while (queue.length) {
    const next: number[] = [];
    for (const v of queue)
      neighbours(v, (w) => {
        if (owner[w] < 0 && o.mask[w] > 0) {
          owner[w] = owner[v];
          next.push(w);
        }
      });
    queue = next;
  }
  const ownVol = new Float64Array(nn);
  const voxVol = sx * sy * sz;
  for (let v = 0; v < nvox; v++) if (owner[v] >= 0) ownVol[owner[v]] += voxVol;
  // chains between nodes of degree ≠ 2
  const deg = adj.map((m) => m.size);
  const from: number[] = [];
  const to: number[] = [];
  const len: number[] = [];
  const chainOf: number[] = [];
  const chainVol: number[] = [];
  const chainLen: number[] = [];
  const visited = new Set<string>();
  const key = (a: number, b: number) => (a < b ? `${a},${b}` : `${b},${a}`);
  const walk = (start: number, first: number) => {
    const c = chainVol.length;
    let vol = deg[start] === 2 ? ownVol[start] : ownVol[start] / deg[start];
    let L = 0;
    let prev = start;
    let cur = first;
    for (;;) {
      const l = adj[prev].get(cur) as number;
      visited.add(key(prev, cur));
      from.push(prev);
      to.push(cur);
      len.push(l);
      chainOf.push(c);
      L += l;
      if (deg[cur] !== 2) {
        vol += ownVol[cur] / deg[cur];
        break;
      }
      if (cur === start) break; // a closed loop of degree-2 nodes
      vol += ownVol[cur];
      let nxt = -1;
      for (const w of adj[cur].keys()) if (w !== prev) nxt = w;
      prev = cur;
      cur = nxt;
    }
    chainVol.push(vol);
    chainLen.push(L);
  };
  for (let a = 0; a < nn; a++) {
    if (deg[a] === 2) continue;
    for (const b of adj[a].keys()) if (!visited.has(key(a, b))) walk(a, b);
  }
  // loops made only of degree-2 nodes
  for (let a = 0; a < nn; a++) {
    if (deg[a] !== 2) continue;
    for (const b of adj[a].keys()) if (!visited.has(key(a, b))) walk(a, b);
  }
  if (from.length === 0)
    throw new InputError({
      file: src,
      field: "skeleton",
      value: nn,
      expected: "a vessel mask whose skeleton has at least one segment (vessels longer than a voxel)",
    });
  // boundary: end points whose own segmented voxels (the vessel's end cap) touch a chosen face;
  // a segment extends each to the face plane (part of its chain)
  const touches = new Map<number, Set<ImageFace>>();
  for (let v = 0; v < nvox; v++) {
    const a = owner[v];
    if (a < 0 || deg[a] !== 1) continue;
    const c = ijk(v);
    for (const f of IMAGE_FACES) {
      const ax = f[0] === "x" ? 0 : f[0] === "y" ? 1 : 2;
      if (c[ax] !== (f[1] === "-" ? 0 : o.dims[ax] - 1)) continue;
      const set = touches.get(a) ?? new Set<ImageFace>();
      set.add(f);
      touches.set(a, set);
    }
  }
  const pos: number[] = [];
  voxels.forEach((v) => {
    const [i, j, k] = ijk(v);
    pos.push((i + 0.5) * sx, (j + 0.5) * sy, (k + 0.5) * sz);
  });
  const segOfEnd = new Map<number, number>();
  from.forEach((a, q) => {
    if (deg[a] === 1) segOfEnd.set(a, q);
    if (deg[to[q]] === 1) segOfEnd.set(to[q], q);
  });
  const boundary: BoundaryNode[] = [];
  for (let a = 0; a < nn; a++) {
    const faces = touches.get(a);
    if (!faces) continue;
    const fIn = o.inletFaces.find((f) => faces.has(f));
    const fOut = fIn ? undefined : o.outletFaces.find((f) => faces.has(f));
    const face = fIn ?? fOut;
    if (!face) continue;
    const ax = face[0] === "x" ? 0 : face[0] === "y" ? 1 : 2;
    const p = pos.slice(3 * a, 3 * a + 3);
    const d = p[ax] - (face[1] === "-" ? 0 : o.dims[ax] * o.spacingMm[ax]);
    p[ax] -= d;
    const node = pos.length / 3;
    pos.push(...p);
    const c = chainOf[segOfEnd.get(a) as number];
    from.push(a);
    to.push(node);
    len.push(Math.abs(d));
    chainOf.push(c);
    chainLen[c] += Math.abs(d);
    boundary.push({
      node,
      kind: fIn ? "inlet" : "outlet",
      pressureMmHg: fIn ? o.inletPressureMmHg : o.outletPressureMmHg,
    });
  }
  for (const kind of ["inlet", "outlet"] as const)
    if (!boundary.some((b) => b.kind === kind))
      throw new InputError({
        file: src,
        field: kind === "inlet" ? "--inlet-faces" : "--outlet-faces",
        value: (kind === "inlet" ? o.inletFaces : o.outletFaces).join(","),
        expected: `a face of the image that a vessel end reaches — no ${kind} found`,
      });
  const radiusUm = from.map(
    (_, q) => Math.sqrt(chainVol[chainOf[q]] / (Math.PI * chainLen[chainOf[q]])) * 1e3,
  );
  const positionMm = Float64Array.from(pos);
  return {
    positionMm,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    radiusUm: Float64Array.from(radiusUm),
    lengthMm: Float64Array.from(len),
    boundary,
    voxelOfNode: Int32Array.from({ length: positionMm.length / 3 }, (_, a) => (a < nn ? voxels[a] : -1)),
    skeletonVoxels: nn,
    maskVoxels,
    chains: chainVol.length,
  };
}
