/** `eprscope simulate network` contract (built CLI): outputs, JSON summary, re-runs, clean errors. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { networkToJson } from "../../src/core/transport/network/networkJson.js";
import { syntheticNetwork } from "../../src/core/transport/network/synthetic.js";
import { readNifti } from "../../src/io/nifti.js";
import { expectCleanFailure, REF, runCli, runCliJson, tempDir } from "../helpers/cli.js";

interface Summary {
  source: string;
  nodes: number;
  segments: number;
  inlets: number;
  outlets: number;
  total_flow_ml_per_min: number;
  perfusion_ml_per_min_per_ml: number;
  flow_balance_rel_error: number;
  mass_balance_rel_error: number;
  mean_vp: number;
  mean_ps_per_min: number;
  frames: number;
  grid: { dims: number[]; voxel_mm: number[] };
  contrast_nmol: { in: number; out: number; tissue: number; vessels: number };
  files: Record<string, string>;
  fit?: { model: string; comparison: Record<string, { median_ratio: number | null }> };
}

const SYN = ["simulate", "network", "--synthetic", "--box-mm", "0.5", "--seed", "2", "--voxel-mm", "0.1"];
const SHORT = ["--duration-s", "60", "--dt-s", "2"];

describe("simulate network --synthetic", () => {
  const dir = tempDir("simnet-");
  const out = join(dir, "sim");
  const r = runCliJson<Summary>([
    ...SYN,
    ...SHORT,
    "--ps-per-min",
    "0.2",
    "--fit",
    "etofts",
    "--out",
    out,
    "--json",
  ]);

  it("writes the 4D curves, truth maps, network.json, aif.csv and summary.json", () => {
    for (const f of [
      "ct_mM.nii.gz",
      "vp.nii.gz",
      "vb.nii.gz",
      "ve.nii.gz",
      "flow_ml_per_min_per_ml.nii.gz",
      "ps_per_min.nii.gz",
      "ktrans_renkin_crone_per_min.nii.gz",
      "network.json",
      "aif.csv",
      "summary.json",
      "fit_Ktrans_per_min.nii.gz",
    ])
      expect(existsSync(join(out, f))).toBe(true);
    const ct = readNifti(join(out, "ct_mM.nii.gz"));
    expect(ct.dims).toEqual([5, 5, 5, 31]);
    expect(ct.frameS).toBe(2);
    const vp = readNifti(join(out, "vp.nii.gz"));
    const mean = Array.from(vp.data).reduce((s, x) => s + x, 0) / vp.data.length;
    expect(mean).toBeCloseTo(r.mean_vp, 6);
    const aif = readFileSync(join(out, "aif.csv"), "utf8").split("\n");
    expect(aif[0]).toBe("time_s,cp_mM");
    expect(aif.filter((l) => l.trim()).length).toBe(32);
    expect(JSON.parse(readFileSync(join(out, "summary.json"), "utf8")).segments).toBe(r.segments);
  });

  it("summary: sizes, flow and contrast mass balance, mean PS as asked, the fit compared with the truth", () => {
    expect(r.source).toBe("synthetic");
    expect(r.inlets).toBe(1);
    expect(r.outlets).toBe(1);
    expect(r.total_flow_ml_per_min).toBeGreaterThan(0);
    expect(r.flow_balance_rel_error).toBeLessThan(1e-12);
    expect(r.mass_balance_rel_error).toBeLessThan(1e-9);
    expect(r.mean_ps_per_min).toBeCloseTo(0.2, 10);
    expect(r.frames).toBe(31);
    const c = r.contrast_nmol;
    expect(Math.abs(c.in - c.out - c.tissue - c.vessels) / c.in).toBeLessThan(1e-9);
    expect(r.fit?.model).toBe("etofts");
    const k = r.fit?.comparison.Ktrans_per_min.median_ratio as number;
    expect(k).toBeGreaterThan(0.7);
    expect(k).toBeLessThan(1.3);
  });

  it("network.json: segments with radius/length/flow, conserved at interior nodes; re-run with --network gives the same flow", () => {
    const doc = JSON.parse(readFileSync(join(out, "network.json"), "utf8"));
    expect(doc.nodes.length).toBe(r.nodes);
    expect(doc.segments.length).toBe(r.segments);
    const s0 = doc.segments[0];
    for (const k of [
      "from",
      "to",
      "radius_um",
      "length_mm",
      "flow_nl_per_min",
      "transit_s",
      "viscosity_mPa_s",
    ])
      expect(s0).toHaveProperty(k);
    const netFlow = new Float64Array(doc.nodes.length);
    for (const s of doc.segments) {
      netFlow[s.from] -= s.flow_nl_per_min;
      netFlow[s.to] += s.flow_nl_per_min;
    }
    const total = r.total_flow_ml_per_min * 1e6;
    doc.nodes.forEach((n: { boundary: string | null }, i: number) => {
      if (n.boundary === null) expect(Math.abs(netFlow[i]) / total).toBeLessThan(1e-12);
    });
    const again = runCliJson<Summary>([
      "simulate",
      "network",
      "--network",
      join(out, "network.json"),
      "--voxel-mm",
      "0.1",
      ...SHORT,
      "--out",
      join(dir, "again"),
      "--json",
    ]);
    expect(again.source).toBe("network");
    expect(
      Math.abs(again.total_flow_ml_per_min - r.total_flow_ml_per_min) / r.total_flow_ml_per_min,
    ).toBeLessThan(1e-12);
    expect(again.grid.dims).toEqual([5, 5, 5]);
  });
});

describe("simulate network --vessels", () => {
  it("builds the network from a segmented mask; inlets/outlets from the faces; coarser DCE voxels", () => {
    const dir = tempDir("simves-");
    const r = runCliJson<Summary>([
      "simulate",
      "network",
      "--vessels",
      `${REF}/network/mask_y.nii.gz`,
      "--inlet-faces",
      "x-",
      "--outlet-faces",
      "x+",
      "--voxel-mm",
      "0.1",
      ...SHORT,
      "--out",
      join(dir, "sim"),
      "--json",
    ]);
    expect(r.source).toBe("vessels");
    expect(r.inlets).toBe(1);
    expect(r.outlets).toBe(2);
    expect(r.grid.dims).toEqual([8, 8, 6]);
    expect(r.flow_balance_rel_error).toBeLessThan(1e-12);
    expect(r.mass_balance_rel_error).toBeLessThan(1e-9);
    expect(readNifti(join(dir, "sim", "ct_mM.nii.gz")).dims).toEqual([8, 8, 6, 31]);
  });
});

describe("simulate network: bad input → exit 2 naming the flag", () => {
  const dir = tempDir("simnet-bad-");
  it("no source, bad faces, --network without --voxel-mm, two permeability options, no inflow", () => {
    expectCleanFailure(
      runCli(["simulate", "network", "--out", join(dir, "a")]),
      2,
      /exactly one network source/,
    );
    expectCleanFailure(
      runCli([
        "simulate",
        "network",
        "--vessels",
        `${REF}/network/mask_y.nii.gz`,
        "--inlet-faces",
        "left",
        "--out",
        join(dir, "c"),
      ]),
      2,
      /--inlet-faces/,
    );
    const netFile = join(dir, "network.json");
    const net = syntheticNetwork({
      boxMm: [0.3, 0.3, 0.3],
      seed: 1,
      inletPressureMmHg: 30,
      outletPressureMmHg: 10,
    });
    writeFileSync(netFile, JSON.stringify(networkToJson(net)));
    expectCleanFailure(
      runCli(["simulate", "network", "--network", netFile, "--out", join(dir, "d")]),
      2,
      /--voxel-mm/,
    );
    expectCleanFailure(
      runCli([...SYN, "--ps-per-min", "0.1", "--permeability-cm-per-s", "1e-5", "--out", join(dir, "e")]),
      2,
      /at most one way/,
    );
    expectCleanFailure(
      runCli([...SYN, "--inlet-pressure-mmhg", "5", "--outlet-pressure-mmhg", "10", "--out", join(dir, "g")]),
      2,
      /inlet pressure above the outlet/,
    );
  });
});
