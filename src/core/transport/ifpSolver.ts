/**
 * Steady interstitial fluid pressure (IFP) and velocity on a finite-volume mesh (Baxter & Jain
 * 1989, Microvasc Res 37:77): Darcy flow v = −K∇p in tissue with distributed vascular sources
 * (Starling) and lymphatic sinks,
 *   −∇·(K∇p) = Lp(S/V)(x)·(pe − p) − Lp_L(S/V)_L(x)·(p − pL),   p = p_ext on the surface.
 * Cell-wise Lp·S/V comes from a vascular-density map (e.g. DCE vp or CD31 area fraction scaled
 * to S/V). Two-point flux approximation, face conductance K·A/d; the SPD system is solved with
 * Jacobi-PCG. On the radial vertex mesh this is second order in h (tested against the
 * Baxter–Jain closed form). The lymphatic term is linear (p ≥ pL assumed; valves not modelled).
 * Fluid balance: Σ V·(Jv/V − Jl/V) = outflow through the surface (reported).
 */
import { InputError } from "../errors.js";
import { conjugateGradient } from "./conjugateGradient.js";
import type { FvMesh } from "./fvMesh.js";

export type CellField = number | ArrayLike<number>;

export interface IfpProblem {
  mesh: FvMesh;
  /** hydraulic conductivity of the interstitium K, cm²/(mmHg·s) */
  kCm2PerMmHgS: number;
  /** Lp·S/V per cell, 1/(mmHg·s) */
  lpSvPerMmHgS: CellField;
  /** effective vascular pressure pe = pv − σ(πv − πi) per cell, mmHg */
  peMmHg: CellField;
  /** lymphatic Lp_L·(S/V)_L per cell, 1/(mmHg·s); default 0 (tumour) */
  lymphLpSvPerMmHgS?: CellField;
  lymphPressureMmHg?: number;
  /** pressure outside the tissue (at the surface), mmHg; default 0 */
  exteriorPressureMmHg?: number;
  tol?: number;
}

export interface IfpSolution {
  pressureMmHg: Float64Array;
  /** volumetric fluid flux through each internal face a → b, cm³/s */
  faceFlowCm3PerS: Float64Array;
  /** outward volumetric flux through each boundary face, cm³/s */
  boundaryFlowCm3PerS: Float64Array;
  /** transvascular filtration per cell Jv/V, 1/s */
  filtrationPerS: Float64Array;
  /** lymphatic drainage per cell Jl/V, 1/s */
  lymphPerS: Float64Array;
  cgIterations: number;
  /** |Σ V(Jv − Jl)/V − Σ boundary outflow| / Σ V·Jv/V */
  fluidBalanceRelError: number;
}

export function cellField(f: CellField, n: number, name: string): Float64Array {
  if (typeof f === "number") {
    if (!Number.isFinite(f)) throw new InputError({ field: name, value: f, expected: "a finite number" });
    return new Float64Array(n).fill(f);
  }
  if (f.length !== n)
    throw new InputError({ field: name, value: f.length, expected: `${n} values (one per cell)` });
  const out = Float64Array.from(f);
  for (let i = 0; i < n; i++)
    if (!Number.isFinite(out[i]))
      throw new InputError({ field: `${name}[${i}]`, value: out[i], expected: "finite" });
  return out;
}

