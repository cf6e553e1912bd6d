/**
 * Reference run: Debian elastix 5.0.1 on the validation cases (cases.ts). Writes
 * elastix_results.json: per case the recovered fixed→moving RAS matrix, its max displacement
 * error over the fixed grid against the known transform (mm; voxels are 1 mm), elastix's CPU
 * time (s, -threads 1) and the parameter file used. Run once (needs `apt-get install elastix`):
 *   npx tsx test/reference/elastix/run.ts
 * Tests read the JSON; they never run elastix.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromNested, maxDisplacementMm } from "../../../src/core/registration/transform.js";
import { CASES } from "./cases.js";
import { parameterFile, runElastix } from "./elastix.js";

const out: Record<string, unknown> = {};
let version = "";
for (const c of CASES) {
  const p = c.pair();
  const e = runElastix(p.fixed, p.moving, c.transform, c.metric);
  version = e.version;
  const err = maxDisplacementMm(fromNested(e.matrix), p.truth, p.fixed);
  out[c.name] = {
    transform: c.transform,
    metric: c.metric,
    matrix: e.matrix,
    maxDisplacementErrorMm: err,
    cpuS: e.cpuS,
    parameterFile: parameterFile(c.transform, c.metric),
  };
  console.log(c.name, err.toFixed(3), "mm", e.cpuS, "s CPU");
}
writeFileSync(
  fileURLToPath(new URL("./elastix_results.json", import.meta.url)),
  `${JSON.stringify({ elastix: version, generated: new Date().toISOString().slice(0, 10), cases: out }, null, 2)}\n`,
);
