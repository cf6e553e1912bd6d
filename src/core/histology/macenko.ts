/**
 * Stain vector estimation from the image (Macenko et al. 2009, "A method for normalizing
 * histology slides for quantitative analysis", IEEE ISBI 1107–1110):
 *   1. OD = −log10(max(I,1)/255) per channel; drop pixels with any channel OD < β (0.15):
 *      background and faint pixels;
 *   2. the plane of the two largest eigenvectors of the OD covariance;
 *   3. angle φ of each OD projected on that plane; the robust extremes are the α and
 *      (100 − α) percentiles of φ (α = 1);
 *   4. the stain vectors are the plane directions at those two angles, ordered so that
 *      the one with the larger red OD comes first (hematoxylin in H&E / H-DAB: blue-purple
 *      absorbs red), as in Macenko's reference implementation.
 * Works on the colour histogram (weighted colours), so a whole slide costs one pass.
 * Eigenvectors by cyclic Jacobi rotations of the symmetric 3×3 matrix. Pure: no Node APIs.
 */
import { AnalysisError } from "../errors.js";
import type { ColourHistogram } from "./colourHistogram.js";
import { percentile } from "./distribution.js";
import { OD_LUT } from "./opticalDensity.js";
import { normalise3, type Vec3 } from "./stainVectors.js";

/** eigenvalues (descending) and unit eigenvectors of a symmetric 3×3 matrix */
export function symmetricEigen3(a: number[][]): { values: number[]; vectors: Vec3[] } {
  const m = a.map((r) => r.slice());
  const v = [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = m[0][1] ** 2 + m[0][2] ** 2 + m[1][2] ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [
      [0, 1],
      [0, 2],
      [1, 2],
    ]) {
      if (Math.abs(m[p][q]) < 1e-300) continue;
      const theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const mkp = m[k][p];
        const mkq = m[k][q];
        m[k][p] = c * mkp - s * mkq;
        m[k][q] = s * mkp + c * mkq;
      }
      for (let k = 0; k < 3; k++) {
        const mpk = m[p][k];
        const mqk = m[q][k];
        m[p][k] = c * mpk - s * mqk;
        m[q][k] = s * mpk + c * mqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k][p];
        const vkq = v[k][q];
        v[k][p] = c * vkp - s * vkq;
        v[k][q] = s * vkp + c * vkq;
      }
    }
  }
  const order = [0, 1, 2].sort((i, j) => m[j][j] - m[i][i]);
  return {
    values: order.map((i) => m[i][i]),
    vectors: order.map((i) => [v[0][i], v[1][i], v[2][i]] as Vec3),
  };
}

export interface MacenkoResult {
  vectors: [Vec3, Vec3];
  pixels_used: number;
  angles_deg: [number, number];
}

export function macenkoVectors(
  h: ColourHistogram,
  opts: { beta?: number; alphaPct?: number } = {},
): MacenkoResult {
  const beta = opts.beta ?? 0.15;
  const alpha = opts.alphaPct ?? 1;
  const cols: Array<[number, number, number, number]> = [];
  let W = 0;
  const mu = [0, 0, 0];
  h.forEach((_c, r, g, b, n) => {
    const od = [OD_LUT[r], OD_LUT[g], OD_LUT[b]];
    if (od[0] < beta || od[1] < beta || od[2] < beta) return;
    cols.push([od[0], od[1], od[2], n]);
    W += n;
    for (let k = 0; k < 3; k++) mu[k] += od[k] * n;
  });
  if (W < 3)
    throw new AnalysisError(`Macenko estimation: only ${W} pixels with OD ≥ ${beta} in every channel`);
  for (let k = 0; k < 3; k++) mu[k] /= W;
  const cov = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (const [a, b, c, n] of cols) {
    const d = [a - mu[0], b - mu[1], c - mu[2]];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i][j] += d[i] * d[j] * n;
  }
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i][j] /= W - 1;
  const { vectors } = symmetricEigen3(cov);
  // orient the plane's axes into the positive octant
  const e = vectors.slice(0, 2).map((v) => (v[0] + v[1] + v[2] < 0 ? (v.map((x) => -x) as Vec3) : v));
  const phis: Array<[number, number]> = cols.map(([a, b, c, n]) => [
    Math.atan2(a * e[1][0] + b * e[1][1] + c * e[1][2], a * e[0][0] + b * e[0][1] + c * e[0][2]),
    n,
  ]);
  phis.sort((x, y) => x[0] - y[0]);
  const dist = {
    values: Float64Array.from(phis, (p) => p[0]),
    weights: Float64Array.from(phis, (p) => p[1]),
    total: W,
  };
  const lo = percentile(dist, alpha);
  const hi = percentile(dist, 100 - alpha);
  const dir = (phi: number) =>
    normalise3([0, 1, 2].map((k) => e[0][k] * Math.cos(phi) + e[1][k] * Math.sin(phi)));
  const v1 = dir(lo);
  const v2 = dir(hi);
  const [first, second] = v1[0] > v2[0] ? [v1, v2] : [v2, v1];
  return {
    vectors: [first, second],
    pixels_used: W,
    angles_deg: [(lo * 180) / Math.PI, (hi * 180) / Math.PI],
  };
}
