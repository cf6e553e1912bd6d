/**
 * Scribble (seed) segmentation for the workspace: the user paints object strokes (value 1) and
 * background strokes (value 2) in the drawing layer on any slices; the random walker (Grady 2006,
 * core/segmentation/randomWalker.ts: edge weights exp(−β·ΔI²/ρ), ρ the median ΔI², one
 * Dirichlet problem per label) decides every other voxel of a box around the strokes — their
 * bounding box grown by `marginVoxels` (default 12) on every side, clipped to the image — and the
 * object is the voxels whose walker probability is highest for label 1. Voxels outside the box
 * are not object. On the scan's image (one frame) or one of its maps (engine/roiPreview).
 * Intensities: SPECT/PET activity images have noise that grows with the signal (Poisson-like,
 * relative SD roughly constant), so the walker runs on log(I + ε), ε = 1 % of the box's 99th
 * percentile (noise then has one scale: a hot organ's inside stays connected, its edge strong);
 * other images (CT, MR, maps) as they are. `intensity` overrides the choice.
 * The preview (voxels, volume, mean ± SD, %ID/cc, mask) loads into the drawing layer, to be
 * edited and saved like a drawn ROI. Warnings: the object reaches a face of the box that is not
 * the image border (it may continue beyond: paint on more slices or widen the margin); the CG
 * solve did not converge. Nothing is written here.
 */
import { InputError } from "../core/errors.js";
import type { Volume } from "../core/image/volume.js";
import { randomWalker } from "../core/segmentation/randomWalker.js";
import type { Study } from "../study/schema.js";
import { type RoiPreview, type RoiSources, roiData, roiPreview, sameGrid } from "./roiPreview.js";

export interface ScribbleRequest {
  /** the strokes on the scan's grid: 1 object, 2 background, 0 unlabelled */
  scribbles: Volume;
  frame?: number;
  source?: string;
  /** random-walker edge sharpness β on ΔI²/median ΔI² (default 1, as `segment random-walker`) */
  beta?: number;
  marginVoxels?: number;
  /** "log" (default for SPECT/PET images) or "linear" (default otherwise) */
  intensity?: "log" | "linear";
}

export interface ScribbleRoi extends RoiPreview {
  strokes: { object: number; background: number };
  /** the box that was segmented: first and one-past-last voxel index per axis */
  box: { lo: [number, number, number]; hi: [number, number, number] };
  beta: number;
  intensity: "log" | "linear";
  iterations: number[];
  converged: boolean;
}

export const SCRIBBLE_DEFAULTS = { beta: 1, marginVoxels: 12 };

export function segmentScribbles(
  study: Study,
  studyDir: string,
  scanId: string,
  req: ScribbleRequest,
  src: RoiSources,
): ScribbleRoi {
  const d = roiData(study, studyDir, scanId, req, src);
  const [nx, ny, nz] = d.image.dims;
  const sc = req.scribbles;
  if (!sameGrid(sc, d.image))
    throw new InputError({
      field: "scribbles",
      value: sc.dims.slice(0, 3),
      expected: `strokes on the grid of ${d.scan.files[0]} (${nx}×${ny}×${nz})`,
    });
  const beta = req.beta ?? SCRIBBLE_DEFAULTS.beta;
  if (!(beta > 0 && beta <= 1e4))
    throw new InputError({ field: "beta", value: beta, expected: "0 < β ≤ 10000" });
  const margin = req.marginVoxels ?? SCRIBBLE_DEFAULTS.marginVoxels;
  if (!(Number.isInteger(margin) && margin >= 1 && margin <= 256))
    throw new InputError({ field: "marginVoxels", value: margin, expected: "an integer 1–256" });
  const lo = [nx, ny, nz];
  const hi = [0, 0, 0];
  let object = 0;
  let background = 0;
  for (let k = 0, v = 0; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++, v++) {
        const s = Math.round(sc.data[v]);
        if (s === 0) continue;
        if (s !== 1 && s !== 2)
          throw new InputError({
            field: "scribbles",
            value: sc.data[v],
            expected: "stroke values 0, 1 (object) or 2 (background)",
          });
        if (s === 1) object++;
        else background++;
        const p = [i, j, k];
        for (let a = 0; a < 3; a++) {
          lo[a] = Math.min(lo[a], p[a]);
          hi[a] = Math.max(hi[a], p[a] + 1);
        }
      }
  if (object === 0 || background === 0)
    throw new InputError({
      field: "scribbles",
      value: { object, background },
      expected: "strokes of both kinds: object (pen 1) and background (pen 2)",
    });
  const size = [nx, ny, nz];
  for (let a = 0; a < 3; a++) {
    lo[a] = Math.max(0, lo[a] - margin);
    hi[a] = Math.min(size[a], hi[a] + margin);
  }
  const [bx, by, bz] = [hi[0] - lo[0], hi[1] - lo[1], hi[2] - lo[2]];
  const nb = bx * by * bz;
  const sub = new Float64Array(nb);
  const seeds = new Int32Array(nb);
  const at = (i: number, j: number, k: number) => i + lo[0] + nx * (j + lo[1] + ny * (k + lo[2]));
  for (let k = 0, q = 0; k < bz; k++)
    for (let j = 0; j < by; j++)
      for (let i = 0; i < bx; i++, q++) {
        const v = at(i, j, k);
        const x = d.data[v];
        if (!Number.isFinite(x))
          throw new InputError({
            field: "source",
            value: x,
            expected: `finite values in the segmented box (voxel ${i + lo[0]}, ${j + lo[1]}, ${k + lo[2]} of ${d.source.file})`,
          });
        sub[q] = x;
        seeds[q] = Math.round(sc.data[v]);
      }
  const intensity =
    req.intensity ??
    (d.source.name === "image" && (d.scan.modality === "SPECT" || d.scan.modality === "PET")
      ? "log"
      : "linear");
  if (intensity === "log") {
    const sorted = Float64Array.from(sub).sort();
    const eps = 0.01 * Math.max(sorted[Math.floor(0.99 * (nb - 1))], Number.MIN_VALUE);
    for (let q = 0; q < nb; q++) sub[q] = Math.log(Math.max(0, sub[q]) + eps);
  }
  const rw = randomWalker(sub, [bx, by, bz], seeds, { beta });
  const mask = new Uint8Array(nx * ny * nz);
  let faces = false;
  for (let k = 0, q = 0; k < bz; k++)
    for (let j = 0; j < by; j++)
      for (let i = 0; i < bx; i++, q++) {
        if (rw.labels[q] !== 1) continue;
        mask[at(i, j, k)] = 1;
        const p = [i, j, k];
        const b = [bx, by, bz];
        for (let a = 0; a < 3; a++)
          if ((p[a] === 0 && lo[a] > 0) || (p[a] === b[a] - 1 && hi[a] < size[a])) faces = true;
      }
  const p = roiPreview(study, d, mask, `scribble ROI (random walker, beta ${beta})`);
  if (faces)
    p.warnings.push(
      "the object reaches the edge of the segmented box: it may continue beyond — paint object and background on more slices, or widen the margin",
    );
  if (!rw.converged) p.warnings.push("the random walker did not converge: the boundary is approximate");
  if (p.voxels === 0) p.warnings.push("no voxel is object: paint the object strokes inside it");
  return {
    ...p,
    strokes: { object, background },
    box: { lo: lo as [number, number, number], hi: hi as [number, number, number] },
    beta,
    intensity,
    iterations: rw.iterations,
    converged: rw.converged,
  };
}
