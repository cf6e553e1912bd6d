/**
 * Structured step kernel of particleTransport.ts for grid meshes (gridMesh): the same explicit
 * Scharfetter–Gummel face fluxes and implicit local update, on the voxel box with a 7-point
 * stencil instead of face lists. Free concentrations in voxel order, padded by one z-plane of
 * zeros at both ends and double-buffered (read c_t, write c_t+dt); per cell (cell order, which is
 * voxel order inside the mask) one record of REC doubles: the coefficients (ca, cb) of the
 * cell's +x, +y and +z faces (0 where that face is not an internal face), a and k/φ — so the
 * sweep reads a handful of streams and needs no index indirection; k_L and the bound amounts b
 * are separate arrays, read only when the problem has lymphatics or binding (without them their
 * terms are exact zeros and b is constant, so skipping them changes no value). 1/lhs of the
 * implicit update is recomputed per cell (the same expression as the generic kernel's cached
 * one: memory traffic, not arithmetic, bounds this sweep). Each internal face flux ca·c_a − cb·c_b is computed once, by its −side
 * cell, and handed to its +side cell through a register (x), a row buffer (y) and a plane buffer
 * (z). A cell's balance is gathered in the order in which the generic kernel scatters it (−z,
 * −y, −x neighbour faces, then +x, +y, +z, then the cell's boundary faces, which stay a list
 * sorted by cell) with the same expressions, so the new fields are bit-identical to the generic
 * kernel's (missing faces add ±0, which changes no sum). Any run of z-planes can be advanced on
 * its own (`advancePlanes(k, scratch, z0, z1, …)`, the unit of work of the worker threads of
 * engine/transport): the −z fluxes into the first plane are recomputed from the plane below. The
 * booked sums are added per z-plane (cells in voxel order) into `partials`, then over the planes
 * in order (reducePartials) — the same numbers for any split of the planes.
 * Arrays are allocated through `alloc`, so the engine can put them on SharedArrayBuffers.
 */
import type { PreparedTransport, TransportStepper } from "./particleTransport.js";
import {
  bindingExact,
  OP,
  OP_BIND,
  OP_EXPLICIT,
  OP_FIRST,
  OP_STAGE,
  type RklBackend,
} from "./superTimeStep.js";

/** doubles per cell record (one 64-byte cache line): fxa, fxb, fya, fyb, fza, fzb, a, k/φ */
export const REC = 8;
const R_A = 6;
const R_KB = 7;

export interface GridKernel {
  nx: number;
  ny: number;
  nz: number;
  /** cells in the mesh */
  n: number;
  /** padding (one z-plane) in front of the padded arrays */
  pad: number;
  /** cell volume and its inverse (uniform on a grid), cm³ */
  vol: number;
  invV: number;
  kon: number;
  koff: number;
  /** per voxel: 0 outside the mesh, else 1 + number of the cell's boundary faces */
  kind: Uint8Array;
  /** per row (j + ny·k): first and one-past-last x index of the row's cells (empty: nx, nx) */
  rowLo: Int32Array;
  rowHi: Int32Array;
  /** per z-plane (nz + 1 prefixes): first boundary face, first cell */
  planeFace: Int32Array;
  planeCells: Int32Array;
  /** per cell, REC doubles (see REC) */
  rec: Float64Array;
  /** per cell: lymph k_L and bound amount b; hasLymph: some k_L > 0; hasBinding: k_on or k_off > 0 */
  kl: Float64Array;
  b: Float64Array;
  hasLymph: boolean;
  hasBinding: boolean;
  /** boundary faces: outward flux = bca·c − bcb·ext */
  bca: Float64Array;
  bcb: Float64Array;
  ext: Float64Array;
  /** free concentration, double-buffered, padded voxel order */
  c0: Float64Array;
  c1: Float64Array;
  /**
   * scheme rkl2 only (else empty): third stage buffer (padded voxel order), L(Y₀) per cell, and
   * per z-plane the negative values written by the last rkl2 op
   */
  c2: Float64Array;
  m0: Float64Array;
  negs: Float64Array;
  voxelOfCell: Int32Array;
}

/**
 * the +z fluxes of plane z0 − 1 (the −z fluxes into the first plane of a slab) into zbuf, in the
 * order and with the expressions of the sweeps that compute them for their own plane
 */
