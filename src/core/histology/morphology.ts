/**
 * Binary morphology with a square footprint of side 2r+1 (skimage.morphology.square(2r+1)),
 * computed separably (row min/max, then column min/max), O(n·r). Border convention of
 * scikit-image's binary_erosion/binary_dilation: pixels outside the image are ignored, i.e.
 * erosion treats them as foreground (border_value=1) and dilation as background, so an object
 * touching the image edge is not eroded from the edge. (scipy.ndimage.binary_erosion's default
 * border_value=0 erodes from the edge instead; see the reference README.)
 * On whole slides the caller passes a tile with a halo of at least the summed radii, so the
 * core of the tile is exact (see io/histology/pipelines.ts). Pure: no Node APIs.
 */

function pass(
  src: Uint8Array,
  w: number,
  h: number,
  r: number,
  horizontal: boolean,
  isMin: boolean,
): Uint8Array {
  const out = new Uint8Array(src.length);
  const len = horizontal ? w : h;
  const lines = horizontal ? h : w;
  const stride = horizontal ? 1 : w;
  for (let l = 0; l < lines; l++) {
    const base = horizontal ? l * w : l;
    // running count of foreground in the clipped window
    let count = 0;
    let size = 0;
    for (let k = 0; k <= Math.min(r, len - 1); k++) {
      count += src[base + k * stride];
      size++;
    }
    for (let i = 0; i < len; i++) {
      out[base + i * stride] = isMin ? (count === size ? 1 : 0) : count > 0 ? 1 : 0;
      const add = i + r + 1;
      const rem = i - r;
      if (add < len) {
        count += src[base + add * stride];
        size++;
      }
      if (rem >= 0) {
        count -= src[base + rem * stride];
        size--;
      }
    }
  }
  return out;
}

export function erode(mask: Uint8Array, width: number, height: number, r = 1): Uint8Array {
  if (r <= 0) return mask.slice();
  return pass(pass(mask, width, height, r, true, true), width, height, r, false, true);
}

export function dilate(mask: Uint8Array, width: number, height: number, r = 1): Uint8Array {
  if (r <= 0) return mask.slice();
  return pass(pass(mask, width, height, r, true, false), width, height, r, false, false);
}

export function open(mask: Uint8Array, width: number, height: number, r = 1): Uint8Array {
  return dilate(erode(mask, width, height, r), width, height, r);
}

export function close(mask: Uint8Array, width: number, height: number, r = 1): Uint8Array {
  return erode(dilate(mask, width, height, r), width, height, r);
}

export type MorphOp = "none" | "open" | "close" | "erode" | "dilate";

export function applyMorphology(
  mask: Uint8Array,
  width: number,
  height: number,
  op: MorphOp,
  r: number,
): Uint8Array {
  switch (op) {
    case "open":
      return open(mask, width, height, r);
    case "close":
      return close(mask, width, height, r);
    case "erode":
      return erode(mask, width, height, r);
    case "dilate":
      return dilate(mask, width, height, r);
    default:
      return mask;
  }
}

/** Halo (pixels) a tile needs so that its core is exact after `op` with radius r. */
export function morphologyHalo(op: MorphOp, r: number): number {
  return op === "open" || op === "close" ? 2 * r : op === "none" ? 0 : r;
}
