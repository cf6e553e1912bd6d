/**
 * Steady Poiseuille flow in a vessel network (e.g. Pries et al. 1990 Am J Physiol 258:H1369;
 * d'Esposito et al. 2018 Nat Biomed Eng 2:773): each segment is a rigid tube with hydraulic
 * conductance G = π·r⁴/(8·μ·L) and flow Q = G·(p_from − p_to); mass conservation at every
 * interior node, Σ_j G_ij·(p_i − p_j) = 0, with fixed pressures at the boundary nodes, is a
 * sparse symmetric positive-definite system in the interior pressures (a weighted graph
 * Laplacian with Dirichlet rows removed), solved by Jacobi-PCG (conjugateGradient.ts, relative
 * residual 1e-10) plus up to three passes of iterative refinement on the true residual, in gauge
 * pressures p − min(p_boundary) (node balances then reach the rounding floor ≈ ε·Σ_j G_ij·|p_i −
 * p_ref|). Components with no boundary node carry no flow (their pressures are NaN).
 * Units: r, L mm; μ Pa·s; p mmHg; Q mm³/s (= µL/s).
 */
import { conjugateGradient } from "../conjugateGradient.js";
import { connectedComponents, incidence, nodeCount, type VesselNetwork } from "./graph.js";
import { bloodViscosityPaS, type ViscosityModel, validateViscosity } from "./viscosity.js";

export const PA_PER_MMHG = 133.322387415;

export interface FlowSolution {
  /** nodal pressure, mmHg (NaN in components without a boundary node) */
  pressureMmHg: Float64Array;
  /** segment flow, mm³/s, positive from `from` to `to` */
  flowMm3PerS: Float64Array;
  /** hydraulic conductance, mm³/(s·mmHg) */
  conductance: Float64Array;
  /** apparent blood viscosity per segment, Pa·s */
  viscosityPaS: Float64Array;
  /** net flow entering the network at each boundary node (same order as network.boundary), mm³/s */
  boundaryInflowMm3PerS: Float64Array;
  /** Σ of the positive boundary inflows, mm³/s */
  totalInflowMm3PerS: number;
  /** max over interior nodes of |Σ Q in − Σ Q out| divided by the total inflow */
  flowBalanceRelError: number;
  /** nodes without a path to a boundary node (no flow) */
  floatingNodes: number;
  cgIterations: number;
}

export function segmentConductances(
  net: VesselNetwork,
  viscosity: ViscosityModel,
): { conductance: Float64Array; viscosityPaS: Float64Array } {
  validateViscosity(viscosity);
  const ns = net.from.length;
  const conductance = new Float64Array(ns);
  const mu = new Float64Array(ns);
  for (let s = 0; s < ns; s++) {
    mu[s] = bloodViscosityPaS(viscosity, net.radiusUm[s]);
    const r = net.radiusUm[s] * 1e-3;
    // mm³/(Pa·s) → mm³/(mmHg·s)
    conductance[s] = ((Math.PI * r ** 4) / (8 * mu[s] * net.lengthMm[s])) * PA_PER_MMHG;
  }
  return { conductance, viscosityPaS: mu };
}

/** Σ over segments at each node of the flow leaving the node (positive = net outflow) */
export function nodeNetOutflow(net: VesselNetwork, flowMm3PerS: ArrayLike<number>): Float64Array {
  const out = new Float64Array(nodeCount(net));
  for (let s = 0; s < net.from.length; s++) {
    out[net.from[s]] += flowMm3PerS[s];
    out[net.to[s]] -= flowMm3PerS[s];
  }
  return out;
}