function belowPlaneFluxes(k: GridKernel, cin: Float64Array, zbuf: Float64Array, z0: number): void {
  const { nx, ny, kind, rowLo, rowHi, planeCells, rec, pad } = k;
  const nxy = nx * ny;
  let o = REC * planeCells[z0 - 1];
  for (let y = 0; y < ny; y++) {
    const r = y + ny * (z0 - 1);
    const base = nx * r;
    const hi = rowHi[r];
    for (let x = rowLo[r]; x < hi; x++) {
      const v = base + x;
      if (kind[v] === 0) {
        zbuf[x + nx * y] = 0;
        continue;
      }
      const q = v + pad;
      zbuf[x + nx * y] = rec[o + 4] * cin[q] - rec[o + 5] * cin[q + nxy];
      o += REC;
    }
  }
}

/** per-thread work buffers of advancePlanes: +y fluxes of the previous row, +z of the previous plane */
export interface GridScratch {
  ybuf: Float64Array;
  zbuf: Float64Array;
}

export type Alloc = (kind: "f64" | "i32" | "u8", length: number) => Float64Array | Int32Array | Uint8Array;

const heapAlloc: Alloc = (kind, length) =>
  kind === "f64"
    ? new Float64Array(length)
    : kind === "i32"
      ? new Int32Array(length)
      : new Uint8Array(length);

export function gridScratch(k: GridKernel): GridScratch {
  return { ybuf: new Float64Array(k.nx), zbuf: new Float64Array(k.nx * k.ny) };
}

/**
 * The structured kernel of a prepared problem on a grid mesh, or null when the mesh is not one
 * (not kind "grid", no voxel maps, cells not in voxel order, non-uniform volumes, or boundary
 * faces not sorted by cell).
 */
export function buildGridKernel(p: PreparedTransport, alloc: Alloc = heapAlloc): GridKernel | null {
  const m = p.mesh;
  if (m.kind !== "grid" || !m.dims || !m.voxelOfCell || !m.cellOfVoxel) return null;
  const [nx, ny, nz] = m.dims;
  const nxy = nx * ny;
  const nvox = nxy * nz;
  const n = p.n;
  const vol = m.volumeCm3[0];
  for (let i = 1; i < n; i++) if (m.volumeCm3[i] !== vol) return null;
  for (let i = 1; i < n; i++) if (m.voxelOfCell[i] <= m.voxelOfCell[i - 1]) return null;
  const bCell = m.bCell;
  for (let f = 1; f < bCell.length; f++) if (bCell[f] < bCell[f - 1]) return null;
  const f64 = (len: number) => alloc("f64", len) as Float64Array;
  const voxelOfCell = alloc("i32", n) as Int32Array;
  voxelOfCell.set(m.voxelOfCell);
  const pad = nxy;
  const len = nvox + 2 * pad;
  const k: GridKernel = {
    nx,
    ny,
    nz,
    n,
    pad,
    vol,
    invV: 1 / vol,
    kon: p.kon,
    koff: p.koff,
    kind: alloc("u8", nvox) as Uint8Array,
    rowLo: alloc("i32", ny * nz) as Int32Array,
    rowHi: alloc("i32", ny * nz) as Int32Array,
    planeFace: alloc("i32", nz + 1) as Int32Array,
    planeCells: alloc("i32", nz + 1) as Int32Array,
    rec: f64(REC * n),
    kl: f64(n),
    b: f64(n),
    hasLymph: p.kl.some((x) => x > 0),
    hasBinding: p.kon > 0 || p.koff > 0,
    bca: f64(p.bca.length),
    bcb: f64(p.bcb.length),
    ext: f64(p.ext.length),
    c0: f64(len),
    c1: f64(len),
    c2: f64(p.scheme === "rkl2" ? len : 0),
    m0: f64(p.scheme === "rkl2" ? n : 0),
    negs: f64(p.scheme === "rkl2" ? nz : 0),
    voxelOfCell,
  };
  k.bca.set(p.bca);
  k.bcb.set(p.bcb);
  k.ext.set(p.ext);
  k.kl.set(p.kl);
  k.b.set(p.b);
  const rec = k.rec;
  for (let c = 0; c < n; c++) {
    const v = voxelOfCell[c];
    k.kind[v] = 1;
    k.c0[v + pad] = p.c[c];
    rec[REC * c + R_A] = p.a[c];
    rec[REC * c + R_KB] = p.kb[c];
  }
  for (let f = 0; f < bCell.length; f++) k.kind[voxelOfCell[bCell[f]]]++;
  const faceA = m.faceA;
  const faceB = m.faceB;
  for (let f = 0; f < faceA.length; f++) {
    const ca = faceA[f];
    const diff = voxelOfCell[faceB[f]] - voxelOfCell[ca];
    const o = REC * ca;
    const axis = diff === 1 && nx > 1 ? 0 : diff === nx && ny > 1 ? 1 : diff === nxy && nz > 1 ? 2 : -1;
    if (axis < 0) return null;
    rec[o + 2 * axis] = p.ca[f];
    rec[o + 2 * axis + 1] = p.cb[f];
  }
  const cellOfVoxel = m.cellOfVoxel;
  let face = 0;
  for (let z = 0; z < nz; z++) {
    k.planeFace[z] = face;
    k.planeCells[z + 1] = k.planeCells[z];
    for (let y = 0; y < ny; y++) {
      const r = y + ny * z;
      const base = nx * r;
      let lo = nx;
      let hi = nx;
      for (let x = 0; x < nx; x++)
        if (cellOfVoxel[base + x] >= 0) {
          if (lo === nx) lo = x;
          hi = x + 1;
          k.planeCells[z + 1]++;
          face += k.kind[base + x] - 1;
        }
      k.rowLo[r] = lo;
      k.rowHi[r] = hi;
    }
  }
  k.planeFace[nz] = face;
  return k;
}

