/**
 * Contrast transport through a vessel network by plug flow with exact transit delays and exact
 * mass bookkeeping (the network analogue of a delay line; cf. the transit-time transport of
 * d'Esposito et al. 2018 Nat Biomed Eng 2:773, Supplementary Methods).
 * Time steps of dt. In step n every flowing segment s receives one parcel of plasma, volume
 * F_p·dt (F_p = (1 − Hct)·|Q|), carrying the amount its upstream node passes on. A parcel keeps
 * its identity for exactly the transit time τ = V/|Q| (V = π·r²·L): the fluid that entered at
 * t_n + θ·dt (θ ∈ [0, 1)) reaches age a at t_n + θ·dt + a, so with a = (m + f)·dt, the fraction
 * 1 − f of parcel n − m and f of parcel n − m − 1 cross age a during step n. Piece exits (segments
 * are cut at voxel faces, voxelise.ts) are such ages: the crossing fraction exchanges with the
 * piece's voxel, its excess over the interstitial concentration scaled by E' = exp(−PS/F_p)
 * (exchange.ts), the loss booked to that voxel; at the segment exit (a = τ) the fraction leaves.
 * A parcel is well mixed (exchange of one portion changes its mean concentration).
 * Nodes mix flow-weighted: the amounts arriving in a step are shared among the outflowing
 * segments in proportion to F_p; boundary nodes add (source) or remove (sink) the net boundary
 * flow — inlets at the input concentration, an outlet with inflow (retrograde) contrast-free. Nodes are visited by decreasing pressure, a
 * topological order of the flow (Q = G·Δp), so one sweep per step suffices.
 * Conservation is exact by construction: Σ inflow = Σ outflow + Σ booked exchange + Σ parcels.
 * Without exchange a single vessel outputs, per step, the exact average over the step of its
 * piecewise-constant (per step) input delayed by τ.
 * Segments with |Q| ≤ 1e-10·max|Q| are stagnant: they carry no contrast and exchange nothing.
 */
import { incidence, nodeCount, type VesselNetwork } from "./graph.js";
import type { SegmentPieces } from "./voxelise.js";

export interface TransitInput {
  net: VesselNetwork;
  flowMm3PerS: ArrayLike<number>;
  pressureMmHg: ArrayLike<number>;
  pieces: SegmentPieces;
  haematocrit: number;
  dtS: number;
  /** steps that will be run (bounds the parcel memory of very slow segments) */
  nSteps: number;
  /** E' = exp(−PS/F_p) per piece (1: no exchange); default all 1 */
  pieceTransmission?: Float64Array;
}

export const STAGNANT_REL_FLOW = 1e-10;

export class NetworkTransit {
  readonly nSegments: number;
  /** plasma flow per segment, mm³/s (0 when stagnant) */
  readonly plasmaFlow: Float64Array;
  /** transit time per segment, s (Infinity when stagnant) */
  readonly transitS: Float64Array;
  readonly stagnantSegments: number;
  readonly dtS: number;
  private readonly order: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inSeg: Int32Array;
  private readonly outStart: Int32Array;
  private readonly outSeg: Int32Array;
  private readonly outFp: Float64Array;
  private readonly extFp: Float64Array;
  private readonly isInlet: Uint8Array;
  /** flow-ordered pieces: global piece index, exit age step count m and fraction f */
  private readonly pStart: Int32Array;
  private readonly pIdx: Int32Array;
  private readonly pAgeLo: Float64Array;
  private readonly pAgeHi: Float64Array;
  private readonly pM: Float64Array;
  private readonly pF: Float64Array;
  private readonly voxel: Int32Array;
  private readonly trans: Float64Array;
  private readonly ringStart: Int32Array;
  private readonly ringLen: Int32Array;
  private readonly amt: Float64Array;
  private readonly vol: Float64Array;
  private readonly segOut: Float64Array;
  private stepIndex = 0;

