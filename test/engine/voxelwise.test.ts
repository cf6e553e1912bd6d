/**
 * The voxelwise engine (src/engine/voxelwise/): every DCE model, with and without delay, fitted
 * through the engine (worker threads when dist/ is built) gives exactly the parameters of its
 * single-curve fit (DceModel.fit, voxelwise `fast` mode) on the same curve; the variable-
 * projection Tofts fit recovers analytic (noise-free) parameters; masks, invalid voxels,
 * cancellation, slab-wise NIfTI reading and the NIfTI + sidecar writer.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { identityAffine } from "../../src/core/image/volume.js";
import { spgrSignal, vfaNonlinear } from "../../src/core/mri/spgr.js";
import { bloodToPlasma, parkerAif } from "../../src/core/perfusion/aif.js";
import { DceModel } from "../../src/core/perfusion/dceModel.js";
import { type DceModelName, MODEL_PARAMETERS } from "../../src/core/perfusion/models.js";
import { Rng } from "../../src/core/random.js";
import { runVoxelMap } from "../../src/engine/voxelwise/engine.js";
import { openNiftiSeries } from "../../src/engine/voxelwise/niftiSlab.js";
import { writeVoxelMaps } from "../../src/engine/voxelwise/writer.js";
import { readNifti, writeNifti } from "../../src/io/nifti.js";

const dir = mkdtempSync(join(tmpdir(), "voxelwise-"));
const nt = 60;
const t = Float64Array.from({ length: nt }, (_, i) => i * 4);
const cp = bloodToPlasma(parkerAif(t, 16), 0.42);
const TRUTH: Record<DceModelName, number[]> = {
  tofts: [0.25, 0.35],
  etofts: [0.12, 0.3, 0.05],
  patlak: [0.08, 0.06],
  "2cxm": [0.06, 0.25, 0.5, 0.1],
  "2cum": [0.05, 0.4, 0.06],
};
// the engine's worker threads load dist/engine/workers/voxelWorker.js (npx tsc -p tsconfig.build.json)
const threads = existsSync(new URL("../../dist/engine/workers/voxelWorker.js", import.meta.url)) ? 2 : 1;

/** nv noisy curves of the model around its truth, [frame][voxel] */
function series(model: DceModelName, nv: number, seed: number, delayS = 0): Float32Array {
  const rng = new Rng(seed);
  const m = new DceModel(model, t, cp);
  const data = new Float32Array(nv * nt);
  for (let v = 0; v < nv; v++) {
    const p = TRUTH[model].map((x) => x * rng.between(0.7, 1.3));
    const c = m.curve(p, delayS);
    for (let f = 0; f < nt; f++) data[f * nv + v] = c[f] + 0.003 * rng.normal();
  }
  return data;
}

describe("dce through the engine = single-curve fit", () => {
  for (const model of Object.keys(TRUTH) as DceModelName[]) {
    for (const fitDelay of [false, true]) {
      it(`${model}${fitDelay ? " + delay" : ""}`, async () => {
        const nv = fitDelay ? 4 : 8;
        const data = series(model, nv, 3, fitDelay ? 3 : 0);
        const r = await runVoxelMap({
          model: "dce",
          options: { model, timeS: t, aif: cp, fitDelay },
          data,
          nVoxels: nv,
          nSamples: nt,
          threads,
          chunkSize: 3,
        });
        expect(r.workers).toBe(threads);
        const single = new DceModel(model, t, cp);
        const keys = [
          ...MODEL_PARAMETERS[model].map((p) => p.key as string),
          ...(fitDelay ? ["delay_s"] : []),
        ];
        expect(r.parameters.map((p) => p.key)).toEqual(keys);
        for (let v = 0; v < nv; v++) {
          const y = Float64Array.from({ length: nt }, (_, f) => data[f * nv + v]);
          const f = single.fit(y, { fitDelay, fast: true });
          for (const k of keys) expect(r.params[k][v], `${k} voxel ${v}`).toBe(f.params[k]);
          expect(r.rss[v]).toBe(f.rss);
          expect(r.status[v]).toBe(f.converged ? 0 : 1);
        }
      }, 60_000);
    }
  }
});

