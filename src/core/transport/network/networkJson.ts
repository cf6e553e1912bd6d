/**
 * The vessel-network document (network.json): nodes (grid-frame mm, pressure, boundary kind),
 * segments (end nodes, radius, length, and after a flow solve: flow, plasma transit time,
 * viscosity) and the pressure boundary conditions. The same document is read back by
 * `simulate network --network FILE` (flow fields are ignored on input), so a network can be
 * edited or built by another tool (e.g. exported from a spatial graph).
 */
import { InputError } from "../../errors.js";
import type { BoundaryKind, BoundaryNode, VesselNetwork } from "./graph.js";
import { validateNetwork } from "./graph.js";

export const NETWORK_FORMAT = "eprscope-vessel-network/1";

export interface NetworkJsonExtras {
  pressureMmHg?: ArrayLike<number>;
  flowMm3PerS?: ArrayLike<number>;
  transitS?: ArrayLike<number>;
  viscosityPaS?: ArrayLike<number>;
}

const num = (x: number) => (Number.isFinite(x) ? x : null);

export function networkToJson(net: VesselNetwork, extra: NetworkJsonExtras = {}): Record<string, unknown> {
  const kind = new Map<number, BoundaryKind>(net.boundary.map((b) => [b.node, b.kind]));
  const nodes = [];
  for (let i = 0; i < net.positionMm.length / 3; i++)
    nodes.push({
      id: i,
      x_mm: net.positionMm[3 * i],
      y_mm: net.positionMm[3 * i + 1],
      z_mm: net.positionMm[3 * i + 2],
      ...(extra.pressureMmHg ? { pressure_mmHg: num(extra.pressureMmHg[i]) } : {}),
      boundary: kind.get(i) ?? null,
    });
  const segments = [];
  for (let s = 0; s < net.from.length; s++)
    segments.push({
      id: s,
      from: net.from[s],
      to: net.to[s],
      radius_um: net.radiusUm[s],
      length_mm: net.lengthMm[s],
      ...(extra.flowMm3PerS ? { flow_nl_per_min: extra.flowMm3PerS[s] * 60e3 } : {}),
      ...(extra.transitS ? { transit_s: num(extra.transitS[s]) } : {}),
      ...(extra.viscosityPaS ? { viscosity_mPa_s: extra.viscosityPaS[s] * 1e3 } : {}),
    });
  return {
    format: NETWORK_FORMAT,
    units: {
      position: "mm in the grid frame (voxel (i,j,k) spans [i·s, (i+1)·s))",
      flow_nl_per_min: "blood flow, positive from `from` to `to`",
      transit_s: "lumen volume / |flow| (null: stagnant)",
    },
    nodes,
    segments,
    boundary: net.boundary.map((b) => ({ node: b.node, kind: b.kind, pressure_mmHg: b.pressureMmHg })),
  };
}

function field(obj: unknown, name: string, where: string, file: string): unknown {
  if (obj === null || typeof obj !== "object" || !(name in obj))
    throw new InputError({ file, field: where, expected: `an object with "${name}"` });
  return (obj as Record<string, unknown>)[name];
}

function number(v: unknown, where: string, file: string): number {
  if (typeof v !== "number" || !Number.isFinite(v))
    throw new InputError({ file, field: where, value: v, expected: "a finite number" });
  return v;
}

/** parse and validate a network document (`file` names it in errors) */
export function networkFromJson(doc: unknown, file: string): VesselNetwork {
  const nodes = field(doc, "nodes", "nodes", file);
  const segs = field(doc, "segments", "segments", file);
  const bcs = field(doc, "boundary", "boundary", file);
  if (!Array.isArray(nodes)) throw new InputError({ file, field: "nodes", expected: "an array of nodes" });
  if (!Array.isArray(segs))
    throw new InputError({ file, field: "segments", expected: "an array of segments" });
  if (!Array.isArray(bcs)) throw new InputError({ file, field: "boundary", expected: "an array" });
  const positionMm = new Float64Array(3 * nodes.length);
  nodes.forEach((n, i) => {
    ["x_mm", "y_mm", "z_mm"].forEach((k, a) => {
      positionMm[3 * i + a] = number(field(n, k, `nodes[${i}]`, file), `nodes[${i}].${k}`, file);
    });
  });
  const ns = segs.length;
  const from = new Int32Array(ns);
  const to = new Int32Array(ns);
  const radiusUm = new Float64Array(ns);
  const lengthMm = new Float64Array(ns);
  segs.forEach((s, i) => {
    const w = `segments[${i}]`;
    const a = number(field(s, "from", w, file), `${w}.from`, file);
    const b = number(field(s, "to", w, file), `${w}.to`, file);
    if (!Number.isInteger(a) || !Number.isInteger(b))
      throw new InputError({ file, field: `${w}.from/to`, value: [a, b], expected: "node indices" });
    from[i] = a;
    to[i] = b;
    radiusUm[i] = number(field(s, "radius_um", w, file), `${w}.radius_um`, file);
    lengthMm[i] = number(field(s, "length_mm", w, file), `${w}.length_mm`, file);
  });
  const boundary: BoundaryNode[] = bcs.map((b, i) => {
    const w = `boundary[${i}]`;
    const kind = field(b, "kind", w, file);
    if (kind !== "inlet" && kind !== "outlet")
      throw new InputError({ file, field: `${w}.kind`, value: kind, expected: '"inlet" or "outlet"' });
    const node = number(field(b, "node", w, file), `${w}.node`, file);
    if (!Number.isInteger(node))
      throw new InputError({ file, field: `${w}.node`, value: node, expected: "a node index" });
    return {
      node,
      kind,
      pressureMmHg: number(field(b, "pressure_mmHg", w, file), `${w}.pressure_mmHg`, file),
    };
  });
  const net = { positionMm, from, to, radiusUm, lengthMm, boundary };
  validateNetwork(net, file);
  return net;
}