/** zero buf[off + i] for i in [lo, hi) outside [plo, phi) (stale entries of a shorter previous row) */
function zeroOutside(buf: Float64Array, off: number, lo: number, hi: number, plo: number, phi: number): void {
  for (let i = lo, e = Math.min(hi, plo); i < e; i++) buf[off + i] = 0;
  for (let i = Math.max(lo, phi); i < hi; i++) buf[off + i] = 0;
}

/**
 * Advance the cells of z-planes [z0, z1) by one step dt with plasma cp: reads the free field of
 * buffer `parity` (0: c0, 1: c1), writes the other, updates the bound amounts in place, and
 * writes each plane's sums [src, lym, out, in] to partials[(slot·nz + z)·4 + 0..3].
 */
export function advancePlanes(
  k: GridKernel,
  s: GridScratch,
  z0: number,
  z1: number,
  dt: number,
  cp: number,
  parity: 0 | 1,
  partials: Float64Array,
  slot: number,
): void {
  const { nx, ny, pad, kind, rowLo, rowHi, planeFace, planeCells, rec, bca, bcb, ext } = k;
  const { kl, b } = k;
  const { ybuf, zbuf } = s;
  // without lymphatics and binding, k_L·c, k_off·b, k_on·c are exact zeros and b stays constant
  const general = k.hasLymph || k.hasBinding;
  const kon = k.kon;
  const cin = parity === 0 ? k.c0 : k.c1;
  const cout = parity === 0 ? k.c1 : k.c0;
  const nxy = nx * ny;
  const V = k.vol;
  const dtInvV = dt * k.invV;
  const db = 1 + dt * k.koff;
  const dtKoffDb = (dt * k.koff) / db;
  const dtKonDb = (dt * k.kon) / db;
  const invDb = 1 / db;
  const kob = (dt * dt * k.koff * k.kon) / db;
  const slotBase = slot * k.nz * 4;
  if (z0 >= z1) return;
  // +z fluxes of the plane below the slab (the −z fluxes of its first plane)
  if (z0 > 0) belowPlaneFluxes(k, cin, zbuf, z0);
  let c = planeCells[z0];
  let o = REC * c;
  for (let z = z0; z < z1; z++) {
    let src = 0;
    let lym = 0;
    let out = 0;
    let inn = 0;
    let bf = planeFace[z];
    for (let y = 0; y < ny; y++) {
      const r = y + ny * z;
      const lo = rowLo[r];
      const hi = rowHi[r];
      if (lo >= hi) continue;
      const py = nx * y;
      // buffer entries of this row's extent that the previous row (plane) did not write
      const ylo = y > 0 ? rowLo[r - 1] : nx;
      const yhi = y > 0 ? rowHi[r - 1] : nx;
      if (lo < ylo || hi > yhi) zeroOutside(ybuf, 0, lo, hi, ylo, yhi);
      const zlo = z > 0 ? rowLo[r - ny] : nx;
      const zhi = z > 0 ? rowHi[r - ny] : nx;
      if (lo < zlo || hi > zhi) zeroOutside(zbuf, py, lo, hi, zlo, zhi);
      const base = nx * r;
      let fx = 0;
      for (let x = lo; x < hi; x++) {
        const v = base + x;
        const kv = kind[v];
        if (kv === 0) {
          fx = 0;
          ybuf[x] = 0;
          zbuf[py + x] = 0;
          continue;
        }
        const q = v + pad;
        const cv = cin[q];
        let d = 0;
        d -= zbuf[py + x];
        d -= ybuf[x];
        d -= fx;
        fx = rec[o] * cv - rec[o + 1] * cin[q + 1];
        const fy = rec[o + 2] * cv - rec[o + 3] * cin[q + nx];
        const fz = rec[o + 4] * cv - rec[o + 5] * cin[q + nxy];
        d += fx;
        d += fy;
        d += fz;
        ybuf[x] = fy;
        zbuf[py + x] = fz;
        if (kv > 1) {
          const end = bf + kv - 1;
          for (; bf < end; bf++) {
            const flux = bca[bf] * cv - bcb[bf] * ext[bf];
            d += flux;
            out += flux;
            if (flux < 0) inn -= flux;
          }
        }
        const cs = cv - dtInvV * d;
        const av = rec[o + R_A];
        const kbv = rec[o + R_KB];
        let cn: number;
        if (general) {
          const bv = b[c];
          const klv = kl[c];
          cn = (cs + dt * av * cp + dtKoffDb * bv) * (1 / (1 + dt * (kbv + klv + kon) - kob));
          lym += V * klv * cn;
          b[c] = bv * invDb + dtKonDb * cn;
        } else cn = (cs + dt * av * cp) * (1 / (1 + dt * (kbv + kon) - kob));
        src += V * (av * cp - kbv * cn);
        cout[q] = cn;
        c++;
        o += REC;
      }
    }
    const po = slotBase + 4 * z;
    partials[po] = src;
    partials[po + 1] = lym;
    partials[po + 2] = out;
    partials[po + 3] = inn;
  }
}

