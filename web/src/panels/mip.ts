/**
 * Maximum-intensity projection of a 3D activity image (SPECT/PET), coronal (max over the
 * anterior–posterior axis j) and drawn with the viewer's colour map: MIP(i, k) = max_j I(i, j, k).
 * Computed in the browser from the NiiVue volume's voxels (first frame).
 */
export function drawMip(
  canvas: HTMLCanvasElement,
  img: ArrayLike<number>,
  dims: [number, number, number],
  lut: Uint8ClampedArray,
  range?: [number, number],
): { min: number; max: number } {
  const [nx, ny, nz] = dims;
  const mip = new Float64Array(nx * nz).fill(Number.NEGATIVE_INFINITY);
  for (let k = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const v = img[i + nx * (j + ny * k)];
        if (v > mip[i + nx * k]) mip[i + nx * k] = v;
      }
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of mip)
    if (Number.isFinite(v)) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  const [a, b] = range ?? [lo, hi];
  canvas.width = nx;
  canvas.height = nz;
  const g = canvas.getContext("2d") as CanvasRenderingContext2D;
  const out = g.createImageData(nx, nz);
  for (let k = 0; k < nz; k++)
    for (let i = 0; i < nx; i++) {
      const v = mip[i + nx * k];
      const t =
        Number.isFinite(v) && b > a ? Math.max(0, Math.min(255, Math.round((255 * (v - a)) / (b - a)))) : 0;
      const o = 4 * ((nz - 1 - k) * nx + i); // superior at the top
      out.data[o] = lut[4 * t];
      out.data[o + 1] = lut[4 * t + 1];
      out.data[o + 2] = lut[4 * t + 2];
      out.data[o + 3] = 255;
    }
  g.putImageData(out, 0, 0);
  return { min: lo, max: hi };
}
