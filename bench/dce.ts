/**
 * bench dce: extended-Tofts maps through the voxelwise engine (model "dce") against the strongest
 * baselines, in the same run, on the same voxels (issue 12 setting): N = 18,432 voxels × 150
 * frames, 2 s sampling, Parker AIF (20 s delay, Hct 0.42), Gaussian noise σ = 0.005 mM,
 * Ktrans ∈ [0.02, 0.3] /min, ve ∈ [0.1, 0.5], vp ∈ [0.005, 0.1].
 *  - scipy: `curve_fit` (bounded, trf) of vp·cp + Ktrans·dt·np.convolve(cp, e^{−kep t}) — what a
 *    user would write — on a subset of the voxels;
 *  - numpy-llsq: the vectorised linear least squares (Murase) over all voxels at once (batched
 *    normal equations, np.linalg.solve) — OSIPI's fastest implementation family.
 * Times are CPU time (user + sys): process.cpuUsage() for node (all threads of the process),
 * time.process_time() in python (BLAS pinned to one thread). Ratios are per-core throughputs.
 * Accuracy: % of voxels with |Ktrans − true| < 10 % of true. Then a large volume (256×256×32×150
 * float32, 1.2 GiB .nii on disk) is mapped in a child process reading slabs: peak RSS reported.
 * And a T1 (VFA, 3 angles) map line.
 * Usage: npx tsc -p tsconfig.build.json && npm run bench -- dce [nVoxels] [--no-large]
 */
import { execFileSync, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spgrSignal } from "../src/core/mri/spgr.js";
import { bloodToPlasma, parkerAif } from "../src/core/perfusion/aif.js";
import { createScratch, predict } from "../src/core/perfusion/models.js";
import { Rng } from "../src/core/random.js";

type Engine = typeof import("../src/engine/voxelwise/engine.js");
const distDir = "../dist/engine/voxelwise";
const dist = `${distDir}/engine.js`;
const { runVoxelMap } = (await import(dist)) as Engine;

const NT = 150;
const t = Float64Array.from({ length: NT }, (_, i) => i * 2);
const cp = bloodToPlasma(parkerAif(t, 20), 0.42);
const tMin = Float64Array.from(t, (v) => v / 60);
const options = { model: "etofts" as const, timeS: t, aif: cp, fitDelay: false };

function synth(n: number, seed: number): { conc: Float32Array; truthK: Float64Array } {
  const rng = new Rng(seed);
  const conc = new Float32Array(n * NT); // [frame][voxel] like a NIfTI series
  const truthK = new Float64Array(n);
  const scratch = createScratch(NT);
  const c = new Float64Array(NT);
  for (let v = 0; v < n; v++) {
    const p = [rng.between(0.02, 0.3), rng.between(0.1, 0.5), rng.between(0.005, 0.1)];
    truthK[v] = p[0];
    predict("etofts", p, tMin, cp, c, scratch);
    for (let f = 0; f < NT; f++) conc[f * n + v] = c[f] + 0.005 * rng.normal();
  }
  return { conc, truthK };
}

const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const within = (k: ArrayLike<number>, truth: ArrayLike<number>, n = truth.length) => {
  let ok = 0;
  for (let v = 0; v < n; v++) if (Math.abs(k[v] - truth[v]) < 0.1 * truth[v]) ok++;
  return (100 * ok) / n;
};

