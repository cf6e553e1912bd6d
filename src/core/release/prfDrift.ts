/**
 * Phase-drift correction for PRF thermometry from an unheated reference region (Rieke & Butts
 * Pauly 2008, J Magn Reson Imaging 27:376–390, §"Field drift"; Wyatt et al. 2010, "Comparison of
 * MR thermometry drift correction", Magn Reson Med 64:1394 — background phase modelled as a
 * low-order polynomial in space per frame).
 * Per frame t, with Δφ_v,t = wrap(φ_v,t − φ_v,b) in every reference voxel v (same baseline as the
 * heated voxels):
 *   m_t = arg Σ_v e^{iΔφ_v,t}                        (order 0: circular mean drift)
 *   r_v,t = wrap(Δφ_v,t − m_t) ≈ Σ_j c_t,j·b_j(u_v)  (order 1: 1, u, v, w; order 2: + u², v², w², uv, uw, vw)
 * by linear least squares (fit/linearLeastSquares.ts; columns that are linearly dependent —
 * e.g. w in a single slice — get coefficient 0), with u = (voxel index − centre)/scale of the
 * reference voxels. The drift at any voxel is m_t + Σ_j c_t,j·b_j(u).
 */
import { InputError } from "../errors.js";
import { linearLeastSquares } from "../fit/linearLeastSquares.js";
import { circularMeanPhase, wrapPhase } from "./prfThermometry.js";

export type DriftOrder = 0 | 1 | 2;

export interface PhaseDriftModel {
  order: DriftOrder;
  nFrames: number;
  /** number of polynomial terms besides the circular mean (0, 4 or 10; the constant is term 0) */
  nTerms: number;
  centre: [number, number, number];
  scale: number;
  /** circular-mean drift per frame (rad) */
  meanRad: Float64Array;
  /** polynomial coefficients [frame][term] (rad) */
  coef: Float64Array;
  /** reference voxels used */
  nReference: number;
}

export function driftTermCount(order: DriftOrder): number {
  return order === 0 ? 0 : order === 1 ? 4 : 10;
}

/** polynomial basis at normalised coordinates, into out (length nTerms) */
export function driftBasis(order: DriftOrder, u: number, v: number, w: number, out: Float64Array): void {
  if (order === 0) return;
  out[0] = 1;
  out[1] = u;
  out[2] = v;
  out[3] = w;
  if (order === 2) {
    out[4] = u * u;
    out[5] = v * v;
    out[6] = w * w;
    out[7] = u * v;
    out[8] = u * w;
    out[9] = v * w;
  }
}

/**
 * @param refPhase reference voxels' phase series, [voxel][frame] row-major (rad)
 * @param refIjk voxel indices of the reference voxels, [voxel][i, j, k]
 */
export function estimatePhaseDrift(
  refPhase: ArrayLike<number>,
  refIjk: ArrayLike<number>,
  nFrames: number,
  baselineFrames: number,
  order: DriftOrder = 0,
): PhaseDriftModel {
  const nRef = Math.floor(refPhase.length / nFrames);
  const nTerms = driftTermCount(order);
  if (nRef < Math.max(1, 2 * nTerms))
    throw new InputError({
      field: "drift mask",
      value: nRef,
      expected: `at least ${Math.max(1, 2 * nTerms)} reference voxels for drift order ${order}`,
    });
  const centre: [number, number, number] = [0, 0, 0];
  for (let v = 0; v < nRef; v++) for (let a = 0; a < 3; a++) centre[a] += refIjk[3 * v + a] / nRef;
  let scale = 1;
  for (let v = 0; v < nRef; v++)
    for (let a = 0; a < 3; a++) scale = Math.max(scale, Math.abs(refIjk[3 * v + a] - centre[a]));
  const dphi = new Float64Array(nRef * nFrames);
  for (let v = 0; v < nRef; v++) {
    const o = v * nFrames;
    const phib = circularMeanPhase(refPhase, o, o + baselineFrames);
    for (let t = 0; t < nFrames; t++) dphi[o + t] = wrapPhase(refPhase[o + t] - phib);
  }
  const meanRad = new Float64Array(nFrames);
  const coef = new Float64Array(nFrames * nTerms);
  const design = new Float64Array(nRef * nTerms);
  const row = new Float64Array(nTerms);
  for (let v = 0; v < nRef; v++) {
    driftBasis(
      order,
      (refIjk[3 * v] - centre[0]) / scale,
      (refIjk[3 * v + 1] - centre[1]) / scale,
      (refIjk[3 * v + 2] - centre[2]) / scale,
      row,
    );
    design.set(row, v * nTerms);
  }
  const resid = new Float64Array(nRef);
  for (let t = 0; t < nFrames; t++) {
    let re = 0;
    let im = 0;
    for (let v = 0; v < nRef; v++) {
      re += Math.cos(dphi[v * nFrames + t]);
      im += Math.sin(dphi[v * nFrames + t]);
    }
    const m = Math.atan2(im, re);
    meanRad[t] = m;
    if (nTerms === 0) continue;
    for (let v = 0; v < nRef; v++) resid[v] = wrapPhase(dphi[v * nFrames + t] - m);
    const fit = linearLeastSquares(design, nRef, nTerms, resid);
    for (let j = 0; j < nTerms; j++) coef[t * nTerms + j] = fit.coefficients[j] ?? 0;
  }
  return { order, nFrames, nTerms, centre, scale, meanRad, coef, nReference: nRef };
}

/** drift phase (rad) per frame at voxel (i, j, k), into out (length nFrames) */
export function driftAt(
  m: PhaseDriftModel,
  i: number,
  j: number,
  k: number,
  out: Float64Array,
): Float64Array {
  const basis = new Float64Array(m.nTerms);
  driftBasis(
    m.order,
    (i - m.centre[0]) / m.scale,
    (j - m.centre[1]) / m.scale,
    (k - m.centre[2]) / m.scale,
    basis,
  );
  for (let t = 0; t < m.nFrames; t++) {
    let s = m.meanRad[t];
    for (let q = 0; q < m.nTerms; q++) s += m.coef[t * m.nTerms + q] * basis[q];
    out[t] = s;
  }
  return out;
}