  constructor(inp: TransitInput) {
    const { net, pieces } = inp;
    const ns = net.from.length;
    const nn = nodeCount(net);
    this.nSegments = ns;
    this.dtS = inp.dtS;
    const dt = inp.dtS;
    const Q = inp.flowMm3PerS;
    let qmax = 0;
    for (let s = 0; s < ns; s++) qmax = Math.max(qmax, Math.abs(Q[s]));
    const fp = new Float64Array(ns);
    const tau = new Float64Array(ns).fill(Number.POSITIVE_INFINITY);
    let stagnant = 0;
    for (let s = 0; s < ns; s++) {
      const q = Math.abs(Q[s]);
      if (!(q > STAGNANT_REL_FLOW * qmax)) {
        stagnant++;
        continue;
      }
      fp[s] = (1 - inp.haematocrit) * q;
      const r = net.radiusUm[s] * 1e-3;
      tau[s] = (Math.PI * r * r * net.lengthMm[s]) / q;
    }
    this.plasmaFlow = fp;
    this.transitS = tau;
    this.stagnantSegments = stagnant;
    // incidence over flowing segments, by direction
    const inc = incidence(net);
    const up = (s: number) => (Q[s] > 0 ? net.from[s] : net.to[s]);
    const inStart = new Int32Array(nn + 1);
    const outStart = new Int32Array(nn + 1);
    for (let s = 0; s < ns; s++) {
      if (fp[s] === 0) continue;
      const u = up(s);
      const d = u === net.from[s] ? net.to[s] : net.from[s];
      outStart[u + 1]++;
      inStart[d + 1]++;
    }
    for (let i = 0; i < nn; i++) {
      inStart[i + 1] += inStart[i];
      outStart[i + 1] += outStart[i];
    }
    const inSeg = new Int32Array(inStart[nn]);
    const outSeg = new Int32Array(outStart[nn]);
    const fi = inStart.slice(0, nn);
    const fo = outStart.slice(0, nn);
    const outFp = new Float64Array(nn);
    const inFp = new Float64Array(nn);
    for (let i = 0; i < nn; i++)
      for (let k = inc.start[i]; k < inc.start[i + 1]; k++) {
        const s = inc.seg[k];
        if (fp[s] === 0) continue;
        if (up(s) === i) {
          outSeg[fo[i]++] = s;
          outFp[i] += fp[s];
        } else {
          inSeg[fi[i]++] = s;
          inFp[i] += fp[s];
        }
      }
    const extFp = new Float64Array(nn);
    const isInlet = new Uint8Array(nn);
    for (const b of net.boundary) {
      extFp[b.node] = outFp[b.node] - inFp[b.node];
      if (b.kind === "inlet") isInlet[b.node] = 1;
    }
    this.isInlet = isInlet;
    const active: number[] = [];
    for (let i = 0; i < nn; i++)
      if (inStart[i + 1] > inStart[i] || outStart[i + 1] > outStart[i]) active.push(i);
    const P = inp.pressureMmHg;
    active.sort((a, b) => P[b] - P[a] || a - b);
    this.order = Int32Array.from(active);
    this.inStart = inStart;
    this.inSeg = inSeg;
    this.outStart = outStart;
    this.outSeg = outSeg;
    this.outFp = outFp;
    this.extFp = extFp;
    // pieces in flow order with their age ranges
    const np = pieces.voxel.length;
    this.pStart = pieces.start;
    this.pIdx = new Int32Array(np);
    this.pAgeLo = new Float64Array(np);
    this.pAgeHi = new Float64Array(np);
    this.pM = new Float64Array(np);
    this.pF = new Float64Array(np);
    this.voxel = pieces.voxel;
    this.trans = inp.pieceTransmission ?? new Float64Array(np).fill(1);
    const ringStart = new Int32Array(ns + 1);
    const ringLen = new Int32Array(ns);
    for (let s = 0; s < ns; s++) {
      const a = pieces.start[s];
      const b = pieces.start[s + 1];
      const fwd = Q[s] > 0;
      for (let k = 0; k < b - a; k++) {
        const g = fwd ? a + k : b - 1 - k;
        const slot = a + k;
        this.pIdx[slot] = g;
        const lo = fwd ? pieces.t0[g] : 1 - pieces.t1[g];
        const hi = k === b - a - 1 ? 1 : fwd ? pieces.t1[g] : 1 - pieces.t0[g];
        this.pAgeLo[slot] = lo * tau[s];
        this.pAgeHi[slot] = hi * tau[s];
        const x = (hi * tau[s]) / dt;
        const m = Math.floor(x);
        this.pM[slot] = m;
        this.pF[slot] = x - m;
      }
      if (fp[s] === 0) continue;
      const mExit = this.pM[b - 1];
      ringLen[s] = Math.min(mExit + 2, inp.nSteps + 1);
      ringStart[s + 1] = ringLen[s];
    }
    for (let s = 0; s < ns; s++) ringStart[s + 1] += ringStart[s];
    this.ringStart = ringStart;
    this.ringLen = ringLen;
    this.amt = new Float64Array(ringStart[ns]);
    this.vol = new Float64Array(ringStart[ns]);
    this.segOut = new Float64Array(ns);
  }

  /** steps run so far */
  get steps(): number {
    return this.stepIndex;
  }