export function solveNetworkFlow(
  net: VesselNetwork,
  viscosity: ViscosityModel,
  opts: { tol?: number } = {},
): FlowSolution {
  const nn = nodeCount(net);
  const ns = net.from.length;
  const { conductance: G, viscosityPaS } = segmentConductances(net, viscosity);
  // gauge: solve for p − p_ref (p_ref the lowest boundary pressure) — smaller magnitudes, less rounding
  const pRef = Math.min(...net.boundary.map((b) => b.pressureMmHg));
  const pressure = new Float64Array(nn).fill(Number.NaN);
  const isBc = new Uint8Array(nn);
  for (const b of net.boundary) {
    isBc[b.node] = 1;
    pressure[b.node] = b.pressureMmHg - pRef;
  }
  // components reached by a boundary node
  const { label, count } = connectedComponents(net);
  const hasBc = new Uint8Array(count);
  for (const b of net.boundary) hasBc[label[b.node]] = 1;
  const unknown = new Int32Array(nn).fill(-1);
  let nu = 0;
  let floating = 0;
  for (let i = 0; i < nn; i++) {
    if (isBc[i]) continue;
    if (hasBc[label[i]]) unknown[i] = nu++;
    else floating++;
  }
  const inc = incidence(net);
  // CSR of the reduced Laplacian (off-diagonals) and the right-hand side
  const diag = new Float64Array(nu);
  const rhs = new Float64Array(nu);
  const rowStart = new Int32Array(nu + 1);
  for (let i = 0; i < nn; i++) {
    const u = unknown[i];
    if (u < 0) continue;
    for (let k = inc.start[i]; k < inc.start[i + 1]; k++) {
      const s = inc.seg[k];
      const j = net.from[s] === i ? net.to[s] : net.from[s];
      if (unknown[j] >= 0) rowStart[u + 1]++;
    }
  }
  for (let u = 0; u < nu; u++) rowStart[u + 1] += rowStart[u];
  const col = new Int32Array(rowStart[nu]);
  const val = new Float64Array(rowStart[nu]);
  const fill = rowStart.slice(0, nu);
  for (let i = 0; i < nn; i++) {
    const u = unknown[i];
    if (u < 0) continue;
    for (let k = inc.start[i]; k < inc.start[i + 1]; k++) {
      const s = inc.seg[k];
      const j = net.from[s] === i ? net.to[s] : net.from[s];
      diag[u] += G[s];
      if (unknown[j] >= 0) {
        col[fill[u]] = unknown[j];
        val[fill[u]++] = G[s];
      } else if (isBc[j]) rhs[u] += G[s] * pressure[j];
    }
  }
  const apply = (x: Float64Array, out: Float64Array) => {
    for (let u = 0; u < nu; u++) {
      let acc = diag[u] * x[u];
      for (let k = rowStart[u]; k < rowStart[u + 1]; k++) acc -= val[k] * x[col[k]];
      out[u] = acc;
    }
  };
  let iterations = 0;
  if (nu > 0) {
    const maxIter = Math.max(2000, 50 * nu);
    const sol = conjugateGradient(apply, rhs, diag, { tol: opts.tol ?? 1e-10, maxIter });
    iterations = sol.iterations;
    const x = sol.x;
    // iterative refinement on the true residual, until every node balance is at its rounding floor
    // ε·(Σ_j G_ij·|x_i| + Σ_j G_ij·|x_j| + |b_i|) (each pass gains ~6 digits)
    const ax = new Float64Array(nu);
    const r = new Float64Array(nu);
    for (let pass = 0; pass < 4; pass++) {
      apply(x, ax);
      let done = true;
      for (let u = 0; u < nu; u++) {
        r[u] = rhs[u] - ax[u];
        if (!done) continue;
        let fl = diag[u] * Math.abs(x[u]) + Math.abs(rhs[u]);
        for (let k = rowStart[u]; k < rowStart[u + 1]; k++) fl += val[k] * Math.abs(x[col[k]]);
        if (Math.abs(r[u]) > 2 * Number.EPSILON * fl) done = false;
      }
      if (done) break;
      let corr: ReturnType<typeof conjugateGradient>;
      try {
        corr = conjugateGradient(apply, r, diag, { tol: 1e-6, maxIter });
      } catch {
        break; // stagnation at the rounding floor
      }
      iterations += corr.iterations;
      for (let u = 0; u < nu; u++) x[u] += corr.x[u];
    }
    for (let i = 0; i < nn; i++) if (unknown[i] >= 0) pressure[i] = x[unknown[i]];
  }
  const flow = new Float64Array(ns);
  for (let s = 0; s < ns; s++) {
    const pa = pressure[net.from[s]];
    const pb = pressure[net.to[s]];
    flow[s] = Number.isFinite(pa) && Number.isFinite(pb) ? G[s] * (pa - pb) : 0;
  }
  for (let i = 0; i < nn; i++) pressure[i] += pRef;
  const netOut = nodeNetOutflow(net, flow);
  const boundaryInflow = Float64Array.from(net.boundary, (b) => netOut[b.node]);
  let total = 0;
  for (const q of boundaryInflow) if (q > 0) total += q;
  let worst = 0;
  for (let i = 0; i < nn; i++) if (!isBc[i]) worst = Math.max(worst, Math.abs(netOut[i]));
  return {
    pressureMmHg: pressure,
    flowMm3PerS: flow,
    conductance: G,
    viscosityPaS,
    boundaryInflowMm3PerS: boundaryInflow,
    totalInflowMm3PerS: total,
    flowBalanceRelError: total > 0 ? worst / total : 0,
    floatingNodes: floating,
    cgIterations: iterations,
  };
}
