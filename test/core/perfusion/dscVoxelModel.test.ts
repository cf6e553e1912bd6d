/**
 * Voxel model "dsc". References: the OSIPI DSC code-collection curves
 * (test/reference/dce/DSCmodels; CBV a_tol 1, r_tol 0.1 and CBF a_tol 15, r_tol 0.1 as in
 * osipiDsc.test.ts / dscOsvd.test.ts), on which a chunk must also reproduce the single-curve
 * functions dscCbv / dscCbf / dscPerfusionOsvd bit for bit; and an analytic leakage model
 * (ref(t) = t·e^{−t/τ}, closed-form integral τ²(1 − e^{−t/τ}(1 + t/τ)), tissue K1·ref − K2·∫ref)
 * whose K2 must be recovered.
 */
import { describe, expect, it } from "vitest";
import { cumulativeTrapezoid } from "../../../src/core/fit/integrate.js";
import { deconvolveSvd, deltaR2Star, dscCbf, dscCbv } from "../../../src/core/perfusion/dsc.js";
import { boxermanLeakageCorrection } from "../../../src/core/perfusion/dscLeakage.js";
import { dscPerfusionOsvd } from "../../../src/core/perfusion/dscOsvd.js";
import { type DscVoxelOptions, dscVoxelModel } from "../../../src/core/perfusion/dscVoxelModel.js";
import { allocChunkResult, VOXEL_INVALID, VOXEL_OK } from "../../../src/core/voxel/model.js";
import { arr, close, readOsipi } from "../../helpers/osipi.js";

function fitCurves(curves: number[][], o: DscVoxelOptions) {
  const n = curves[0].length;
  dscVoxelModel.validate?.(o, n);
  const np = dscVoxelModel.parameters(o).length;
  const out = allocChunkResult(curves.length, np);
  dscVoxelModel.fitChunk(Float64Array.from(curves.flat()), n, o, out);
  const keys = dscVoxelModel.parameters(o).map((p) => p.key);
  return curves.map((_, v) => ({
    status: out.status[v],
    rss: out.rss[v],
    ...Object.fromEntries(keys.map((k, p) => [k, out.params[v * np + p]])),
  })) as Record<string, number>[];
}

const rows = readOsipi("DSCmodels/dsc_data.csv");
/** OSIPI cases grouped by AIF (each group is one chunk, as voxels of one map) */
const groups = new Map<string, typeof rows>();
for (const r of rows) {
  const k = `${r.C_aif}|${r.tr}`;
  groups.set(k, [...(groups.get(k) ?? []), r]);
}

describe("dsc voxel model on the OSIPI DSC curves", () => {
  for (const method of ["svd", "osvd"] as const) {
    it(`${method}: equals the single-curve functions exactly and passes the OSIPI tolerances`, () => {
      let n = 0;
      const cbfFails: string[] = [];
      const cbvFails: string[] = [];
      for (const g of groups.values()) {
        const aif = arr(g[0].C_aif);
        const dt = Number(g[0].tr);
        const tis = g.map((r) => arr(r.C_tis));
        const res = fitCurves(tis, { dtS: dt, aif, input: "deltaR2star", method });
        g.forEach((r, v) => {
          n++;
          const m = res[v];
          expect(m.status, r.label).toBe(VOXEL_OK);
          expect(m.CBV_ml_per_100ml).toBe(dscCbv(tis[v], aif, dt));
          if (method === "svd") {
            expect(m.CBF_ml_per_100ml_per_min).toBe(dscCbf(tis[v], aif, dt));
            const res1 = deconvolveSvd(tis[v], aif, dt);
            let im = 0;
            for (let i = 1; i < res1.length; i++) if (res1[i] > res1[im]) im = i;
            expect(m.Tmax_s).toBe(im * dt);
          } else {
            const p = dscPerfusionOsvd(tis[v], aif, dt);
            expect(p.reachedTarget).toBe(true);
            expect(m.CBF_ml_per_100ml_per_min).toBe(p.CBF_ml_per_100ml_per_min);
            expect(m.MTT_s).toBe(p.MTT_s);
            expect(m.Tmax_s).toBe(p.Tmax_s);
          }
          expect(m.MTT_s).toBe((m.CBV_ml_per_100ml / m.CBF_ml_per_100ml_per_min) * 60);
          expect(m.rss).toBeGreaterThanOrEqual(0);
          if (!close(m.CBF_ml_per_100ml_per_min, Number(r.cbf), 15, 0.1)) cbfFails.push(r.label);
          if (!close(m.CBV_ml_per_100ml, Number(r.cbv), 1, 0.1)) cbvFails.push(r.label);
        });
      }
      console.log(`dsc voxel ${method}: ${n} OSIPI cases in ${groups.size} chunk(s), all equal`);
      expect(n).toBe(rows.length);
      expect(cbfFails).toEqual([]);
      expect(cbvFails).toEqual([]);
    });
  }

  it("signal input: ΔR2* = −ln(S/S0)/TE as deltaR2Star, same CBF and CBV", () => {
    const g = [...groups.values()][0];
    const dt = Number(g[0].tr);
    const te = 0.03;
    const nb = 5;
    const aif = arr(g[0].C_aif);
    // signal = 1000·exp(−TE·C) after 5 baseline frames at 1000
    const sig = g
      .slice(0, 4)
      .map((r) => [...Array(nb).fill(1000), ...arr(r.C_tis).map((c) => 1000 * Math.exp(-te * c))]);
    const aifPad = [...Array(nb).fill(0), ...aif];
    const res = fitCurves(sig, { dtS: dt, aif: aifPad, teS: te, baselineFrames: nb, method: "svd" });
    sig.forEach((s, v) => {
      const d = deltaR2Star(s, nb, te);
      expect(res[v].status).toBe(VOXEL_OK);
      expect(res[v].CBF_ml_per_100ml_per_min).toBe(dscCbf(d, aifPad, dt));
      expect(res[v].CBV_ml_per_100ml).toBe(dscCbv(d, aifPad, dt));
    });
  });
});

