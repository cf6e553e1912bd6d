/**
 * Binary morphology in 3D with a ball structuring element of radius r mm (anisotropic voxels
 * allowed: offsets (di, dj, dk) with Σ (d·spacing)² ≤ r²): dilation, erosion (voxels outside
 * the grid count as background), opening, closing, and hole filling (background components
 * not connected to the grid border, 6-connectivity).
 */
import { connectedComponents } from "./components.js";

function ball(radiusMm: number, spacing: number[]): [number, number, number][] {
  const r = [0, 1, 2].map((a) => Math.floor(radiusMm / spacing[a] + 1e-9));
  const out: [number, number, number][] = [];
  for (let k = -r[2]; k <= r[2]; k++)
    for (let j = -r[1]; j <= r[1]; j++)
      for (let i = -r[0]; i <= r[0]; i++)
        if ((i * spacing[0]) ** 2 + (j * spacing[1]) ** 2 + (k * spacing[2]) ** 2 <= radiusMm ** 2 + 1e-9)
          out.push([i, j, k]);
  return out;
}

export function dilate(
  mask: ArrayLike<number>,
  dims: number[],
  spacing: number[],
  radiusMm: number,
): Uint8Array {
  const [nx, ny, nz] = dims;
  const se = ball(radiusMm, spacing);
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (!(mask[i + nx * (j + ny * k)] > 0)) continue;
        for (const [a, b, c] of se) {
          const x = i + a;
          const y = j + b;
          const z = k + c;
          if (x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz) out[x + nx * (y + ny * z)] = 1;
        }
      }
  return out;
}

export function erode(
  mask: ArrayLike<number>,
  dims: number[],
  spacing: number[],
  radiusMm: number,
): Uint8Array {
  const inv = Uint8Array.from(mask as ArrayLike<number>, (v) => (v > 0 ? 0 : 1));
  // outside the grid is background: pad by treating border neighbours as background
  const [nx, ny, nz] = dims;
  const se = ball(radiusMm, spacing);
  const out = new Uint8Array(nx * ny * nz);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        if (inv[i + nx * (j + ny * k)]) continue;
        let keep = 1;
        for (const [a, b, c] of se) {
          const x = i + a;
          const y = j + b;
          const z = k + c;
          if (x < 0 || y < 0 || z < 0 || x >= nx || y >= ny || z >= nz || inv[x + nx * (y + ny * z)]) {
            keep = 0;
            break;
          }
        }
        out[i + nx * (j + ny * k)] = keep;
      }
  return out;
}

export function open(mask: ArrayLike<number>, dims: number[], spacing: number[], r: number): Uint8Array {
  return dilate(erode(mask, dims, spacing, r), dims, spacing, r);
}

export function close(mask: ArrayLike<number>, dims: number[], spacing: number[], r: number): Uint8Array {
  return erode(dilate(mask, dims, spacing, r), dims, spacing, r);
}

export function fillHoles(mask: ArrayLike<number>, dims: number[]): Uint8Array {
  const [nx, ny, nz] = dims;
  const bg = Uint8Array.from(mask as ArrayLike<number>, (v) => (v > 0 ? 0 : 1));
  const { labels } = connectedComponents(bg, dims, 6);
  const border = new Set<number>();
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++)
        if (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1) {
          const l = labels[i + nx * (j + ny * k)];
          if (l) border.add(l);
        }
  const out = new Uint8Array(bg.length);
  for (let v = 0; v < bg.length; v++) out[v] = bg[v] && border.has(labels[v]) ? 0 : 1;
  return out;
}
