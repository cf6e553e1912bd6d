/**
 * Stain vectors for colour deconvolution (Ruifrok & Johnston 2001, Anal Quant Cytol Histol
 * 23:291–299) with the presets of Fiji's Colour Deconvolution plugin (G. Landini,
 * colourdeconvolution/Colour_Deconvolution.java and Matrix_*.java: the "MODx/MODy/MODz"
 * constants, i.e. the R, G, B optical density of one unit of each stain):
 *
 *   "H DAB"            hematoxylin 0.650 0.704 0.286 · dab 0.268 0.570 0.776
 *   "H&E"              hematoxylin 0.644211 0.716556 0.266844 · eosin 0.092789 0.954111 0.283111
 *   "H&E DAB"          hematoxylin 0.650 0.704 0.286 · eosin 0.072 0.990 0.105 · dab 0.268 0.570 0.776
 *   "Masson Trichrome" methyl blue 0.7995107 0.5913521 0.10528667 ·
 *                      ponceau fuchsin 0.09997159 0.73738605 0.6680326
 *
 * Each vector is normalised to unit length. When only two stains are given the third
 * ("residual") is the normalised cross product of the first two (r = s1 × s2 / |s1 × s2|):
 * the convention the project adopted (SCIENCE.md §12) and the one of the reference data
 * (test/reference/histology). NOTE: Landini's original plugin instead completes the third
 * vector channel by channel as sqrt(1 − s1c² − s2c²) (0 when negative) and then normalises;
 * that variant is available as residual "complement" for comparison with Fiji's output. Both
 * give a vector (nearly) orthogonal to neither stain in general; the cross product is exactly
 * orthogonal to both, which makes the residual channel carry only what the two stains cannot
 * explain. Fiji additionally replaces exact zeros in the matrix by 0.001 before inversion;
 * we invert exactly and report a singular matrix as an InputError.
 */
import { InputError } from "../errors.js";

export type Vec3 = [number, number, number];

export interface StainSet {
  /** stain names, lower case (Fiji's names, spaces as underscores) */
  names: [string, string, string];
  /** unit vectors, rows = stains, columns = R, G, B optical density */
  vectors: [Vec3, Vec3, Vec3];
  /** how the third vector was obtained */
  third: "given" | "cross" | "complement";
}

export const STAIN_PRESETS = {
  hdab: {
    label: "H DAB",
    stains: [
      ["hematoxylin", [0.65, 0.704, 0.286]],
      ["dab", [0.268, 0.57, 0.776]],
    ],
  },
  he: {
    label: "H&E",
    stains: [
      ["hematoxylin", [0.644211, 0.716556, 0.266844]],
      ["eosin", [0.092789, 0.954111, 0.283111]],
    ],
  },
  hedab: {
    label: "H&E DAB",
    stains: [
      ["hematoxylin", [0.65, 0.704, 0.286]],
      ["eosin", [0.072, 0.99, 0.105]],
      ["dab", [0.268, 0.57, 0.776]],
    ],
  },
  masson: {
    label: "Masson Trichrome",
    stains: [
      ["methyl_blue", [0.7995107, 0.5913521, 0.10528667]],
      ["ponceau_fuchsin", [0.09997159, 0.73738605, 0.6680326]],
    ],
  },
} as const satisfies Record<
  string,
  { label: string; stains: ReadonlyArray<readonly [string, readonly number[]]> }
>;

export type StainPreset = keyof typeof STAIN_PRESETS;
export const STAIN_PRESET_NAMES = Object.keys(STAIN_PRESETS) as StainPreset[];

export function norm3(v: readonly number[]): number {
  return Math.hypot(v[0], v[1], v[2]);
}

export function normalise3(v: readonly number[], field = "stain vector"): Vec3 {
  const n = norm3(v);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InputError({ field, value: v, expected: "a non-zero RGB vector" });
  return [v[0] / n, v[1] / n, v[2] / n];
}

