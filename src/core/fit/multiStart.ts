/**
 * Multi-start Levenberg–Marquardt: fits from several starting points (given, plus seeded
 * log-uniform perturbations inside the bounds) and keeps the best converged optimum. Guards
 * against local minima in multi-exponential and compartment models.
 */
import { Rng } from "../random.js";
import { createLmWorkspace, levenbergMarquardt } from "./levenbergMarquardt.js";
import type { CurveModel, FitResult, LmOptions } from "./types.js";

export function multiStartFit(
  model: CurveModel,
  y: Float64Array,
  starts: Float64Array[],
  opts: LmOptions & { random?: number; seed?: number } = {},
): FitResult & { starts: number } {
  const ws = createLmWorkspace(model.nParams, model.nPoints);
  const all = [...starts];
  const rng = new Rng(opts.seed ?? 1);
  for (let r = 0; r < (opts.random ?? 0); r++) {
    const base = starts[r % starts.length];
    all.push(
      base.map((v, j) => {
        let x = v * Math.exp(rng.between(-Math.log(10), Math.log(10)));
        if (opts.lower && x < opts.lower[j]) x = opts.lower[j];
        if (opts.upper && x > opts.upper[j]) x = opts.upper[j];
        return x;
      }),
    );
  }
  let best: FitResult | undefined;
  for (const s of all) {
    const f = levenbergMarquardt(model, y, s, opts, ws);
    if (!best || (f.converged && !best.converged) || (f.converged === best.converged && f.rss < best.rss))
      best = f;
  }
  return { ...(best as FitResult), starts: all.length };
}
