/**
 * Reference run: Debian elastix 5.0.1 affine → B-spline (parameter files: elastix.ts
 * parameterFile("affine", metric) and the committed bspline_ncc.txt / bspline_mi.txt, final
 * control spacing 6 mm, 3 resolutions, ASGD 500 iterations, 4000 random samples) on the
 * deformable cases (cases.ts BSPLINE_CASES). Writes bspline_results.json: per case the field
 * error against the known deformation over the body mask (RMS, 95th percentile, max; mm and
 * voxels of 0.75 mm), the Dice of the atlas labels carried by elastix's field (nearest
 * neighbour) against the truth labels, and elastix's CPU time (s, -threads 1). Run once:
 *   npx tsx test/reference/elastix/run-bspline.ts
 * Tests read the JSON; they never run elastix.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { scoreField } from "../../core/registration/deformPhantom.js";
import { BSPLINE_CASES } from "./cases.js";
import { runElastixBSpline } from "./elastix.js";

const out: Record<string, unknown> = {};
for (const c of BSPLINE_CASES) {
  const p = c.pair();
  const e = runElastixBSpline(p.fixed, p.moving, c.metric);
  const s = scoreField(p, e.field);
  out[c.name] = { metric: c.metric, ...s, cpuS: e.cpuS };
  console.log(c.name, JSON.stringify(s), e.cpuS, "s CPU");
}
writeFileSync(
  fileURLToPath(new URL("./bspline_results.json", import.meta.url)),
  `${JSON.stringify({ elastix: "elastix version: 5.0.1", generated: new Date().toISOString().slice(0, 10), parameterFiles: ["elastix.ts parameterFile(\"affine\", metric)", "bspline_ncc.txt", "bspline_mi.txt"], cases: out }, null, 2)}\n`,
);