/** the step's sums over all planes, in plane order, from partials slot `slot` into sums[0..3] */
export function reducePartials(k: GridKernel, p: Float64Array, slot: number, sums: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  for (let z = 0, o = slot * k.nz * 4; z < k.nz; z++, o += 4) {
    s0 += p[o];
    s1 += p[o + 1];
    s2 += p[o + 2];
    s3 += p[o + 3];
  }
  sums[0] = s0;
  sums[1] = s1;
  sums[2] = s2;
  sums[3] = s3;
}

/** the fields of buffer `parity` (0: c0, 1: c1, 2: c2) in cell order */
export function gridFields(
  k: GridKernel,
  parity: number,
  free: Float64Array,
  bound: Float64Array,
): { free: Float64Array; bound: Float64Array } {
  const c = gridBuffer(k, parity);
  const vc = k.voxelOfCell;
  for (let i = 0; i < k.n; i++) {
    free[i] = c[vc[i] + k.pad];
    bound[i] = k.b[i];
  }
  return { free, bound };
}

/**
 * Split the z-planes into `parts` contiguous slabs of about equal cell counts: slab s is planes
 * [bounds[s], bounds[s + 1]).
 */
export function planeSlabs(k: GridKernel, parts: number): Int32Array {
  const bounds = new Int32Array(parts + 1);
  const total = k.planeCells[k.nz];
  let z = 0;
  for (let s = 1; s < parts; s++) {
    const target = (total * s) / parts;
    while (z < k.nz && k.planeCells[z + 1] <= target) z++;
    bounds[s] = Math.max(bounds[s - 1], z);
  }
  bounds[parts] = k.nz;
  return bounds;
}

/** the structured kernel as a single-threaded stepper (all planes in order) */
export function gridStepper(k: GridKernel): TransportStepper {
  let parity: 0 | 1 = 0;
  const scratch = gridScratch(k);
  const free = new Float64Array(k.n);
  const bound = new Float64Array(k.n);
  const partials = new Float64Array(4 * k.nz);
  return {
    step(dt, cp, sums) {
      advancePlanes(k, scratch, 0, k.nz, dt, cp, parity, partials, 0);
      reducePartials(k, partials, 0, sums);
      parity = parity === 0 ? 1 : 0;
    },
    fields: () => gridFields(k, parity, free, bound),
  };
}