export function cross3(a: readonly number[], b: readonly number[]): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Landini's per-channel completion of a third vector (then normalised). */
export function complementResidual(a: Vec3, b: Vec3): Vec3 {
  const c = [0, 1, 2].map((i) => {
    const s = a[i] * a[i] + b[i] * b[i];
    return s > 1 ? 0 : Math.sqrt(1 - s);
  });
  return normalise3(c, "residual");
}

/**
 * Build a stain set from 2 or 3 named vectors (normalised here). With two, the third is the
 * residual by `third` (default the cross product).
 */
export function makeStainSet(
  stains: ReadonlyArray<readonly [string, readonly number[]]>,
  third: "cross" | "complement" = "cross",
): StainSet {
  if (stains.length !== 2 && stains.length !== 3)
    throw new InputError({ field: "stains", value: stains.length, expected: "2 or 3 stain vectors" });
  const v = stains.map(([name, rgb]) => {
    if (rgb.length !== 3 || rgb.some((x) => !Number.isFinite(x)))
      throw new InputError({
        field: `stains.${name}`,
        value: rgb,
        expected: "an [R, G, B] optical density vector",
      });
    return normalise3(rgb, `stains.${name}`);
  });
  const names = stains.map(([n]) => n.toLowerCase().replace(/\s+/g, "_"));
  if (v.length === 2) {
    const r = third === "cross" ? normalise3(cross3(v[0], v[1]), "residual") : complementResidual(v[0], v[1]);
    v.push(r);
    names.push("residual");
  }
  if (new Set(names).size !== 3)
    throw new InputError({ field: "stains", value: names, expected: "distinct stain names" });
  const set: StainSet = {
    names: names as [string, string, string],
    vectors: v as [Vec3, Vec3, Vec3],
    third: stains.length === 3 ? "given" : third,
  };
  invert3(set.vectors); // throws when singular
  return set;
}

export function presetStainSet(preset: StainPreset, third: "cross" | "complement" = "cross"): StainSet {
  return makeStainSet(STAIN_PRESETS[preset].stains, third);
}

/**
 * Inverse of the 3×3 matrix whose rows are the stain vectors. With od (row vector, R G B)
 * = amounts · M, the amounts are od · M⁻¹.
 */
export function invert3(m: readonly (readonly number[])[]): [Vec3, Vec3, Vec3] {
  const [a, b, c] = m[0];
  const [d, e, f] = m[1];
  const [g, h, i] = m[2];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!(Math.abs(det) > 1e-12))
    throw new InputError({ field: "stains", value: m, expected: "linearly independent stain vectors" });
  return [
    [A / det, -(b * i - c * h) / det, (b * f - c * e) / det],
    [B / det, (a * i - c * g) / det, -(a * f - c * d) / det],
    [C / det, -(a * h - b * g) / det, (a * e - b * d) / det],
  ];
}

/**
 * Parse user vectors: JSON `{ "hematoxylin": [r,g,b], "dab": [r,g,b] }` (2 or 3 entries, in
 * order) or `{ "stains": { … } }` (the shape `histo estimate` writes) or `[["name", [r,g,b]], …]`.
 */
export function parseStainVectors(json: unknown, file?: string): ReadonlyArray<readonly [string, number[]]> {
  const obj =
    json && typeof json === "object" && !Array.isArray(json) && "stains" in json
      ? (json as { stains: unknown }).stains
      : json;
  let entries: [string, unknown][];
  if (Array.isArray(obj))
    entries = obj.map((e, i) => (Array.isArray(e) ? [String(e[0]), e[1]] : [`stain${i + 1}`, e]));
  else if (obj && typeof obj === "object") entries = Object.entries(obj);
  else
    throw new InputError({
      file,
      expected:
        'a JSON object of stain vectors, e.g. {"hematoxylin":[0.65,0.70,0.29],"dab":[0.27,0.57,0.78]}',
    });
  return entries.map(([name, v]) => {
    if (!Array.isArray(v) || v.length !== 3 || v.some((x) => typeof x !== "number"))
      throw new InputError({
        file,
        field: name,
        value: v,
        expected: "an array of 3 numbers (R, G, B optical density)",
      });
    return [name, v as number[]] as const;
  });
}