export function solveIfp(prob: IfpProblem): IfpSolution {
  const m = prob.mesh;
  const n = m.nCells;
  const K = prob.kCm2PerMmHgS;
  if (!(K > 0)) throw new InputError({ field: "kCm2PerMmHgS", value: K, expected: "K > 0 cm²/(mmHg·s)" });
  const a = cellField(prob.lpSvPerMmHgS, n, "lpSvPerMmHgS");
  const pe = cellField(prob.peMmHg, n, "peMmHg");
  const al = cellField(prob.lymphLpSvPerMmHgS ?? 0, n, "lymphLpSvPerMmHgS");
  for (let i = 0; i < n; i++)
    if (a[i] < 0 || al[i] < 0)
      throw new InputError({ field: "lpSvPerMmHgS", value: Math.min(a[i], al[i]), expected: "≥ 0" });
  const pL = prob.lymphPressureMmHg ?? 0;
  const pExt = prob.exteriorPressureMmHg ?? 0;
  const nf = m.faceA.length;
  const gFace = new Float64Array(nf);
  for (let f = 0; f < nf; f++) gFace[f] = (K * m.faceAreaCm2[f]) / m.faceDistCm[f];
  const nb = m.bCell.length;
  const gB = new Float64Array(nb);
  for (let f = 0; f < nb; f++) gB[f] = (K * m.bAreaCm2[f]) / m.bDistCm[f];
  const diag = new Float64Array(n);
  const rhs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const V = m.volumeCm3[i];
    diag[i] = V * (a[i] + al[i]);
    rhs[i] = V * (a[i] * pe[i] + al[i] * pL);
  }
  for (let f = 0; f < nf; f++) {
    diag[m.faceA[f]] += gFace[f];
    diag[m.faceB[f]] += gFace[f];
  }
  for (let f = 0; f < nb; f++) {
    diag[m.bCell[f]] += gB[f];
    rhs[m.bCell[f]] += gB[f] * pExt;
  }
  if (nb === 0) throw new InputError({ field: "mesh", expected: "a mesh with at least one surface face" });
  const apply = (x: Float64Array, out: Float64Array) => {
    for (let i = 0; i < n; i++) out[i] = diag[i] * x[i];
    for (let f = 0; f < nf; f++) {
      const i = m.faceA[f];
      const j = m.faceB[f];
      out[i] -= gFace[f] * x[j];
      out[j] -= gFace[f] * x[i];
    }
  };
  const cg = conjugateGradient(apply, rhs, diag, { tol: prob.tol ?? 1e-13 });
  const p = cg.x;
  const faceFlow = new Float64Array(nf);
  for (let f = 0; f < nf; f++) faceFlow[f] = gFace[f] * (p[m.faceA[f]] - p[m.faceB[f]]);
  const bFlow = new Float64Array(nb);
  let out = 0;
  for (let f = 0; f < nb; f++) {
    bFlow[f] = gB[f] * (p[m.bCell[f]] - pExt);
    out += bFlow[f];
  }
  const jv = new Float64Array(n);
  const jl = new Float64Array(n);
  let src = 0;
  let scale = 0;
  for (let i = 0; i < n; i++) {
    jv[i] = a[i] * (pe[i] - p[i]);
    jl[i] = al[i] * (p[i] - pL);
    src += m.volumeCm3[i] * (jv[i] - jl[i]);
    scale += m.volumeCm3[i] * Math.abs(jv[i]);
  }
  return {
    pressureMmHg: p,
    faceFlowCm3PerS: faceFlow,
    boundaryFlowCm3PerS: bFlow,
    filtrationPerS: jv,
    lymphPerS: jl,
    cgIterations: cg.iterations,
    fluidBalanceRelError: scale > 0 ? Math.abs(src - out) / scale : 0,
  };
}

/**
 * Radial profile on a radialSphereMesh: node radii (0..R), pressure at the nodes (the rim node
 * holds the exterior pressure) and radial velocity −K dp/dr by second-order differences
 * (central inside, one-sided at R, 0 at the centre by symmetry).
 */
export function radialIfpProfile(
  mesh: FvMesh,
  sol: IfpSolution,
  kCm2PerMmHgS: number,
  exteriorPressureMmHg = 0,
): { rCm: Float64Array; pMmHg: Float64Array; vCmPerS: Float64Array } {
  if (mesh.kind !== "sphere" || !mesh.nodeRadiusCm)
    throw new InputError({ field: "mesh", expected: "a radial sphere mesh" });
  const r = mesh.nodeRadiusCm;
  const N = r.length;
  const p = new Float64Array(N);
  p.set(sol.pressureMmHg);
  p[N - 1] = exteriorPressureMmHg;
  const h = r[1] - r[0];
  const v = new Float64Array(N);
  for (let i = 1; i < N - 1; i++) v[i] = (-kCm2PerMmHgS * (p[i + 1] - p[i - 1])) / (2 * h);
  v[N - 1] = (-kCm2PerMmHgS * (3 * p[N - 1] - 4 * p[N - 2] + p[N - 3])) / (2 * h);
  return { rCm: Float64Array.from(r), pMmHg: p, vCmPerS: v };
}
