/**
 * Network construction:
 *  - synthetic networks: deterministic from the seed, one connected component, Murray's law
 *    r_parent³ = Σ r_child³ at every branch point (1e-12);
 *  - 3D thinning equals scikit-image 0.19 skeletonize_3d (Lee et al. 1994) voxel for voxel on three
 *    masks (test/reference/network, make_reference.py);
 *  - network from a mask of three cylinders (radii 4.2, 3.1, 2.6 voxels): three chains, radii
 *    within 6 % of the design, lumen volume = mask volume (1e-12), inlet/outlet ends on the faces;
 *  - segment pieces: cut exactly at the voxel planes, fractions summing to 1;
 *  - network.json round trip and validation errors.
 */
import { describe, expect, it } from "vitest";
import { InputError } from "../../../../src/core/errors.js";
import {
  connectedComponents,
  type VesselNetwork,
  validateNetwork,
} from "../../../../src/core/transport/network/graph.js";
import { networkFromJson, networkToJson } from "../../../../src/core/transport/network/networkJson.js";
import { solveNetworkFlow } from "../../../../src/core/transport/network/poiseuille.js";
import { maskNetwork } from "../../../../src/core/transport/network/skeletonGraph.js";
import { syntheticNetwork } from "../../../../src/core/transport/network/synthetic.js";
import { thinMask } from "../../../../src/core/transport/network/thinning.js";
import { segmentPieces } from "../../../../src/core/transport/network/voxelise.js";
import { readNifti } from "../../../../src/io/nifti.js";
import { REF } from "../../../helpers/cli.js";

const opts = {
  boxMm: [0.9, 0.7, 0.6] as [number, number, number],
  inletPressureMmHg: 30,
  outletPressureMmHg: 10,
};

describe("synthetic network", () => {
  it("is deterministic from the seed and differs between seeds", () => {
    const a = syntheticNetwork({ ...opts, seed: 5 });
    const b = syntheticNetwork({ ...opts, seed: 5 });
    const c = syntheticNetwork({ ...opts, seed: 6 });
    expect(Array.from(a.positionMm)).toEqual(Array.from(b.positionMm));
    expect(Array.from(a.radiusUm)).toEqual(Array.from(b.radiusUm));
    expect(Array.from(a.positionMm)).not.toEqual(Array.from(c.positionMm));
  });

  it("is one connected component with valid geometry; Murray's law at every branch point", () => {
    for (const seed of [1, 9, 23]) {
      const net = syntheticNetwork({ ...opts, seed });
      validateNetwork(net);
      expect(connectedComponents(net).count).toBe(1);
      // lattice 9 × 7 × 6 nodes, then tree nodes; the inlet/outlet are boundary nodes
      const nCap = 9 * 7 * 6;
      const bc = new Set(net.boundary.map((b) => b.node));
      const incident = new Map<number, number[]>();
      net.from.forEach((f, s) => {
        for (const n of [f, net.to[s]]) {
          if (n < nCap || bc.has(n)) continue;
          incident.set(n, [...(incident.get(n) ?? []), net.radiusUm[s]]);
        }
      });
      expect(incident.size).toBeGreaterThan(4);
      for (const radii of incident.values()) {
        expect(radii.length).toBe(3);
        const r = [...radii].sort((x, y) => y - x);
        expect(Math.abs(r[0] ** 3 - r[1] ** 3 - r[2] ** 3) / r[0] ** 3).toBeLessThan(1e-12);
      }
    }
  });

  it("rejects a capillary wider than the lattice spacing", () => {
    expect(() => syntheticNetwork({ ...opts, seed: 1, capillaryRadiusUm: 60 })).toThrow(InputError);
  });
});

describe("3D thinning vs scikit-image skeletonize_3d", () => {
  for (const name of ["y", "tubes", "porous"])
    it(`${name}: identical skeleton voxels`, () => {
      const m = readNifti(`${REF}/network/mask_${name}.nii.gz`);
      const ref = readNifti(`${REF}/network/skel_${name}.nii.gz`);
      const ours = thinMask(m.data, m.dims as [number, number, number]);
      let diff = 0;
      let count = 0;
      for (let i = 0; i < ours.length; i++) {
        if (ours[i] !== (ref.data[i] > 0 ? 1 : 0)) diff++;
        count += ours[i];
      }
      expect(count).toBeGreaterThan(40);
      expect(diff).toBe(0);
    });
});

