/**
 * bench dce: extended Tofts on N voxels × 80 time points (Parker AIF, 1 % noise), voxelwise mode
 * (linear Murase start + Levenberg–Marquardt with analytic Jacobian), per core and with all
 * cores (worker threads, compiled dist/ workers). When python3 with scipy is available the
 * OSIPI-style reference (scipy.optimize.curve_fit on the same curves, a subset) runs in the same
 * run: `dce ratio vs scipy` is per-core throughput over scipy's.
 * Usage: npm run build && npm run bench -- dce [nVoxels]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { bloodToPlasma, parkerAif } from "../src/core/perfusion/aif.js";
import { createScratch, predict } from "../src/core/perfusion/models.js";
import { Rng } from "../src/core/random.js";

const N = Number(process.argv[2] ?? 100_000);
const NT = 80;
const t = Float64Array.from({ length: NT }, (_, i) => i * 4);
const cp = bloodToPlasma(parkerAif(t, 20), 0.42);
const tMin = Float64Array.from(t, (v) => v / 60);
const rng = new Rng(5);
const conc = new Float32Array(N * NT); // [frame][voxel] like a NIfTI series
const scratch = createScratch(NT);
const c = new Float64Array(NT);
for (let v = 0; v < N; v++) {
  const p = [rng.between(0.02, 0.3), rng.between(0.1, 0.5), rng.between(0.005, 0.1)];
  predict("etofts", p, tMin, cp, c, scratch);
  for (let f = 0; f < NT; f++) conc[f * N + v] = c[f] + 0.01 * rng.normal();
}

const dist = "../dist/engine/fitMap.js";
const { fitDceMap } = (await import(dist)) as typeof import("../src/engine/fitMap.js");
const run = async (threads: number, n: number) => {
  const t0 = performance.now();
  const r = await fitDceMap({
    model: "etofts",
    timeS: t,
    aif: cp,
    conc,
    nVoxels: N,
    mask: (v) => v < n,
    threads,
    chunkSize: 1024,
  });
  const s = (performance.now() - t0) / 1000;
  return { rate: n / s, converged: r.status.filter((x) => x === 0).length, n };
};
const one = await run(1, Math.min(N, 20_000));
console.log(
  `dce metric: ${Math.round(one.rate)} voxels/s on 1 core (extended Tofts, ${NT} points, ${one.n} voxels, ${((100 * one.converged) / one.n).toFixed(1)} % converged)`,
);
const cores = availableParallelism();
const all = await run(cores, N);
console.log(`dce metric: ${Math.round(all.rate)} voxels/s with ${cores} worker threads (${N} voxels)`);

try {
  const n = Math.min(N, 300);
  const dir = mkdtempSync(join(tmpdir(), "bench-dce-"));
  const curves = new Float64Array(n * NT);
  for (let v = 0; v < n; v++) for (let f = 0; f < NT; f++) curves[v * NT + f] = conc[f * N + v];
  writeFileSync(join(dir, "c.bin"), Buffer.from(curves.buffer));
  writeFileSync(join(dir, "t.bin"), Buffer.from(t.buffer));
  writeFileSync(join(dir, "cp.bin"), Buffer.from(cp.buffer));
  const py = `
import numpy as np, sys, time
from scipy.optimize import curve_fit
d = sys.argv[1]; t = np.fromfile(d + "/t.bin") / 60; cp = np.fromfile(d + "/cp.bin"); C = np.fromfile(d + "/c.bin").reshape(-1, len(t))
def etofts(tt, ktrans, ve, vp):
    kep = ktrans / ve; dt = np.diff(t, prepend=0)
    conv = np.array([np.trapezoid(cp[:i+1] * np.exp(-kep * (t[i] - t[:i+1])), t[:i+1]) for i in range(len(t))])
    return vp * cp + ktrans * conv
t0 = time.perf_counter()
for y in C: curve_fit(etofts, t, y, p0=[0.6, 0.2, 0.01], bounds=([0, 0, 0], [5, 1, 1]))
print(len(C) / (time.perf_counter() - t0))
`;
  const rate = Number(
    execFileSync("python3", ["-c", py, dir], { encoding: "utf8", timeout: 1_200_000 })
      .trim()
      .split("\n")
      .pop(),
  );
  console.log(
    `dce metric: ${rate.toFixed(1)} voxels/s scipy curve_fit (OSIPI-style convolution by trapezoid), ${n} voxels`,
  );
  console.log(`dce ratio vs scipy: ${(one.rate / rate).toFixed(0)}`);
} catch (e) {
  console.log(`dce ratio vs scipy: not measured (${(e as Error).message.split("\n")[0]})`);
}
