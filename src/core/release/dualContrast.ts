/**
 * Dual-contrast release imaging: iron oxide in the carrier shortens T2* (ΔR2* tracks the
 * carrier), Gd in the payload shortens T1 once released (ΔR1 tracks the free payload)
 * (SCIENCE.md §6: the carrier and its payload imaged at once, each by its own relaxation rate).
 * Maps per voxel:
 *   ΔR1 = R1 − R1,pre,  ΔR2* = R2* − R2*,pre  (1/s),
 *   payload : carrier ratio = ΔR1/ΔR2* where |ΔR2*| ≥ minCarrierPerS, else NaN (no carrier seen).
 * Pure elementwise arithmetic.
 */
import { InputError } from "../errors.js";

export interface DualContrastMaps {
  deltaR1PerS: Float64Array;
  deltaR2StarPerS: Float64Array;
  /** ΔR1/ΔR2* (1) */
  ratio: Float64Array;
}

const at = (m: ArrayLike<number> | number, v: number) => (typeof m === "number" ? m : m[v]);

export function dualContrastMaps(
  r1PerS: ArrayLike<number>,
  r1PrePerS: ArrayLike<number> | number,
  r2StarPerS: ArrayLike<number>,
  r2StarPrePerS: ArrayLike<number> | number,
  opts: { minCarrierPerS?: number } = {},
): DualContrastMaps {
  const n = r1PerS.length;
  for (const [name, m] of [
    ["R1,pre", r1PrePerS],
    ["R2*", r2StarPerS],
    ["R2*,pre", r2StarPrePerS],
  ] as const)
    if (typeof m !== "number" && m.length !== n)
      throw new InputError({ field: name, value: m.length, expected: `${n} voxels like the R1 map` });
  const minC = opts.minCarrierPerS ?? 1;
  const dR1 = new Float64Array(n);
  const dR2 = new Float64Array(n);
  const ratio = new Float64Array(n);
  for (let v = 0; v < n; v++) {
    dR1[v] = r1PerS[v] - at(r1PrePerS, v);
    dR2[v] = r2StarPerS[v] - at(r2StarPrePerS, v);
    ratio[v] = Math.abs(dR2[v]) >= minC ? dR1[v] / dR2[v] : Number.NaN;
  }
  return { deltaR1PerS: dR1, deltaR2StarPerS: dR2, ratio };
}