/** free-concentration buffer i (0: c0, 1: c1, 2: c2) */
export function gridBuffer(k: GridKernel, i: number): Float64Array {
  return i === 0 ? k.c0 : i === 1 ? k.c1 : k.c2;
}

/**
 * Exact binding exchange (superTimeStep.ts bindingExact) over h for the cells of z-planes
 * [z0, z1), in place on buffer `buf` and the bound amounts; negatives per plane into k.negs.
 */
export function bindPlanes(k: GridKernel, z0: number, z1: number, h: number, buf: number): void {
  const { pad, planeCells, b, voxelOfCell, kon, koff, negs } = k;
  const y = gridBuffer(k, buf);
  const tmp = new Float64Array(2);
  for (let z = z0; z < z1; z++) {
    let neg = 0;
    const e = planeCells[z + 1];
    for (let c = planeCells[z]; c < e; c++) {
      const q = voxelOfCell[c] + pad;
      bindingExact(y[q], b[c], kon, koff, h, tmp);
      if (tmp[0] < 0 || tmp[1] < 0) neg++;
      y[q] = tmp[0];
      b[c] = tmp[1];
    }
    negs[z] = neg;
  }
}

/**
 * One RKL2 stage (superTimeStep.ts) on z-planes [z0, z1): the fluxes of buffer `in` with the
 * traversal of advancePlanes (same face arithmetic), L = −d/V + a·Cp − (k/φ + k_L)·c per cell, and
 *   first (OP_FIRST): out = in + coef·L (and L → m0 when writeM0),
 *   stage (OP_STAGE): out = μ·in + ν·prev + w₀·y0 + μ̃τ·L + γ̃τ·m0;
 * per plane [V·Σ(a·Cp − k/φ·c), V·Σ k_L·c, surface out, surface in] of L(in) into partials, the
 * negative values of out into k.negs.
 */
export function rklPlanes(
  k: GridKernel,
  s: GridScratch,
  z0: number,
  z1: number,
  ops: Float64Array,
  op: number,
  partials: Float64Array,
  slot: number,
): void {
  const { nx, ny, pad, kind, rowLo, rowHi, planeFace, planeCells, rec, bca, bcb, ext, m0, kl, negs } = k;
  const { ybuf, zbuf } = s;
  const lymph = k.hasLymph;
  const r0 = OP * op;
  const first = ops[r0] === OP_FIRST;
  const coef = ops[r0 + 1];
  const mu = ops[r0 + 1];
  const nu = ops[r0 + 2];
  const w0 = ops[r0 + 3];
  const muT = ops[r0 + 4];
  const gamT = ops[r0 + 5];
  const cin = gridBuffer(k, first ? ops[r0 + 2] : ops[r0 + 6]);
  const cout = gridBuffer(k, first ? ops[r0 + 3] : ops[r0 + 9]);
  const yprev = first ? cin : gridBuffer(k, ops[r0 + 7]);
  const y0 = first ? cin : gridBuffer(k, ops[r0 + 8]);
  const writeM0 = first && ops[r0 + 4] !== 0;
  const cp = first ? ops[r0 + 5] : ops[r0 + 10];
  const nxy = nx * ny;
  const negInvV = -k.invV;
  const slotBase = slot * k.nz * 4;
  if (z0 >= z1) return;
  if (z0 > 0) belowPlaneFluxes(k, cin, zbuf, z0);
  let c = planeCells[z0];
  let o = REC * c;
  for (let z = z0; z < z1; z++) {
    let src = 0;
    let lym = 0;
    let out = 0;
    let inn = 0;
    let neg = 0;
    let bf = planeFace[z];
    for (let y = 0; y < ny; y++) {
      const r = y + ny * z;
      const lo = rowLo[r];
      const hi = rowHi[r];
      if (lo >= hi) continue;
      const py = nx * y;
      const ylo = y > 0 ? rowLo[r - 1] : nx;
      const yhi = y > 0 ? rowHi[r - 1] : nx;
      if (lo < ylo || hi > yhi) zeroOutside(ybuf, 0, lo, hi, ylo, yhi);
      const zlo = z > 0 ? rowLo[r - ny] : nx;
      const zhi = z > 0 ? rowHi[r - ny] : nx;
      if (lo < zlo || hi > zhi) zeroOutside(zbuf, py, lo, hi, zlo, zhi);
      const base = nx * r;
      let fx = 0;
      for (let x = lo; x < hi; x++) {
        const v = base + x;
        const kv = kind[v];
        if (kv === 0) {
          fx = 0;
          ybuf[x] = 0;
          zbuf[py + x] = 0;
          continue;
        }
        const q = v + pad;
        const cv = cin[q];
        let d = 0;
        d -= zbuf[py + x];
        d -= ybuf[x];
        d -= fx;
        fx = rec[o] * cv - rec[o + 1] * cin[q + 1];
        const fy = rec[o + 2] * cv - rec[o + 3] * cin[q + nx];
        const fz = rec[o + 4] * cv - rec[o + 5] * cin[q + nxy];
        d += fx;
        d += fy;
        d += fz;
        ybuf[x] = fy;
        zbuf[py + x] = fz;
        if (kv > 1) {
          const end = bf + kv - 1;
          for (; bf < end; bf++) {
            const flux = bca[bf] * cv - bcb[bf] * ext[bf];
            d += flux;
            out += flux;
            if (flux < 0) inn -= flux;
          }
        }
        const sr = rec[o + R_A] * cp - rec[o + R_KB] * cv;
        src += sr;
        let lv = negInvV * d + sr;
        if (lymph) {
          const ly = kl[c] * cv;
          lym += ly;
          lv -= ly;
        }
        let yn: number;
        if (first) {
          if (writeM0) m0[c] = lv;
          yn = cv + coef * lv;
        } else yn = mu * cv + nu * yprev[q] + w0 * y0[q] + muT * lv + gamT * m0[c];
        if (yn < 0) neg++;
        cout[q] = yn;
        c++;
        o += REC;
      }
    }
    const po = slotBase + 4 * z;
    partials[po] = k.vol * src;
    partials[po + 1] = k.vol * lym;
    partials[po + 2] = out;
    partials[po + 3] = inn;
    negs[z] = neg;
  }
}

