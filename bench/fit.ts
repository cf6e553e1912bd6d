/**
 * bench fit: Levenberg–Marquardt on 100,000 synthetic 3-parameter bi-exponential curves
 * y = A·e^{−k1 t} + (1 − A)·e^{−k2 t} (100 points, 1 % noise), analytic Jacobian, one
 * preallocated workspace, single core. When python3 with scipy is available, the same
 * curves (a subset) are fitted with scipy.optimize.least_squares(method="lm") in the same run.
 * Usage: npm run bench -- fit [nCurves]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLmWorkspace, levenbergMarquardt } from "../src/core/fit/levenbergMarquardt.js";
import type { CurveModel } from "../src/core/fit/types.js";
import { Rng } from "../src/core/random.js";

const N = Number(process.argv[2] ?? 100_000);
const M = 100;
const t = Float64Array.from({ length: M }, (_, i) => (i * 10) / (M - 1));

/**
 * The model evaluates e^{−k t_i} recursively on the uniform grid (one exp per rate per call:
 * e^{−k t_{i+1}} = e^{−k t_i}·e^{−k Δt}, relative error ~i·ε) and caches them for the Jacobian,
 * which the solver requests right after evaluate(p) at the same p (CurveModel contract).
 */
const dt = t[1] - t[0];
const e1 = new Float64Array(M);
const e2 = new Float64Array(M);
const model: CurveModel = {
  nParams: 3,
  nPoints: M,
  evaluate(p, out) {
    const a = p[0];
    const q1 = Math.exp(-p[1] * dt);
    const q2 = Math.exp(-p[2] * dt);
    let x1 = 1;
    let x2 = 1;
    for (let i = 0; i < M; i++) {
      e1[i] = x1;
      e2[i] = x2;
      out[i] = a * x1 + (1 - a) * x2;
      x1 *= q1;
      x2 *= q2;
    }
  },
  jacobian(p, _f, jac) {
    const a = p[0];
    for (let i = 0; i < M; i++) {
      jac[3 * i] = e1[i] - e2[i];
      jac[3 * i + 1] = -a * t[i] * e1[i];
      jac[3 * i + 2] = -(1 - a) * t[i] * e2[i];
    }
  },
};

const rng = new Rng(7);
const truth = new Float64Array(3 * N);
const data = new Float64Array(M * N);
for (let c = 0; c < N; c++) {
  const a = rng.between(0.3, 0.7);
  const k1 = rng.between(1, 3);
  const k2 = rng.between(0.05, 0.3);
  truth.set([a, k1, k2], 3 * c);
  for (let i = 0; i < M; i++)
    data[c * M + i] = a * Math.exp(-k1 * t[i]) + (1 - a) * Math.exp(-k2 * t[i]) + 0.01 * rng.normal();
}

const ws = createLmWorkspace(3, M);
const p0 = Float64Array.of(0.5, 1.5, 0.1);
const lower = Float64Array.of(0, 0, 0);
const upper = Float64Array.of(1, 20, 20);
let converged = 0;
let errSum = 0;
let iterations = 0;
const opts = { lower, upper, ftol: 1e-10, xtol: 1e-10, gtol: 1e-12 };
const t0 = performance.now();
for (let c = 0; c < N; c++) {
  const y = data.subarray(c * M, (c + 1) * M);
  const r = levenbergMarquardt(model, y, p0, opts, ws);
  if (r.converged) converged++;
  iterations += r.iterations ?? 0;
  errSum += Math.abs(r.params[1] - truth[3 * c + 1]) / truth[3 * c + 1];
}
const sec = (performance.now() - t0) / 1000;
const rate = N / sec;
console.log(
  `fit metric: ${Math.round(rate)} fits/s (1 core, ${N} curves × ${M} points, 3 parameters, analytic Jacobian)`,
);
console.log(
  `fit metric: ${((100 * converged) / N).toFixed(2)} % converged; mean |Δk1|/k1 ${(errSum / N).toExponential(2)}; ${(iterations / N).toFixed(1)} iterations per fit`,
);

// scipy reference on a subset of the same curves
try {
  const n = Math.min(N, 2000);
  const dir = mkdtempSync(join(tmpdir(), "bench-fit-"));
  writeFileSync(join(dir, "t.bin"), Buffer.from(t.buffer));
  writeFileSync(join(dir, "y.bin"), Buffer.from(data.buffer, 0, n * M * 8));
  const py = `
import numpy as np, time, sys
from scipy.optimize import least_squares
t = np.fromfile(sys.argv[1] + "/t.bin"); Y = np.fromfile(sys.argv[1] + "/y.bin").reshape(-1, ${M})
def res(p, y): a, k1, k2 = p; return a*np.exp(-k1*t) + (1-a)*np.exp(-k2*t) - y
def jac(p, y):
    a, k1, k2 = p; e1 = np.exp(-k1*t); e2 = np.exp(-k2*t)
    return np.column_stack([e1 - e2, -a*t*e1, -(1-a)*t*e2])
t0 = time.perf_counter()
for y in Y: least_squares(res, [0.5, 1.5, 0.1], jac=jac, args=(y,), method="lm", ftol=1e-10, xtol=1e-10)
print(len(Y) / (time.perf_counter() - t0))
`;
  const out = execFileSync("python3", ["-c", py, dir], { encoding: "utf8", timeout: 600_000 });
  const scipyRate = Number(out.trim());
  console.log(
    `fit metric: ${Math.round(scipyRate)} fits/s scipy.optimize.least_squares(method="lm", analytic jac), ${n} curves`,
  );
  console.log(`fit ratio vs scipy: ${(rate / scipyRate).toFixed(1)}`);
} catch (e) {
  console.log(`fit ratio vs scipy: not measured (${(e as Error).message.split("\n")[0]})`);
}
