/**
 * bench nca: NCA (extravascular, linear-up/log-down, λz best fit) of 10,000 subjects × 12
 * samples on one core. Target < 2 s. When python3 is available, the same profiles are run
 * through a plain-numpy implementation of the same rules in the same run for a ratio (there is
 * no WinNonlin here; PKNCA needs R, which this machine does not have).
 * Usage: npm run bench -- nca [nSubjects]
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nca } from "../src/core/pk/nca.js";
import { Rng } from "../src/core/random.js";

const N = Number(process.argv[2] ?? 10_000);
const T = [0, 0.25, 0.5, 1, 2, 3, 4, 6, 8, 12, 24, 36];
const rng = new Rng(11);
const data = new Float64Array(N * T.length);
for (let s = 0; s < N; s++) {
  const ka = rng.between(0.8, 2.5);
  const ke = rng.between(0.05, 0.2);
  for (let i = 0; i < T.length; i++) {
    const c = (320 * ka * (Math.exp(-ke * T[i]) - Math.exp(-ka * T[i]))) / (30 * (ka - ke));
    data[s * T.length + i] = Math.max(0, c * (1 + 0.05 * rng.normal()));
  }
}
const t0 = performance.now();
let ok = 0;
for (let s = 0; s < N; s++) {
  const r = nca(T, data.subarray(s * T.length, (s + 1) * T.length), {
    route: "ev",
    auc: "linlog",
    dose: 320,
  });
  if (r.params.LAMZ !== null) ok++;
}
const sec = (performance.now() - t0) / 1000;
console.log(`nca metric: ${sec.toFixed(3)} s for ${N} subjects × ${T.length} samples (1 core)`);
console.log(
  `nca metric: ${Math.round(N / sec)} subjects/s; λz estimated for ${((100 * ok) / N).toFixed(1)} %`,
);

try {
  const dir = mkdtempSync(join(tmpdir(), "bench-nca-"));
  writeFileSync(join(dir, "c.bin"), Buffer.from(data.buffer));
  const py = `
import numpy as np, sys, time
T = np.array(${JSON.stringify(T)}); C = np.fromfile(sys.argv[1] + "/c.bin").reshape(-1, len(T))
def nca(t, c):
    imax = int(np.argmax(c)); pos = np.where(c > 0)[0]; il = pos[-1]
    auc = 0.0
    for i in range(il):
        if c[i+1] < c[i] and c[i+1] > 0: auc += (c[i]-c[i+1])*(t[i+1]-t[i])/np.log(c[i]/c[i+1])
        else: auc += (c[i]+c[i+1])*(t[i+1]-t[i])/2
    cand = [i for i in range(imax+1, il+1) if c[i] > 0]; best = None
    for n in range(3, len(cand)+1):
        idx = cand[-n:]; x = t[idx]; y = np.log(c[idx]); b, a = np.polyfit(x, y, 1)
        r2 = np.corrcoef(x, y)[0,1]**2; adj = 1-(1-r2)*(n-1)/(n-2)
        if best is None or adj > best[0] + 1e-4 or (abs(adj-best[0]) <= 1e-4 and n > best[1]): best = (max(adj, best[0]) if best else adj, n, -b)
    return auc, best
t0 = time.perf_counter()
for c in C: nca(T, c)
print(len(C) / (time.perf_counter() - t0))
`;
  const rate = Number(
    execFileSync("python3", ["-c", py, dir], { encoding: "utf8", timeout: 600_000 }).trim(),
  );
  console.log(`nca metric: ${Math.round(rate)} subjects/s numpy implementation of the same rules`);
  console.log(`nca ratio vs numpy: ${(N / sec / rate).toFixed(1)}`);
} catch (e) {
  console.log(`nca ratio vs numpy: not measured (${(e as Error).message.split("\n")[0]})`);
}
