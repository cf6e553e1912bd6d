/**
 * bench thermo: PRF-shift ΔT maps + CEM43 maps through the voxelwise engine (model "prf") at
 * 128×128×16 voxels × 200 frames (issue 14 setting): 3 T, TE 12 ms, 2 s frames, 10 baseline
 * frames, a Gaussian heated spot (peak ΔT 12 °C, heating then cooling), a linear-in-time global
 * phase drift and wrapped phase offsets; drift estimated from an unheated border region (order 0
 * and order 1). CPU time (user + sys, process.cpuUsage(): every thread of the process) and wall
 * time per stage; accuracy = max |ΔT − true| over the volume.
 * Usage: npx tsc -p tsconfig.build.json && npm run bench -- thermo [--threads N] [--order 0|1]
 */
import { estimatePhaseDrift } from "../src/core/release/prfDrift.js";
import { prfRadPerC } from "../src/core/release/prfThermometry.js";

type Engine = typeof import("../src/engine/voxelwise/engine.js");
const dist = "../dist/engine/voxelwise/engine.js";
const { runVoxelMap } = (await import(dist)) as Engine;

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
};
const threads = Number(arg("--threads", "1"));
const order = Number(arg("--order", "0")) as 0 | 1;
const [nx, ny, nz, nf, nb] = [128, 128, 16, 200, 10];
const nv = nx * ny * nz;
const frameS = 2;
const teS = 0.012;
const fieldT = 3;
const radPerC = prfRadPerC(fieldT, teS);
const dTcurve = (t: number) =>
  t < nb ? 0 : t < 120 ? 12 * Math.min(1, (t - nb) / 20) : 12 * Math.exp(-(t - 120) / 25);
const wrap = (x: number) => x - 2 * Math.PI * Math.round(x / (2 * Math.PI));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

let c0 = cpu();
let w0 = performance.now();
const data = new Float32Array(nv * nf);
const spot = new Float32Array(nv);
const border = new Float64Array(nv);
for (let v = 0; v < nv; v++) {
  const i = v % nx;
  const j = Math.floor(v / nx) % ny;
  const k = Math.floor(v / (nx * ny));
  spot[v] = Math.exp(-(((i - 64) / 10) ** 2 + ((j - 64) / 10) ** 2 + ((k - 8) / 4) ** 2) / 2);
  if (i < 8 || j < 8 || i >= nx - 8 || j >= ny - 8) border[v] = 1;
}
for (let t = 0; t < nf; t++) {
  const d = -0.01 * t + (order === 1 ? 0 : 0);
  const heat = radPerC * dTcurve(t);
  const o = t * nv;
  for (let v = 0; v < nv; v++) {
    const i = v % nx;
    const drift = order === 1 ? d + 0.00005 * t * (i - 64) : d;
    data[o + v] = wrap(-2.5 + 0.001 * v + heat * spot[v] + drift);
  }
}
const synthCpu = cpu() - c0;

c0 = cpu();
w0 = performance.now();
const ref: number[] = [];
for (let v = 0; v < nv; v++) if (border[v] > 0) ref.push(v);
const refPhase = new Float64Array(ref.length * nf);
const refIjk = new Float64Array(ref.length * 3);
ref.forEach((v, r) => {
  for (let t = 0; t < nf; t++) refPhase[r * nf + t] = data[t * nv + v];
  refIjk[3 * r] = v % nx;
  refIjk[3 * r + 1] = Math.floor(v / nx) % ny;
  refIjk[3 * r + 2] = Math.floor(v / (nx * ny));
});
const drift = estimatePhaseDrift(refPhase, refIjk, nf, nb, order);
const driftCpu = cpu() - c0;
const driftWall = (performance.now() - w0) / 1000;

const timeS = Array.from({ length: nf }, (_, t) => t * frameS);
let covariates: Record<string, Float64Array> | undefined;
if (order === 1) {
  const ii = new Float64Array(nv);
  const jj = new Float64Array(nv);
  const kk = new Float64Array(nv);
  for (let v = 0; v < nv; v++) {
    ii[v] = v % nx;
    jj[v] = Math.floor(v / nx) % ny;
    kk[v] = Math.floor(v / (nx * ny));
  }
  covariates = { i: ii, j: jj, k: kk };
}
c0 = cpu();
w0 = performance.now();
const res = await runVoxelMap({
  model: "prf",
  options: { teS, fieldT, baselineFrames: nb, timeS, bodyTempC: 37, drift },
  data,
  nVoxels: nv,
  nSamples: nf,
  covariates,
  threads,
  chunkSize: 4096,
});
const mapCpu = cpu() - c0;
const mapWall = (performance.now() - w0) / 1000;

let maxErr = 0;
for (let t = 0; t < nf; t += 7) {
  const m = res.params[`dT_C_t${t}`];
  const truth = dTcurve(t);
  for (let v = 0; v < nv; v += 13) maxErr = Math.max(maxErr, Math.abs(m[v] - truth * spot[v]));
}
let maxDose = 0;
for (let v = 0; v < nv; v++) maxDose = Math.max(maxDose, res.params.CEM43_min[v]);

console.log(
  `thermo bench: ${nx}×${ny}×${nz} voxels × ${nf} frames (${((nv * nf) / 1e6).toFixed(1)} M samples), drift order ${order}, ${res.workers} worker(s)`,
);
console.log(`  synthesis            cpu ${synthCpu.toFixed(2)} s`);
console.log(
  `  drift (${ref.length} ref voxels) cpu ${driftCpu.toFixed(2)} s, wall ${driftWall.toFixed(2)} s`,
);
console.log(
  `  PRF ΔT + CEM43 maps  cpu ${mapCpu.toFixed(2)} s, wall ${mapWall.toFixed(2)} s (${((nv * nf) / mapCpu / 1e6).toFixed(1)} M samples per cpu-second)`,
);
console.log(
  `  accuracy: max |ΔT − true| = ${maxErr.toExponential(2)} °C (float32 phase); max CEM43 = ${maxDose.toFixed(1)} min; status ok = ${res.statusCounts.ok}`,
);
console.log(
  `thermo metric: prf_cem43_cpu_s=${mapCpu.toFixed(2)} prf_cem43_wall_s=${mapWall.toFixed(2)} drift_cpu_s=${driftCpu.toFixed(2)} voxels=${nv} frames=${nf} threads=${res.workers} max_dT_error_C=${maxErr.toExponential(2)}`,
);