describe("network from a vessel mask", () => {
  it("three cylinders: three chains, radii within 6 % of the design, volume = mask volume, faces → inlet/outlets", () => {
    const m = readNifti(`${REF}/network/mask_y.nii.gz`);
    const net = maskNetwork({
      mask: m.data,
      dims: m.dims as [number, number, number],
      spacingMm: m.spacingMm,
      inletFaces: ["x-"],
      outletFaces: ["x+"],
      inletPressureMmHg: 30,
      outletPressureMmHg: 10,
    });
    expect(net.chains).toBe(3);
    const radii = [...new Set(Array.from(net.radiusUm))].sort((a, b) => b - a);
    expect(radii.length).toBe(3);
    [4.2, 3.1, 2.6].forEach((r, i) => {
      expect(Math.abs(radii[i] - r * 20) / (r * 20)).toBeLessThan(0.06);
    });
    let vol = 0;
    net.radiusUm.forEach((r, s) => {
      vol += Math.PI * (r * 1e-3) ** 2 * net.lengthMm[s];
    });
    const [sx, sy, sz] = m.spacingMm;
    expect(Math.abs(vol - net.maskVoxels * sx * sy * sz) / vol).toBeLessThan(1e-12);
    expect(net.boundary.filter((b) => b.kind === "inlet").length).toBe(1);
    expect(net.boundary.filter((b) => b.kind === "outlet").length).toBe(2);
    for (const b of net.boundary) {
      const x = net.positionMm[3 * b.node];
      expect(b.kind === "inlet" ? x : 40 * sx - x).toBeCloseTo(0, 12);
    }
    const flow = solveNetworkFlow(net, { kind: "constant", viscosityMPaS: 3.5 });
    expect(flow.totalInflowMm3PerS).toBeGreaterThan(0);
    expect(flow.flowBalanceRelError).toBeLessThan(1e-12);
  });

  it("no vessel end on the inlet face → InputError naming --inlet-faces", () => {
    const m = readNifti(`${REF}/network/mask_y.nii.gz`);
    expect(() =>
      maskNetwork({
        mask: m.data,
        dims: m.dims as [number, number, number],
        spacingMm: m.spacingMm,
        inletFaces: ["z-"],
        outletFaces: ["x+"],
        inletPressureMmHg: 30,
        outletPressureMmHg: 10,
      }),
    ).toThrow(/--inlet-faces/);
  });
});

describe("segment pieces", () => {
  it("a diagonal segment is cut at every voxel plane it crosses; fractions sum to 1", () => {
    const net: VesselNetwork = {
      positionMm: Float64Array.from([0.05, 0.02, 0.01, 0.37, 0.29, 0.01]),
      from: Int32Array.from([0]),
      to: Int32Array.from([1]),
      radiusUm: Float64Array.from([5]),
      lengthMm: Float64Array.from([Math.hypot(0.32, 0.27)]),
      boundary: [],
    };
    const p = segmentPieces(net, { dims: [4, 4, 1], spacingMm: [0.1, 0.1, 0.1] });
    // crossings: x = 0.1, 0.2, 0.3 at t = (x − 0.05)/0.32; y = 0.1, 0.2 at t = (y − 0.02)/0.27
    const ts = [0.05 / 0.32, 0.15 / 0.32, 0.25 / 0.32, 0.08 / 0.27, 0.18 / 0.27].sort((a, b) => a - b);
    expect(p.voxel.length).toBe(6);
    for (let k = 0; k < 5; k++) expect(p.t1[k]).toBeCloseTo(ts[k], 14);
    let sum = 0;
    for (let k = 0; k < p.voxel.length; k++) sum += p.t1[k] - p.t0[k];
    expect(sum).toBeCloseTo(1, 14);
    expect(Array.from(p.voxel)).toEqual([0, 1, 5, 6, 10, 11]);
  });
});

describe("network.json", () => {
  it("round trip keeps nodes, segments and boundary conditions", () => {
    const net = syntheticNetwork({ ...opts, seed: 3 });
    const doc = JSON.parse(JSON.stringify(networkToJson(net)));
    const back = networkFromJson(doc, "network.json");
    expect(Array.from(back.positionMm)).toEqual(Array.from(net.positionMm));
    expect(Array.from(back.radiusUm)).toEqual(Array.from(net.radiusUm));
    expect(Array.from(back.lengthMm)).toEqual(Array.from(net.lengthMm));
    expect(back.boundary).toEqual(net.boundary);
  });

  it("rejects bad segments with InputErrors naming the field", () => {
    const doc = JSON.parse(JSON.stringify(networkToJson(syntheticNetwork({ ...opts, seed: 3 }))));
    doc.segments[4].radius_um = -2;
    expect(() => networkFromJson(doc, "n.json")).toThrow(/segments\[4\]\.radius_um/);
    doc.segments[4].radius_um = 3;
    doc.segments[5].to = doc.segments[5].from;
    expect(() => networkFromJson(doc, "n.json")).toThrow(/segments\[5\]\.from\/to/);
    doc.segments[5].to = doc.segments[5].from + 1;
    doc.segments[5].length_mm = 1e-9;
    expect(() => networkFromJson(doc, "n.json")).toThrow(/length_mm/);
    expect(() => networkFromJson({ nodes: [] }, "n.json")).toThrow(/segments/);
  });
});
