/**
 * Simulated DCE-MRI from a vessel network (d'Esposito et al. 2018, Nat Biomed Eng 2:773, the
 * REANIMATE pipeline, reduced to its DCE part):
 *  1. steady Poiseuille flow (poiseuille.ts, viscosity.ts);
 *  2. segments cut into voxel pieces (voxelise.ts);
 *  3. the plasma input enters at the inlets and is carried by plug flow with exact transit
 *     delays and flow-weighted mixing (transit.ts), exchanging with the EES of each voxel
 *     through P·S (exchange.ts): v_e·V·dc_e/dt = Σ_pieces F_p·(1 − E')·(c_plasma − c_e/v_e);
 *  4. per voxel: C_t = (plasma amount in its pieces + EES amount)/V.
 * Explicit update of the EES per step (the flux uses c_e at the start of the step); the step
 * is ≤ `maxStepS` and ≤ 0.2/κ_max with κ = Σ F_p(1 − E')/(v_e·V), and divides the frame interval.
 * The input is sampled at mid-step. Every frame books the contrast mass balance
 * in − out − (EES) − (vessels), each from its own accumulator.
 * EES fraction per voxel: v_e,voxel = min(v_e, 1 − v_b); voxels whose v_e,voxel < 0.001 (filled
 * by vessels) do not exchange. No interstitial diffusion or convection between voxels.
 * Truth maps (perfused vessels only): v_b, v_p = (1 − Hct)·v_b, blood flow entering the voxel,
 * PS, and the Renkin–Crone expectation Ktrans = F_p·(1 − e^{−PS/F_p}), F_p = (1 − Hct)·F.
 */
import { InputError } from "../../errors.js";
import { type PermeabilitySpec, renkinCroneExtraction, wallPermeabilityCmPerS } from "./exchange.js";
import type { VesselNetwork } from "./graph.js";
import { type FlowSolution, solveNetworkFlow } from "./poiseuille.js";
import { NetworkTransit } from "./transit.js";
import type { ViscosityModel } from "./viscosity.js";
import { segmentPieces, type VoxelGrid, voxelGeometry } from "./voxelise.js";

export interface NetworkDceOptions {
  net: VesselNetwork;
  grid: VoxelGrid;
  viscosity: ViscosityModel;
  /** discharge haematocrit (plasma fraction of the flow and lumen = 1 − Hct) */
  haematocrit: number;
  permeability: PermeabilitySpec;
  /** only segments with radius ≤ this leak (default: all) */
  maxLeakyRadiusUm?: number;
  /** EES volume fraction of tissue */
  ve: number;
  durationS: number;
  frameS: number;
  /** largest internal step, s (default 0.25) */
  maxStepS?: number;
  /** plasma input concentration at the inlets, mM, at time t (s) */
  aif: (tS: number) => number;
  /** a flow solution of this network (otherwise solved here) */
  flow?: FlowSolution;
  onProgress?: (fraction: number) => void;
}

export interface NetworkDceMaps {
  /** perfused blood-vessel volume fraction */
  vb: Float64Array;
  /** perfused plasma volume fraction (1 − Hct)·v_b */
  vp: Float64Array;
  /** EES fraction used per voxel */
  ve: Float64Array;
  /** blood flow entering the voxel per tissue volume, ml/min/ml */
  flowMlPerMinPerMl: Float64Array;
  /** Σ P·S of the leaky perfused pieces per tissue volume, 1/min */
  psPerMin: Float64Array;
  /** Renkin–Crone expectation F_p·(1 − e^{−PS/F_p}), 1/min */
  ktransRenkinCronePerMin: Float64Array;
}

export interface ContrastBalance {
  inNmol: number;
  outNmol: number;
  tissueNmol: number;
  vesselNmol: number;
  /** |in − out − tissue − vessels| / in at the end */
  relError: number;
  /** the largest of relError over all frames */
  maxRelError: number;
}

export interface NetworkDceResult {
  flow: FlowSolution;
  /** per segment: plasma flow (mm³/s) and transit time (s; Infinity when stagnant) */
  plasmaFlowMm3PerS: Float64Array;
  transitS: Float64Array;
  stagnantSegments: number;
  frameTimesS: Float64Array;
  /** plasma input at the frame times, mM */
  aifMM: Float64Array;
  /** tissue concentration, mM: frame-major (voxel x fastest, then y, z, then frame) */
  ctMM: Float32Array;
  maps: NetworkDceMaps;
  balance: ContrastBalance;
  permeabilityCmPerS: number;
  stepS: number;
  substeps: number;
  vesselFilledVoxels: number;
}

