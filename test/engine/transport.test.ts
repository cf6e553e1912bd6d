/**
 * engine/transport: the structured transport kernel on worker threads (SharedArrayBuffer slabs of
 * z-planes, an Atomics barrier per step) gives exactly — every field value, every report number —
 * the serial solve, for 2 and 3 threads; the tumour pipeline with threads equals
 * core simulateTumourTransport; cancellation rejects and ends the workers.
 */
import { describe, expect, it } from "vitest";
import { gridMesh, radialSphereMesh } from "../../src/core/transport/fvMesh.js";
import { solveIfp } from "../../src/core/transport/ifpSolver.js";
import { solveTransport, type TransportProblem } from "../../src/core/transport/particleTransport.js";
import { simulateTumourTransport } from "../../src/core/transport/tumourTransport.js";
import { solveTransportThreaded } from "../../src/engine/transport/threaded.js";
import { simulateTumourTransportThreaded } from "../../src/engine/transport/tumour.js";

function sphereMask(n: number): Uint8Array {
  const m = new Uint8Array(n * n * n);
  const c = (n - 1) / 2;
  for (let k = 0; k < n; k++)
    for (let j = 0; j < n; j++)
      for (let i = 0; i < n; i++) if (Math.hypot(i - c, j - c, k - c) <= n / 2) m[i + n * (j + n * k)] = 1;
  return m;
}

describe("threaded transport", () => {
  const n = 14;
  const mesh = gridMesh(sphereMask(n), [n, n, n], [0.3, 0.3, 0.3]);
  const ifp = solveIfp({ mesh, kCm2PerMmHgS: 4.13e-8, lpSvPerMmHgS: 5.6e-5, peMmHg: 11.5 });
  const prob = (): TransportProblem => ({
    mesh,
    diffusionCm2PerS: 2e-7,
    faceFlowCm3PerS: ifp.faceFlowCm3PerS,
    boundaryFlowCm3PerS: ifp.boundaryFlowCm3PerS,
    uptakePerS: Float64Array.from({ length: mesh.nCells }, (_, i) => 1e-5 * (1 + Math.cos(i))),
    backfluxPerS: 3e-6,
    availableFraction: 0.4,
    lymphPerS: 1e-6,
    konPerS: 1e-4,
    koffPerS: 1e-5,
    plasma: (t) => Math.exp((-Math.LN2 * t) / 36000),
    reportTimesS: [1800, 3600, 4 * 3600],
    keepFields: true,
    maxDtS: 5,
  });
  it("2 and 3 threads reproduce the serial solve exactly (fields and reports)", async () => {
    const serial = solveTransport(prob());
    expect(serial.steps).toBeGreaterThan(2 * 1024); // more than one chunk of steps
    for (const threads of [2, 3]) {
      const par = await solveTransportThreaded(prob(), { threads });
      expect(par.threads).toBe(threads);
      expect(par.kernel).toBe("grid");
      expect(par.steps).toBe(serial.steps);
      expect(par.reports).toEqual(serial.reports);
      for (let f = 0; f < serial.fields.length; f++) {
        expect(Array.from(par.fields[f].free)).toEqual(Array.from(serial.fields[f].free));
        expect(Array.from(par.fields[f].bound)).toEqual(Array.from(serial.fields[f].bound));
      }
    }
  });
  it("sphere meshes and threads = 1 solve on this thread", async () => {
    const s = await solveTransportThreaded(
      {
        mesh: radialSphereMesh(0.1, 21),
        diffusionCm2PerS: 1e-7,
        exteriorConcentration: 1,
        reportTimesS: [600],
      },
      { threads: 2 },
    );
    expect(s.threads).toBe(1);
    expect(s.kernel).toBe("generic");
    expect((await solveTransportThreaded(prob(), { threads: 1 })).threads).toBe(1);
  });
  it("a plasma curve that turns non-finite is an InputError; an aborted signal rejects", async () => {
    await expect(
      solveTransportThreaded({ ...prob(), plasma: (t) => (t > 2000 ? Number.NaN : 1) }, { threads: 2 }),
    ).rejects.toThrow(/plasma/);
    const ac = new AbortController();
    const p = solveTransportThreaded(prob(), {
      threads: 2,
      signal: ac.signal,
      onProgress: (t) => {
        if (t > 1000) ac.abort(new Error("stop"));
      },
    });
    await expect(p).rejects.toThrow(/stop/);
  });
  it("the tumour pipeline with 2 threads equals core simulateTumourTransport", async () => {
    const input = {
      mesh,
      sizeNm: 20,
      reportTimesH: [1, 3],
      vascularMap: Float64Array.from({ length: mesh.nCells }, (_, i) => 0.5 + (i % 7) / 7),
      konPerH: 0.2,
      keepFields: true,
    };
    const core = simulateTumourTransport(input);
    const eng = await simulateTumourTransportThreaded(input, { threads: 2 });
    expect(eng.parameters).toEqual(core.parameters);
    expect(eng.transport.reports).toEqual(core.transport.reports);
    expect(Array.from(eng.transport.fields[1].free)).toEqual(Array.from(core.transport.fields[1].free));
    expect(Array.from(eng.ifp.pressureMmHg)).toEqual(Array.from(core.ifp.pressureMmHg));
  });
});