describe("leakage correction", () => {
  const tau = 5;
  const dt = 0.5;
  const t = Array.from({ length: 120 }, (_, i) => dt * i);
  const ref = t.map((x) => x * Math.exp(-x / tau));
  const integral = t.map((x) => tau * tau * (1 - Math.exp(-x / tau) * (1 + x / tau)));
  const aif = t.map((x) => 8 * (x / 2) ** 2 * Math.exp(-x / 2));
  for (const [k1, k2] of [
    [0.8, 0.01],
    [1.2, -0.02],
  ]) {
    it(`recovers K2 = ${k2}/s of the analytic model; CBV of the corrected curve = K1·CBV(ref)`, () => {
      const tissue = ref.map((r, i) => k1 * r - k2 * integral[i]);
      const o: DscVoxelOptions = {
        dtS: dt,
        aif,
        input: "deltaR2star",
        method: "osvd",
        leakage: true,
        leakageReference: ref,
      };
      const [m] = fitCurves([tissue], o);
      expect(m.status).toBe(VOXEL_OK);
      // within the trapezoid error of ∫ref at Δt = 0.5 s (the model integrates numerically)
      expect(Math.abs(m.K2_per_s / k2 - 1)).toBeLessThan(2e-3);
      // the single-curve correction (least squares by core/fit) gives the same K2
      expect(m.K2_per_s).toBeCloseTo(boxermanLeakageCorrection(tissue, ref, t).K2_per_s, 10);
      const cbvRef = dscCbv(ref, aif, dt);
      expect(Math.abs(m.CBV_ml_per_100ml / (k1 * cbvRef) - 1)).toBeLessThan(1e-3);
      const [u] = fitCurves([tissue], { ...o, leakage: false });
      expect(u.K2_per_s).toBeUndefined();
      expect(Math.abs(u.CBV_ml_per_100ml / (k1 * cbvRef) - 1)).toBeGreaterThan(0.05);
    });
  }
  it("OSIPI curves with added leakage: corrected CBV passes the OSIPI tolerance", () => {
    for (const g of groups.values()) {
      const aif = arr(g[0].C_aif);
      const dt = Number(g[0].tr);
      const ref = arr(g[0].C_tis);
      const time = ref.map((_, i) => i * dt);
      const cum = cumulativeTrapezoid(time, ref);
      const k2 = 0.004;
      // every case's tissue with leakage against the group's first curve as reference
      const leaky = g.map((r) => {
        const tis = arr(r.C_tis);
        return tis.map((v, i) => v - k2 * cum[i]);
      });
      const res = fitCurves([leaky[0]], {
        dtS: dt,
        aif,
        input: "deltaR2star",
        leakage: true,
        leakageReference: ref,
      });
      expect(res[0].K2_per_s).toBeCloseTo(k2, 10);
      expect(close(res[0].CBV_ml_per_100ml, Number(g[0].cbv), 1, 0.1)).toBe(true);
    }
  });
  it("a degenerate (all-zero) leakage reference is an input error", () => {
    expect(() =>
      dscVoxelModel.validate?.(
        { dtS: dt, aif, input: "deltaR2star", leakage: true, leakageReference: t.map(() => 0) },
        t.length,
      ),
    ).toThrow();
  });
});

describe("invalid curves and options", () => {
  const dt = 1;
  const n = 40;
  const aif = Array.from({ length: n }, (_, i) =>
    i > 5 ? 5 * ((i - 5) / 3) ** 3 * Math.exp(-(i - 5) / 1.5) : 0,
  );
  const good = Array.from({ length: n }, (_, i) => 1000 * Math.exp(-0.03 * 0.05 * aif[i] * 10));
  it("NaN samples, non-positive signal and flat curves get status ≠ 0 and NaN maps", () => {
    const withNaN = [...good];
    withNaN[10] = Number.NaN;
    const withZero = [...good];
    withZero[12] = 0;
    const flat = good.map(() => 1000);
    const zeroBaseline = good.map((x, i) => (i < 3 ? 0 : x));
    const res = fitCurves([good, withNaN, withZero, flat, zeroBaseline], {
      dtS: dt,
      aif,
      teS: 0.03,
      baselineFrames: 3,
      method: "svd",
    });
    expect(res[0].status).toBe(VOXEL_OK);
    expect(res[0].CBF_ml_per_100ml_per_min).toBeGreaterThan(0);
    for (const r of res.slice(1)) {
      expect(r.status).toBe(VOXEL_INVALID);
      for (const k of ["CBV_ml_per_100ml", "CBF_ml_per_100ml_per_min", "MTT_s", "Tmax_s", "rss"])
        expect(Number.isNaN(r[k]), k).toBe(true);
    }
  });
  it("unusable options are input errors", () => {
    const v = (o: Partial<DscVoxelOptions>) => () =>
      dscVoxelModel.validate?.({ dtS: dt, aif, teS: 0.03, baselineFrames: 3, ...o } as DscVoxelOptions, n);
    expect(v({})).not.toThrow();
    expect(v({ aif: aif.slice(1) })).toThrow();
    expect(v({ method: "fft" as never })).toThrow();
    expect(v({ teS: 0 })).toThrow();
    expect(v({ baselineFrames: n })).toThrow();
    expect(v({ dtS: 0 })).toThrow();
    expect(v({ aif: aif.map(() => 0) })).toThrow();
    expect(v({ leakage: true })).toThrow();
  });
});
