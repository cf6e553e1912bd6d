/**
 * bench dwi: IVIM full fits (segmented start + bounded LM) per core vs dipy's IvimModel
 * (fit_method "trr", the same split at b = 200 s/mm² and bounds) on the same noisy curves, in the
 * same run, as CPU time (process.cpuUsage / time.process_time, BLAS pinned to one thread).
 * Curves: the 14 OSIPI-style tissues of test/reference/ivim at SNR 50, repeated.
 * Usage: npm run bench -- dwi [nVoxels]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { IvimFitter } from "../src/core/mri/diffusion.js";
import { runVoxelMap } from "../src/engine/voxelwise/engine.js";

const N = Number(process.argv[2] ?? 20_000);
const ref = JSON.parse(readFileSync("test/reference/ivim/ivim_dipy_reference.json", "utf8")) as {
  ivim: { b_s_per_mm2: number[]; cases: { label: string; signal: number[] }[] };
};
const b = ref.ivim.b_s_per_mm2;
const curves = ref.ivim.cases.filter((c) => c.label.endsWith("snr50")).map((c) => c.signal);
const cpu = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

const fit = new IvimFitter(b, { method: "full" });
const c0 = process.cpuUsage();
let ok = 0;
for (let k = 0; k < N; k++) if (fit.fitRaw(curves[k % curves.length]).converged) ok++;
const ours = N / cpu(process.cpuUsage(c0));
console.log(
  `dwi metric: ${Math.round(ours)} IVIM full fits/s per core (${N} voxels, ${((100 * ok) / N).toFixed(1)} % converged)`,
);

// the same curves as a voxel map through the voxelwise engine (1 thread: fits on this thread)
const data = new Float64Array(N * b.length);
for (let v = 0; v < N; v++) {
  const c = curves[v % curves.length];
  for (let f = 0; f < b.length; f++) data[f * N + v] = c[f];
}
const c1 = process.cpuUsage();
const map = await runVoxelMap({
  model: "dwi",
  options: { bValues: b, model: "ivim", method: "full" },
  data,
  nVoxels: N,
  nSamples: b.length,
  threads: 1,
});
const engine = N / cpu(process.cpuUsage(c1));
console.log(
  `dwi metric: ${Math.round(engine)} IVIM full fits/s per core through the voxelwise engine (${map.statusCounts.ok ?? 0} ok)`,
);

const nPy = Math.min(N, 2000);
const dir = mkdtempSync(join(tmpdir(), "bench-dwi-"));
writeFileSync(join(dir, "curves.json"), JSON.stringify({ b, curves, n: nPy }));
writeFileSync(
  join(dir, "dipy_ivim.py"),
  `import json, sys, time, numpy as np
from dipy.core.gradients import gradient_table
from dipy.reconst.ivim import IvimModel
d = json.load(open(sys.argv[1]))
b = np.array(d["b"]); bv = np.array([[0, 0, 0] if x == 0 else [1, 0, 0] for x in b], float)
m = IvimModel(gradient_table(b, bv, b0_threshold=0), fit_method="trr", split_b_D=200.0, split_b_S0=200.0,
              bounds=([0, 0, 0.005, 0], [np.inf, 1, 0.2, 0.005]))
c = [np.array(x) for x in d["curves"]]
t0 = time.process_time()
for k in range(d["n"]): m.fit(c[k % len(c)])
print(d["n"] / (time.process_time() - t0))
`,
);
try {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
  const dipy = Number(
    execFileSync("/usr/bin/python3", [join(dir, "dipy_ivim.py"), join(dir, "curves.json")], {
      env,
    }).toString(),
  );
  console.log(`dwi metric: ${dipy.toFixed(0)} IVIM fits/s per core dipy IvimModel trr (${nPy} voxels)`);
  console.log(
    `dwi ratio vs dipy-trr: ${(ours / dipy).toFixed(0)} (fitter), ${(engine / dipy).toFixed(0)} (voxelwise engine)`,
  );
} catch (e) {
  console.log(
    `dwi: dipy not available (${(e as Error).message.split("\n")[0]}); install Debian's python3-dipy for the ratio`,
  );
}
