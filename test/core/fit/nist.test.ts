/**
 * Conformance: Levenberg–Marquardt on the 27 NIST StRD nonlinear regression problems, from
 * start 1 and start 2, with the solver's default settings for every problem (no tuning per
 * problem; central finite differences, since these models have no analytic Jacobians here).
 * Pass = every certified parameter to ≥ 6 significant digits (LRE ≥ 6), the
 * residual sum of squares likewise and the certified standard deviations to ≥ 4 digits.
 * Known failures are listed as data below, with the reason; the test fails if a listed case
 * starts passing (so the list stays honest) or an unlisted case fails.
 */
import { describe, expect, it } from "vitest";
import { levenbergMarquardt } from "../../../src/core/fit/levenbergMarquardt.js";
import type { CurveModel } from "../../../src/core/fit/types.js";
import { lre, readNistNonlinear } from "../../helpers/nist.js";

type F = (b: Float64Array, x: number[]) => number;
const { exp, atan, cos, sin, PI, log } = Math;
const MODELS: Record<string, F> = {
  Misra1a: (b, [x]) => b[0] * (1 - exp(-b[1] * x)),
  Misra1b: (b, [x]) => b[0] * (1 - (1 + (b[1] * x) / 2) ** -2),
  Misra1c: (b, [x]) => b[0] * (1 - (1 + 2 * b[1] * x) ** -0.5),
  Misra1d: (b, [x]) => (b[0] * b[1] * x) / (1 + b[1] * x),
  Chwirut1: (b, [x]) => exp(-b[0] * x) / (b[1] + b[2] * x),
  Chwirut2: (b, [x]) => exp(-b[0] * x) / (b[1] + b[2] * x),
  Lanczos1: (b, [x]) => b[0] * exp(-b[1] * x) + b[2] * exp(-b[3] * x) + b[4] * exp(-b[5] * x),
  Lanczos2: (b, [x]) => b[0] * exp(-b[1] * x) + b[2] * exp(-b[3] * x) + b[4] * exp(-b[5] * x),
  Lanczos3: (b, [x]) => b[0] * exp(-b[1] * x) + b[2] * exp(-b[3] * x) + b[4] * exp(-b[5] * x),
  Gauss1: (b, [x]) =>
    b[0] * exp(-b[1] * x) +
    b[2] * exp(-((x - b[3]) ** 2) / b[4] ** 2) +
    b[5] * exp(-((x - b[6]) ** 2) / b[7] ** 2),
  Gauss2: (b, [x]) =>
    b[0] * exp(-b[1] * x) +
    b[2] * exp(-((x - b[3]) ** 2) / b[4] ** 2) +
    b[5] * exp(-((x - b[6]) ** 2) / b[7] ** 2),
  Gauss3: (b, [x]) =>
    b[0] * exp(-b[1] * x) +
    b[2] * exp(-((x - b[3]) ** 2) / b[4] ** 2) +
    b[5] * exp(-((x - b[6]) ** 2) / b[7] ** 2),
  DanWood: (b, [x]) => b[0] * x ** b[1],
  Kirby2: (b, [x]) => (b[0] + b[1] * x + b[2] * x ** 2) / (1 + b[3] * x + b[4] * x ** 2),
  Hahn1: (b, [x]) =>
    (b[0] + b[1] * x + b[2] * x ** 2 + b[3] * x ** 3) / (1 + b[4] * x + b[5] * x ** 2 + b[6] * x ** 3),
  Nelson: (b, [x1, x2]) => b[0] - b[1] * x1 * exp(-b[2] * x2),
  MGH17: (b, [x]) => b[0] + b[1] * exp(-x * b[3]) + b[2] * exp(-x * b[4]),
  Roszman1: (b, [x]) => b[0] - b[1] * x - atan(b[2] / (x - b[3])) / PI,
  ENSO: (b, [x]) =>
    b[0] +
    b[1] * cos((2 * PI * x) / 12) +
    b[2] * sin((2 * PI * x) / 12) +
    b[4] * cos((2 * PI * x) / b[3]) +
    b[5] * sin((2 * PI * x) / b[3]) +
    b[7] * cos((2 * PI * x) / b[6]) +
    b[8] * sin((2 * PI * x) / b[6]),
  MGH09: (b, [x]) => (b[0] * (x ** 2 + x * b[1])) / (x ** 2 + x * b[2] + b[3]),
  Thurber: (b, [x]) =>
    (b[0] + b[1] * x + b[2] * x ** 2 + b[3] * x ** 3) / (1 + b[4] * x + b[5] * x ** 2 + b[6] * x ** 3),
  BoxBOD: (b, [x]) => b[0] * (1 - exp(-b[1] * x)),
  Rat42: (b, [x]) => b[0] / (1 + exp(b[1] - b[2] * x)),
  MGH10: (b, [x]) => b[0] * exp(b[1] / (x + b[2])),
  Eckerle4: (b, [x]) => (b[0] / b[1]) * exp(-0.5 * ((x - b[2]) / b[1]) ** 2),
  Rat43: (b, [x]) => b[0] / (1 + exp(b[1] - b[2] * x)) ** (1 / b[3]),
  Bennett5: (b, [x]) => b[0] * (b[1] + x) ** (-1 / b[2]),
};
/** Nelson's response is log[y] */
const TRANSFORM: Record<string, (y: number) => number> = { Nelson: log };

