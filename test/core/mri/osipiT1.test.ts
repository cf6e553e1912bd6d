/**
 * OSIPI conformance: VFA T1 mapping (171 voxels: brain, QIBA DRO, prostate) and SPGR
 * signal → concentration (5 curves), original tolerances (README §3–4).
 */
import { describe, expect, it } from "vitest";
import { signalToConcentration, vfaLinear, vfaNonlinear } from "../../../src/core/mri/spgr.js";
import { arr, close, readOsipi } from "../../helpers/osipi.js";

interface T1Case {
  label: string;
  fa: number[];
  trS: number;
  s: number[];
  r1: number;
}

function t1Cases(): T1Case[] {
  const brain = readOsipi("T1_mapping/t1_brain_data.csv").map((r) => ({
    label: r.label,
    fa: arr(r.FA),
    trS: arr(r.TR)[0],
    s: arr(r.s),
    r1: Number(r.R1),
  }));
  const qiba = readOsipi("T1_mapping/t1_quiba_data.csv").map((r) => ({
    label: r.label,
    fa: arr(r.FA),
    trS: arr(r.TR)[0],
    s: arr(r.s),
    r1: Number(r.R1) * 1000,
  }));
  const prostate = readOsipi("T1_mapping/t1_prostate_data.csv").map((r) => ({
    label: r.label,
    fa: arr(r.FA),
    trS: arr(r.TR)[0] / 1000,
    s: arr(r.s),
    r1: 1000 / Number(r[" T1 nonlinear"]),
  }));
  return [...brain, ...qiba, ...prostate];
}

const LINEAR_XFAIL = new Set(["Pat5_voxel5_prostaat"]); // low-SNR voxel, expected failure upstream (README §3)

describe("OSIPI T1 mapping (a_tol 0.05 /s, r_tol 0.05 on R1)", () => {
  const cases = t1Cases();
  it("has all 171 cases", () => expect(cases).toHaveLength(171));
  it("nonlinear VFA passes every case", () => {
    const failed = cases
      .filter((c) => !close(vfaNonlinear(c.s, c.fa, c.trS).r1PerS, c.r1, 0.05, 0.05))
      .map((c) => c.label);
    console.log(`OSIPI T1 nonlinear: ${cases.length - failed.length} of ${cases.length} pass`);
    expect(failed).toEqual([]);
  });
  it("linear VFA passes every case except the documented low-SNR voxel", () => {
    const failed = cases
      .filter((c) => !close(vfaLinear(c.s, c.fa, c.trS).r1PerS, c.r1, 0.05, 0.05))
      .map((c) => c.label);
    console.log(
      `OSIPI T1 linear: ${cases.length - failed.length} of ${cases.length} pass (expected failure: ${[...LINEAR_XFAIL].join(", ")})`,
    );
    expect(failed).toEqual([...LINEAR_XFAIL]);
  });
});

describe("OSIPI signal → concentration (a_tol = r_tol = 1e-5 mM)", () => {
  for (const r of readOsipi("SI_to_Conc/SI2Conc_data.csv")) {
    it(r.label, () => {
      const c = signalToConcentration(arr(r.s), {
        faDeg: Number(r.FA),
        trS: Number(r.TR),
        t10S: Number(r.T1base),
        r1: Number(r.r1),
        baselineSamples: Number(r.numbaselinepts),
      });
      const ref = arr(r.conc);
      for (let i = 1; i < ref.length; i++)
        expect(close(c[i], ref[i], 1e-5, 1e-5), `sample ${i}: ${c[i]} vs ${ref[i]}`).toBe(true);
    });
  }
});