/** operation `op` of an op list (superTimeStep.ts OP_*) on z-planes [z0, z1), sums into slot */
export function gridRunOp(
  k: GridKernel,
  s: GridScratch,
  z0: number,
  z1: number,
  ops: Float64Array,
  op: number,
  partials: Float64Array,
  slot: number,
): void {
  const r = OP * op;
  const type = ops[r];
  if (type === OP_EXPLICIT)
    advancePlanes(k, s, z0, z1, ops[r + 1], ops[r + 2], ops[r + 3] === 0 ? 0 : 1, partials, slot);
  else if (type === OP_BIND) {
    bindPlanes(k, z0, z1, ops[r + 1], ops[r + 2]);
    partials.fill(0, slot * k.nz * 4 + 4 * z0, slot * k.nz * 4 + 4 * z1);
  } else if (type === OP_FIRST || type === OP_STAGE) rklPlanes(k, s, z0, z1, ops, op, partials, slot);
  else throw new RangeError(`unknown transport op ${type}`);
}

/** the structured kernel as a serial backend of the rkl2 driver (superTimeStep.ts rkl2Run) */
export function gridRklBackend(k: GridKernel): RklBackend {
  const scratch = gridScratch(k);
  const free = new Float64Array(k.n);
  const bound = new Float64Array(k.n);
  const partials = new Float64Array(4 * k.nz);
  const one = new Float64Array(4);
  let sums = new Float64Array(16);
  return {
    run(ops, count) {
      if (sums.length < 4 * count + 1) sums = new Float64Array(4 * count + 1);
      for (let i = 0; i < count; i++) {
        gridRunOp(k, scratch, 0, k.nz, ops, i, partials, 0);
        reducePartials(k, partials, 0, one);
        sums.set(one, 4 * i);
      }
      sums[4 * count] = negatives(k);
      return sums;
    },
    fields: (buf) => gridFields(k, buf, free, bound),
  };
}

/** negative values written by the last rkl2 op (sum of k.negs over the planes) */
export function negatives(k: GridKernel): number {
  let s = 0;
  for (let z = 0; z < k.nz; z++) s += k.negs[z];
  return s;
}