/**
 * Cases that do not reach 6 digits with default settings, and why (investigated). For these
 * the solver must at least say so: `converged` is false.
 */
const KNOWN_FAILURES: Record<string, string> = {
  "BoxBOD/start1":
    "from b = (1, 1) the steps drive b2 up until exp(−b2·x) ≈ 0 at every x ≥ 1: the b2 column of J vanishes, a plateau; reported as status 'singular'",
  "MGH10/start1":
    "start 1 is 4–5 orders of magnitude from the solution along a narrow curved valley; 800 iterations are not enough; reported as 'max-iterations' (NIST: 'Higher' difficulty)",
};

function fitProblem(name: string, start: number[]) {
  const d = readNistNonlinear(name);
  const f = MODELS[name];
  const tr = TRANSFORM[name] ?? ((v: number) => v);
  const y = Float64Array.from(d.y, tr);
  const model: CurveModel = {
    nParams: start.length,
    nPoints: y.length,
    evaluate(p, out) {
      for (let i = 0; i < d.x.length; i++) out[i] = f(p, d.x[i]);
    },
  };
  const res = levenbergMarquardt(model, y, Float64Array.from(start), { finiteDifferences: "central" });
  const digits = Math.min(...d.certified.map((c, k) => lre(res.params[k], c)));
  const rssDigits = name === "Lanczos1" ? (Math.abs(res.rss - d.rss) < 1e-19 ? 16 : 0) : lre(res.rss, d.rss);
  // Lanczos1's certified RSS (1.4e-25) and SDs sit at rounding level (README): SDs not comparable
  const sdDigits =
    name === "Lanczos1"
      ? 16
      : res.stderr
        ? Math.min(...d.certifiedSd.map((c, k) => lre((res.stderr as Float64Array)[k], c)))
        : 0;
  return { res, digits, rssDigits, sdDigits };
}

describe("Levenberg–Marquardt on NIST StRD nonlinear problems", () => {
  const summary: string[] = [];
  let passed = 0;
  let total = 0;
  for (const name of Object.keys(MODELS)) {
    for (const s of [1, 2] as const) {
      const key = `${name}/start${s}`;
      it(key, () => {
        const d = readNistNonlinear(name);
        const r = fitProblem(name, s === 1 ? d.start1 : d.start2);
        const ok = r.digits >= 6 && r.rssDigits >= 6 && r.sdDigits >= 4;
        total++;
        if (ok) passed++;
        summary.push(
          `${key}: params ${r.digits.toFixed(1)} digits, rss ${r.rssDigits.toFixed(1)}, sd ${r.sdDigits.toFixed(1)}, ${r.res.status} (${r.res.message}), ${r.res.iterations} it`,
        );
        if (KNOWN_FAILURES[key]) {
          expect(ok, `${key} is listed as a known failure but passes: remove it from the list`).toBe(false);
          expect(r.res.converged, `${key} fails: the solver must not claim convergence`).toBe(false);
        } else expect(ok, `${key}: ${summary[summary.length - 1]}`).toBe(true);
      });
    }
  }
  it("summary", () => {
    console.log(`NIST StRD nonlinear: ${passed} of ${total} cases pass (≥ 6 digits)\n${summary.join("\n")}`);
    expect(total).toBe(54);
  });
});
