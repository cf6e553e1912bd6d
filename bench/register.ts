/**
 * bench register: eprscope's registration (src/core/registration) against Debian's elastix 5.0.1
 * (CLI, -threads 1, parameter files: test/reference/elastix/elastix.ts and bspline_*.txt) on the
 * same phantom pairs with known transforms (test/reference/elastix/cases.ts), in one run.
 *  1. rigid/affine (CASES): max displacement error over the fixed grid (mm = voxels of 1 mm) of
 *     "before" (the previous method: trilinear interpolation, 48 × 48 histogram bins) and "after"
 *     (the defaults: cubic B-spline interpolation for affine, 128 fixed bins), and elastix;
 *     `--old-phantom` repeats it on the original 2³-supersampled phantom; `--seeds` adds the
 *     affine CT↔MR geometry over 7 noise seeds (mean and max error, before/after);
 *  2. B-spline (BSPLINE_CASES, 0.75 mm voxels): field error over the body mask (RMS, 95th
 *     percentile, voxels), Dice of the propagated labels (liver, spleen, kidney), for the affine
 *     stage alone, eprscope's B-spline and elastix's affine → BSplineTransform.
 * Time: CPU s (user + sys; process.cpuUsage() for ours, /usr/bin/time for elastix); ratio =
 * elastix CPU / ours. Usage: npm run bench -- register [--linear-only | --bspline-only]
 * [--old-phantom] [--seeds]
 */
import { spawnSync } from "node:child_process";
import { affineField } from "../src/core/registration/bspline.js";
import { bsplineField, registerBSpline } from "../src/core/registration/deformable.js";
import { type RegisterOptions, register } from "../src/core/registration/register.js";
import { fromNested, maxDisplacementMm } from "../src/core/registration/transform.js";
import { type FieldScore, scoreField } from "../test/core/registration/deformPhantom.js";
import { BSPLINE_CASES, CASES, type PairOptions } from "../test/reference/elastix/cases.js";
import { runElastix, runElastixBSpline } from "../test/reference/elastix/elastix.js";

const args = new Set(process.argv.slice(2));
const haveElastix = spawnSync("elastix", ["--version"]).status === 0;
if (!haveElastix) console.log("elastix not found (apt-get install elastix): eprscope only");
const BEFORE: Partial<RegisterOptions> = { interpolation: "linear", fixedBins: 48 };

function cpuOf<T>(f: () => T): { value: T; cpu: number } {
  const u0 = process.cpuUsage();
  const value = f();
  const u = process.cpuUsage(u0);
  return { value, cpu: (u.user + u.system) / 1e6 };
}

const f3 = (x: number) => x.toFixed(3).padStart(7);
const f2 = (x: number) => x.toFixed(2).padStart(6);

function linear(label: string, o: PairOptions): void {
  console.log(`\n${label}: max displacement error, voxels (1 mm); CPU s`);
  console.log("case               | before   CPU | after    CPU | elastix  CPU | CPU elastix/after");
  for (const c of CASES) {
    const p = c.pair(o);
    const run = (extra: Partial<RegisterOptions>) =>
      cpuOf(() => register(p.fixed, p.moving, { transform: c.transform, metric: c.metric, ...extra }));
    const b = run(BEFORE);
    const a = run({});
    const eb = maxDisplacementMm(b.value.matrix, p.truth, p.fixed);
    const ea = maxDisplacementMm(a.value.matrix, p.truth, p.fixed);
    let e = { err: Number.NaN, cpu: Number.NaN };
    if (haveElastix) {
      const el = runElastix(p.fixed, p.moving, c.transform, c.metric);
      e = { err: maxDisplacementMm(fromNested(el.matrix), p.truth, p.fixed), cpu: el.cpuS };
    }
    console.log(
      `${c.name.padEnd(18)} | ${f3(eb)} ${f2(b.cpu)} | ${f3(ea)} ${f2(a.cpu)} | ${f3(e.err)} ${f2(e.cpu)} | ${(e.cpu / a.cpu).toFixed(1)}×`,
    );
  }
}

function seeds(): void {
  const c = CASES[1];
  console.log(`\n${c.name} over 7 noise seeds (adaptive phantom): error voxels, mean / max`);
  for (const [name, extra] of [
    ["before", BEFORE],
    ["after", {}],
  ] as const) {
    const errs = [2, 11, 12, 13, 14, 15, 16].map((seed) => {
      const p = c.pair({ seed });
      const r = register(p.fixed, p.moving, { transform: c.transform, metric: c.metric, ...extra });
      return maxDisplacementMm(r.matrix, p.truth, p.fixed);
    });
    console.log(
      `${name.padEnd(7)} mean ${f3(errs.reduce((s, x) => s + x, 0) / errs.length)}  max ${f3(Math.max(...errs))}  [${errs.map((x) => x.toFixed(2)).join(" ")}]`,
    );
  }
}

function bspline(): void {
  console.log(
    "\nB-spline: field error over the body (voxels of 0.75 mm), Dice of the propagated labels; CPU s",
  );
  console.log(
    "case                          method      |  RMS    p95  | liver spleen kidney |   CPU  | CPU elastix/ours",
  );
  const row = (name: string, method: string, s: FieldScore, cpu: number, ratio = "") =>
    console.log(
      `${name.padEnd(29)} ${method.padEnd(11)} | ${s.rms_vox.toFixed(3)}  ${s.p95_vox.toFixed(3)} | ${s.dice.liver.toFixed(3)} ${s.dice.spleen.toFixed(3)}  ${s.dice.kidney.toFixed(3)} | ${f2(cpu)} | ${ratio}`,
    );
  for (const c of BSPLINE_CASES) {
    const p = c.pair();
    const ours = cpuOf(() => registerBSpline(p.fixed, p.moving, { metric: c.metric }));
    const so = scoreField(p, bsplineField(ours.value));
    row(c.name, "affine only", scoreField(p, affineField(p.fixed, ours.value.matrix)), Number.NaN);
    if (haveElastix) {
      const el = runElastixBSpline(p.fixed, p.moving, c.metric);
      row(c.name, "eprscope", so, ours.cpu, `${(el.cpuS / ours.cpu).toFixed(1)}×`);
      row(c.name, "elastix", scoreField(p, el.field), el.cpuS);
    } else row(c.name, "eprscope", so, ours.cpu);
    row(c.name, "true field", scoreField(p, p.truthField), Number.NaN);
  }
}

if (!args.has("--bspline-only")) {
  linear("rigid/affine, adaptive partial-volume phantom", {});
  if (args.has("--old-phantom"))
    linear("rigid/affine, original 2³-supersampled phantom", { render: "uniform2" });
  if (args.has("--seeds")) seeds();
}
if (!args.has("--linear-only")) bspline();
