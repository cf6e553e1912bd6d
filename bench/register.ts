/**
 * bench register: eprscope's rigid/affine registration (src/core/registration) against Debian's
 * elastix 5.0.1 (CLI, -threads 1, parameter file in a temp folder: test/reference/elastix/
 * elastix.ts) on the same multimodal phantom pairs with known transforms
 * (test/reference/elastix/cases.ts). Accuracy: max displacement error over the fixed grid
 * (mm = voxels); time: CPU s (user + sys; process.cpuUsage() for ours, /usr/bin/time for
 * elastix). Usage: npm run bench -- register [repeats]
 */
import { spawnSync } from "node:child_process";
import { register } from "../src/core/registration/register.js";
import { fromNested, maxDisplacementMm } from "../src/core/registration/transform.js";
import { CASES } from "../test/reference/elastix/cases.js";
import { runElastix } from "../test/reference/elastix/elastix.js";

const repeats = Number(process.argv[2] ?? 1);
const haveElastix = spawnSync("elastix", ["--version"]).status === 0;
if (!haveElastix) console.log("elastix not found (apt-get install elastix): eprscope only");
console.log("case                 | eprscope err mm  CPU s | elastix err mm  CPU s | CPU ratio");
for (const c of CASES) {
  const p = c.pair();
  let cpu = 0;
  let err = 0;
  for (let r = 0; r < repeats; r++) {
    const u0 = process.cpuUsage();
    const res = register(p.fixed, p.moving, { transform: c.transform, metric: c.metric });
    const u = process.cpuUsage(u0);
    cpu += (u.user + u.system) / 1e6 / repeats;
    err = maxDisplacementMm(res.matrix, p.truth, p.fixed);
  }
  let e = { err: Number.NaN, cpu: Number.NaN };
  if (haveElastix) {
    const el = runElastix(p.fixed, p.moving, c.transform, c.metric);
    e = { err: maxDisplacementMm(fromNested(el.matrix), p.truth, p.fixed), cpu: el.cpuS };
  }
  console.log(
    `${c.name.padEnd(20)} | ${err.toFixed(3).padStart(13)} ${cpu.toFixed(2).padStart(6)} | ${e.err.toFixed(3).padStart(14)} ${e.cpu.toFixed(2).padStart(6)} | ${(e.cpu / cpu).toFixed(1)}×`,
  );
}
