/**
 * 3D connected-component labelling of a binary mask (6- or 26-connectivity) by breadth-first
 * flood fill, components numbered 1… in order of first voxel (x fastest), with their voxel
 * counts; and helpers to keep the largest component or components above a size.
 */

export interface Components {
  labels: Int32Array;
  sizes: number[]; // sizes[c − 1] = voxels of component c
}

export function neighbourOffsets(connectivity: 6 | 26): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let dz = -1; dz <= 1; dz++)
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const n = Math.abs(dx) + Math.abs(dy) + Math.abs(dz);
        if (n === 0 || (connectivity === 6 && n > 1)) continue;
        out.push([dx, dy, dz]);
      }
  return out;
}

export function connectedComponents(
  mask: ArrayLike<number>,
  dims: number[],
  connectivity: 6 | 26 = 6,
): Components {
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(nx * ny * nz);
  const offs = neighbourOffsets(connectivity);
  const sizes: number[] = [];
  const queue = new Int32Array(nx * ny * nz);
  for (let start = 0; start < labels.length; start++) {
    if (!(mask[start] > 0) || labels[start]) continue;
    const c = sizes.length + 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    labels[start] = c;
    while (head < tail) {
      const v = queue[head++];
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      for (const [dx, dy, dz] of offs) {
        const a = i + dx;
        const b = j + dy;
        const d = k + dz;
        if (a < 0 || b < 0 || d < 0 || a >= nx || b >= ny || d >= nz) continue;
        const w = a + nx * (b + ny * d);
        if (mask[w] > 0 && !labels[w]) {
          labels[w] = c;
          queue[tail++] = w;
        }
      }
    }
    sizes.push(tail);
  }
  return { labels, sizes };
}

/** binary mask of the largest component (empty mask → all zero) */
export function largestComponent(
  mask: ArrayLike<number>,
  dims: number[],
  connectivity: 6 | 26 = 6,
): Uint8Array {
  const { labels, sizes } = connectedComponents(mask, dims, connectivity);
  const out = new Uint8Array(labels.length);
  if (!sizes.length) return out;
  const best = sizes.indexOf(Math.max(...sizes)) + 1;
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] === best ? 1 : 0;
  return out;
}

/** components with at least minVoxels voxels */
export function removeSmall(
  mask: ArrayLike<number>,
  dims: number[],
  minVoxels: number,
  connectivity: 6 | 26 = 6,
): Uint8Array {
  const { labels, sizes } = connectedComponents(mask, dims, connectivity);
  const out = new Uint8Array(labels.length);
  for (let i = 0; i < labels.length; i++) out[i] = labels[i] && sizes[labels[i] - 1] >= minVoxels ? 1 : 0;
  return out;
}
