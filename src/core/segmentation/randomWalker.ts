/**
 * Random-walker seed segmentation (Grady, IEEE TPAMI 28:1768, 2006). Voxels are graph nodes
 * with 6-neighbour edges weighted
 *   w_ij = exp(−β (I_i − I_j)²/ρ) + ε,  ρ = median (I_i − I_j)² over the edges (noise scale, so
 *   β is scale-free; the median, not the mean, so the few air/tissue edges do not dominate),
 * seeds (scribbles) fix x_l = 1 on label l's seeds and 0 on the others, and for every label the
 * Dirichlet problem L_U x_l = −B x_seeds (combinatorial Laplacian restricted to the unseeded
 * voxels) is solved by Jacobi-preconditioned conjugate gradients, matrix-free. Each voxel gets the
 * label whose walker reaches it first with the highest probability (argmax_l x_l; Σ_l x_l = 1).
 * Voxels outside `mask` take no part (label 0).
 */

export interface RandomWalkerOptions {
  beta?: number;
  /** only voxels with mask > 0 are segmented */
  mask?: ArrayLike<number>;
  tolerance?: number;
  maxIterations?: number;
}

export interface RandomWalkerResult {
  labels: Int32Array;
  /** CG iterations per label */
  iterations: number[];
  converged: boolean;
}

export function randomWalker(
  data: ArrayLike<number>,
  dims: number[],
  seeds: ArrayLike<number>,
  o: RandomWalkerOptions = {},
): RandomWalkerResult {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const inside = (v: number) => !o.mask || o.mask[v] > 0;
  const strides = [1, nx, nx * ny];
  const size = [nx, ny, nz];
  // forward edge weights per axis
  const w = [new Float64Array(n), new Float64Array(n), new Float64Array(n)];
  let rho = 0;
  let edges = 0;
  const pos = (v: number, a: number) =>
    a === 0 ? v % nx : a === 1 ? Math.floor(v / nx) % ny : Math.floor(v / (nx * ny));
  for (let v = 0; v < n; v++) {
    if (!inside(v)) continue;
    for (let a = 0; a < 3; a++) {
      if (pos(v, a) === size[a] - 1) continue;
      const u = v + strides[a];
      if (!inside(u)) continue;
      const d = data[v] - data[u];
      w[a][v] = d * d;
      rho += d * d;
      edges++;
    }
  }
  // robust scale: the median squared difference (noise-dominated), not the mean (dominated by
  // the few air/tissue edges, which would make every organ boundary weak)
  const sq: number[] = [];
  for (let a = 0; a < 3; a++) for (let v = 0; v < n; v++) if (w[a][v] > 0) sq.push(w[a][v]);
  sq.sort((x, y) => x - y);
  rho = sq.length ? sq[Math.floor(sq.length / 2)] : rho / Math.max(1, edges);
  if (!(rho > 0)) rho = 1;
  const beta = o.beta ?? 1;
  for (let a = 0; a < 3; a++)
    for (let v = 0; v < n; v++) {
      if (!inside(v) || pos(v, a) === size[a] - 1 || !inside(v + strides[a])) {
        w[a][v] = 0;
        continue;
      }
      w[a][v] = Math.exp((-beta * w[a][v]) / rho) + 1e-6;
    }
  const labelSet = [...new Set(Array.from(seeds as ArrayLike<number>).filter((s) => s > 0))].sort(
    (a, b) => a - b,
  );
  const unknown: number[] = [];
  const uIndex = new Int32Array(n).fill(-1);
  for (let v = 0; v < n; v++)
    if (inside(v) && !(seeds[v] > 0)) {
      uIndex[v] = unknown.length;
      unknown.push(v);
    }
  const m = unknown.length;
  const diag = new Float64Array(m);
  // neighbour lists for the unknown voxels: (neighbour voxel, weight)
  const nbr = (v: number, f: (u: number, wt: number) => void) => {
    for (let a = 0; a < 3; a++) {
      const p = pos(v, a);
      if (p < size[a] - 1 && w[a][v] > 0) f(v + strides[a], w[a][v]);
      if (p > 0 && w[a][v - strides[a]] > 0) f(v - strides[a], w[a][v - strides[a]]);
    }
  };
  for (let q = 0; q < m; q++)
    nbr(unknown[q], (_u, wt) => {
      diag[q] += wt;
    });
  const apply = (x: Float64Array, out: Float64Array) => {
    for (let q = 0; q < m; q++) {
      let s = diag[q] * x[q];
      nbr(unknown[q], (u, wt) => {
        const r = uIndex[u];
        if (r >= 0) s -= wt * x[r];
      });
      out[q] = s;
    }
  };
  const prob = labelSet.map(() => new Float64Array(m));
  const iterations: number[] = [];
  let converged = true;
  const tol = o.tolerance ?? 1e-5;
  const maxIt = o.maxIterations ?? 2000;
  for (let li = 0; li < labelSet.length; li++) {
    const l = labelSet[li];
    const b = new Float64Array(m);
    for (let q = 0; q < m; q++)
      nbr(unknown[q], (u, wt) => {
        if (seeds[u] === l) b[q] += wt;
      });
    // Jacobi-preconditioned CG, x0 = 0
    const x = prob[li];
    const r = Float64Array.from(b);
    const z = r.map((ri, q) => ri / diag[q]);
    const p = Float64Array.from(z);
    const ap = new Float64Array(m);
    let rz = 0;
    let bn = 0;
    for (let q = 0; q < m; q++) {
      rz += r[q] * z[q];
      bn += b[q] * b[q];
    }
    bn = Math.sqrt(bn);
    let it = 0;
    if (bn > 0)
      for (; it < maxIt; it++) {
        apply(p, ap);
        let pap = 0;
        for (let q = 0; q < m; q++) pap += p[q] * ap[q];
        const alpha = rz / pap;
        let rn = 0;
        for (let q = 0; q < m; q++) {
          x[q] += alpha * p[q];
          r[q] -= alpha * ap[q];
          rn += r[q] * r[q];
        }
        if (Math.sqrt(rn) < tol * bn) break;
        let rz2 = 0;
        for (let q = 0; q < m; q++) {
          z[q] = r[q] / diag[q];
          rz2 += r[q] * z[q];
        }
        const beta2 = rz2 / rz;
        rz = rz2;
        for (let q = 0; q < m; q++) p[q] = z[q] + beta2 * p[q];
      }
    if (it >= maxIt) converged = false;
    iterations.push(it);
  }
  const labels = new Int32Array(n);
  for (let v = 0; v < n; v++) if (seeds[v] > 0 && inside(v)) labels[v] = seeds[v];
  for (let q = 0; q < m; q++) {
    let best = -1;
    let bl = 0;
    for (let li = 0; li < labelSet.length; li++)
      if (prob[li][q] > best) {
        best = prob[li][q];
        bl = labelSet[li];
      }
    labels[unknown[q]] = best > 0 ? bl : 0;
  }
  return { labels, iterations, converged };
}
