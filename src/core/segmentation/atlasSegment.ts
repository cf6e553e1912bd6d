/**
 * Atlas-based initialisation of an organ label map on a subject CT: the analytic atlas
 * (atlas.ts) is rendered as a CT on its own grid, registered to the subject CT (affine, Mattes
 * MI, centre-of-mass start: T = subject world → atlas world) and its labels are carried to the
 * subject grid by nearest neighbour through T. Optionally refined by the random walker with the
 * eroded propagated organs as seeds (organ boundaries then follow the subject's image edges).
 */
import type { Volume } from "../image/volume.js";
import { type RegistrationResult, register } from "../registration/register.js";
import { resampleNearest } from "../registration/resample.js";
import { atlasGrid, CT_HU, renderIntensity, renderLabels, type TissueTable } from "./atlas.js";
import { erode } from "./morphology.js";
import { randomWalker } from "./randomWalker.js";

export interface AtlasSegmentation {
  labels: Volume;
  registration: RegistrationResult;
}

let cache: { key: string; ct: Volume; labels: Volume } | null = null;

export function atlasImages(spacingMm = 1, table: TissueTable = CT_HU): { ct: Volume; labels: Volume } {
  const key = `${spacingMm}|${JSON.stringify(table)}`;
  if (cache?.key === key) return cache;
  const g = atlasGrid(spacingMm);
  const id = Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  cache = { key, ct: renderIntensity(g, id, table, 2), labels: renderLabels(g, id) };
  return cache;
}

export function atlasSegment(
  subjectCt: Volume,
  o: {
    atlasSpacingMm?: number;
    transform?: "rigid" | "affine";
    refine?: boolean;
    erodeMm?: number;
    beta?: number;
  } = {},
): AtlasSegmentation {
  const atlas = atlasImages(o.atlasSpacingMm ?? 1);
  const registration = register(subjectCt, atlas.ct, { transform: o.transform ?? "affine", metric: "mi" });
  let labels = resampleNearest(atlas.labels, subjectCt, registration.matrix);
  if (o.refine) labels = refineRandomWalker(subjectCt, labels, o.erodeMm ?? 1.2, o.beta);
  return { labels, registration };
}

/**
 * Random-walker refinement of a label map: seeds = each label eroded by erodeMm plus the
 * background eroded likewise; the band in between is re-decided from the image.
 */
export function refineRandomWalker(image: Volume, labels: Volume, erodeMm: number, beta?: number): Volume {
  const dims = image.dims.slice(0, 3);
  const n = dims[0] * dims[1] * dims[2];
  const seeds = new Float32Array(n);
  const values = [...new Set(Array.from(labels.data))].filter((v) => v >= 0);
  const bgLabel = Math.max(...values) + 1;
  for (const l of values) {
    const mask = Uint8Array.from(labels.data, (v) => (v === l ? 1 : 0));
    const core = erode(mask, dims, image.spacingMm, erodeMm);
    for (let v = 0; v < n; v++) if (core[v]) seeds[v] = l === 0 ? bgLabel : l;
  }
  const rw = randomWalker(image.data.subarray(0, n), dims, seeds, { beta });
  const out = Float32Array.from(rw.labels, (l) => (l === bgLabel ? 0 : l));
  return { ...labels, data: out };
}