async function large(): Promise<void> {
  // child process: 256×256×32×150 float32 series on disk, mapped slab-wise with 2 threads
  const [nx, ny, nz] = [256, 256, 32];
  const nv = nx * ny * nz;
  const dir = mkdtempSync(join(tmpdir(), "bench-dce-large-"));
  try {
    const file = join(dir, "conc.nii");
    const { conc: tile } = synth(4096, 11);
    const hdr = Buffer.alloc(352);
    hdr.writeInt32LE(348, 0);
    [4, nx, ny, nz, NT, 1, 1, 1].forEach((d, i) => hdr.writeInt16LE(d, 40 + 2 * i));
    hdr.writeInt16LE(16, 70);
    hdr.writeInt16LE(32, 72);
    [1, 1, 1, 2, 2, 1, 1, 1].forEach((p, i) => hdr.writeFloatLE(p, 76 + 4 * i));
    hdr.writeFloatLE(352, 108);
    hdr.writeInt16LE(2, 254);
    [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0].forEach((x, i) => hdr.writeFloatLE(x, 280 + 4 * i));
    hdr.write("n+1\0", 344, "latin1");
    const fd = openSync(file, "w");
    writeSync(fd, hdr);
    const frame = new Float32Array(nv);
    for (let f = 0; f < NT; f++) {
      for (let v = 0; v < nv; v++) frame[v] = tile[f * 4096 + (v % 4096)];
      writeSync(fd, new Uint8Array(frame.buffer));
    }
    closeSync(fd);
    const { openNiftiSeries } = (await import(
      `${distDir}/niftiSlab.js`
    )) as typeof import("../src/engine/voxelwise/niftiSlab.js");
    const { writeVoxelMaps } = (await import(
      `${distDir}/writer.js`
    )) as typeof import("../src/engine/voxelwise/writer.js");
    const before = process.memoryUsage().rss;
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    const series = await openNiftiSeries(file);
    const r = await runVoxelMap({
      model: "dce",
      options,
      source: series.source,
      threads: 2,
      chunkSize: 1024,
    });
    series.close();
    writeVoxelMaps(join(dir, "maps"), r, series, { sidecarName: "dce_map.json", options });
    const wall = (performance.now() - w0) / 1000;
    const cpu = cpuS(process.cpuUsage(c0));
    const peak = process.resourceUsage().maxRSS / 1024;
    console.log(
      `dce metric: large volume ${nx}×${ny}×${nz}×${NT} float32 (${((nv * NT * 4) / 2 ** 30).toFixed(2)} GiB on disk): ${nv} voxels in ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (2 threads, maps written), ${r.statusCounts.ok} ok; peak RSS ${peak.toFixed(0)} MiB (RSS before mapping ${(before / 2 ** 20).toFixed(0)} MiB)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--large-child") {
  await large();
  process.exit(0);
}

const N = Number(process.argv.find((a, i) => i >= 2 && /^\d+$/.test(a)) ?? 18_432);
const { conc, truthK } = synth(N, 5);

// node, one thread (inline), warm-up on a slice first
const runNode = async (threads: number, n = N) => {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = await runVoxelMap({
    model: "dce",
    options,
    data: conc,
    nVoxels: N,
    nSamples: NT,
    mask: (v) => v < n,
    threads,
    chunkSize: 1024,
  });
  return { r, cpu: cpuS(process.cpuUsage(c0)), wall: (performance.now() - w0) / 1000, n };
};
await runNode(1, 2048);
const one = await runNode(1);
const oneRate = N / one.cpu;
const accNode = within(one.r.params.Ktrans_per_min, truthK);
console.log(
  `dce metric: ${Math.round(oneRate)} voxels/s per core (1 thread, CPU time; ${N} voxels × ${NT} frames, extended Tofts, ${one.r.statusCounts.ok} converged, accuracy ${accNode.toFixed(2)} % within 10 % of true Ktrans)`,
);
// 2 worker threads on 8 copies of the voxels (worker start-up amortised)
{
  const rep = 8;
  const big = new Float32Array(rep * N * NT);
  for (let f = 0; f < NT; f++)
    for (let k = 0; k < rep; k++) big.set(conc.subarray(f * N, (f + 1) * N), f * rep * N + k * N);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const r = await runVoxelMap({
    model: "dce",
    options,
    data: big,
    nVoxels: rep * N,
    nSamples: NT,
    threads: 2,
    chunkSize: 1024,
  });
  const wall = (performance.now() - w0) / 1000;
  const cpu = cpuS(process.cpuUsage(c0));
  console.log(
    `dce metric: ${Math.round((rep * N) / wall)} voxels/s wall with 2 worker threads (${rep * N} voxels; ${Math.round((rep * N) / cpu)} voxels/s per core of CPU time incl. worker start-up; ${r.workers} workers; ${(cpu / wall).toFixed(2)} cores busy)`,
  );
}

// python baselines on the same (float32-rounded) curves
let scipyRate = Number.NaN;
let llsqRate = Number.NaN;
try {
  const nSub = Math.min(N, 2000);
  const dir = mkdtempSync(join(tmpdir(), "bench-dce-"));
  const curves = new Float64Array(N * NT);
  for (let v = 0; v < N; v++) for (let f = 0; f < NT; f++) curves[v * NT + f] = conc[f * N + v];
  writeFileSync(join(dir, "c.bin"), Buffer.from(curves.buffer));
  writeFileSync(join(dir, "t.bin"), Buffer.from(t.buffer));
  writeFileSync(join(dir, "cp.bin"), Buffer.from(cp.buffer));
  writeFileSync(join(dir, "k.bin"), Buffer.from(truthK.buffer));
  const py = `
import sys, time, numpy as np
from scipy.optimize import curve_fit
d = sys.argv[1]; nsub = int(sys.argv[2])
t = np.fromfile(d + "/t.bin") / 60; cp = np.fromfile(d + "/cp.bin"); C = np.fromfile(d + "/c.bin").reshape(-1, len(t))
K = np.fromfile(d + "/k.bin"); dt = t[1] - t[0]; n = len(t)
def etofts(tt, ktrans, ve, vp):
    irf = np.exp(-(ktrans / ve) * tt)
    return vp * cp + ktrans * dt * np.convolve(cp, irf)[:n]
acc = lambda k, k0: 100.0 * np.mean(np.abs(k - k0) < 0.1 * k0)
t0 = time.process_time(); ks = []
for y in C[:nsub]:
    try: p, _ = curve_fit(etofts, t, y, p0=[0.6, 0.2, 0.01], bounds=([0, 1e-6, 0], [5, 1, 1]))
    except Exception: p = [np.nan] * 3
    ks.append(p[0])
sc = time.process_time() - t0
print("scipy", nsub / sc, acc(np.array(ks), K[:nsub]))
# vectorised Murase linear least squares: C = a*int(cp) - kep*int(C) + vp*cp, all voxels at once
t0 = time.process_time()
icp = np.concatenate([[0], np.cumsum((cp[1:] + cp[:-1]) / 2 * np.diff(t))])
iC = np.concatenate([np.zeros((C.shape[0], 1)), np.cumsum((C[:, 1:] + C[:, :-1]) / 2 * np.diff(t), axis=1)], axis=1)
X = np.stack([np.broadcast_to(icp, C.shape), -iC, np.broadcast_to(cp, C.shape)], axis=2)
XtX = np.einsum("nti,ntj->nij", X, X); Xty = np.einsum("nti,nt->ni", X, C)
b = np.linalg.solve(XtX, Xty[..., None])[..., 0]
kep = b[:, 1]; vp = b[:, 2]; ktrans = b[:, 0] - kep * vp
ll = time.process_time() - t0
print("llsq", C.shape[0] / ll, acc(ktrans, K))
`;
  const pyFile = join(dir, "baseline.py");
  writeFileSync(pyFile, py);
  const outPy = execFileSync("python3", [pyFile, dir, String(nSub)], {
    encoding: "utf8",
    timeout: 1_200_000,
    env: { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
  });
  rmSync(dir, { recursive: true, force: true });
  for (const line of outPy.trim().split("\n")) {
    const [name, rate, acc] = line.split(" ");
    if (name === "scipy") {
      scipyRate = Number(rate);
      console.log(
        `dce metric: ${scipyRate.toFixed(1)} voxels/s per core scipy curve_fit + np.convolve (${nSub} voxels, accuracy ${Number(acc).toFixed(2)} %)`,
      );
    } else if (name === "llsq") {
      llsqRate = Number(rate);
      console.log(
        `dce metric: ${Math.round(llsqRate)} voxels/s per core numpy vectorised linear least squares (Murase; ${N} voxels, accuracy ${Number(acc).toFixed(2)} %)`,
      );
    }
  }
} catch (e) {
  console.log(`dce baselines: not measured (${(e as Error).message.split("\n")[0]})`);
}
console.log(`dce ratio vs scipy-np.convolve: ${(oneRate / scipyRate).toFixed(0)}`);
console.log(`dce ratio vs numpy-llsq: ${(oneRate / llsqRate).toFixed(2)}`);
console.log(`dce accuracy: ${accNode.toFixed(2)} % of voxels within 10 % of true Ktrans`);
console.log(`dce peak RSS (this process): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);

// T1 VFA map line (3 flip angles, nonlinear fit per voxel)
{
  const nT1 = 20_000;
  const fa = [2, 5, 12];
  const trS = 0.0054;
  const rng = new Rng(9);
  const sig = new Float32Array(nT1 * fa.length);
  const truthT1 = new Float64Array(nT1);
  for (let v = 0; v < nT1; v++) {
    truthT1[v] = rng.between(0.5, 2);
    fa.forEach((a, i) => {
      sig[i * nT1 + v] = spgrSignal(1000, 1 / truthT1[v], trS, a) * (1 + 0.005 * rng.normal());
    });
  }
  const c0 = process.cpuUsage();
  const r = await runVoxelMap({
    model: "t1-vfa",
    options: { faDeg: fa, trS },
    data: sig,
    nVoxels: nT1,
    nSamples: fa.length,
    threads: 1,
  });
  const cpu = cpuS(process.cpuUsage(c0));
  console.log(
    `t1 metric: ${Math.round(nT1 / cpu)} voxels/s per core VFA T1 (3 angles, ${nT1} voxels, ${r.statusCounts.ok} ok, ${within(r.params.T1_s, truthT1).toFixed(1)} % within 10 % of true T1)`,
  );
}

if (!process.argv.includes("--no-large")) {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["--import", "tsx", self, "--large-child"], { stdio: "inherit" });
  if (r.status !== 0) console.log(`dce large volume: failed (exit ${r.status})`);
}
