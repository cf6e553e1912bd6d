/**
 * 3D medial-axis thinning of a binary mask (Lee, Kashyap & Chu 1994, CVGIP: Graphical Models
 * and Image Processing 56:462), the algorithm of ImageJ's Skeletonize3D and scikit-image's
 * skeletonize_3d: repeated passes over the six border directions (order y−, y+, x+, x−, z+, z−
 * in the x-fastest layout, as scikit-image on a (z, y, x) array); each pass collects the border
 * voxels that are not end points (exactly one 26-neighbour), keep the Euler characteristic and
 * are simple (the 26-neighbours form one 26-connected component), then deletes them one by one
 * in scan order, re-checking simplicity. Until no direction deletes anything.
 * The predicates are computed directly rather than from Lee's tables: Euler invariance as zero
 * change of χ = V − E + F − C of the union of closed voxel cubes (26-connectivity) — the
 * vertices, edges and faces of the centre cube that no other foreground voxel shares, counted
 * as 8-octant, 4-voxel-edge and face-neighbour tests; connectivity by flood fill on 27-bit masks.
 * The mask is treated as surrounded by background.
 */

/** bit index of offset (dx, dy, dz) ∈ {−1, 0, 1}³ in the 27-bit neighbourhood word */
const bit = (dx: number, dy: number, dz: number) => dx + 1 + 3 * (dy + 1) + 9 * (dz + 1);
const CENTRE = bit(0, 0, 0);

/** 26-adjacency masks within the 3×3×3 block, centre excluded */
const ADJ: number[] = [];
/** per octant: the 7 non-centre voxels sharing the vertex */
const OCTANTS: number[] = [];
/** per cube edge: the 3 non-centre voxels sharing it */
const EDGES: number[] = [];
/** per face: the face neighbour */
const FACES: number[] = [];

(() => {
  for (let i = 0; i < 27; i++) {
    const [x, y, z] = [(i % 3) - 1, (Math.floor(i / 3) % 3) - 1, Math.floor(i / 9) - 1];
    let m = 0;
    for (let j = 0; j < 27; j++) {
      if (j === i || j === CENTRE) continue;
      const [u, v, w] = [(j % 3) - 1, (Math.floor(j / 3) % 3) - 1, Math.floor(j / 9) - 1];
      if (Math.max(Math.abs(u - x), Math.abs(v - y), Math.abs(w - z)) === 1) m |= 1 << j;
    }
    ADJ.push(i === CENTRE ? 0 : m);
  }
  for (const sx of [-1, 1])
    for (const sy of [-1, 1])
      for (const sz of [-1, 1]) {
        let m = 0;
        for (const a of [0, sx]) for (const b of [0, sy]) for (const c of [0, sz]) m |= 1 << bit(a, b, c);
        OCTANTS.push(m & ~(1 << CENTRE));
      }
  // edges parallel to each axis at the four (±, ±) positions of the other two axes
  for (let ax = 0; ax < 3; ax++)
    for (const s1 of [-1, 1])
      for (const s2 of [-1, 1]) {
        const o = [0, 0, 0];
        const others = [0, 1, 2].filter((a) => a !== ax);
        let m = 0;
        for (const a of [0, s1])
          for (const b of [0, s2]) {
            o[others[0]] = a;
            o[others[1]] = b;
            m |= 1 << bit(o[0], o[1], o[2]);
          }
        EDGES.push(m & ~(1 << CENTRE));
      }
  for (let ax = 0; ax < 3; ax++)
    for (const s of [-1, 1]) {
      const o = [0, 0, 0];
      o[ax] = s;
      FACES.push(1 << bit(o[0], o[1], o[2]));
    }
})();

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** change of the Euler characteristic when the centre voxel is removed is zero */
export function isEulerInvariant(nb: number): boolean {
  let d = -1; // the cube itself
  for (const m of OCTANTS) if ((nb & m) === 0) d++;
  for (const m of EDGES) if ((nb & m) === 0) d--;
  for (const m of FACES) if ((nb & m) === 0) d++;
  return d === 0;
}

/** the 26-neighbours (centre excluded) form at most one 26-connected component */
export function isSimpleNeighbourhood(nb: number): boolean {
  let rest = nb & ~(1 << CENTRE);
  if (rest === 0) return true;
  let comp = rest & -rest;
  for (;;) {
    let grow = comp;
    let m = comp;
    while (m) {
      const low = m & -m;
      grow |= ADJ[31 - Math.clz32(low)];
      m ^= low;
    }
    grow &= rest;
    if (grow === comp) break;
    comp = grow;
  }
  rest &= ~comp;
  return rest === 0;
}

export function isEndPoint(nb: number): boolean {
  return popcount(nb & ~(1 << CENTRE)) === 1;
}

/** thin a 3D mask (values > 0 are foreground, x fastest) to its skeleton (1 = skeleton) */
export function thinMask(mask: ArrayLike<number>, dims: [number, number, number]): Uint8Array {
  const [nx, ny, nz] = dims;
  const px = nx + 2;
  const py = ny + 2;
  const pz = nz + 2;
  const img = new Uint8Array(px * py * pz);
  let fg: number[] = [];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++)
        if (mask[x + nx * (y + ny * z)] > 0) {
          const i = x + 1 + px * (y + 1 + py * (z + 1));
          img[i] = 1;
          fg.push(i);
        }
  const sx = 1;
  const sy = px;
  const sz = px * py;
  const offsets: number[] = [];
  for (let k = 0; k < 27; k++) {
    const dx = (k % 3) - 1;
    const dy = (Math.floor(k / 3) % 3) - 1;
    const dz = Math.floor(k / 9) - 1;
    offsets.push(dx * sx + dy * sy + dz * sz);
  }
  const word = (i: number) => {
    let w = 0;
    for (let k = 0; k < 27; k++) if (img[i + offsets[k]]) w |= 1 << k;
    return w;
  };
  // border directions in scikit-image's order [4, 3, 2, 1, 5, 6] on (p, r, c) = (z, y, x)
  const borders = [-sy, sy, sx, -sx, sz, -sz].slice(0, nz === 1 ? 4 : 6);
  let unchanged = 0;
  const candidates: number[] = [];
  while (unchanged < borders.length) {
    unchanged = 0;
    for (const off of borders) {
      candidates.length = 0;
      for (const i of fg) {
        if (img[i] !== 1 || img[i + off] !== 0) continue;
        const w = word(i);
        if (isEndPoint(w) || !isEulerInvariant(w) || !isSimpleNeighbourhood(w)) continue;
        candidates.push(i);
      }
      let changed = false;
      for (const i of candidates)
        if (isSimpleNeighbourhood(word(i))) {
          img[i] = 0;
          changed = true;
        }
      if (!changed) unchanged++;
      else fg = fg.filter((i) => img[i] === 1);
    }
  }
  const out = new Uint8Array(nx * ny * nz);
  for (const i of fg) {
    const x = (i % px) - 1;
    const y = (Math.floor(i / px) % py) - 1;
    const z = Math.floor(i / (px * py)) - 1;
    out[x + nx * (y + ny * z)] = 1;
  }
  return out;
}