  /**
   * Advance one step. `inputConc`: source concentration during the step (mM); `interstitialConc`:
   * per voxel (mM, read only); `exchangeNmol`: per voxel, the amount moved into the tissue during
   * the step is added. Returns the amounts (nmol) that entered and left through boundary nodes.
   */
  step(
    inputConc: number,
    interstitialConc: Float64Array,
    exchangeNmol: Float64Array,
  ): { inNmol: number; outNmol: number } {
    const n = this.stepIndex;
    const dt = this.dtS;
    let inTotal = 0;
    let outTotal = 0;
    const { order, inStart, inSeg, outStart, outSeg, outFp, extFp, segOut } = this;
    for (let q = 0; q < order.length; q++) {
      const node = order[q];
      let a = 0;
      for (let k = inStart[node]; k < inStart[node + 1]; k++) a += segOut[inSeg[k]];
      const ext = extFp[node];
      if (ext > 0 && this.isInlet[node]) {
        const x = ext * dt * inputConc;
        inTotal += x;
        a += x;
      }
      const fo = outFp[node];
      let toSegs = a;
      if (ext < 0) toSegs = fo > 0 ? (a * fo) / (fo - ext) : 0;
      else if (!(fo > 0)) toSegs = 0;
      outTotal += a - toSegs;
      for (let k = outStart[node]; k < outStart[node + 1]; k++) {
        const s = outSeg[k];
        segOut[s] = this.advance(s, n, (toSegs * this.plasmaFlow[s]) / fo, interstitialConc, exchangeNmol);
      }
    }
    this.stepIndex++;
    return { inNmol: inTotal, outNmol: outTotal };
  }

  /** insert parcel n into segment s and move every parcel across the piece exits; returns the exit amount */
  private advance(s: number, n: number, amount: number, ci: Float64Array, ex: Float64Array): number {
    const R = this.ringLen[s];
    const r0 = this.ringStart[s];
    const { amt, vol, pM, pF, pIdx, trans, voxel } = this;
    const fpdt = this.plasmaFlow[s] * this.dtS;
    const slotNew = r0 + (n % R);
    amt[slotNew] = amount;
    vol[slotNew] = 1;
    let out = 0;
    const a = this.pStart[s];
    const b = this.pStart[s + 1];
    for (let p = a; p < b; p++) {
      const last = p === b - 1;
      const g = pIdx[p];
      const E = trans[g];
      if (!last && E === 1) continue;
      const v = voxel[g];
      const cI = v >= 0 ? ci[v] : 0;
      const m = pM[p];
      const f = pF[p];
      for (let side = 0; side < 2; side++) {
        const k = n - m - side;
        const phi = side === 0 ? 1 - f : f;
        if (k < 0 || !(phi > 0)) continue;
        const slot = r0 + (k % R);
        const A = amt[slot];
        const rho = vol[slot];
        if (!(rho > 0)) continue;
        if (!last) {
          const loss = phi * (1 - E) * (A / rho - fpdt * cI);
          amt[slot] = A - loss;
          ex[v] += loss;
          continue;
        }
        const full = rho - phi <= 1e-12;
        const portion = full ? A : (phi * A) / rho;
        let loss = 0;
        if (E !== 1) {
          loss = (1 - E) * (portion - phi * fpdt * cI);
          ex[v] += loss;
        }
        out += portion - loss;
        amt[slot] = full ? 0 : A - portion;
        vol[slot] = full ? 0 : rho - phi;
      }
    }
    return out;
  }

  /** total amount inside the vessels, nmol */
  vascularNmol(): number {
    let t = 0;
    for (let i = 0; i < this.amt.length; i++) t += this.amt[i];
    return t;
  }

  /**
   * Amount inside the vessels per voxel (nmol) after the steps run so far: each parcel's amount
   * shared among the pieces its age range overlaps (outside the grid: not counted).
   */
  vascularNmolPerVoxel(out: Float64Array): Float64Array {
    out.fill(0);
    const n = this.stepIndex - 1;
    if (n < 0) return out;
    const dt = this.dtS;
    for (let s = 0; s < this.nSegments; s++) {
      if (this.plasmaFlow[s] === 0) continue;
      const R = this.ringLen[s];
      const r0 = this.ringStart[s];
      const a = this.pStart[s];
      const b = this.pStart[s + 1];
      let p = a;
      for (let k = n; k >= 0 && k > n - R; k--) {
        const A = this.amt[r0 + (k % R)];
        if (A === 0) continue;
        const lo = (n - k) * dt;
        const hi = lo + dt;
        while (p < b && this.pAgeHi[p] <= lo) p++;
        // overlaps with pieces p, p+1, … (total = remaining volume)
        let tot = 0;
        for (let q = p; q < b && this.pAgeLo[q] < hi; q++)
          tot += Math.min(hi, this.pAgeHi[q]) - Math.max(lo, this.pAgeLo[q]);
        if (!(tot > 0)) continue;
        for (let q = p; q < b && this.pAgeLo[q] < hi; q++) {
          const v = this.voxel[this.pIdx[q]];
          if (v < 0) continue;
          out[v] += (A * (Math.min(hi, this.pAgeHi[q]) - Math.max(lo, this.pAgeLo[q]))) / tot;
        }
      }
    }
    return out;
  }
}