export function simulateNetworkDce(o: NetworkDceOptions): NetworkDceResult {
  const { net, grid } = o;
  const H = o.haematocrit;
  if (!(H >= 0 && H < 1))
    throw new InputError({ field: "--hct", value: H, expected: "a fraction in [0, 1)" });
  if (!(o.ve > 0 && o.ve <= 1))
    throw new InputError({ field: "--ve", value: o.ve, expected: "a fraction in (0, 1]" });
  if (!(o.frameS > 0 && Number.isFinite(o.frameS)))
    throw new InputError({ field: "--dt-s", value: o.frameS, expected: "a frame interval > 0 s" });
  if (!(o.durationS >= o.frameS && Number.isFinite(o.durationS)))
    throw new InputError({
      field: "--duration-s",
      value: o.durationS,
      expected: `a duration ≥ the frame interval (${o.frameS} s)`,
    });
  const maxStep = o.maxStepS ?? 0.25;
  if (!(maxStep > 0)) throw new InputError({ field: "maxStepS", value: maxStep, expected: "> 0 s" });
  const nv = grid.dims[0] * grid.dims[1] * grid.dims[2];
  const nFrames = Math.floor(o.durationS / o.frameS + 1e-9) + 1;
  if (nv * nFrames > 150_000_000)
    throw new InputError({
      field: "--voxel-mm/--duration-s/--dt-s",
      value: `${nv} voxels × ${nFrames} frames`,
      expected: "at most 150 million voxel-frames (larger voxels, a shorter run or a longer --dt-s)",
    });
  const flow = o.flow ?? solveNetworkFlow(net, o.viscosity);
  const pieces = segmentPieces(net, grid);
  const ns = net.from.length;
  // perfused geometry: stagnant segments are given zero flow for the maps
  const qmax = flow.flowMm3PerS.reduce((m, q) => Math.max(m, Math.abs(q)), 0);
  const qPerfused = Float64Array.from(flow.flowMm3PerS, (q) => (Math.abs(q) > 1e-10 * qmax ? q : 0));
  const geo = voxelGeometry(net, grid, pieces, qPerfused, flow.boundaryInflowMm3PerS);
  const V = geo.voxelVolumeMm3;
  const vb = new Float64Array(nv);
  for (let s = 0; s < ns; s++) {
    if (qPerfused[s] === 0) continue;
    const r = net.radiusUm[s] * 1e-3;
    for (let k = pieces.start[s]; k < pieces.start[s + 1]; k++) {
      const v = pieces.voxel[k];
      if (v >= 0) vb[v] += (Math.PI * r * r * (pieces.t1[k] - pieces.t0[k]) * net.lengthMm[s]) / V;
    }
  }
  const veVox = Float64Array.from(vb, (b) => Math.max(0, Math.min(o.ve, 1 - b)));
  let filled = 0;
  const exchanging = Uint8Array.from(veVox, (x) => (x >= 1e-3 ? 1 : 0));
  for (let v = 0; v < nv; v++) if (!exchanging[v] && vb[v] > 0) filled++;
  // permeability and per-piece PS
  const maxR = o.maxLeakyRadiusUm ?? Number.POSITIVE_INFINITY;
  let leakySurface = 0;
  for (let s = 0; s < ns; s++)
    if (net.radiusUm[s] <= maxR && qPerfused[s] !== 0)
      leakySurface += 2 * Math.PI * net.radiusUm[s] * 1e-3 * net.lengthMm[s];
  const tissueVolume = nv * V;
  const P_cm = wallPermeabilityCmPerS(o.permeability, leakySurface, tissueVolume);
  const P_mm = P_cm * 10;
  const np = pieces.voxel.length;
  const psPiece = new Float64Array(np);
  const ps = new Float64Array(nv);
  for (let s = 0; s < ns; s++) {
    if (!(net.radiusUm[s] <= maxR) || qPerfused[s] === 0) continue;
    const circ = 2 * Math.PI * net.radiusUm[s] * 1e-3;
    for (let k = pieces.start[s]; k < pieces.start[s + 1]; k++) {
      const v = pieces.voxel[k];
      if (v < 0 || !exchanging[v]) continue;
      psPiece[k] = P_mm * circ * (pieces.t1[k] - pieces.t0[k]) * net.lengthMm[s];
      ps[v] += psPiece[k];
    }
  }
  // step size from the exchange rate of the fastest voxel
  const kappa = new Float64Array(nv);
  const fpSeg = Float64Array.from(qPerfused, (q) => (1 - H) * Math.abs(q));
  for (let s = 0; s < ns; s++)
    for (let k = pieces.start[s]; k < pieces.start[s + 1]; k++)
      if (psPiece[k] > 0) kappa[pieces.voxel[k]] += fpSeg[s] * renkinCroneExtraction(psPiece[k], fpSeg[s]);
  let kmax = 0;
  for (let v = 0; v < nv; v++) if (kappa[v] > 0) kmax = Math.max(kmax, kappa[v] / (veVox[v] * V));
  const dtMax = Math.min(maxStep, kmax > 0 ? 0.2 / kmax : maxStep);
  const substeps = Math.max(1, Math.ceil(o.frameS / dtMax - 1e-9));
  const dt = o.frameS / substeps;
  const nSteps = (nFrames - 1) * substeps;
  const trans = new Float64Array(np).fill(1);
  for (let s = 0; s < ns; s++)
    for (let k = pieces.start[s]; k < pieces.start[s + 1]; k++)
      if (psPiece[k] > 0) trans[k] = Math.exp(-psPiece[k] / fpSeg[s]);
  const transit = new NetworkTransit({
    net,
    flowMm3PerS: qPerfused,
    pressureMmHg: flow.pressureMmHg,
    pieces,
    haematocrit: H,
    dtS: dt,
    nSteps,
    pieceTransmission: trans,
  });
  // voxels that exchange
  const active: number[] = [];
  for (let v = 0; v < nv; v++) if (kappa[v] > 0) active.push(v);
  const ees = new Float64Array(nv);
  const ci = new Float64Array(nv);
  const veV = Float64Array.from(veVox, (x) => x * V);
  const ct = new Float32Array(nv * nFrames);
  const vasc = new Float64Array(nv);
  const frameTimes = Float64Array.from({ length: nFrames }, (_, k) => k * o.frameS);
  let inN = 0;
  let outN = 0;
  let maxRel = 0;
  let rel = 0;
  let tissueN = 0;
  let vesselN = 0;
  let n = 0;
  for (let f = 1; f < nFrames; f++) {
    for (let sub = 0; sub < substeps; sub++, n++) {
      for (const v of active) ci[v] = ees[v] / veV[v];
      const r = transit.step(o.aif((n + 0.5) * dt), ci, ees);
      inN += r.inNmol;
      outN += r.outNmol;
    }
    transit.vascularNmolPerVoxel(vasc);
    const off = f * nv;
    for (let v = 0; v < nv; v++) ct[off + v] = (vasc[v] + ees[v]) / V;
    tissueN = 0;
    for (let v = 0; v < nv; v++) tissueN += ees[v];
    vesselN = transit.vascularNmol();
    rel = inN > 0 ? Math.abs(inN - outN - tissueN - vesselN) / inN : 0;
    maxRel = Math.max(maxRel, rel);
    o.onProgress?.(f / (nFrames - 1));
  }
  const flowMap = Float64Array.from(geo.inflowMm3PerS, (q) => (q / V) * 60);
  const psMap = Float64Array.from(ps, (x) => (x / V) * 60);
  const ktransRc = new Float64Array(nv);
  for (let v = 0; v < nv; v++) {
    const fpv = (1 - H) * flowMap[v];
    ktransRc[v] = fpv > 0 ? fpv * renkinCroneExtraction(psMap[v], fpv) : 0;
  }
  return {
    flow,
    plasmaFlowMm3PerS: transit.plasmaFlow,
    transitS: transit.transitS,
    stagnantSegments: transit.stagnantSegments,
    frameTimesS: frameTimes,
    aifMM: Float64Array.from(frameTimes, (t) => o.aif(t)),
    ctMM: ct,
    maps: {
      vb,
      vp: Float64Array.from(vb, (b) => (1 - H) * b),
      ve: veVox,
      flowMlPerMinPerMl: flowMap,
      psPerMin: psMap,
      ktransRenkinCronePerMin: ktransRc,
    },
    balance: {
      inNmol: inN,
      outNmol: outN,
      tissueNmol: tissueN,
      vesselNmol: vesselN,
      relError: rel,
      maxRelError: maxRel,
    },
    permeabilityCmPerS: P_cm,
    stepS: dt,
    substeps,
    vesselFilledVoxels: filled,
  };
}
