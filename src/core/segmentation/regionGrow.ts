/**
 * Seeded region growing (6-connected flood fill from seed voxels):
 *  - interval: include neighbours with lo ≤ I < hi;
 *  - confidence connected (ITK ConfidenceConnectedImageFilter): start from the 3×3×3
 *    neighbourhoods of the seeds, include I within mean ± k·SD of the current region, re-estimate
 *    mean and SD from the grown region and repeat `iterations` times.
 */
import { neighbourOffsets } from "./components.js";

export type Seed = [number, number, number];

function flood(data: ArrayLike<number>, dims: number[], seeds: Seed[], lo: number, hi: number): Uint8Array {
  const [nx, ny, nz] = dims;
  const out = new Uint8Array(nx * ny * nz);
  const queue: number[] = [];
  for (const [i, j, k] of seeds) {
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) continue;
    const v = i + nx * (j + ny * k);
    if (data[v] >= lo && data[v] < hi && !out[v]) {
      out[v] = 1;
      queue.push(v);
    }
  }
  const offs = neighbourOffsets(6);
  for (let h = 0; h < queue.length; h++) {
    const v = queue[h];
    const i = v % nx;
    const j = Math.floor(v / nx) % ny;
    const k = Math.floor(v / (nx * ny));
    for (const [dx, dy, dz] of offs) {
      const a = i + dx;
      const b = j + dy;
      const c = k + dz;
      if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
      const w = a + nx * (b + ny * c);
      if (!out[w] && data[w] >= lo && data[w] < hi) {
        out[w] = 1;
        queue.push(w);
      }
    }
  }
  return out;
}

export function growInterval(
  data: ArrayLike<number>,
  dims: number[],
  seeds: Seed[],
  lo: number,
  hi: number,
): Uint8Array {
  return flood(data, dims, seeds, lo, hi);
}

export function growConfidence(
  data: ArrayLike<number>,
  dims: number[],
  seeds: Seed[],
  o: { k?: number; iterations?: number } = {},
): Uint8Array {
  const [nx, ny, nz] = dims;
  const kk = o.k ?? 2.5;
  const stats = (vals: number[]) => {
    const m = vals.reduce((a, b) => a + b, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, vals.length - 1));
    return { m, sd };
  };
  const init: number[] = [];
  for (const [i, j, k] of seeds)
    for (let c = -1; c <= 1; c++)
      for (let b = -1; b <= 1; b++)
        for (let a = -1; a <= 1; a++) {
          const x = i + a;
          const y = j + b;
          const z = k + c;
          if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz)
            init.push(data[x + nx * (y + ny * z)]);
        }
  if (!init.length) return new Uint8Array(nx * ny * nz);
  let { m, sd } = stats(init);
  let region = flood(data, dims, seeds, m - kk * sd, m + kk * sd + 1e-12);
  for (let it = 0; it < (o.iterations ?? 4); it++) {
    const vals: number[] = [];
    for (let v = 0; v < region.length; v++) if (region[v]) vals.push(data[v]);
    if (vals.length < 2) break;
    ({ m, sd } = stats(vals));
    region = flood(data, dims, seeds, m - kk * sd, m + kk * sd + 1e-12);
  }
  return region;
}
