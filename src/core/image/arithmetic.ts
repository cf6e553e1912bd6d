/**
 * Image arithmetic used by the analyses: masking, frame averaging (e.g. late frames of a
 * dynamic PET series), Gaussian smoothing with an FWHM in mm (separable, σ = FWHM/(2√(2 ln 2)),
 * kernel truncated at 3σ, edges renormalised), and voxelwise ratio maps (e.g. tumour-to-
 * reference, post/pre). All functions return new volumes; non-finite results become 0 only
 * where the inputs say so (outside the mask, zero denominators) and are listed in the result.
 */
import { InputError } from "../errors.js";
import { frameCount, type Volume, voxelCount3d } from "./volume.js";

function sameGrid(a: Volume, b: Volume, what: string): void {
  if (voxelCount3d(a) !== voxelCount3d(b) || a.dims[0] !== b.dims[0] || a.dims[1] !== b.dims[1]) {
    throw new InputError({
      field: what,
      value: b.dims,
      expected: `the image grid ${a.dims.slice(0, 3).join("×")}`,
    });
  }
}

export function applyMask(v: Volume, mask: Volume): Volume {
  sameGrid(v, mask, "mask");
  const n = voxelCount3d(v);
  const out = new Float32Array(v.data.length);
  for (let f = 0; f < frameCount(v); f++)
    for (let i = 0; i < n; i++) out[f * n + i] = mask.data[i] > 0 ? v.data[f * n + i] : 0;
  return { ...v, data: out };
}

/** mean of frames [from, to] (inclusive, 0-based) as a 3D volume */
export function frameAverage(v: Volume, from: number, to: number): Volume {
  const nf = frameCount(v);
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to < nf && from <= to))
    throw new InputError({ field: "frames", value: [from, to], expected: `0 ≤ from ≤ to < ${nf}` });
  const n = voxelCount3d(v);
  const out = new Float32Array(n);
  for (let f = from; f <= to; f++) for (let i = 0; i < n; i++) out[i] += v.data[f * n + i];
  for (let i = 0; i < n; i++) out[i] /= to - from + 1;
  return { ...v, dims: v.dims.slice(0, 3), data: out, frameS: undefined };
}

function kernel(sigmaVox: number): Float64Array {
  if (sigmaVox <= 0) return Float64Array.of(1);
  const r = Math.ceil(3 * sigmaVox);
  const k = new Float64Array(2 * r + 1);
  for (let i = -r; i <= r; i++) k[i + r] = Math.exp(-(i * i) / (2 * sigmaVox * sigmaVox));
  return k;
}

/** separable Gaussian smoothing of every frame; fwhmMm per axis or isotropic */
export function gaussianSmooth(v: Volume, fwhmMm: number | [number, number, number]): Volume {
  const fw = typeof fwhmMm === "number" ? [fwhmMm, fwhmMm, fwhmMm] : fwhmMm;
  if (fw.some((x) => !(x >= 0)))
    throw new InputError({ field: "fwhm", value: fwhmMm, expected: "non-negative FWHM in mm" });
  const [nx, ny, nz] = v.dims;
  const n = nx * ny * nz;
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  const out = Float32Array.from(v.data);
  const tmp = new Float64Array(Math.max(nx, ny, nz));
  for (let axis = 0; axis < 3; axis++) {
    const k = kernel(fw[axis] / (2 * Math.sqrt(2 * Math.LN2)) / v.spacingMm[axis]);
    const r = (k.length - 1) / 2;
    if (r === 0) continue;
    const len = sizes[axis];
    const st = strides[axis];
    for (let f = 0; f < frameCount(v); f++) {
      for (let base = 0; base < n; base++) {
        // visit each line once: base must be the start of a line along this axis
        if (Math.floor(base / st) % len !== 0) continue;
        const off = f * n + base;
        for (let i = 0; i < len; i++) {
          let s = 0;
          let w = 0;
          for (let j = -r; j <= r; j++) {
            const q = i + j;
            if (q < 0 || q >= len) continue;
            s += k[j + r] * out[off + q * st];
            w += k[j + r];
          }
          tmp[i] = s / w;
        }
        for (let i = 0; i < len; i++) out[off + i * st] = tmp[i];
      }
    }
  }
  return { ...v, data: out };
}

/** voxelwise a / b; voxels with |b| ≤ eps become 0 and are counted */
export function ratioMap(a: Volume, b: Volume, eps = 0): { volume: Volume; undefinedVoxels: number } {
  sameGrid(a, b, "denominator");
  if (a.data.length !== b.data.length)
    throw new InputError({ field: "denominator", value: b.dims, expected: `dims ${a.dims.join("×")}` });
  const out = new Float32Array(a.data.length);
  let bad = 0;
  for (let i = 0; i < out.length; i++) {
    if (Math.abs(b.data[i]) > eps) out[i] = a.data[i] / b.data[i];
    else bad++;
  }
  return { volume: { ...a, data: out }, undefinedVoxels: bad };
}