describe("variable-projection Tofts fit (the voxelwise fast path)", () => {
  it("recovers noise-free (extended) Tofts parameters to 1e-6 relative (analytic truth)", () => {
    for (const model of ["tofts", "etofts"] as const) {
      const m = new DceModel(model, t, cp);
      for (const scale of [0.3, 1, 2]) {
        const p = TRUTH[model].map((x) => x * scale);
        const f = m.fit(m.curve(p), { fast: true });
        expect(f.converged).toBe(true);
        MODEL_PARAMETERS[model].forEach((s, j) =>
          expect(Math.abs(f.params[s.key] - p[j]) / p[j], `${model} ${s.key}`).toBeLessThan(1e-6),
        );
      }
    }
  });
  it("finds the same least-squares optimum as the multi-start LM fit on noisy curves (1e-5)", () => {
    const nv = 40;
    const data = series("etofts", nv, 8);
    const m = new DceModel("etofts", t, cp);
    for (let v = 0; v < nv; v++) {
      const y = Float64Array.from({ length: nt }, (_, f) => data[f * nv + v]);
      const a = m.fit(y, { fast: true });
      const b = m.fit(y);
      expect(a.rss).toBeLessThanOrEqual(b.rss * (1 + 1e-9));
      for (const k of ["Ktrans_per_min", "ve", "vp"])
        expect(Math.abs(a.params[k] - b.params[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(b.params[k])));
      // standard errors from the analytic Jacobian agree with LM's
      const c = m.fit(y, { varpro: true });
      for (const k of ["Ktrans_per_min", "ve", "vp"])
        expect(Math.abs((c.stderr?.[k] ?? 0) / (b.stderr?.[k] ?? 1) - 1)).toBeLessThan(1e-3);
    }
  });
});

describe("engine mechanics", () => {
  it("mask → status 3 and NaN; non-finite curve → status 2 and NaN; progress per chunk", async () => {
    const nv = 10;
    const data = series("tofts", nv, 4);
    data[5 * nv + 2] = Number.NaN;
    const progress: number[] = [];
    const r = await runVoxelMap({
      model: "dce",
      options: { model: "tofts", timeS: t, aif: cp },
      data,
      nVoxels: nv,
      nSamples: nt,
      mask: Float32Array.from({ length: nv }, (_, v) => (v === 0 ? 0 : 1)),
      threads: 1,
      chunkSize: 4,
      onProgress: (d, total) => progress.push(d / total),
    });
    expect(r.status[0]).toBe(3);
    expect(r.params.Ktrans_per_min[0]).toBeNaN();
    expect(r.status[2]).toBe(2);
    expect(r.params.ve[2]).toBeNaN();
    expect(r.fitted).toBe(9);
    expect(r.statusCounts).toEqual({ ok: 8, "not-converged": 0, "invalid-input": 1, "outside-mask": 1 });
    expect(progress).toEqual([1 / 3, 2 / 3, 1]);
  });
  it("cancels with an AbortSignal (inline and with workers)", async () => {
    const nv = 64;
    const data = series("etofts", nv, 5);
    for (const th of [1, threads]) {
      const ac = new AbortController();
      const p = runVoxelMap({
        model: "dce",
        options: { model: "etofts", timeS: t, aif: cp },
        data,
        nVoxels: nv,
        nSamples: nt,
        threads: th,
        chunkSize: 4,
        signal: ac.signal,
        onProgress: (d) => {
          if (d === 1) ac.abort(new Error("stop"));
        },
      });
      await expect(p).rejects.toThrow("stop");
    }
  });
  it("reads a gzipped 4D NIfTI slab-wise with the geometry of readNifti and the same maps", async () => {
    const [nx, ny, nz] = [5, 4, 3];
    const nv = nx * ny * nz;
    const data = series("etofts", nv, 6);
    const affine = identityAffine([1.5, 1.5, 3]);
    affine[3] = -10;
    const file = join(dir, "dyn.nii.gz");
    writeNifti(file, { dims: [nx, ny, nz, nt], spacingMm: [1.5, 1.5, 3], affine, data, frameS: 4 });
    const s = await openNiftiSeries(file);
    const ref = readNifti(file);
    expect(s.dims).toEqual(ref.dims);
    expect(Array.from(s.affine)).toEqual(Array.from(ref.affine));
    expect(s.spacingMm).toEqual(ref.spacingMm);
    const opts = { model: "etofts" as const, timeS: t, aif: cp };
    const a = await runVoxelMap({
      model: "dce",
      options: opts,
      source: s.source,
      threads: 1,
      slabVoxels: 7,
      chunkSize: 5,
    });
    s.close();
    const b = await runVoxelMap({ model: "dce", options: opts, data, nVoxels: nv, nSamples: nt, threads: 1 });
    expect(Array.from(a.params.Ktrans_per_min)).toEqual(Array.from(b.params.Ktrans_per_min));
    // writer: one NIfTI per parameter + status + sidecar
    const out = join(dir, "maps");
    const w = writeVoxelMaps(out, a, s, {
      sidecarName: "dce_map.json",
      options: opts,
      extra: { input: file },
    });
    expect(w.files).toEqual(["Ktrans_per_min.nii.gz", "ve.nii.gz", "vp.nii.gz", "status.nii.gz"]);
    const k = readNifti(join(out, "Ktrans_per_min.nii.gz"));
    expect(k.dims).toEqual([nx, ny, nz]);
    expect(k.data[7]).toBeCloseTo(a.params.Ktrans_per_min[7], 6);
    const side = JSON.parse(readFileSync(join(out, "dce_map.json"), "utf8"));
    expect(side.parameters[0]).toMatchObject({ key: "Ktrans_per_min", unit: "1/min" });
    expect(side.options).toMatchObject({ model: "etofts", fitDelay: false, frames: nt });
    expect(side.status_counts.ok).toBe(nv);
    expect(side.software).toMatch(/^eprscope /);
  });
  it("t1-vfa through the engine equals vfaNonlinear per voxel, with a B1 covariate", async () => {
    const fa = [2, 5, 12];
    const trS = 0.0054;
    const nv = 12;
    const rng = new Rng(2);
    const b1 = Float64Array.from({ length: nv }, () => rng.between(0.8, 1.2));
    const t1 = Float64Array.from({ length: nv }, () => rng.between(0.6, 2));
    const data = new Float64Array(nv * 3);
    for (let v = 0; v < nv; v++)
      fa.forEach((a, i) => (data[i * nv + v] = spgrSignal(800, 1 / t1[v], trS, a * b1[v])));
    const r = await runVoxelMap({
      model: "t1-vfa",
      options: { faDeg: fa, trS, b1: true },
      data,
      nVoxels: nv,
      nSamples: 3,
      covariates: { b1 },
      threads,
      chunkSize: 5,
    });
    for (let v = 0; v < nv; v++) {
      const f = vfaNonlinear(
        fa.map((_, i) => data[i * nv + v]),
        fa,
        trS,
        b1[v],
      );
      expect(r.params.T1_s[v]).toBe(f.t1S);
      expect(Math.abs(r.params.T1_s[v] - t1[v]) / t1[v]).toBeLessThan(1e-6);
    }
    await expect(
      runVoxelMap({
        model: "t1-vfa",
        options: { faDeg: [5, 5, 5], trS },
        data,
        nVoxels: nv,
        nSamples: 3,
        threads: 1,
      }),
    ).rejects.toThrow(/distinct flip angles/);
    await expect(
      runVoxelMap({ model: "t1-vfa", options: { faDeg: fa, trS, b1: true }, data, nVoxels: nv, nSamples: 3 }),
    ).rejects.toThrow(/covariate b1/);
  });
});
