/**
 * Synthetic tumour-like vessel network in a box, deterministic from a seed (mulberry32,
 * core/random.ts):
 *  - capillary bed: a jittered cubic lattice (spacing h, nodes jittered by ±h/4 per axis) joined
 *    along the three axes (radius r_c × U(0.8, 1.2));
 *  - arterial tree: the box is split recursively along its longest side (split point U(0.4, 0.6)
 *    of the lattice count) until a region spans ≤ `leafCapillaries` lattice nodes per side; each
 *    internal region is a branch point near its centroid (jitter ±10 % of its size) and each
 *    terminal region feeds its lattice corner nearest the origin. The root artery enters at the
 *    centre of the x = 0 face (the inlet);
 *  - venous tree: the same regions, draining each terminal region's opposite lattice corner to
 *    an outlet at the centre of the x = L face (radii × `venousRadiusFactor`);
 *  - radii by Murray's law from the terminal radius upwards, r_parent³ = Σ r_child³
 *    (Murray 1926, PNAS 12:207).
 * Segment lengths are the chords, at least h/4 (no near-zero lengths).
 */
import { InputError } from "../../errors.js";
import { Rng } from "../../random.js";
import type { BoundaryNode, VesselNetwork } from "./graph.js";

export interface SyntheticNetworkOptions {
  boxMm: [number, number, number];
  seed: number;
  capillarySpacingUm?: number;
  capillaryRadiusUm?: number;
  /** radius of the terminal arterioles (venules: × venousRadiusFactor), µm */
  terminalRadiusUm?: number;
  venousRadiusFactor?: number;
  /** lattice nodes per side of a terminal region */
  leafCapillaries?: number;
  inletPressureMmHg: number;
  outletPressureMmHg: number;
}

export const SYNTHETIC_DEFAULTS = {
  capillarySpacingUm: 100,
  capillaryRadiusUm: 4,
  terminalRadiusUm: 6,
  venousRadiusFactor: 1.3,
  leafCapillaries: 3,
};

interface Region {
  lo: [number, number, number];
  hi: [number, number, number];
}

interface TreeNode {
  region: Region;
  children: TreeNode[];
  /** Σ r³ of the leaves below (in units of the terminal radius³) */
  leaves: number;
}

function positive(field: string, v: number | undefined, max = Number.POSITIVE_INFINITY): void {
  if (v !== undefined && !(v > 0 && v <= max && Number.isFinite(v)))
    throw new InputError({
      field,
      value: v,
      expected: `a number > 0${max < Infinity ? ` and ≤ ${max}` : ""}`,
    });
}

export function syntheticNetwork(o: SyntheticNetworkOptions): VesselNetwork {
  o.boxMm.forEach((l) => positive("--box-mm", l, 100));
  positive("--capillary-spacing-um", o.capillarySpacingUm);
  positive("--capillary-radius-um", o.capillaryRadiusUm);
  positive("--terminal-radius-um", o.terminalRadiusUm);
  positive("--venous-radius-factor", o.venousRadiusFactor);
  if (!Number.isInteger(o.seed))
    throw new InputError({ field: "--seed", value: o.seed, expected: "an integer" });
  const h = (o.capillarySpacingUm ?? SYNTHETIC_DEFAULTS.capillarySpacingUm) * 1e-3;
  const rc = o.capillaryRadiusUm ?? SYNTHETIC_DEFAULTS.capillaryRadiusUm;
  const rt = o.terminalRadiusUm ?? SYNTHETIC_DEFAULTS.terminalRadiusUm;
  const fv = o.venousRadiusFactor ?? SYNTHETIC_DEFAULTS.venousRadiusFactor;
  const leafN = o.leafCapillaries ?? SYNTHETIC_DEFAULTS.leafCapillaries;
  if (!(Number.isInteger(leafN) && leafN >= 1))
    throw new InputError({ field: "leafCapillaries", value: leafN, expected: "an integer ≥ 1" });
  if (2 * rc * 1e-3 >= h)
    throw new InputError({
      field: "--capillary-radius-um",
      value: rc,
      expected: `a capillary diameter below the spacing (${h * 1e3} µm)`,
    });
  const L = o.boxMm;
  const n = L.map((l) => Math.max(2, Math.round(l / h))) as [number, number, number];
  const nCap = n[0] * n[1] * n[2];
  if (nCap > 2_000_000)
    throw new InputError({
      field: "--box-mm/--capillary-spacing-um",
      value: nCap,
      expected: "at most 2,000,000 capillary lattice nodes (a smaller box or a larger spacing)",
    });
  const rng = new Rng(o.seed);
  const step = L.map((l, a) => l / n[a]);
  const pos: number[] = [];
  const from: number[] = [];
  const to: number[] = [];
  const radius: number[] = [];
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) {
        const idx = [i, j, k];
        for (let a = 0; a < 3; a++) pos.push((idx[a] + 0.5 + rng.between(-0.25, 0.25)) * step[a]);
      }
  const lat = (i: number, j: number, k: number) => i + n[0] * (j + n[1] * k);
  for (let k = 0; k < n[2]; k++)
    for (let j = 0; j < n[1]; j++)
      for (let i = 0; i < n[0]; i++) {
        const a = lat(i, j, k);
        const nb = [
          i + 1 < n[0] ? lat(i + 1, j, k) : -1,
          j + 1 < n[1] ? lat(i, j + 1, k) : -1,
          k + 1 < n[2] ? lat(i, j, k + 1) : -1,
        ];
        for (const b of nb) {
          if (b < 0) continue;
          from.push(a);
          to.push(b);
          radius.push(rc * rng.between(0.8, 1.2));
        }
      }
  // region tree (shared by the arterial and venous trees)
  const build = (r: Region): TreeNode => {
    const size = [0, 1, 2].map((a) => r.hi[a] - r.lo[a]);
    const ax = size.indexOf(Math.max(...size));
    if (size[ax] <= leafN) return { region: r, children: [], leaves: 1 };
    const cut = r.lo[ax] + Math.max(1, Math.min(size[ax] - 1, Math.round(size[ax] * rng.between(0.4, 0.6))));
    const a: Region = { lo: [...r.lo], hi: [...r.hi] };
    const b: Region = { lo: [...r.lo], hi: [...r.hi] };
    a.hi[ax] = cut;
    b.lo[ax] = cut;
    const children = [build(a), build(b)];
    return { region: r, children, leaves: children[0].leaves + children[1].leaves };
  };
  const root = build({ lo: [0, 0, 0], hi: [...n] });
  const addNode = (x: number, y: number, z: number) => {
    pos.push(x, y, z);
    return pos.length / 3 - 1;
  };
  const centroid = (r: Region) => {
    const c = [0, 1, 2].map((a) => {
      const mid = ((r.lo[a] + r.hi[a]) / 2) * step[a];
      return mid + rng.between(-0.1, 0.1) * (r.hi[a] - r.lo[a]) * step[a];
    });
    return addNode(c[0], c[1], c[2]);
  };
  // Murray's law: r = r_terminal·(number of terminal branches below)^(1/3) for equal terminals
  const grow = (t: TreeNode, parent: number, rTerm: number, venous: boolean) => {
    const r = rTerm * Math.cbrt(t.leaves);
    let node: number;
    if (t.children.length === 0) {
      const g = t.region;
      const c = [0, 1, 2].map((a) => (venous ? g.hi[a] - 1 : g.lo[a]));
      node = lat(c[0], c[1], c[2]);
    } else node = centroid(t.region);
    if (venous) {
      from.push(node);
      to.push(parent);
    } else {
      from.push(parent);
      to.push(node);
    }
    radius.push(r);
    for (const c of t.children) grow(c, node, rTerm, venous);
  };
  const inlet = addNode(0, L[1] / 2, L[2] / 2);
  grow(root, inlet, rt, false);
  const outlet = addNode(L[0], L[1] / 2, L[2] / 2);
  grow(root, outlet, rt * fv, true);
  const positionMm = Float64Array.from(pos);
  const ns = from.length;
  const lengthMm = new Float64Array(ns);
  for (let s = 0; s < ns; s++) {
    const a = 3 * from[s];
    const b = 3 * to[s];
    const chord = Math.hypot(pos[b] - pos[a], pos[b + 1] - pos[a + 1], pos[b + 2] - pos[a + 2]);
    lengthMm[s] = Math.max(chord, h / 4);
  }
  const boundary: BoundaryNode[] = [
    { node: inlet, kind: "inlet", pressureMmHg: o.inletPressureMmHg },
    { node: outlet, kind: "outlet", pressureMmHg: o.outletPressureMmHg },
  ];
  return {
    positionMm,
    from: Int32Array.from(from),
    to: Int32Array.from(to),
    radiusUm: Float64Array.from(radius),
    lengthMm,
    boundary,
  };
}
